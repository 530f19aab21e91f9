from celery import shared_task


@shared_task(name="cfp.tasks.send_confirmation_reminders")
def send_confirmation_reminders() -> int:
    """Daily (beat): remind accepted speakers who have not confirmed; once per proposal."""
    from cfp import decisions

    return decisions.confirmation_reminders_send()


@shared_task(name="cfp.tasks.send_slides_reminders")
def send_slides_reminders() -> int:
    """Hourly (beat): remind speakers of confirmed talks without slides; once per speaker."""
    from cfp import slides

    return slides.slides_reminders_send()
