"""Sending tasks (config.celery): by name, on commit, through a broker that may be down.

A task sent here is the review-score refresh: its work shows in the database (the event's
scores are no longer stale). "The broker is down" is a real Redis address where nothing
listens, so every send fails the way it does in production.
"""

import logging

import pytest
from celery.exceptions import NotRegistered
from django.db import transaction

from config.celery import enqueue, enqueue_on_commit, sweep
from reviews import scores
from reviews.models import Review, ReviewSettings
from tests.factories import EventFactory
from tests.helpers import assigned_review_form, celery_conf, page

REFRESH = "reviews.tasks.refresh_scores"
NOBODY_LISTENS = "redis://127.0.0.1:1/0"


@pytest.fixture
def broker_down():
    with celery_conf(
        broker_url=NOBODY_LISTENS,
        task_always_eager=False,
        broker_connection_timeout=1,
        broker_transport_options={"socket_connect_timeout": 1, "socket_timeout": 1},
    ):
        yield


def stale_event(**kwargs):
    """An event whose normalised scores wait for a refresh (a review changed since the last)."""
    event = EventFactory(**kwargs)
    ReviewSettings.objects.filter(event=event).update(scores_version=1)  # made with the event
    return event


@pytest.mark.django_db
def test_enqueue_by_name_runs_the_task_in_process_without_a_broker():
    event = stale_event()

    sent = enqueue(REFRESH, event_id=event.pk)

    assert sent is True
    assert event.pk not in scores.stale_event_ids()  # the refresh ran, here and now
    assert ReviewSettings.objects.get(event=event).scores_refreshed_version == 1


@pytest.mark.django_db
def test_enqueue_by_a_name_nobody_registered_fails_loudly():
    with pytest.raises(NotRegistered):
        enqueue("reviews.tasks.no_such_task", event_id=1)
    with pytest.raises(NotRegistered):
        enqueue_on_commit("reviews.tasks.no_such_task", event_id=1)


@pytest.mark.django_db
def test_enqueue_with_the_broker_down_logs_and_leaves_the_work(broker_down, caplog):
    event = stale_event()

    with caplog.at_level(logging.WARNING, logger="config.celery"):
        sent = enqueue(REFRESH, event_id=event.pk)

    assert sent is False
    assert event.pk in scores.stale_event_ids()  # left for the sweeper
    [record] = [r for r in caplog.records if r.name == "config.celery"]
    assert record.levelno == logging.WARNING
    assert f"Could not enqueue {REFRESH}({{'event_id': {event.pk}}}), its sweeper will" in (
        record.getMessage()
    )


@pytest.mark.django_db(transaction=True)
def test_enqueue_on_commit_sends_after_the_commit_and_nothing_after_a_rollback():
    kept, rolled_back = stale_event(name="Kept"), stale_event(name="Rolled back")

    with transaction.atomic():
        enqueue_on_commit(REFRESH, event_id=kept.pk)
        assert kept.pk in scores.stale_event_ids()  # not before the commit
    with pytest.raises(RuntimeError), transaction.atomic():
        enqueue_on_commit(REFRESH, event_id=rolled_back.pk)
        raise RuntimeError("the change fails")

    assert scores.stale_event_ids() == [rolled_back.pk]


@pytest.mark.django_db(transaction=True)
def test_a_review_saved_with_the_broker_down_is_saved_and_answered(client, broker_down, caplog):
    event, reviewer, proposal, url, criteria = assigned_review_form()
    client.force_login(reviewer)

    with caplog.at_level(logging.WARNING, logger="config.celery"):
        response = client.post(url, {**criteria, "comment": "Solide, 很好.", "_save": "Save"})

    assert response.status_code == 302 and response.url == url
    assert "is saved" in page(client.get(url))
    review = Review.objects.get(proposal=proposal, reviewer=reviewer)
    assert (review.comment, review.score) == ("Solide, 很好.", 4)
    assert event.pk in scores.stale_event_ids()  # the refresh waits for the sweeper
    assert any(f"Could not enqueue {REFRESH}" in r.getMessage() for r in caplog.records)


@pytest.mark.django_db
def test_sweep_sends_each_due_row_and_counts_them():
    events = [stale_event() for _ in range(3)]

    sent = sweep(REFRESH, ({"event_id": event.pk} for event in events))

    assert sent == 3
    assert scores.stale_event_ids() == []


@pytest.mark.django_db
def test_sweep_with_the_broker_down_stops_at_the_first_failure(broker_down, caplog):
    events = [stale_event() for _ in range(3)]

    with caplog.at_level(logging.WARNING, logger="config.celery"):
        sent = sweep(REFRESH, ({"event_id": event.pk} for event in events))

    assert sent == 0
    assert sorted(scores.stale_event_ids()) == sorted(event.pk for event in events)
    assert len([r for r in caplog.records if r.name == "config.celery"]) == 1
