"""The working schedule through the API: the grid's services, refusals and warnings, for the
event's organizers only."""

from datetime import UTC, date, datetime

import pytest
from django.utils.html import escape

from cfp.enums import ProposalState
from cfp.models import Proposal, TalkSlot
from speakers.models import ApiTokenScope
from tests.api.helpers import assert_matches_schema
from tests.api.organizer_world import API, ROLES, call
from tests.cfp.conftest import schedule_world  # noqa: F401 (the grid tests' world, a fixture)
from tests.cfp.schedule_grid import (
    FRIDAY,
    action_url,
    berlin,
    grid_url,
    messages_of,
    place,
    placed,
)
from tests.factories import EventFactory, ProposalFactory, RoomFactory, TalkSlotFactory
from tests.helpers import page

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(schedule_world):  # noqa: F811 (the fixture imported above)
    return schedule_world


def slots_url(world, slot=None) -> str:
    url = f"{API}/{world.event.slug}/slots/"
    return url if slot is None else f"{url}{slot.pk}/"


def body(world, **overrides) -> dict:
    """Place the accepted talk in Hall A on Friday at 13:50 Berlin time (as the grid does)."""
    data = {
        "proposal": world.accepted.code,
        "room": world.hall_a.pk,
        "start": "2027-04-16T13:50:00+02:00",
    }
    return {**data, **overrides}


def stored() -> list[tuple]:
    return list(
        TalkSlot.objects.order_by("pk").values_list("proposal_id", "room_id", "start", "duration")
    )


def test_placing_a_talk_answers_the_slot_in_utc(world):
    response = call(world, "organizer").post(slots_url(world), body(world), format="json")

    slot = TalkSlot.objects.get()
    assert response.status_code == 201
    assert response.json() == {
        "id": slot.pk,
        "proposal": world.accepted.code,
        "room": world.hall_a.pk,
        "label": "Observability without tears",
        "start": "2027-04-16T11:50:00Z",
        "end": "2027-04-16T12:30:00Z",
        "duration": None,
        "minutes": 40,
        "warnings": [],
    }
    assert_matches_schema(response)
    assert slot.start == datetime(2027, 4, 16, 11, 50, tzinfo=UTC)


def test_a_time_without_offset_is_the_events_wall_clock(world):
    response = call(world, "organizer").post(
        slots_url(world), body(world, start="2027-04-16T13:50", duration=25), format="json"
    )

    assert response.status_code == 201
    assert TalkSlot.objects.get().start == berlin(FRIDAY, 13, 50)
    assert response.json()["minutes"] == 25


def test_placing_the_same_talk_again_moves_it_as_the_grid_does(client, world):
    client.force_login(world.organizer)
    client.post(action_url(world.event, "place"), place(world))  # the grid: Hall A, 13:50
    [grid_slot] = TalkSlot.objects.all()

    response = call(world, "organizer").post(
        slots_url(world), body(world, room=world.hall_b.pk), format="json"
    )

    assert response.status_code == 200  # moved, not a second slot
    assert_matches_schema(response)
    assert stored() == [(world.accepted.pk, world.hall_b.pk, berlin(FRIDAY, 13, 50), None)]
    assert response.json()["id"] == grid_slot.pk


def test_a_taken_room_is_placed_with_the_grids_warning(client, world):
    placed(world, world.confirmed, world.hall_a, 13, 30)

    response = call(world, "organizer").post(slots_url(world), body(world), format="json")

    warning = (
        "Hall A is double-booked: “Kernels in Rust” and “Observability without tears” overlap "
        "(April 16, 1:50 pm)."
    )
    assert response.status_code == 201
    assert response.json()["warnings"] == [{"kind": "room_clash", "message": warning}]
    assert_matches_schema(response)
    client.force_login(world.organizer)
    assert escape(warning) in page(client.get(grid_url(world.event, FRIDAY)))


