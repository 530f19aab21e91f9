"""Reviewers save while the event's figures are being refreshed: nobody waits in a circle.

Each review_save writes its proposal's score row and then the event's settings row; the
refresh writes every score row. If the refresh also took the settings row inside its
transaction, PostgreSQL would find a deadlock (as CI once did with a real worker).
"""

import threading

import pytest
from django.db import connection, connections

from reviews import scores, selectors, services
from reviews.models import Assignment
from tests.factories import (
    EventFactory,
    ProposalFactory,
    ReviewerFactory,
    ReviewerTeamFactory,
    SpeakerFactory,
)

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks: PostgreSQL"),
]

ROUNDS = 6


def test_reviews_saved_during_refreshes_never_deadlock():
    event = EventFactory()
    reviewers = [ReviewerFactory() for _ in range(4)]
    ReviewerTeamFactory(event=event, members=reviewers)
    proposals = []
    for i in range(12):
        proposal = ProposalFactory(event=event, title=f"P{i}")
        proposal.submit(by=proposal.speakers.get())
        for reviewer in reviewers:
            Assignment.objects.create(proposal=proposal, reviewer=reviewer)
        proposals.append(proposal)
    criterion = selectors.criteria_for(event)[0]
    errors: list[BaseException] = []
    done = threading.Event()

    def reviewer_saves(reviewer, offset):
        try:
            for round_ in range(ROUNDS):
                for i, proposal in enumerate(proposals):
                    value = 1 + (i + offset + round_) % 5
                    services.review_save(
                        proposal=proposal, reviewer=reviewer, values={criterion.pk: value}
                    )
        except BaseException as exc:  # noqa: BLE001 (reported by the main thread)
            errors.append(exc)
        finally:
            connections.close_all()

    def refresher():
        try:
            while not done.is_set():
                scores.scores_refresh_if_stale(event.pk)
        except BaseException as exc:  # noqa: BLE001 (reported by the main thread)
            errors.append(exc)
        finally:
            connections.close_all()

    workers = [
        threading.Thread(target=reviewer_saves, args=(r, n)) for n, r in enumerate(reviewers)
    ]
    refreshing = threading.Thread(target=refresher)
    refreshing.start()
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join(timeout=120)
    done.set()
    refreshing.join(timeout=120)

    assert not errors, errors
    scores.scores_refresh_if_stale(event.pk)
    viewer = SpeakerFactory()
    live = {p.pk: p.normalised for p in selectors.ranked_proposals(event, viewer)}
    stored = {p.pk: p.normalised for p in selectors.ranked_scores(event, viewer)}
    assert stored == pytest.approx(live, abs=1e-9)
    assert event.pk not in scores.stale_event_ids()
