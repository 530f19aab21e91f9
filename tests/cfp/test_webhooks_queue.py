"""Webhooks queued with the change that causes them: one delivery per active endpoint of the
event subscribed to the kind, the body as the receiver will get it, sent after the commit."""

import json
import re
from datetime import time, timedelta

import pytest
from django.db import transaction

from cfp import decisions, services
from cfp.models import Message, WebhookDelivery, WebhookEndpoint
from cfp.programme import schedule
from cfp.webhooks.kinds import DeliveryState, WebhookKind
from cfp.webhooks.queue import webhook_queue
from reviews.models import Assignment
from tests.factories import (
    EventFactory,
    ProposalFactory,
    ReviewerFactory,
    ReviewerTeamFactory,
    RoomFactory,
    SpeakerFactory,
    TrackFactory,
    UserFactory,
)
from tests.reviews.helpers import give_review

pytestmark = pytest.mark.django_db

ALL_KINDS = [kind.value for kind in WebhookKind]


def endpoint(event, kinds=ALL_KINDS, **fields) -> WebhookEndpoint:
    return WebhookEndpoint.objects.create(
        event=event, url="https://hooks.example.org/lectern", kinds=list(kinds), **fields
    )


def bodies(kind=None) -> list[dict]:
    rows = WebhookDelivery.objects.order_by("pk")
    if kind:
        rows = rows.filter(kind=kind)
    return [json.loads(row.body) for row in rows]


@pytest.fixture
def world():
    organizer = UserFactory(is_staff=True)
    event = EventFactory(organizers=[organizer], name="Kernel Summit 東京", slug="kernel")
    speaker = SpeakerFactory(email="ada@kernel.test")
    track = TrackFactory(event=event, name="Développement")
    proposal = ProposalFactory(
        event=event,
        speakers=[speaker],
        title="Ünïcode 🚀 talk",
        track=track,
        notes="Secret notes",
    )
    return type("World", (), {"organizer": organizer, "event": event, "speaker": speaker,
                              "proposal": proposal, "track": track})  # fmt: skip


def test_submit_queues_one_delivery_per_subscribed_active_endpoint(
    world, django_capture_on_commit_callbacks
):
    wanted = endpoint(world.event, [WebhookKind.PROPOSAL_SUBMITTED])
    endpoint(world.event, [WebhookKind.REVIEW_SAVED])  # not subscribed to submissions
    endpoint(world.event, ALL_KINDS, active=False)  # switched off
    endpoint(EventFactory(), ALL_KINDS)  # another event's

    with django_capture_on_commit_callbacks() as callbacks:
        services.proposal_submit(proposal=world.proposal, by=world.speaker)

    (delivery,) = WebhookDelivery.objects.all()
    assert delivery.endpoint == wanted
    assert delivery.event == world.event
    assert delivery.kind == WebhookKind.PROPOSAL_SUBMITTED
    assert delivery.state == DeliveryState.PENDING and delivery.attempts == 0
    body = json.loads(delivery.body)
    assert body["id"] == str(delivery.delivery_id)
    assert body["type"] == "proposal.submitted"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z", body["created_at"])
    assert body["event"] == {"slug": "kernel", "name": "Kernel Summit 東京"}
    assert body["data"] == {
        "code": world.proposal.code,
        "title": "Ünïcode 🚀 talk",
        "state": "submitted",
        "track": "Développement",
        "submission_type": world.proposal.submission_type.name,
        "url": f"/api/v1/events/kernel/proposals/{world.proposal.code}/",
    }
    assert "Ünïcode 🚀" in delivery.body  # UTF-8 as sent, not \u escapes
    for secret in ("Secret notes", "ada@kernel.test", wanted.secret):
        assert secret not in delivery.body
    # The mail outbox's callback and the webhook's: delivered after the commit, not before.
    assert len(callbacks) == 2


