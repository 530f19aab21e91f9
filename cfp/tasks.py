from celery import shared_task

from cfp import outbox


@shared_task(bind=True, max_retries=outbox.MAX_ATTEMPTS, acks_late=True)
def deliver_message(self, *, message_id: int) -> str:
    try:
        return outbox.deliver(message_id)
    except outbox.TransientFailure as exc:
        # The row already says when to try again; the sweeper covers a lost retry.
        raise self.retry(countdown=exc.retry_in.total_seconds(), exc=exc) from exc


@shared_task
def requeue_due_messages() -> int:
    return outbox.requeue_due()
