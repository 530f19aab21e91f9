"""Placing, moving and removing talks and breaks on the schedule grid, and what is refused
(changing nothing)."""

from datetime import UTC, date, datetime

import pytest

from cfp.enums import ProposalState
from cfp.models import TalkSlot
from cfp.programme import schedule
from tests.cfp.schedule_grid import (
    FRIDAY,
    action_url,
    berlin,
    grid_url,
    messages_of,
    place,
    placed,
    post,
    slots,
    unscheduled,
)
from tests.factories import EventFactory, ProposalFactory, RoomFactory, TalkSlotFactory
from tests.helpers import page, shown_messages

pytestmark = pytest.mark.django_db


def test_placing_a_talk_stores_its_utc_start_and_says_where(client, schedule_world):
    client.force_login(schedule_world.organizer)

    response = client.post(action_url(schedule_world.event, "place"), place(schedule_world))

    slot = TalkSlot.objects.get()
    assert (slot.event, slot.proposal, slot.room) == (
        schedule_world.event,
        schedule_world.accepted,
        schedule_world.hall_a,
    )
    assert slot.start == datetime(2027, 4, 16, 11, 50, tzinfo=UTC)
    assert slot.duration is None and slot.minutes == 40
    assert response.url == grid_url(schedule_world.event, FRIDAY)
    assert messages_of(response) == [
        "“Observability without tears” is placed: Hall A, "
        "Friday, April 16, 1:50 pm – 2:30 pm (Europe/Berlin)."
    ]


def test_drag_and_drop_is_told_where_to_go_and_the_message_waits_for_that_page(
    client, schedule_world
):
    client.force_login(schedule_world.organizer)

    response = client.post(
        action_url(schedule_world.event, "place"),
        place(schedule_world),
        headers={"X-Requested-With": "fetch"},
    )

    assert response.json() == {"next": grid_url(schedule_world.event, FRIDAY)}
    assert TalkSlot.objects.get().proposal == schedule_world.accepted
    shown = shown_messages(client.get(response.json()["next"]))
    assert [text for _, text in shown] == [
        "“Observability without tears” is placed: Hall A, "
        "Friday, April 16, 1:50 pm – 2:30 pm (Europe/Berlin)."
    ]


def test_a_placed_talk_is_drawn_on_its_day_and_leaves_the_list(client, schedule_world):
    client.force_login(schedule_world.organizer)
    client.post(action_url(schedule_world.event, "place"), place(schedule_world, duration="25"))

    response = client.get(grid_url(schedule_world.event, FRIDAY))

    body = page(response)
    slot = TalkSlot.objects.get()
    assert slot.duration == 25
    assert list(unscheduled(response)) == ["Kernels in Rust"]
    block = body[body.index(f'id="block-{slot.pk}"') :].split("</article>")[0]
    assert "1:50 pm – 2:15 pm" in block
    assert "Observability without tears" in block and "Ada Lovelace" in block
    assert "Talk · 25 min" in block
    # 13:50 is 70 five-minute rows after 08:00, below the header row; 25 minutes span 5 rows.
    assert "grid-row: 72 / span 5; grid-column: 2;" in block
    assert "is-accepted" in block


def test_moving_a_slot_changes_its_room_and_time(client, schedule_world):
    slot = placed(schedule_world, schedule_world.confirmed, schedule_world.hall_a, 10)
    client.force_login(schedule_world.organizer)

    response = client.post(
        action_url(schedule_world.event, "move", slot),
        {"room": schedule_world.hall_b.pk, "day": "2027-04-15", "time": "9:05", "duration": "30"},
    )

    slot.refresh_from_db()
    assert (slot.room, slot.start, slot.duration) == (
        schedule_world.hall_b,
        datetime(2027, 4, 15, 7, 5, tzinfo=UTC),
        30,
    )
    assert messages_of(response) == [
        "“Kernels in Rust” is moved: Hall B, Thursday, April 15, 9:05 am – 9:35 am (Europe/Berlin)."
    ]
    assert response.url == grid_url(schedule_world.event, date(2027, 4, 15))


