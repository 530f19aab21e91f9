"""Normalised scores catch up through Redis and a real Celery worker after reviews are saved."""

import pytest

from reviews import scores, selectors, tasks
from reviews.models import Review
from tests.factories import (
    EventFactory,
    ProposalFactory,
    ReviewerFactory,
    ReviewerTeamFactory,
    SpeakerFactory,
)
from tests.helpers import assigned_review_form, page, wait_until
from tests.reviews.helpers import give_review

pytestmark = pytest.mark.celery


def normalised(queryset) -> dict[str, float | None]:
    return {p.title: p.normalised for p in queryset}


def test_a_worker_recomputes_the_normalised_scores_after_reviews(celery_worker_process):
    event = EventFactory(name="Scores Summit")
    harsh, lenient, middle = (ReviewerFactory() for _ in range(3))
    ReviewerTeamFactory(event=event, members=[harsh, lenient, middle])
    grid = {"Alpha": (2, 5, 4), "Bravo": (1, 4, 3), "Charlie": (3, 5, 2), "Delta": (1, 3, 5)}
    for title, values in grid.items():
        proposal = ProposalFactory(event=event, title=title)
        proposal.submit(by=proposal.speakers.get())
        for reviewer, value in zip((harsh, lenient, middle), values, strict=True):
            give_review(proposal, reviewer, value)  # each commits and enqueues a refresh

    caught_up = wait_until(lambda: event.pk not in scores.stale_event_ids(), timeout=60)

    log = celery_worker_process.output()
    assert caught_up, log
    assert "reviews.tasks.refresh_scores" in log
    viewer = SpeakerFactory()
    live = normalised(selectors.ranked_proposals(event, viewer))
    stored = normalised(selectors.ranked_scores(event, viewer))
    assert stored == pytest.approx(live, abs=1e-9)
    # The scales moved the ranking away from the raw means: the refresh did real work.
    assert stored != pytest.approx(
        {p.title: p.mean_score for p in selectors.ranked_proposals(event, viewer)}, abs=1e-6
    )


def test_redis_down_while_a_review_is_saved(client, own_redis, make_worker):
    event, reviewer, proposal, url, criteria = assigned_review_form()
    client.force_login(reviewer)

    own_redis.stop()
    response = client.post(url, {**criteria, "comment": "Solide, 很好.", "_save": "Save"})

    assert response.status_code == 302 and response.url == url
    assert "is saved" in page(client.get(url))
    review = Review.objects.get(proposal=proposal, reviewer=reviewer)
    assert (review.comment, review.score) == ("Solide, 很好.", 4)
    assert event.pk in scores.stale_event_ids()  # left for the sweeper

    own_redis.start()
    worker = make_worker(own_redis.broker)
    worker.start()
    tasks.refresh_stale_scores()  # what Celery beat runs every minute

    assert wait_until(lambda: event.pk not in scores.stale_event_ids()), worker.output()
