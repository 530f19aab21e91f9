"""The outbox through the API: each message's state for the event's organizers, never a
body, filtered by state and kind."""

from datetime import UTC, datetime

import pytest

from cfp.enums import MessageKind, MessageState
from cfp.models import Message
from speakers.models import ApiTokenScope
from tests.api.helpers import assert_matches_schema
from tests.api.organizer_world import API, ROLES, accepted, call, make_world

pytestmark = pytest.mark.django_db

SECRET = "The body nobody reads through the API"


def message(event, proposal=None, **fields) -> Message:
    values = {
        "to": "sam@example.com",
        "subject": "Hello",
        "body": SECRET,
        "html": f"<p>{SECRET}</p>",
        "kind": MessageKind.GROUP,
        "state": MessageState.PENDING,
    }
    return Message.objects.create(event=event, proposal=proposal, **{**values, **fields})


@pytest.fixture
def world(db):
    world = make_world()
    accepted(world.talk, world.organizer)  # one acceptance draft, to Sam
    world.sent = message(
        world.event,
        subject="Your slides",
        kind=MessageKind.SLIDES_REMINDER,
        state=MessageState.SENT,
        attempts=1,
        queued_at=datetime(2027, 1, 2, 10, tzinfo=UTC),
        sent_at=datetime(2027, 1, 2, 10, 1, tzinfo=UTC),
    )
    world.theirs = message(world.other_event, subject="Not yours", to="them@example.com")
    return world


def messages_url(query: str = "") -> str:
    return f"{API}/kernel/messages/{query}"


def test_organizers_see_each_messages_state_newest_first_and_never_a_body(world):
    draft = Message.objects.get(kind=MessageKind.ACCEPTANCE)

    response = call(world, "organizer", scope=ApiTokenScope.READ).get(messages_url())

    assert response.status_code == 200
    assert_matches_schema(response)
    rows = response.json()["results"]
    assert rows == [
        {
            "id": world.sent.pk,
            "kind": "slides_reminder",
            "state": "sent",
            "to": "sam@example.com",
            "subject": "Your slides",
            "attempts": 1,
            "proposal": None,
            "created_at": rows[0]["created_at"],
            "queued_at": "2027-01-02T10:00:00Z",
            "sent_at": "2027-01-02T10:01:00Z",
        },
        {
            "id": draft.pk,
            "kind": "acceptance",
            "state": "draft",
            "to": "sam@example.com",
            "subject": draft.subject,
            "attempts": 0,
            "proposal": world.talk.code,
            "created_at": rows[1]["created_at"],
            "queued_at": None,
            "sent_at": None,
        },
    ]
    assert SECRET not in response.content.decode()
    assert "Not yours" not in response.content.decode()


def test_one_message_and_another_events_is_not_found(world):
    api = call(world, "organizer", scope=ApiTokenScope.READ)

    mine = api.get(messages_url(f"{world.sent.pk}/"))
    theirs = api.get(messages_url(f"{world.theirs.pk}/"))

    assert mine.status_code == 200 and mine.json()["subject"] == "Your slides"
    assert "body" not in mine.json() and SECRET not in mine.content.decode()
    assert theirs.status_code == 404
    assert_matches_schema(mine)
    assert_matches_schema(theirs)


@pytest.mark.parametrize(
    ("query", "subjects"),
    [
        ("?state=sent", ["Your slides"]),
        ("?kind=acceptance", ["ACCEPTANCE"]),
        ("?state=draft&kind=acceptance", ["ACCEPTANCE"]),
        ("?state=failed", []),
    ],
)
def test_filter_by_state_and_kind(world, query, subjects):
    acceptance = Message.objects.get(kind=MessageKind.ACCEPTANCE).subject

    response = call(world, "organizer").get(messages_url(query))

    assert response.status_code == 200
    assert_matches_schema(response)
    found = [row["subject"] for row in response.json()["results"]]
    assert found == [acceptance if s == "ACCEPTANCE" else s for s in subjects]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("?state=lost", "state"),
        ("?kind=<script>", "kind"),
        ("?state=" + "x" * 500, "state"),
        ("?ordering=body", "ordering"),
    ],
)
def test_a_bad_filter_is_a_400_naming_it(world, query, field):
    response = call(world, "organizer").get(messages_url(query))

    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert_matches_schema(response)


EXPECTED = {
    "anonymous": 401,
    "speaker": 403,
    "reviewer": 403,
    "other_organizer": 403,
    "organizer": 200,
}


@pytest.mark.parametrize("role", ROLES)
def test_only_the_events_organizers_read_its_outbox(world, role):
    response = call(world, role, scope=ApiTokenScope.READ).get(messages_url())

    assert response.status_code == EXPECTED[role]
    assert_matches_schema(response)
    if role != "organizer":
        assert "Hello" not in response.content.decode()
        assert "sam@example.com" not in response.content.decode()


@pytest.mark.parametrize(("role", "status"), [("speaker", 404), ("other_organizer", 404)])
def test_a_hidden_events_outbox_is_not_found(db, role, status):
    world = make_world(public=False)

    response = call(world, role).get(messages_url())

    assert response.status_code == status
    assert_matches_schema(response)


def test_a_write_is_not_allowed_and_changes_nothing(world):
    response = call(world, "organizer").delete(messages_url(f"{world.sent.pk}/"))

    assert response.status_code == 405
    assert Message.objects.filter(pk=world.sent.pk, state=MessageState.SENT).exists()


@pytest.mark.parametrize("count", [3, 40])
def test_the_list_costs_the_same_queries_at_any_size(world, count, django_assert_num_queries):
    for i in range(count):
        message(world.event, world.talk if i % 2 else None, subject=f"Message {i}")
    api = call(world, "organizer", scope=ApiTokenScope.READ)

    with django_assert_num_queries(6):  # token (2), event, organizer?, reviewer?, messages
        response = api.get(messages_url("?page_size=200"))

    assert len(response.json()["results"]) == count + 2