def test_removing_a_talk_puts_it_back_in_the_list(client, schedule_world):
    slot = placed(schedule_world, schedule_world.confirmed, schedule_world.hall_a, 10)
    client.force_login(schedule_world.organizer)

    response = client.post(action_url(schedule_world.event, "remove", slot))

    assert not TalkSlot.objects.exists()
    assert messages_of(response) == [
        "“Kernels in Rust” is off the grid; it waits among the unscheduled talks."
    ]
    schedule_world.confirmed.refresh_from_db()
    assert schedule_world.confirmed.state == ProposalState.CONFIRMED
    assert "Kernels in Rust" in unscheduled(client.get(grid_url(schedule_world.event)))


def test_a_break_across_all_rooms_is_drawn_across_every_column(client, schedule_world):
    client.force_login(schedule_world.organizer)

    response = client.post(
        action_url(schedule_world.event, "break"),
        {
            "title": "Lunch",
            "room": "",
            "day": FRIDAY.isoformat(),
            "time": "12:30",
            "duration": "60",
        },
    )

    pause = TalkSlot.objects.get()
    assert (pause.proposal, pause.room, pause.title, pause.duration) == (None, None, "Lunch", 60)
    assert pause.start == berlin(FRIDAY, 12, 30)
    assert messages_of(response) == [
        "The break “Lunch” is added: all rooms, Friday, April 16, 12:30 pm – 1:30 pm "
        "(Europe/Berlin)."
    ]
    body = page(client.get(grid_url(schedule_world.event, FRIDAY)))
    block = body[body.index(f'id="block-{pause.pk}"') :].split("</article>")[0]
    assert "is-break is-everywhere" in block
    assert "grid-column: 2 / -1;" in block
    assert "12:30 pm – 1:30 pm" in block


def test_a_break_in_one_room(client, schedule_world):
    client.force_login(schedule_world.organizer)

    client.post(
        action_url(schedule_world.event, "break"),
        {
            "title": "Hallway track",
            "room": schedule_world.hall_b.pk,
            "day": FRIDAY.isoformat(),
            "time": "16:00",
            "duration": "30",
        },
    )

    pause = TalkSlot.objects.get()
    assert (pause.room, pause.title, pause.minutes) == (schedule_world.hall_b, "Hallway track", 30)


def test_moving_a_break_across_all_rooms_keeps_it_there(client, schedule_world):
    pause = schedule.break_add(
        event=schedule_world.event, title="Lunch", start=berlin(FRIDAY, 12), duration=60
    )
    client.force_login(schedule_world.organizer)

    client.post(
        action_url(schedule_world.event, "move", pause),
        {"room": "", "day": FRIDAY.isoformat(), "time": "12:15"},
    )

    pause.refresh_from_db()
    assert (pause.room, pause.start, pause.duration) == (None, berlin(FRIDAY, 12, 15), 60)


def refused(client, url, data) -> str:
    before = slots()
    _, shown = post(client, url, data)
    assert slots() == before, "a refused change went through"
    [(level, text)] = shown
    assert level == "error"
    return text


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"time": "25:00"}, "Time: Give a start time as HH:MM, e.g. 13:50."),
        ({"time": "half past one"}, "Time: Give a start time as HH:MM, e.g. 13:50."),
        ({"time": ""}, "Time: Give a start time as HH:MM, e.g. 13:50."),
        ({"duration": "0"}, "Minutes: A length is between 1 and 1440 minutes."),
        ({"duration": "1441"}, "Minutes: A length is between 1 and 1440 minutes."),
        ({"duration": "forty"}, "Minutes: Give the length in whole minutes."),
        ({"day": "2027-04-20"}, "Day: Choose one of the event's days."),
        ({"day": "yesterday"}, "Day: Choose one of the event's days."),
        ({"room": ""}, "Room: Choose a room."),
    ],
)
def test_placing_with_bad_input_says_why(client, schedule_world, overrides, reason):
    client.force_login(schedule_world.organizer)

    message = refused(
        client, action_url(schedule_world.event, "place"), place(schedule_world, **overrides)
    )

    assert message == f"The talk could not be placed: {reason} Nothing changed."


