"""The organizers' schedule page in the staff panel: the grid, its forms, warnings, publishing."""

from datetime import UTC, date, datetime, timedelta
from html import unescape
from types import SimpleNamespace

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from cfp.enums import MessageKind, ProposalState
from cfp.models import Message, ScheduleVersion, TalkSlot
from cfp.programme import schedule
from tests.factories import (
    EventFactory,
    ProposalFactory,
    ReviewerFactory,
    ReviewerTeamFactory,
    RoomFactory,
    SpeakerFactory,
    SubmissionTypeFactory,
    TalkSlotFactory,
    UserFactory,
)
from tests.helpers import is_staff_panel_refusal, page

pytestmark = pytest.mark.django_db

FRIDAY = date(2027, 4, 16)  # Berlin is on summer time, UTC+2


@pytest.fixture
def world(db):
    """Kernel Summit (Berlin, April 15–16, 2027) with two rooms, an accepted and a confirmed
    talk and one still submitted; Other Summit beside it."""
    organizer = UserFactory(is_staff=True, email="olivia@lectern.test")
    event = EventFactory(
        name="Kernel Summit",
        timezone="Europe/Berlin",
        start_date=date(2027, 4, 15),
        end_date=FRIDAY,
        organizers=[organizer],
    )
    hall_a = RoomFactory(event=event, name="Hall A", position=1, capacity=300)
    hall_b = RoomFactory(event=event, name="Hall B", position=2)
    talk_type = SubmissionTypeFactory(event=event, name="Talk", default_duration=40)
    ada = SpeakerFactory(email="ada@kernel.test", profile__name="Ada Lovelace")
    bob = SpeakerFactory(email="bob@kernel.test", profile__name="Bob Builder")
    accepted = ProposalFactory(
        event=event,
        title="Observability without tears",
        submission_type=talk_type,
        state=ProposalState.ACCEPTED,
        speakers=[ada],
    )
    confirmed = ProposalFactory(
        event=event,
        title="Kernels in Rust",
        submission_type=talk_type,
        state=ProposalState.CONFIRMED,
        speakers=[bob],
    )
    submitted = ProposalFactory(
        event=event, title="Not decided yet", submission_type=talk_type, speakers=[ada]
    )
    submitted.submit(by=ada)
    reviewer = ReviewerFactory(email="rita@kernel.test")
    ReviewerTeamFactory(event=event, members=[reviewer])
    other_organizer = UserFactory(is_staff=True, email="otto@lectern.test")
    other_event = EventFactory(name="Other Summit", organizers=[other_organizer])
    return SimpleNamespace(
        organizer=organizer,
        event=event,
        hall_a=hall_a,
        hall_b=hall_b,
        talk_type=talk_type,
        ada=ada,
        bob=bob,
        accepted=accepted,
        confirmed=confirmed,
        submitted=submitted,
        reviewer=reviewer,
        speaker=ada,
        other_organizer=other_organizer,
        other_event=other_event,
        other_room=RoomFactory(event=other_event, name="Their room"),
        other_talk=ProposalFactory(
            event=other_event, title="Their talk", state=ProposalState.CONFIRMED
        ),
    )


def grid_url(event, day=None) -> str:
    url = reverse("admin:cfp_event_schedule", args=[event.pk])
    return f"{url}?day={day.isoformat()}" if day else url


def action_url(event, name, slot=None) -> str:
    args = [event.pk] if slot is None else [event.pk, slot.pk]
    return reverse(f"admin:cfp_event_schedule_{name}", args=args)


def berlin(day: date, hour: int, minute: int = 0) -> datetime:
    """A wall-clock time in Berlin, in UTC (April: two hours ahead)."""
    return datetime(day.year, day.month, day.day, hour - 2, minute, tzinfo=UTC)


def place(world, **overrides) -> dict:
    data = {
        "proposal": world.accepted.pk,
        "room": world.hall_a.pk,
        "day": FRIDAY.isoformat(),
        "time": "13:50",
        "duration": "",
    }
    return {**data, **overrides}


def messages_of(response) -> list[str]:
    """The messages a post left for the next page (which shows and so consumes them)."""
    return [str(m) for m in get_messages(response.wsgi_request)]


