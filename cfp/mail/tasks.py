"""The outbox's Celery tasks: thin, each takes ids and hands over to a service of
cfp.mail.outbox, imported inside the task (services send tasks by name and never import
this module). Their names stay those of their first home, cfp.tasks, so that a task queued
before an upgrade still finds its code."""

from celery import shared_task


# The outbox's row counts the attempts and stops raising TransientFailure after the last one:
# the row decides, not Celery's own retry count.
@shared_task(name="cfp.tasks.deliver_message", bind=True, max_retries=None, acks_late=True)
def deliver_message(self, *, message_id: int) -> str:
    from cfp.mail import outbox

    try:
        return outbox.message_deliver(message_id)
    except outbox.TransientFailure as exc:
        # The row already says when to try again; the sweeper covers a lost retry.
        raise self.retry(countdown=exc.retry_in.total_seconds(), exc=exc) from exc


@shared_task(name="cfp.tasks.requeue_due_messages")
def requeue_due_messages() -> int:
    """Beat, every minute: the outbox's sweeper."""
    from cfp.mail import outbox

    outbox.batches_resume()  # batches whose release task was lost
    return outbox.messages_requeue_due()


@shared_task(name="cfp.tasks.release_batch", acks_late=True)
def release_batch(batch_id: int) -> int:
    """Release an organizer's batch of drafts; running it twice releases them once."""
    from cfp.mail import outbox

    return outbox.batch_release(batch_id)