@pytest.mark.parametrize(
    "raw", ['{"proposal": "\\ud800", "room": 1, "start": "x"}', '{"proposal": ', "[1, 2]"]
)
def test_broken_unicode_or_json_is_a_400(world, raw):
    response = call(world, "organizer").post(
        slots_url(world), data=raw.encode(), content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json()["code"] in {"invalid", "parse_error"}
    assert stored() == []


def test_a_talk_not_accepted_is_refused_with_the_grids_reason(client, world):
    client.force_login(world.organizer)
    grid = messages_of(
        client.post(action_url(world.event, "place"), place(world, proposal=world.submitted.pk))
    )

    response = call(world, "organizer").post(
        slots_url(world), body(world, proposal=world.submitted.code), format="json"
    )

    reason = "Only accepted or confirmed talks can be scheduled; “Not decided yet” is submitted."
    assert response.status_code == 400
    assert response.json()["errors"] == {"non_field_errors": [reason]}
    assert grid == [f"The talk could not be placed: {reason} Nothing changed."]
    assert_matches_schema(response)
    assert stored() == []


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"start": "2027-04-16 25:00"}, "start",
         "Give a start time as ISO 8601, e.g. 2027-04-16T13:50:00+02:00."),
        ({"start": "half past one"}, "start",
         "Give a start time as ISO 8601, e.g. 2027-04-16T13:50:00+02:00."),
        ({"start": ""}, "start", "This field may not be blank."),
        ({"start": "2027-04-20T10:00:00+02:00"}, "start", "Choose one of the event's days."),
        ({"start": "2027-04-16T23:30:00Z"}, "start", "Choose one of the event's days."),
        ({"duration": 0}, "duration", "A length is between 1 and 1440 minutes."),
        ({"duration": 1441}, "duration", "A length is between 1 and 1440 minutes."),
        ({"duration": "forty"}, "duration", "Give the length in whole minutes."),
        ({"room": None}, "room", "Choose a room."),
        ({"room": "Hall A"}, "room", "Choose one of this event's rooms."),
        ({"room": 10**9}, "room", "Choose one of this event's rooms."),
        ({"proposal": "NOSUCHCODE"}, "proposal", "That talk is not one of this event's."),
        ({"proposal": "<b>x</b>"}, "proposal", "That talk is not one of this event's."),
        ({"proposal": "X" * 17}, "proposal", "Ensure this field has no more than 16 characters."),
    ],
)  # fmt: skip
def test_placing_with_bad_input_says_why_and_changes_nothing(world, overrides, field, message):
    response = call(world, "organizer").post(
        slots_url(world), body(world, **overrides), format="json"
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {field: [message]}
    assert_matches_schema(response)
    assert stored() == []


def test_another_events_talk_or_room_is_refused(world):
    api = call(world, "organizer")

    talk = api.post(slots_url(world), body(world, proposal=world.other_talk.code), format="json")
    room = api.post(slots_url(world), body(world, room=world.other_room.pk), format="json")

    assert talk.json()["errors"] == {"proposal": ["That talk is not one of this event's."]}
    assert room.json()["errors"] == {"room": ["Choose one of this event's rooms."]}
    assert stored() == []


def test_a_time_the_clocks_skip_is_refused(world):
    event = EventFactory(
        timezone="Europe/Berlin",
        start_date=date(2027, 3, 27),
        end_date=date(2027, 3, 28),
        organizers=[world.organizer],
    )
    room = RoomFactory(event=event)
    talk = ProposalFactory(event=event, state=ProposalState.CONFIRMED, title="Night owls")

    response = call(world, "organizer").post(
        f"{API}/{event.slug}/slots/",
        {"proposal": talk.code, "room": room.pk, "start": "2027-03-28T02:30"},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {
        "start": [
            "02:30 does not exist on March 28 in Europe/Berlin: the clocks go forward then. "
            "Please choose another time."
        ]
    }
    assert stored() == []


# --- moving and removing ---------------------------------------------------------------------


def test_moving_a_slot_changes_only_what_is_given(world):
    slot = placed(world, world.confirmed, world.hall_a, 10, duration=25)
    api = call(world, "organizer")

    response = api.patch(slots_url(world, slot), {"room": world.hall_b.pk}, format="json")
    later = api.patch(slots_url(world, slot), {"start": "2027-04-16T15:00:00+02:00"}, format="json")
    reset = api.patch(slots_url(world, slot), {"duration": None}, format="json")

    assert [r.status_code for r in (response, later, reset)] == [200, 200, 200]
    for answer in (response, later, reset):
        assert_matches_schema(answer)
    assert stored() == [(world.confirmed.pk, world.hall_b.pk, berlin(FRIDAY, 15), None)]
    assert reset.json()["minutes"] == 40


def test_a_talk_cannot_move_to_every_room_but_a_break_can(world):
    slot = placed(world, world.confirmed, world.hall_a, 10)
    pause = TalkSlotFactory(
        event=world.event, proposal=None, room=world.hall_a, title="Lunch", duration=60,
        start=berlin(FRIDAY, 12),
    )  # fmt: skip
    api = call(world, "organizer")

    talk = api.patch(slots_url(world, slot), {"room": None}, format="json")
    lunch = api.patch(slots_url(world, pause), {"room": None}, format="json")

    assert talk.status_code == 400 and talk.json()["errors"] == {"room": ["Choose a room."]}
    assert_matches_schema(talk)
    assert lunch.status_code == 200 and lunch.json()["room"] is None
    assert TalkSlot.objects.get(pk=slot.pk).room == world.hall_a


def test_removing_a_talk_leaves_it_accepted_and_unscheduled(world):
    slot = placed(world, world.accepted, world.hall_a, 10)

    response = call(world, "organizer").delete(slots_url(world, slot))

    assert response.status_code == 204
    assert_matches_schema(response)
    assert stored() == []
    assert Proposal.objects.get(pk=world.accepted.pk).state == ProposalState.ACCEPTED


def test_another_events_slot_is_not_found_through_this_event(world):
    theirs = TalkSlotFactory(
        event=world.other_event, proposal=world.other_talk, room=world.other_room
    )
    api = call(world, "organizer")
    url = f"{API}/{world.event.slug}/slots/{theirs.pk}/"

    answers = [
        api.get(url),
        api.patch(url, {"room": world.hall_a.pk}, format="json"),
        api.delete(url),
    ]

    assert [r.status_code for r in answers] == [404, 404, 404]
    for response in answers:
        assert_matches_schema(response)
    assert TalkSlot.objects.filter(pk=theirs.pk, room=world.other_room).exists()


# --- the list, and who may use it --------------------------------------------------------------


def test_the_list_shows_talks_and_breaks_by_start(world):
    late = placed(world, world.confirmed, world.hall_a, 15)
    early = placed(world, world.accepted, world.hall_b, 9)
    pause = TalkSlotFactory(
        event=world.event, proposal=None, room=None, title="Lunch", duration=60,
        start=berlin(FRIDAY, 12),
    )  # fmt: skip

    response = call(world, "organizer", scope=ApiTokenScope.READ).get(slots_url(world))

    assert response.status_code == 200
    assert_matches_schema(response)
    rows = [(r["id"], r["proposal"], r["room"], r["label"]) for r in response.json()["results"]]
    assert rows == [
        (early.pk, world.accepted.code, world.hall_b.pk, "Observability without tears"),
        (pause.pk, None, None, "Lunch"),
        (late.pk, world.confirmed.code, world.hall_a.pk, "Kernels in Rust"),
    ]


WRITES = {
    "list": lambda api, w, slot: api.get(slots_url(w)),
    "retrieve": lambda api, w, slot: api.get(slots_url(w, slot)),
    "place": lambda api, w, slot: api.post(slots_url(w), body(w), format="json"),
    "move": lambda api, w, slot: api.patch(
        slots_url(w, slot), {"room": w.hall_b.pk}, format="json"
    ),
    "remove": lambda api, w, slot: api.delete(slots_url(w, slot)),
}
EXPECTED = {"anonymous": 401, "speaker": 403, "reviewer": 403, "other_organizer": 403}
ORGANIZER = {"list": 200, "retrieve": 200, "place": 201, "move": 200, "remove": 204}


@pytest.mark.parametrize("what", WRITES)
@pytest.mark.parametrize("role", ROLES)
def test_only_the_events_organizers_use_the_working_schedule(world, role, what):
    slot = placed(world, world.confirmed, world.hall_a, 10)
    before = stored()

    response = WRITES[what](call(world, role), world, slot)

    assert response.status_code == ORGANIZER[what] if role == "organizer" else EXPECTED[role]
    assert_matches_schema(response)
    if role != "organizer":
        assert stored() == before


@pytest.mark.parametrize(("role", "status"), [("speaker", 404), ("other_organizer", 404)])
def test_a_hidden_events_schedule_is_not_found(world, role, status):
    type(world.event).objects.filter(pk=world.event.pk).update(is_public=False)

    response = call(world, role).get(slots_url(world))

    assert response.status_code == status
    assert_matches_schema(response)


def test_a_read_token_cannot_place_a_talk(world):
    response = call(world, "organizer", scope=ApiTokenScope.READ).post(
        slots_url(world), body(world), format="json"
    )

    assert response.status_code == 403 and response.json()["code"] == "token_read_only"
    assert_matches_schema(response)
    assert stored() == []


@pytest.mark.parametrize("count", [2, 20])
def test_the_list_costs_the_same_queries_at_any_size(world, count, django_assert_num_queries):
    talks = ProposalFactory.create_batch(
        count, event=world.event, state=ProposalState.CONFIRMED, submission_type=world.talk_type
    )
    for i, talk in enumerate(talks):
        placed(world, talk, world.hall_a, 9 + i % 10, minute=i // 10 * 5)
    api = call(world, "organizer", scope=ApiTokenScope.READ)

    with django_assert_num_queries(6):  # token (2), event, organizer?, reviewer?, slots
        response = api.get(slots_url(world) + "?page_size=200")

    assert len(response.json()["results"]) == count