def post(client, url, data=None):
    """Post like the page's forms, and follow to the page that shows the outcome; returns
    where it went and the messages shown there, as (level, text)."""
    response = client.post(url, data or {}, follow=True)
    assert response.status_code == 200 and response.redirect_chain
    shown = [(m.level_tag, str(m)) for m in response.context["messages"]]
    for _, text in shown:
        assert escape(text) in page(response)
    return response.redirect_chain[0][0], shown


def slots() -> list[tuple]:
    return list(
        TalkSlot.objects.order_by("pk").values_list(
            "pk", "proposal_id", "room_id", "start", "duration", "title"
        )
    )


def placed(world, proposal, room, hour, minute=0, day=FRIDAY, **kwargs) -> TalkSlot:
    return TalkSlotFactory(
        event=world.event, proposal=proposal, room=room, start=berlin(day, hour, minute), **kwargs
    )


# --- who gets in ----------------------------------------------------------------------------------


def test_organizer_sees_the_grid_rooms_and_unscheduled_talks(client, world):
    client.force_login(world.organizer)

    response = client.get(grid_url(world.event))

    body = page(response)
    assert response.status_code == 200
    assert "<h1>Schedule: Kernel Summit</h1>" in body
    assert "Europe/Berlin (CEST, UTC+02:00)" in body
    assert 'class="sched-room" style="grid-column: 2;">Hall A<small>300 seats</small>' in body
    assert 'style="grid-column: 3;">Hall B<' in body
    # Day tabs, the first day selected.
    assert "Thu, April 15" in body and "Fri, April 16" in body
    assert response.context["current"].day == date(2027, 4, 15)
    # The side panel: accepted and confirmed talks waiting, with their state; not the others.
    talks = {t.title: t.state for t in response.context["talks"]}
    assert talks == {"Observability without tears": "accepted", "Kernels in Rust": "confirmed"}
    assert '<span class="sched-badge is-accepted">Accepted</span>' in body
    assert '<span class="sched-badge is-confirmed">Confirmed</span>' in body
    assert "Not decided yet" not in body and "Their talk" not in body
    assert "Nothing is published yet: the public sees no schedule." in body


def test_breadcrumbs_lead_back_to_the_event(client, world):
    client.force_login(world.organizer)

    body = page(client.get(grid_url(world.event)))

    event_url = reverse("admin:cfp_event_change", args=[world.event.pk])
    assert f'&rsaquo; <a href="{event_url}">Kernel Summit</a>\n  &rsaquo; Schedule' in body
    assert f'<a href="{reverse("admin:cfp_event_changelist")}">Events</a>' in body


def test_superuser_sees_the_grid_of_any_event(client, world):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    response = client.get(grid_url(world.event))

    assert response.status_code == 200
    assert "Observability without tears" in page(response)


def test_an_event_without_rooms_says_where_to_add_them(client, world):
    event = EventFactory(name="Roomless", organizers=[world.organizer])
    client.force_login(world.organizer)

    body = page(client.get(grid_url(event)))

    assert "Roomless has no rooms yet." in body
    assert "data-schedule-grid" not in body


ROLES = {
    "anonymous": lambda w: None,
    "speaker": lambda w: w.speaker,
    "reviewer of this event": lambda w: w.reviewer,
    "organizer of another event": lambda w: w.other_organizer,
}


def requests(world) -> dict:
    """Every URL of the page, with what an organizer could post to it."""
    slot = placed(world, world.confirmed, world.hall_b, 10)
    return {
        "grid": ("get", grid_url(world.event), None),
        "place": ("post", action_url(world.event, "place"), place(world)),
        "move": (
            "post",
            action_url(world.event, "move", slot),
            {"room": world.hall_a.pk, "day": FRIDAY.isoformat(), "time": "15:00"},
        ),
        "remove": ("post", action_url(world.event, "remove", slot), {}),
        "break": (
            "post",
            action_url(world.event, "break"),
            {
                "title": "Lunch",
                "room": "",
                "day": FRIDAY.isoformat(),
                "time": "12:00",
                "duration": 60,
            },
        ),
        "publish": ("post", action_url(world.event, "publish"), {"name": "1", "notify": "on"}),
    }


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", ["grid", "place", "move", "remove", "break", "publish"])
def test_nobody_else_gets_in(client, world, role, name):
    method, url, data = requests(world)[name]
    user = ROLES[role](world)
    if user is not None:
        client.force_login(user)
    before = slots()

    response = getattr(client, method)(url, data or {})

    assert slots() == before and not ScheduleVersion.objects.exists(), "a change went through"
    assert not Message.objects.filter(kind=MessageKind.SCHEDULE_CHANGED).exists()
    if user is None:
        assert response.status_code == 302
        assert response.url.startswith(reverse("admin:login"))
    elif not user.is_staff:
        assert is_staff_panel_refusal(response)
    else:
        assert response.status_code == 403
        assert "Kernels in Rust" not in page(response)


