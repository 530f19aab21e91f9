"""The schedule services: placing talks, the warnings, time zones and publishing versions."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.core.exceptions import ValidationError

from cfp.enums import MessageKind, ProposalState
from cfp.models import Message, PublishedSlot, ScheduleVersion, TalkSlot
from cfp.programme import schedule
from tests.factories import (
    EventFactory,
    ProposalFactory,
    RoomFactory,
    SpeakerFactory,
    SubmissionTypeFactory,
    TalkSlotFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def event():
    # Berlin changes to summer time on Sunday, March 28, 2027 (02:00 → 03:00) and back on
    # Sunday, October 31, 2027 (03:00 → 02:00).
    return EventFactory(
        timezone="Europe/Berlin", start_date=date(2027, 3, 27), end_date=date(2027, 3, 29)
    )


@pytest.fixture
def organizer(event):
    user = UserFactory(is_staff=True)
    event.organizers.add(user)
    return user


@pytest.fixture
def room(event):
    return RoomFactory(event=event, name="Hall A", position=1)


@pytest.fixture
def other_room(event):
    return RoomFactory(event=event, name="Hall B", position=2)


def talk(event, state=ProposalState.CONFIRMED, minutes=40, **kwargs):
    return ProposalFactory(
        event=event,
        state=state,
        submission_type=SubmissionTypeFactory(event=event, default_duration=minutes),
        **kwargs,
    )


def at(event, day, hour, minute=0):
    return schedule.local_to_utc(event, day, time(hour, minute))


# --- time in the event's zone ----------------------------------------------------------


def test_local_to_utc_reads_the_wall_clock_in_the_event_zone(event):
    assert at(event, date(2027, 3, 27), 13, 50) == datetime(2027, 3, 27, 12, 50, tzinfo=UTC)
    # The day after the change, Berlin is two hours ahead of UTC.
    assert at(event, date(2027, 3, 28), 13, 50) == datetime(2027, 3, 28, 11, 50, tzinfo=UTC)


def test_local_to_utc_refuses_the_hour_skipped_when_clocks_go_forward(event):
    with pytest.raises(ValidationError) as error:
        at(event, date(2027, 3, 28), 2, 30)
    assert "does not exist" in error.value.messages[0]
    assert "Europe/Berlin" in error.value.messages[0]


def test_local_to_utc_takes_the_first_of_a_repeated_hour(event):
    # 02:30 happens twice on October 31, 2027: first in summer time (UTC+2).
    assert at(event, date(2027, 10, 31), 2, 30) == datetime(2027, 10, 31, 0, 30, tzinfo=UTC)


def test_format_moment_is_how_people_read_it(event):
    moment = datetime(2027, 4, 16, 11, 50, tzinfo=UTC)
    assert schedule.format_moment(moment, event) == "April 16, 1:50 pm"
    assert schedule.format_time(datetime(2027, 4, 16, 22, 5, tzinfo=UTC), event) == "12:05 am"
    assert schedule.format_time(datetime(2027, 4, 16, 10, 0, tzinfo=UTC), event) == "12:00 pm"


def test_a_slot_across_the_change_lasts_its_real_length(event, room):
    # 01:30 local + 60 minutes of real time is 03:30 local on the night of the change.
    slot = schedule.talk_place(
        event=event,
        proposal=talk(event, minutes=60),
        room=room,
        start=at(event, date(2027, 3, 28), 1, 30),
    )
    assert slot.end - slot.start == timedelta(minutes=60)
    assert schedule.format_span(slot.start, slot.end, event) == (
        "Sunday, March 28, 1:30 am – 3:30 am (Europe/Berlin)"
    )


def test_event_days_lists_every_day(event):
    assert schedule.event_days(event) == [date(2027, 3, 27), date(2027, 3, 28), date(2027, 3, 29)]


# --- placing, moving, removing -----------------------------------------------------------


def test_place_talk_takes_its_length_from_the_submission_type(event, room):
    proposal = talk(event, minutes=25)
    slot = schedule.talk_place(
        event=event, proposal=proposal, room=room, start=at(event, date(2027, 3, 27), 10)
    )
    assert slot.minutes == 25
    assert slot.end == datetime(2027, 3, 27, 9, 25, tzinfo=UTC)


def test_a_slot_length_overrides_the_submission_type(event, room):
    slot = schedule.talk_place(
        event=event,
        proposal=talk(event, minutes=25),
        room=room,
        start=at(event, date(2027, 3, 27), 10),
        duration=90,
    )
    assert slot.minutes == 90


def test_placing_again_moves_the_talk_it_never_has_two_slots(event, room, other_room):
    proposal = talk(event)
    schedule.talk_place(
        event=event, proposal=proposal, room=room, start=at(event, date(2027, 3, 27), 10)
    )
    schedule.talk_place(
        event=event, proposal=proposal, room=other_room, start=at(event, date(2027, 3, 27), 11)
    )
    slot = TalkSlot.objects.get(proposal=proposal)
    assert (slot.room, slot.start) == (other_room, at(event, date(2027, 3, 27), 11))


@pytest.mark.parametrize(
    "state", [ProposalState.SUBMITTED, ProposalState.REJECTED, ProposalState.WITHDRAWN]
)
def test_only_accepted_or_confirmed_talks_are_placed(event, room, state):
    with pytest.raises(ValidationError, match="Only accepted or confirmed"):
        schedule.talk_place(
            event=event,
            proposal=talk(event, state=state),
            room=room,
            start=at(event, date(2027, 3, 27), 10),
        )
    assert not TalkSlot.objects.exists()


def test_a_talk_or_room_of_another_event_is_refused(event, room):
    other = EventFactory()
    with pytest.raises(ValidationError, match="another event"):
        schedule.talk_place(
            event=event, proposal=talk(other), room=room, start=at(event, date(2027, 3, 27), 10)
        )
    with pytest.raises(ValidationError, match="another event"):
        schedule.talk_place(
            event=event,
            proposal=talk(event),
            room=RoomFactory(event=other),
            start=at(event, date(2027, 3, 27), 10),
        )
    assert not TalkSlot.objects.exists()


def test_removing_a_talk_leaves_it_accepted_and_unscheduled(event, room):
    proposal = talk(event, state=ProposalState.ACCEPTED)
    slot = schedule.talk_place(
        event=event, proposal=proposal, room=room, start=at(event, date(2027, 3, 27), 10)
    )
    schedule.slot_remove(slot=slot)
    proposal.refresh_from_db()
    assert proposal.state == ProposalState.ACCEPTED
    assert not TalkSlot.objects.exists()


def test_a_break_needs_no_talk_and_may_span_every_room(event):
    pause = schedule.break_add(
        event=event, title=" Lunch ", start=at(event, date(2027, 3, 27), 12), duration=60
    )
    assert (pause.is_break, pause.room, pause.label, pause.minutes) == (True, None, "Lunch", 60)


def test_a_break_title_with_markup_is_refused(event):
    with pytest.raises(ValidationError):
        schedule.break_add(
            event=event,
            title="<script>alert(1)</script>",
            start=at(event, date(2027, 3, 27), 12),
            duration=60,
        )
    assert not TalkSlot.objects.exists()


# --- warnings ----------------------------------------------------------------------------


def kinds(event):
    return sorted(w.kind for w in schedule.schedule_warnings(event))


def test_a_tidy_schedule_has_no_warnings(event, room, other_room):
    day = date(2027, 3, 27)
    schedule.talk_place(event=event, proposal=talk(event), room=room, start=at(event, day, 10))
    # Back to back is not a clash: the first ends at 10:40.
    schedule.talk_place(event=event, proposal=talk(event), room=room, start=at(event, day, 10, 40))
    schedule.talk_place(
        event=event, proposal=talk(event), room=other_room, start=at(event, day, 10)
    )
    assert kinds(event) == []


def test_a_double_booked_room_is_a_warning(event, room):
    day = date(2027, 3, 27)
    a = schedule.talk_place(
        event=event, proposal=talk(event, title="Alpha"), room=room, start=at(event, day, 10)
    )
    b = schedule.talk_place(
        event=event, proposal=talk(event, title="Beta"), room=room, start=at(event, day, 10, 30)
    )
    [warning] = schedule.schedule_warnings(event)
    assert warning.kind == "room_clash"
    assert set(warning.slot_ids) == {a.pk, b.pk}
    assert warning.message == (
        "Hall A is double-booked: “Alpha” and “Beta” overlap (March 27, 10:30 am)."
    )


def test_a_speaker_in_two_places_at_once_is_a_warning(event, room, other_room):
    day = date(2027, 3, 27)
    busy = SpeakerFactory(profile__name="Ana Busy")
    schedule.talk_place(
        event=event, proposal=talk(event, speakers=[busy]), room=room, start=at(event, day, 10)
    )
    schedule.talk_place(
        event=event,
        proposal=talk(event, speakers=[busy, SpeakerFactory()]),
        room=other_room,
        start=at(event, day, 10, 20),
    )
    [warning] = schedule.schedule_warnings(event)
    assert warning.kind == "speaker_clash"
    assert warning.message.startswith("Ana Busy would be in two places at once")


def test_a_talk_outside_the_event_dates_is_a_warning(event, room):
    schedule.talk_place(
        event=event, proposal=talk(event), room=room, start=at(event, date(2027, 3, 30), 10)
    )
    # Ending at midnight is still within the last day.
    schedule.talk_place(
        event=event,
        proposal=talk(event, minutes=60),
        room=room,
        start=at(event, date(2027, 3, 29), 23),
    )
    [warning] = schedule.schedule_warnings(event)
    assert warning.kind == "outside_dates"
    assert "March 30, 10:00 am" in warning.message
    assert "March 27 to March 29, 2027" in warning.message


def test_a_talk_late_on_the_last_day_that_runs_past_midnight_is_outside(event, room):
    schedule.talk_place(
        event=event,
        proposal=talk(event, minutes=90),
        room=room,
        start=at(event, date(2027, 3, 29), 23),
    )
    assert kinds(event) == ["outside_dates"]


def test_the_event_dates_are_read_in_the_event_zone(event, room):
    # 23:30 UTC on March 26 is already March 27 in Berlin: inside the event.
    TalkSlot.objects.create(
        event=event,
        proposal=talk(event),
        room=room,
        start=datetime(2027, 3, 26, 23, 30, tzinfo=UTC),
    )
    assert kinds(event) == []


def test_a_talk_during_a_break_for_everyone_is_a_warning(event, room):
    day = date(2027, 3, 27)
    schedule.break_add(event=event, title="Lunch", start=at(event, day, 12), duration=60)
    schedule.talk_place(event=event, proposal=talk(event), room=room, start=at(event, day, 12, 30))
    assert kinds(event) == ["break_clash"]


def test_a_talk_that_is_no_longer_accepted_is_a_warning(event, room, organizer):
    proposal = talk(event)
    schedule.talk_place(
        event=event, proposal=proposal, room=room, start=at(event, date(2027, 3, 27), 10)
    )
    proposal.cancel(by=organizer)
    assert kinds(event) == ["not_schedulable"]


def test_warnings_cost_the_same_queries_for_many_slots(event, room, django_assert_num_queries):
    day = date(2027, 3, 27)
    for i in range(3):
        schedule.talk_place(
            event=event, proposal=talk(event), room=room, start=at(event, day, 9 + i)
        )
    # the slots, their speakers, and the times the event's speakers gave
    with django_assert_num_queries(3):
        schedule.schedule_warnings(event)
    for i in range(12):
        schedule.talk_place(
            event=event, proposal=talk(event), room=room, start=at(event, day + timedelta(1), 9 + i)
        )
    with django_assert_num_queries(3):
        schedule.schedule_warnings(event)


# --- publishing --------------------------------------------------------------------------


def test_publish_copies_the_working_schedule_into_a_version(event, room, organizer):
    day = date(2027, 3, 27)
    placed = talk(event, title="Placed")
    waiting = talk(event, state=ProposalState.ACCEPTED, title="Waiting")
    talk(event, state=ProposalState.REJECTED)
    schedule.talk_place(event=event, proposal=placed, room=room, start=at(event, day, 10))
    schedule.break_add(event=event, title="Lunch", start=at(event, day, 12), duration=60)

    version, changed = schedule.schedule_publish(event=event, name="1.0", by=organizer)

    rows = {(r.proposal_id, r.title): r for r in version.slots.all()}
    assert set(rows) == {(placed.pk, ""), (waiting.pk, ""), (None, "Lunch")}
    placed_row = rows[(placed.pk, "")]
    assert (placed_row.room_name, placed_row.start, placed_row.minutes) == (
        "Hall A",
        at(event, day, 10),
        40,
    )
    assert rows[(waiting.pk, "")].start is None
    assert changed == [placed]
    assert version.published_by == organizer


def test_the_public_sees_only_the_newest_published_version(event, room, organizer):
    day = date(2027, 3, 27)
    proposal = talk(event)
    slot = schedule.talk_place(event=event, proposal=proposal, room=room, start=at(event, day, 10))
    assert schedule.current_version(event) is None
    assert not schedule.public_slots(None).exists()

    first, _ = schedule.schedule_publish(event=event, name="1", by=organizer)
    # Moving in the working schedule changes nothing public until the next publish.
    schedule.slot_move(slot=slot, room=room, start=at(event, day, 15))
    assert schedule.current_version(event) == first
    assert schedule.public_slots(first).get(proposal=proposal).start == at(event, day, 10)

    second, _ = schedule.schedule_publish(event=event, name="2", by=organizer)
    assert schedule.current_version(event) == second
    assert schedule.public_slots(second).get(proposal=proposal).start == at(event, day, 15)
    # The first version stays as it was published.
    assert first.slots.get(proposal=proposal).start == at(event, day, 10)


def test_public_slots_show_confirmed_talks_and_breaks_only(event, room, organizer):
    day = date(2027, 3, 27)
    confirmed = talk(event)
    accepted = talk(event, state=ProposalState.ACCEPTED)
    for i, proposal in enumerate([confirmed, accepted]):
        schedule.talk_place(event=event, proposal=proposal, room=room, start=at(event, day, 10 + i))
    schedule.break_add(event=event, title="Lunch", start=at(event, day, 12), duration=60)
    version, _ = schedule.schedule_publish(event=event, name="1", by=organizer)
    confirmed.cancel(by=organizer)

    shown = schedule.public_slots(version)
    assert list(shown.values_list("title", flat=True)) == ["Lunch"]


def test_a_version_name_is_unique_per_event_and_required(event, organizer):
    schedule.schedule_publish(event=event, name="1", by=organizer)
    with pytest.raises(ValidationError):
        schedule.schedule_publish(event=event, name="1", by=organizer)
    with pytest.raises(ValidationError, match="name"):
        schedule.schedule_publish(event=event, name="   ", by=organizer)
    assert ScheduleVersion.objects.count() == 1
    # Another event may use the same name.
    schedule.schedule_publish(event=EventFactory(), name="1", by=organizer)


def test_publish_emails_the_speakers_of_new_and_moved_talks_only(event, room, organizer):
    day = date(2027, 3, 27)
    ana, ben = SpeakerFactory(email="ana@example.com"), SpeakerFactory(email="ben@example.com")
    stays = talk(event, title="Stays", speakers=[ana])
    moves = talk(event, title="Moves", speakers=[ben])
    schedule.talk_place(event=event, proposal=stays, room=room, start=at(event, day, 10))
    moving = schedule.talk_place(event=event, proposal=moves, room=room, start=at(event, day, 11))

    schedule.schedule_publish(event=event, name="1", by=organizer)
    first = Message.objects.filter(kind=MessageKind.SCHEDULE_CHANGED)
    assert sorted(first.values_list("to", flat=True)) == ["ana@example.com", "ben@example.com"]

    schedule.slot_move(slot=moving, room=room, start=at(event, day, 14, 10))
    _, changed = schedule.schedule_publish(event=event, name="2", by=organizer)
    assert changed == [moves]
    latest = Message.objects.filter(kind=MessageKind.SCHEDULE_CHANGED).order_by("-pk").first()
    assert latest.to == "ben@example.com"
    assert Message.objects.filter(kind=MessageKind.SCHEDULE_CHANGED).count() == 3
    assert "Moves" in latest.subject
    assert "Saturday, March 27, 2:10 pm – 2:50 pm (Europe/Berlin), Hall A" in latest.body
    assert "version 2" in latest.body


def test_publish_tells_speakers_when_their_talk_leaves_the_schedule(event, room, organizer):
    proposal = talk(event, speakers=[SpeakerFactory(email="ana@example.com")])
    slot = schedule.talk_place(
        event=event, proposal=proposal, room=room, start=at(event, date(2027, 3, 27), 10)
    )
    schedule.schedule_publish(event=event, name="1", by=organizer)
    schedule.slot_remove(slot=slot)
    _, changed = schedule.schedule_publish(event=event, name="2", by=organizer)
    assert changed == [proposal]
    latest = Message.objects.filter(kind=MessageKind.SCHEDULE_CHANGED).order_by("-pk").first()
    assert "not in the schedule at the moment" in latest.body


def test_publish_without_notify_queues_nothing(event, room, organizer):
    schedule.talk_place(
        event=event, proposal=talk(event), room=room, start=at(event, date(2027, 3, 27), 10)
    )
    _, changed = schedule.schedule_publish(event=event, name="1", by=organizer, notify=False)
    assert len(changed) == 1
    assert not Message.objects.filter(kind=MessageKind.SCHEDULE_CHANGED).exists()


def test_unchanged_and_unscheduled_talks_get_no_email(event, room, organizer):
    talk(event, state=ProposalState.ACCEPTED)  # never placed
    schedule.talk_place(
        event=event, proposal=talk(event), room=room, start=at(event, date(2027, 3, 27), 10)
    )
    schedule.schedule_publish(event=event, name="1", by=organizer)
    _, changed = schedule.schedule_publish(event=event, name="2", by=organizer)
    assert changed == []
    assert Message.objects.filter(kind=MessageKind.SCHEDULE_CHANGED).count() == 1


def test_a_published_version_keeps_the_room_name_it_had(event, room, organizer):
    schedule.talk_place(
        event=event, proposal=talk(event), room=room, start=at(event, date(2027, 3, 27), 10)
    )
    version, _ = schedule.schedule_publish(event=event, name="1", by=organizer)
    room.name = "Renamed"
    room.save()
    room.delete()
    assert PublishedSlot.objects.get(version=version, proposal__isnull=False).room_name == "Hall A"


def test_a_slot_factory_places_a_confirmed_talk():
    slot = TalkSlotFactory()
    assert slot.proposal.state == ProposalState.CONFIRMED
    assert slot.room.event == slot.event == slot.proposal.event


def test_moving_keeps_or_resets_a_slot_length(event, room):
    day = date(2027, 3, 27)
    slot = schedule.talk_place(
        event=event,
        proposal=talk(event, minutes=40),
        room=room,
        start=at(event, day, 10),
        duration=90,
    )
    schedule.slot_move(slot=slot, room=room, start=at(event, day, 11))
    assert TalkSlot.objects.get(pk=slot.pk).minutes == 90
    schedule.slot_move(slot=slot, room=room, start=at(event, day, 11), duration=None)
    assert TalkSlot.objects.get(pk=slot.pk).minutes == 40
