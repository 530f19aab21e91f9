from celery import shared_task

from cfp import decisions


@shared_task(name="cfp.tasks.send_confirmation_reminders")
def send_confirmation_reminders() -> int:
    """Daily (beat): remind accepted speakers who have not confirmed; once per proposal."""
    return decisions.confirmation_reminders_send()