@pytest.mark.parametrize("name", ["grid", "place", "move", "remove", "break", "publish"])
def test_organizer_of_the_event_uses_every_url(client, world, name):
    method, url, data = requests(world)[name]
    client.force_login(world.organizer)

    response = getattr(client, method)(url, data or {})

    if method == "get":
        assert response.status_code == 200
    else:
        assert response.status_code == 302, messages_of(response)
        assert response.url.startswith(grid_url(world.event))
        assert not [m for m in get_messages(response.wsgi_request) if m.level_tag == "error"]


@pytest.mark.parametrize("name", ["place", "move", "remove", "break", "publish"])
def test_writes_take_posts_only(client, world, name):
    _, url, _ = requests(world)[name]
    client.force_login(world.organizer)
    before = slots()

    response = client.get(url)

    assert response.status_code == 405
    assert slots() == before


def test_a_post_without_the_csrf_token_is_refused(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.organizer)

    response = client.post(action_url(world.event, "place"), place(world))

    assert response.status_code == 403
    assert slots() == []


# --- place, move, remove, breaks -----------------------------------------------------------------


def test_placing_a_talk_stores_its_utc_start_and_says_where(client, world):
    client.force_login(world.organizer)

    response = client.post(action_url(world.event, "place"), place(world))

    slot = TalkSlot.objects.get()
    assert (slot.event, slot.proposal, slot.room) == (world.event, world.accepted, world.hall_a)
    assert slot.start == datetime(2027, 4, 16, 11, 50, tzinfo=UTC)
    assert slot.duration is None and slot.minutes == 40
    assert response.url == grid_url(world.event, FRIDAY)
    assert messages_of(response) == [
        "“Observability without tears” is placed: Hall A, "
        "Friday, April 16, 1:50 pm – 2:30 pm (Europe/Berlin)."
    ]


def test_drag_and_drop_is_told_where_to_go_and_the_message_waits_for_that_page(client, world):
    client.force_login(world.organizer)

    response = client.post(
        action_url(world.event, "place"), place(world), headers={"X-Requested-With": "fetch"}
    )

    assert response.json() == {"next": grid_url(world.event, FRIDAY)}
    assert TalkSlot.objects.get().proposal == world.accepted
    shown = client.get(response.json()["next"]).context["messages"]
    assert [str(m) for m in shown] == [
        "“Observability without tears” is placed: Hall A, "
        "Friday, April 16, 1:50 pm – 2:30 pm (Europe/Berlin)."
    ]


def test_a_placed_talk_is_drawn_on_its_day_and_leaves_the_list(client, world):
    client.force_login(world.organizer)
    client.post(action_url(world.event, "place"), place(world, duration="25"))

    response = client.get(grid_url(world.event, FRIDAY))

    body = page(response)
    slot = TalkSlot.objects.get()
    assert slot.duration == 25
    assert [t.title for t in response.context["talks"]] == ["Kernels in Rust"]
    block = body[body.index(f'id="block-{slot.pk}"') :].split("</article>")[0]
    assert "1:50 pm – 2:15 pm" in block
    assert "Observability without tears" in block and "Ada Lovelace" in block
    assert "Talk · 25 min" in block
    # 13:50 is 70 five-minute rows after 08:00, below the header row; 25 minutes span 5 rows.
    assert "grid-row: 72 / span 5; grid-column: 2;" in block
    assert "is-accepted" in block