def test_a_rolled_back_change_queues_nothing(world, django_capture_on_commit_callbacks):
    endpoint(world.event)

    with (
        django_capture_on_commit_callbacks() as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        services.proposal_submit(proposal=world.proposal, by=world.speaker)
        raise RuntimeError("the request failed after the submission")

    assert not WebhookDelivery.objects.exists()
    assert callbacks == []


def test_without_subscribers_queueing_costs_one_query_and_builds_nothing(
    world, django_assert_num_queries
):
    endpoint(world.event, [WebhookKind.REVIEW_SAVED])

    def data():
        raise AssertionError("the payload is built only for a subscriber")

    with django_assert_num_queries(1):
        assert webhook_queue(event=world.event, kind=WebhookKind.TALK_MOVED, data=data) == []
    assert not WebhookDelivery.objects.exists()


def test_each_endpoint_gets_its_own_delivery_id(world):
    first, second = endpoint(world.event), endpoint(world.event)

    services.proposal_submit(proposal=world.proposal, by=world.speaker)

    rows = list(WebhookDelivery.objects.order_by("endpoint_id"))
    assert [row.endpoint for row in rows] == [first, second]
    assert rows[0].delivery_id != rows[1].delivery_id
    assert [json.loads(row.body)["id"] for row in rows] == [str(r.delivery_id) for r in rows]


def test_withdraw_queues_proposal_withdrawn(world):
    services.proposal_submit(proposal=world.proposal, by=world.speaker)
    endpoint(world.event)

    services.proposal_withdraw(proposal=world.proposal, by=world.speaker)

    (body,) = bodies()
    assert body["type"] == "proposal.withdrawn"
    assert body["data"]["state"] == "withdrawn"
    assert "from_state" not in body["data"]


def test_every_decision_queues_a_state_change(world):
    services.proposal_submit(proposal=world.proposal, by=world.speaker)
    endpoint(world.event, [WebhookKind.PROPOSAL_STATE_CHANGED])
    organizer = world.organizer

    decisions.proposal_decide(proposal=world.proposal, by=organizer, accept=False)
    decisions.proposal_decide(proposal=world.proposal, by=organizer, accept=True)  # changed
    decisions.decision_undo(proposal=world.proposal, by=organizer)
    decisions.proposal_decide(proposal=world.proposal, by=organizer, accept=True)
    Message.objects.filter(proposal=world.proposal).update(state="sent")  # announced
    decisions.proposal_confirm(proposal=world.proposal, by=world.speaker)
    decisions.proposal_cancel(proposal=world.proposal, by=organizer)

    changes = [(b["data"]["from_state"], b["data"]["state"]) for b in bodies()]
    assert changes == [
        ("submitted", "rejected"),
        ("rejected", "submitted"),  # changing a decision takes the old one back first
        ("submitted", "accepted"),
        ("accepted", "submitted"),
        ("submitted", "accepted"),
        ("accepted", "confirmed"),
        ("confirmed", "canceled"),
    ]
    assert {b["type"] for b in bodies()} == {"proposal.state_changed"}


def test_decline_queues_a_state_change(world):
    world.proposal.submit(by=world.speaker)
    decisions.proposal_decide(proposal=world.proposal, by=world.organizer, accept=True)
    Message.objects.filter(proposal=world.proposal).update(state="sent")
    endpoint(world.event)

    decisions.proposal_decline(proposal=world.proposal, by=world.speaker)

    (body,) = bodies()
    assert (body["type"], body["data"]["from_state"], body["data"]["state"]) == (
        "proposal.state_changed",
        "accepted",
        "declined",
    )


def test_review_saved_names_the_proposal_reviewer_and_scores(world):
    world.proposal.submit(by=world.speaker)
    reviewer = ReviewerFactory()
    ReviewerTeamFactory(event=world.event, members=[reviewer])
    Assignment.objects.create(proposal=world.proposal, reviewer=reviewer)
    endpoint(world.event, [WebhookKind.REVIEW_SAVED])

    give_review(world.proposal, reviewer, 4, comment="Secret comment", feedback="Secret feedback")

    (body,) = bodies()
    assert body["type"] == "review.saved"
    assert body["data"] == {
        "proposal": world.proposal.code,
        "reviewer": reviewer.pk,
        "score": 4.0,
        "scores": [{"criterion": "Overall", "value": 4}],
    }
    (delivery,) = WebhookDelivery.objects.all()
    for secret in ("Secret comment", "Secret feedback", "ada@kernel.test"):
        assert secret not in delivery.body


def test_placing_and_moving_a_talk_queue_talk_moved(world):
    world.proposal.state = "confirmed"
    world.proposal.save()
    room, other_room = RoomFactory(event=world.event, name="Saal 1"), RoomFactory(event=world.event)
    endpoint(world.event, [WebhookKind.TALK_MOVED])
    start = schedule.local_to_utc(world.event, world.event.start_date, time(10))

    slot = schedule.talk_place(event=world.event, proposal=world.proposal, room=room, start=start)
    schedule.slot_move(slot=slot, room=other_room, start=start + timedelta(hours=1))
    schedule.break_add(event=world.event, title="Lunch", start=start, duration=60)  # no talk

    placed, moved = bodies()
    assert placed["type"] == moved["type"] == "talk.moved"
    assert placed["data"]["room"] == "Saal 1"
    assert placed["data"]["start"] == start.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert placed["data"]["end"] == (start + timedelta(minutes=40)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert moved["data"]["proposal"] == world.proposal.code
    assert moved["data"]["room"] == other_room.name
    assert moved["data"]["start"] == (start + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")


def test_schedule_published_counts_the_talks_in_it(world):
    room = RoomFactory(event=world.event)
    start = schedule.local_to_utc(world.event, world.event.start_date, time(10))
    for i in range(2):
        talk = ProposalFactory(event=world.event, state="confirmed")
        schedule.talk_place(
            event=world.event, proposal=talk, room=room, start=start + timedelta(hours=i)
        )
    ProposalFactory(event=world.event, state="confirmed")  # accepted, not placed yet
    endpoint(world.event, [WebhookKind.SCHEDULE_PUBLISHED])

    version, _ = schedule.schedule_publish(
        event=world.event, name="1.0", by=world.organizer, notify=False
    )

    (body,) = bodies()
    assert body["type"] == "schedule.published"
    assert body["data"]["version"] == "1.0"
    assert body["data"]["talks"] == 2
