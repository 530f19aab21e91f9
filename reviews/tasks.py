"""The review scores' Celery tasks: thin, each hands over to reviews.scores, imported inside
the task (scores sends its task by name and never imports this module)."""

from celery import shared_task

from config.celery import sweep


@shared_task(name="reviews.tasks.refresh_scores", acks_late=True)
def refresh_scores(*, event_id: int) -> bool:
    """Recompute an event's reviewer scales and normalised scores (once, however often asked)."""
    from reviews import scores

    return scores.scores_refresh_if_stale(event_id)


@shared_task(name="reviews.tasks.refresh_stale_scores")
def refresh_stale_scores() -> int:
    """Beat: start the refresh again for events whose task was lost (Redis down, worker killed)."""
    from reviews import scores

    stale = scores.stale_event_ids()
    return sweep(scores.REFRESH_TASK, ({"event_id": event_id} for event_id in stale))