def test_moving_a_slot_changes_its_room_and_time(client, world):
    slot = placed(world, world.confirmed, world.hall_a, 10)
    client.force_login(world.organizer)

    response = client.post(
        action_url(world.event, "move", slot),
        {"room": world.hall_b.pk, "day": "2027-04-15", "time": "9:05", "duration": "30"},
    )

    slot.refresh_from_db()
    assert (slot.room, slot.start, slot.duration) == (
        world.hall_b,
        datetime(2027, 4, 15, 7, 5, tzinfo=UTC),
        30,
    )
    assert messages_of(response) == [
        "“Kernels in Rust” is moved: Hall B, Thursday, April 15, 9:05 am – 9:35 am (Europe/Berlin)."
    ]
    assert response.url == grid_url(world.event, date(2027, 4, 15))


def test_removing_a_talk_puts_it_back_in_the_list(client, world):
    slot = placed(world, world.confirmed, world.hall_a, 10)
    client.force_login(world.organizer)

    response = client.post(action_url(world.event, "remove", slot))

    assert not TalkSlot.objects.exists()
    assert messages_of(response) == [
        "“Kernels in Rust” is off the grid; it waits among the unscheduled talks."
    ]
    world.confirmed.refresh_from_db()
    assert world.confirmed.state == ProposalState.CONFIRMED
    talks = client.get(grid_url(world.event)).context["talks"]
    assert "Kernels in Rust" in [t.title for t in talks]


