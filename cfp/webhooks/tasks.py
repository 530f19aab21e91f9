"""The webhooks' Celery tasks: thin, each takes ids and hands over to cfp.webhooks.deliver,
imported inside the task (services send tasks by their registered names and never import
this module)."""

from celery import shared_task


# The row counts the attempts and stops raising TransientFailure after the last one: the row
# decides, not Celery's own retry count.
@shared_task(name="cfp.tasks.deliver_webhook", bind=True, max_retries=None, acks_late=True)
def deliver_webhook(self, *, delivery_pk: int) -> str:
    from cfp.webhooks import deliver

    try:
        return deliver.delivery_attempt(delivery_pk)
    except deliver.TransientFailure as exc:
        # The row already says when to try again; the sweeper covers a lost retry.
        raise self.retry(countdown=exc.retry_in.total_seconds(), exc=exc) from exc


@shared_task(name="cfp.tasks.requeue_due_webhooks")
def requeue_due_webhooks() -> int:
    """Beat, every minute: the webhooks' sweeper."""
    from cfp.webhooks import deliver

    return deliver.deliveries_requeue_due()
