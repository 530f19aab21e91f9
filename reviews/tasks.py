from celery import shared_task

from reviews import scores


@shared_task(acks_late=True)
def refresh_scores(*, event_id: int) -> bool:
    """Recompute an event's reviewer scales and normalised scores (once, however often asked)."""
    return scores.refresh_if_stale(event_id)


@shared_task
def refresh_stale_scores() -> int:
    """Beat: start the refresh again for events whose task was lost (Redis down, worker killed)."""
    event_ids = scores.stale_event_ids()
    for event_id in event_ids:
        refresh_scores.delay(event_id=event_id)
    return len(event_ids)