def test_a_break_across_all_rooms_is_drawn_across_every_column(client, world):
    client.force_login(world.organizer)

    response = client.post(
        action_url(world.event, "break"),
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
    body = page(client.get(grid_url(world.event, FRIDAY)))
    block = body[body.index(f'id="block-{pause.pk}"') :].split("</article>")[0]
    assert "is-break is-everywhere" in block
    assert "grid-column: 2 / -1;" in block
    assert "12:30 pm – 1:30 pm" in block


def test_a_break_in_one_room(client, world):
    client.force_login(world.organizer)

    client.post(
        action_url(world.event, "break"),
        {
            "title": "Hallway track",
            "room": world.hall_b.pk,
            "day": FRIDAY.isoformat(),
            "time": "16:00",
            "duration": "30",
        },
    )

    pause = TalkSlot.objects.get()
    assert (pause.room, pause.title, pause.minutes) == (world.hall_b, "Hallway track", 30)


def test_moving_a_break_across_all_rooms_keeps_it_there(client, world):
    pause = schedule.break_add(
        event=world.event, title="Lunch", start=berlin(FRIDAY, 12), duration=60
    )
    client.force_login(world.organizer)

    client.post(
        action_url(world.event, "move", pause),
        {"room": "", "day": FRIDAY.isoformat(), "time": "12:15"},
    )

    pause.refresh_from_db()
    assert (pause.room, pause.start, pause.duration) == (None, berlin(FRIDAY, 12, 15), 60)


# --- what is refused changes nothing --------------------------------------------------------------


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
def test_placing_with_bad_input_says_why(client, world, overrides, reason):
    client.force_login(world.organizer)

    message = refused(client, action_url(world.event, "place"), place(world, **overrides))

    assert message == f"The talk could not be placed: {reason} Nothing changed."


def test_placing_a_talk_that_is_not_accepted_is_refused(client, world):
    client.force_login(world.organizer)

    message = refused(
        client, action_url(world.event, "place"), place(world, proposal=world.submitted.pk)
    )

    assert message == (
        "The talk could not be placed: Only accepted or confirmed talks can be scheduled; "
        "“Not decided yet” is submitted. Nothing changed."
    )


def test_another_events_talk_or_room_is_refused(client, world):
    client.force_login(world.organizer)
    url = action_url(world.event, "place")

    talk = refused(client, url, place(world, proposal=world.other_talk.pk))
    room = refused(client, url, place(world, room=world.other_room.pk))

    assert talk == (
        "The talk could not be placed: Talk: That talk is not one of this event's. Nothing changed."
    )
    assert room == (
        "The talk could not be placed: Room: Choose one of this event's rooms. Nothing changed."
    )
    assert not TalkSlot.objects.filter(proposal=world.other_talk).exists()


def test_a_time_the_clocks_skip_is_refused(client, world):
    event = EventFactory(
        timezone="Europe/Berlin",
        start_date=date(2027, 3, 27),
        end_date=date(2027, 3, 28),
        organizers=[world.organizer],
    )
    room = RoomFactory(event=event)
    talk = ProposalFactory(event=event, state=ProposalState.CONFIRMED, title="Night owls")
    client.force_login(world.organizer)

    message = refused(
        client,
        action_url(event, "place"),
        {"proposal": talk.pk, "room": room.pk, "day": "2027-03-28", "time": "02:30"},
    )

    assert message == (
        "The talk could not be placed: 02:30 does not exist on March 28 in Europe/Berlin: "
        "the clocks go forward then. Please choose another time. Nothing changed."
    )


def test_moving_a_talk_to_all_rooms_or_a_bad_time_is_refused(client, world):
    slot = placed(world, world.confirmed, world.hall_a, 10)
    client.force_login(world.organizer)
    url = action_url(world.event, "move", slot)
    where = {"room": world.hall_b.pk, "day": FRIDAY.isoformat(), "time": "11:00"}

    no_room = refused(client, url, {**where, "room": ""})
    bad_time = refused(client, url, {**where, "time": "11h"})
    wrong_room = refused(client, url, {**where, "room": world.other_room.pk})

    assert no_room == "“Kernels in Rust” could not be moved: Room: Choose a room. Nothing changed."
    assert bad_time.endswith("Time: Give a start time as HH:MM, e.g. 13:50. Nothing changed.")
    assert wrong_room.endswith("Room: Choose one of this event's rooms. Nothing changed.")


def test_another_events_slot_cannot_be_moved_or_removed_through_this_event(client, world):
    theirs = TalkSlotFactory(
        event=world.other_event, proposal=world.other_talk, room=world.other_room
    )
    client.force_login(world.organizer)
    where = {"room": world.hall_a.pk, "day": FRIDAY.isoformat(), "time": "11:00"}

    moved = refused(client, action_url(world.event, "move", theirs), where)
    removed = refused(client, action_url(world.event, "remove", theirs), {})

    assert moved == removed == "That slot is not in this event's schedule (any more)."
    assert TalkSlot.objects.filter(pk=theirs.pk, room=world.other_room).exists()


def test_a_break_needs_a_title_and_a_length(client, world):
    client.force_login(world.organizer)
    url = action_url(world.event, "break")
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


# --- warnings -------------------------------------------------------------------------------------


def test_warnings_are_listed_and_their_slots_marked(client, world):
    # Hall A is double-booked at 10:00 on Friday; Bob speaks in both rooms at 14:00; a slot
    # on the day after the event.
    first = placed(world, world.confirmed, world.hall_a, 10)
    second = placed(world, world.accepted, world.hall_a, 10, 20)
    bobs_other = ProposalFactory(
        event=world.event,
        title="Rust in the kernel, part two",
        submission_type=world.talk_type,
        state=ProposalState.CONFIRMED,
        speakers=[world.bob],
    )
    bobs_third = ProposalFactory(
        event=world.event,
        title="Bob again",
        submission_type=world.talk_type,
        state=ProposalState.CONFIRMED,
        speakers=[world.bob],
    )
    late = placed(world, bobs_other, world.hall_b, 10, 30)
    outside = placed(world, bobs_third, world.hall_b, 10, day=date(2027, 4, 17))
    client.force_login(world.organizer)

    response = client.get(grid_url(world.event, FRIDAY))

    body = unescape(page(response))
    assert "3 warnings</strong> in the working schedule" in body
    assert (
        "Hall A is double-booked: “Kernels in Rust” and “Observability without tears” "
        "overlap (April 16, 10:20 am)."
    ) in body
    assert (
        "Bob Builder would be in two places at once: “Kernels in Rust” and "
        "“Rust in the kernel, part two” (April 16, 10:30 am)."
    ) in body
    assert (
        "“Bob again” (April 17, 10:00 am) is outside the event's dates, April 15 to April 16, 2027."
    ) in body
    for slot in (first, second, late):
        block = body[body.index(f'id="block-{slot.pk}"') :].split("</article>")[0]
        assert "has-warning" in block and 'aria-label="Warning"' in block
    # The text on hover: the block's title holds its warnings.
    first_block = body[body.index(f'id="block-{first.pk}"') :].split("</article>")[0]
    assert "⚠ Hall A is double-booked" in first_block
    assert "⚠ Bob Builder would be in two places at once" in first_block
    # Clashing slots of one room stand side by side.
    assert "--lane: 0; --lanes: 2;" in first_block
    # The day outside the event's dates gets a tab of its own, marked so.
    assert response.context["days"][-1].day == date(2027, 4, 17)
    assert response.context["days"][-1].outside
    assert "You can publish anyway" in body
    outside_page = unescape(page(client.get(grid_url(world.event, date(2027, 4, 17)))))
    block = outside_page[outside_page.index(f'id="block-{outside.pk}"') :].split("</article>")[0]
    assert "has-warning" in block and "outside the event's dates" in block


def test_a_schedule_without_problems_shows_no_warnings(client, world):
    placed(world, world.confirmed, world.hall_a, 10)
    placed(world, world.accepted, world.hall_b, 10)
    client.force_login(world.organizer)

    body = page(client.get(grid_url(world.event, FRIDAY)))

    assert "sched-warnings" not in body and "has-warning" not in body
    assert "You can publish anyway" not in body


# --- publishing -----------------------------------------------------------------------------------


def schedule_emails() -> list[tuple[str, str]]:
    return sorted(
        Message.objects.filter(kind=MessageKind.SCHEDULE_CHANGED).values_list(
            "to", "proposal__title"
        )
    )


def test_publishing_makes_a_version_and_emails_the_speakers_of_changed_talks(client, world):
    carol = SpeakerFactory(email="carol@kernel.test", profile__name="Carol")
    third = ProposalFactory(
        event=world.event,
        title="Tracing at scale",
        submission_type=world.talk_type,
        state=ProposalState.CONFIRMED,
        speakers=[carol, world.ada],
    )
    kernels = placed(world, world.confirmed, world.hall_a, 10)
    placed(world, world.accepted, world.hall_b, 10)
    placed(world, third, world.hall_a, 11)
    client.force_login(world.organizer)

    went, shown = post(
        client,
        action_url(world.event, "publish"),
        {"name": "1", "comment": "The first schedule.", "notify": "on", "day": "2027-04-16"},
    )

    version = ScheduleVersion.objects.get()
    assert (version.name, version.comment, version.published_by) == (
        "1",
        "The first schedule.",
        world.organizer,
    )
    assert shown == [
        ("success", "Version 1 published; 3 talks changed, their speakers are being emailed.")
    ]
    assert went == grid_url(world.event, FRIDAY)
    assert schedule_emails() == [
        ("ada@kernel.test", "Observability without tears"),
        ("ada@kernel.test", "Tracing at scale"),
        ("bob@kernel.test", "Kernels in Rust"),
        ("carol@kernel.test", "Tracing at scale"),
    ]

    # Only the talk that moved since version 1 is news.
    Message.objects.all().delete()
    kernels.start += timedelta(hours=3)
    kernels.save()
    _, shown = post(client, action_url(world.event, "publish"), {"name": "2", "notify": "on"})

    assert shown == [
        ("success", "Version 2 published; 1 talk changed, its speakers are being emailed.")
    ]
    assert schedule_emails() == [("bob@kernel.test", "Kernels in Rust")]
    body = Message.objects.get().body
    assert "Friday, April 16, 1:00 pm – 1:40 pm (Europe/Berlin), Hall A" in body


def test_publishing_without_emails(client, world):
    placed(world, world.confirmed, world.hall_a, 10)
    client.force_login(world.organizer)

    # An unticked checkbox is not posted at all.
    response = client.post(action_url(world.event, "publish"), {"name": "1"})

    assert ScheduleVersion.objects.filter(event=world.event, name="1").exists()
    assert messages_of(response) == [
        "Version 1 published; 1 talk changed, its speakers are not emailed."
    ]
    assert schedule_emails() == []


def test_publishing_unchanged_says_nobody_is_emailed(client, world):
    placed(world, world.confirmed, world.hall_a, 10)
    schedule.schedule_publish(event=world.event, name="1", by=world.organizer, notify=False)
    client.force_login(world.organizer)

    response = client.post(action_url(world.event, "publish"), {"name": "2", "notify": "on"})

    assert messages_of(response) == ["Version 2 published; no talk changed, so nobody is emailed."]
    assert schedule_emails() == []


def test_a_version_name_is_used_once(client, world):
    schedule.schedule_publish(event=world.event, name="1", by=world.organizer, notify=False)
    client.force_login(world.organizer)

    _, taken = post(client, action_url(world.event, "publish"), {"name": "1", "notify": "on"})
    _, empty = post(client, action_url(world.event, "publish"), {"name": "  ", "notify": "on"})

    assert taken == [
        (
            "error",
            "The schedule was not published: Version: There is a version “1” already; please "
            "choose another name. Nothing changed.",
        )
    ]
    assert empty == [
        (
            "error",
            "The schedule was not published: Version: Give the version a name, e.g. “2”. "
            "Nothing changed.",
        )
    ]
    assert ScheduleVersion.objects.count() == 1


def test_the_page_shows_the_published_versions_and_suggests_the_next(client, world):
    client.force_login(world.organizer)
    first = schedule.schedule_publish(
        event=world.event, name="1", by=world.organizer, comment="First cut", notify=False
    )[0]
    ScheduleVersion.objects.filter(pk=first.pk).update(
        published_at=datetime(2027, 3, 1, 9, 30, tzinfo=UTC)
    )
    second = schedule.schedule_publish(
        event=world.event, name="2", by=world.organizer, notify=False
    )[0]
    ScheduleVersion.objects.filter(pk=second.pk).update(
        published_at=datetime(2027, 3, 2, 15, 10, tzinfo=UTC)
    )

    response = client.get(grid_url(world.event))

    body = page(response)
    assert "The public sees <strong>version 2</strong>, published March 2, 4:10 pm, 2027" in body
    assert "by olivia@lectern.test" in body
    assert "Earlier versions" in body
    assert '<strong>1</strong> <span class="sched-muted">March 1, 10:30 am, 2027' in body
    assert "First cut" in body
    assert response.context["publish_form"].initial["name"] == "3"
    assert 'name="name" value="3"' in body
    assert 'name="notify" id="id_notify" checked' in body


# --- cost -----------------------------------------------------------------------------------------


def populate(world, count: int) -> None:
    """count slots over both days and rooms (some clashing), breaks, talks still to place
    and published versions: as many of each kind as count says."""
    hall_c = world.event.rooms.get_or_create(name="Hall C", defaults={"position": 3})[0]
    rooms = [world.hall_a, world.hall_b, hall_c]
    for i in range(count):
        talk = ProposalFactory(
            event=world.event,
            submission_type=world.talk_type,
            state=ProposalState.CONFIRMED if i % 2 else ProposalState.ACCEPTED,
            speakers=[SpeakerFactory(), world.bob] if i % 5 == 0 else [SpeakerFactory()],
        )
        day = (date(2027, 4, 15), FRIDAY)[i % 2]
        placed(world, talk, rooms[i % 3], 8 + (i // 12) % 12, 10 * (i % 4), day=day)
    for i in range(count // 5):
        ProposalFactory(
            event=world.event, state=ProposalState.ACCEPTED, speakers=[SpeakerFactory()]
        )
        schedule.break_add(
            event=world.event, title=f"Break {i}", start=berlin(FRIDAY, 12, i % 60), duration=15
        )
    for i in range(count // 10):
        schedule.schedule_publish(
            event=world.event, name=f"v{count}-{i}", by=world.organizer, notify=False
        )


def test_the_grid_costs_the_same_queries_with_10_and_60_slots(client, world):
    client.force_login(world.organizer)
    counts = []
    for count in (10, 60):
        TalkSlot.objects.all().delete()
        populate(world, count)
        client.get(grid_url(world.event, FRIDAY))  # sessions and caches warm
        with CaptureQueriesContext(connection) as queries:
            response = client.get(grid_url(world.event, FRIDAY))
        assert response.status_code == 200
        assert TalkSlot.objects.filter(proposal__isnull=False).count() == count
        assert len(response.context["grid"]["blocks"]) >= count // 2
        assert response.context["warnings"]  # clashes are found at both sizes
        counts.append(len(queries.captured_queries))
    assert counts[0] == counts[1], counts