def test_placing_a_talk_that_is_not_accepted_is_refused(client, schedule_world):
    client.force_login(schedule_world.organizer)

    message = refused(
        client,
        action_url(schedule_world.event, "place"),
        place(schedule_world, proposal=schedule_world.submitted.pk),
    )

    assert message == (
        "The talk could not be placed: Only accepted or confirmed talks can be scheduled; "
        "“Not decided yet” is submitted. Nothing changed."
    )


def test_another_events_talk_or_room_is_refused(client, schedule_world):
    client.force_login(schedule_world.organizer)
    url = action_url(schedule_world.event, "place")

    talk = refused(client, url, place(schedule_world, proposal=schedule_world.other_talk.pk))
    room = refused(client, url, place(schedule_world, room=schedule_world.other_room.pk))

    assert talk == (
        "The talk could not be placed: Talk: That talk is not one of this event's. Nothing changed."
    )
    assert room == (
        "The talk could not be placed: Room: Choose one of this event's rooms. Nothing changed."
    )
    assert not TalkSlot.objects.filter(proposal=schedule_world.other_talk).exists()


def test_a_time_the_clocks_skip_is_refused(client, schedule_world):
    event = EventFactory(
        timezone="Europe/Berlin",
        start_date=date(2027, 3, 27),
        end_date=date(2027, 3, 28),
        organizers=[schedule_world.organizer],
    )
    room = RoomFactory(event=event)
    talk = ProposalFactory(event=event, state=ProposalState.CONFIRMED, title="Night owls")
    client.force_login(schedule_world.organizer)

    message = refused(
        client,
        action_url(event, "place"),
        {"proposal": talk.pk, "room": room.pk, "day": "2027-03-28", "time": "02:30"},
    )

    assert message == (
        "The talk could not be placed: 02:30 does not exist on March 28 in Europe/Berlin: "
        "the clocks go forward then. Please choose another time. Nothing changed."
    )


def test_moving_a_talk_to_all_rooms_or_a_bad_time_is_refused(client, schedule_world):
    slot = placed(schedule_world, schedule_world.confirmed, schedule_world.hall_a, 10)
    client.force_login(schedule_world.organizer)
    url = action_url(schedule_world.event, "move", slot)
    where = {"room": schedule_world.hall_b.pk, "day": FRIDAY.isoformat(), "time": "11:00"}

    no_room = refused(client, url, {**where, "room": ""})
    bad_time = refused(client, url, {**where, "time": "11h"})
    wrong_room = refused(client, url, {**where, "room": schedule_world.other_room.pk})

    assert no_room == "“Kernels in Rust” could not be moved: Room: Choose a room. Nothing changed."
    assert bad_time.endswith("Time: Give a start time as HH:MM, e.g. 13:50. Nothing changed.")
    assert wrong_room.endswith("Room: Choose one of this event's rooms. Nothing changed.")


def test_another_events_slot_cannot_be_moved_or_removed_through_this_event(client, schedule_world):
    theirs = TalkSlotFactory(
        event=schedule_world.other_event,
        proposal=schedule_world.other_talk,
        room=schedule_world.other_room,
    )
    client.force_login(schedule_world.organizer)
    where = {"room": schedule_world.hall_a.pk, "day": FRIDAY.isoformat(), "time": "11:00"}

    moved = refused(client, action_url(schedule_world.event, "move", theirs), where)
    removed = refused(client, action_url(schedule_world.event, "remove", theirs), {})

    assert moved == removed == "That slot is not in this event's schedule (any more)."
    assert TalkSlot.objects.filter(pk=theirs.pk, room=schedule_world.other_room).exists()


def test_a_break_needs_a_title_and_a_length(client, schedule_world):
    client.force_login(schedule_world.organizer)
    url = action_url(schedule_world.event, "break")
    where = {"room": "", "day": FRIDAY.isoformat(), "time": "12:00"}

    untitled = refused(client, url, {**where, "title": "", "duration": "30"})
    endless = refused(client, url, {**where, "title": "Lunch", "duration": ""})
    markup = refused(client, url, {**where, "title": "<b>Lunch</b>", "duration": "30"})

    assert (
        untitled == "The break could not be added: Title: This field is required. Nothing changed."
    )
    assert endless == (
        "The break could not be added: Minutes: Give the break's length in minutes. "
        "Nothing changed."
    )
    assert markup.startswith("The break could not be added: ")
