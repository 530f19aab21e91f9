"""Building and publishing the schedule.

Organizers place accepted or confirmed talks (and breaks) in rooms; schedule_warnings()
points out what would confuse people (a room used twice at once, a speaker in two places,
a talk outside the event's days or outside the times its speakers gave, a talk that is no
longer accepted). schedule_publish() copies the working slots into a new ScheduleVersion,
the only thing the public sees, and tells the speakers whose talk moved.

Times are stored in UTC and typed and shown in the event's time zone. A wall-clock time
that does not exist there (the hour skipped when clocks go forward) is refused; one that
happens twice (clocks go back) means its first occurrence.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from cfp import availability
from cfp.enums import ACCEPTED_STATES, MessageKind, ProposalState
from cfp.mail import emails
from cfp.models import Event, Proposal, PublishedSlot, Room, ScheduleVersion, TalkSlot
from cfp.models.proposal import ProposalSpeaker
from cfp.models.schedule import FALLBACK_DURATION
from cfp.webhooks import queue as webhooks
from speakers.models import name_or_email

# --- time in the event's zone ------------------------------------------------------------


def event_days(event: Event) -> list[date]:
    days = (event.end_date - event.start_date).days + 1
    return [event.start_date + timedelta(days=i) for i in range(max(days, 0))]


def local_to_utc(event: Event, day: date, clock: time) -> datetime:
    """The UTC moment of a wall-clock time on a day of the event, in its time zone."""
    wall = datetime.combine(day, clock.replace(tzinfo=None))
    aware = wall.replace(tzinfo=event.tz, fold=0)  # fold=0: the first of a repeated hour
    moment = aware.astimezone(UTC)
    if moment.astimezone(event.tz).replace(tzinfo=None) != wall:
        raise ValidationError(
            f"{clock:%H:%M} does not exist on {day:%B} {day.day} in {event.timezone}: "
            "the clocks go forward then. Please choose another time.",
            code="nonexistent_time",
        )
    return moment


def format_time(value: datetime, event: Event) -> str:
    """A time of the event as people read it: "1:50 pm"."""
    local = timezone.localtime(value, event.tz)
    return f"{local.hour % 12 or 12}:{local:%M} {'am' if local.hour < 12 else 'pm'}"


def format_moment(value: datetime, event: Event) -> str:
    """A moment of the event as people read it: "April 16, 1:50 pm"."""
    local = timezone.localtime(value, event.tz)
    return f"{local:%B} {local.day}, {format_time(value, event)}"


def format_span(start: datetime, end: datetime, event: Event) -> str:
    """ "Thursday, April 16, 1:50 pm – 2:30 pm (Europe/Berlin)"."""
    local = timezone.localtime(start, event.tz)
    return (
        f"{local:%A}, {format_moment(start, event)} – {format_time(end, event)} ({event.timezone})"
    )


# --- the organizers' working schedule ------------------------------------------------------


def schedulable_talks(event: Event):
    return Proposal.objects.filter(event=event, state__in=ACCEPTED_STATES)


@dataclass
class GridSlot:
    """A working slot as the grid and the warnings read it, in plain values.

    An event's few hundred slots as model instances (each with its room, talk, type, track,
    speakers and their profiles) cost several times the rest of the organizers' schedule
    page; the same values as rows cost a tenth of that. Length and label follow TalkSlot."""

    pk: int
    room_id: int | None
    room_name: str | None  # None: a break across all rooms
    proposal_id: int | None  # None: a break
    start: datetime
    duration: int | None
    break_title: str
    talk_title: str | None
    state: str | None
    type_name: str | None
    type_minutes: int | None
    track_name: str | None
    speakers: list[tuple[int, str]] = field(default_factory=list)  # (user id, name), in order

    @property
    def is_break(self) -> bool:
        return self.proposal_id is None

    @property
    def label(self) -> str:
        return (self.break_title or "Break") if self.is_break else self.talk_title

    @property
    def minutes(self) -> int:
        if self.duration:
            return self.duration
        if self.proposal_id and self.type_minutes is not None:
            return self.type_minutes
        return FALLBACK_DURATION

    @property
    def end(self) -> datetime:
        return self.start + timedelta(minutes=self.minutes)

    @property
    def state_label(self) -> str:
        return ProposalState(self.state).label if self.state else ""


def grid_slots(event: Event) -> list[GridSlot]:
    """Every working slot of the event with what the grid and the warnings read, in the
    slots' order (by start, then room); two queries."""
    slots = [
        GridSlot(*row)
        for row in TalkSlot.objects.filter(event=event).values_list(
            "pk",
            "room_id",
            "room__name",
            "proposal_id",
            "start",
            "duration",
            "title",
            "proposal__title",
            "proposal__state",
            "proposal__submission_type__name",
            "proposal__submission_type__default_duration",
            "proposal__track__name",
        )
    ]
    talks = {slot.proposal_id: slot for slot in slots if slot.proposal_id is not None}
    speakers = (
        ProposalSpeaker.objects.filter(proposal__slot__event=event)
        .order_by("position", "pk")
        .values_list("proposal_id", "user_id", "user__profile__name", "user__email")
    )
    for proposal_id, user_id, name, email in speakers:
        talks[proposal_id].speakers.append((user_id, name_or_email(name, email)))
    return slots


def _check_room(event: Event, room: Room | None) -> None:
    if room is not None and room.event_id != event.pk:
        raise ValidationError("That room belongs to another event.", code="wrong_room")


@transaction.atomic
def talk_place(
    *,
    event: Event,
    proposal: Proposal,
    room: Room,
    start: datetime,
    duration: int | None = None,
) -> TalkSlot:
    """Put a talk in a room at a time, or move it there if it is placed already."""
    if proposal.event_id != event.pk:
        raise ValidationError("That talk belongs to another event.", code="wrong_event")
    if proposal.state not in ACCEPTED_STATES:
        raise ValidationError(
            f"Only accepted or confirmed talks can be scheduled; “{proposal.title}” is "
            f"{proposal.get_state_display().lower()}.",
            code="not_schedulable",
        )
    if room is None:
        raise ValidationError("A talk needs a room.", code="no_room")
    _check_room(event, room)
    slot, _ = TalkSlot.objects.update_or_create(
        proposal=proposal,
        defaults={"event": event, "room": room, "start": start, "duration": duration},
    )
    webhooks.talk_moved(slot)
    return slot


@transaction.atomic
def break_add(
    *, event: Event, title: str, start: datetime, duration: int, room: Room | None = None
) -> TalkSlot:
    """A non-talk slot; without a room it spans every room (lunch, keynote hall change)."""
    _check_room(event, room)
    slot = TalkSlot(event=event, room=room, start=start, duration=duration, title=title.strip())
    slot.full_clean()
    slot.save()
    return slot


# slot_move(duration=KEEP) leaves a slot's own length as it is (a drag in the grid);
# duration=None goes back to the length of the talk's submission type.
KEEP = object()


@transaction.atomic
def slot_move(*, slot: TalkSlot, room: Room | None, start: datetime, duration=KEEP) -> TalkSlot:
    if slot.proposal_id is not None and room is None:
        raise ValidationError("A talk needs a room.", code="no_room")
    _check_room(slot.event, room)
    slot.room = room
    slot.start = start
    if duration is not KEEP:
        slot.duration = duration
    slot.save(update_fields=["room", "start", "duration", "updated_at"])
    webhooks.talk_moved(slot)
    return slot


@transaction.atomic
def slot_remove(*, slot: TalkSlot) -> None:
    """Take a talk off the grid (it stays accepted and waits to be placed again), or
    delete a break."""
    slot.delete()


# --- warnings ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScheduleWarning:
    # room_clash, break_clash, speaker_clash, outside_dates, not_schedulable, unavailable
    kind: str
    message: str
    slot_ids: tuple[int, ...]


def _overlap(a: GridSlot, b: GridSlot) -> bool:
    return a.start < b.end and b.start < a.end


def _pairs_overlapping(slots: list[GridSlot]):
    """Every overlapping pair, by a sweep over the slots sorted by start."""
    ordered = sorted(slots, key=lambda s: (s.start, s.pk))
    active: list[GridSlot] = []
    for slot in ordered:
        active = [other for other in active if other.end > slot.start]
        for other in active:
            yield other, slot
        active.append(slot)


def schedule_warnings(event: Event, slots: list[GridSlot] | None = None) -> list[ScheduleWarning]:
    """What is wrong with the working schedule, in the order organizers should look."""
    slots = grid_slots(event) if slots is None else slots
    warnings: list[ScheduleWarning] = []
    by_room: dict[int, list[GridSlot]] = defaultdict(list)
    everywhere: list[GridSlot] = []
    by_speaker: dict[int, list[GridSlot]] = defaultdict(list)
    speaker_names: dict[int, str] = {}
    for slot in slots:
        if slot.room_id is None:
            everywhere.append(slot)
        else:
            by_room[slot.room_id].append(slot)
        for speaker_id, name in slot.speakers:
            by_speaker[speaker_id].append(slot)
            speaker_names[speaker_id] = name

    for room_slots in by_room.values():
        for a, b in _pairs_overlapping(room_slots):
            warnings.append(
                ScheduleWarning(
                    "room_clash",
                    f"{a.room_name} is double-booked: “{a.label}” and “{b.label}” overlap "
                    f"({format_moment(max(a.start, b.start), event)}).",
                    (a.pk, b.pk),
                )
            )
    for pause in everywhere:
        for slot in slots:
            if slot is not pause and slot.room_id is not None and _overlap(pause, slot):
                warnings.append(
                    ScheduleWarning(
                        "break_clash",
                        f"“{slot.label}” in {slot.room_name} overlaps the break "
                        f"“{pause.label}” ({format_moment(pause.start, event)}).",
                        (pause.pk, slot.pk),
                    )
                )
    for speaker_id, talks in by_speaker.items():
        for a, b in _pairs_overlapping(talks):
            warnings.append(
                ScheduleWarning(
                    "speaker_clash",
                    f"{speaker_names[speaker_id]} would be in two places at once: "
                    f"“{a.label}” and “{b.label}” ({format_moment(max(a.start, b.start), event)}).",
                    (a.pk, b.pk),
                )
            )
    first_day, last_day = event.start_date, event.end_date
    # The first moment of the first day and of the day after the last, in the event's zone,
    # compared in UTC: the same answer as each slot's local dates, without 600 conversions.
    # (A midnight the clocks skip is read as the moment they jump: the day's first moment.)
    opens = datetime.combine(first_day, time(0), tzinfo=event.tz).astimezone(UTC)
    closes = datetime.combine(last_day + timedelta(days=1), time(0), tzinfo=event.tz)
    closes = closes.astimezone(UTC)
    for slot in slots:
        if slot.start < opens or slot.end > closes:
            warnings.append(
                ScheduleWarning(
                    "outside_dates",
                    f"“{slot.label}” ({format_moment(slot.start, event)}) is outside the "
                    f"event's dates, {first_day:%B} {first_day.day} to "
                    f"{last_day:%B} {last_day.day}, {last_day.year}.",
                    (slot.pk,),
                )
            )
    # The times the speakers gave (one query for the event); no times given: no warning.
    given = availability.spans_of(event) if by_speaker else {}
    for speaker_id, talks in by_speaker.items():
        spans = given.get(speaker_id)
        for slot in talks if spans else ():
            if not availability.covers(spans, slot.start, slot.end):
                warnings.append(
                    ScheduleWarning(
                        "unavailable",
                        f"{speaker_names[speaker_id]} is not available then: “{slot.label}” "
                        f"({format_moment(slot.start, event)}).",
                        (slot.pk,),
                    )
                )
    for slot in slots:
        if slot.proposal_id is not None and slot.state not in ACCEPTED_STATES:
            warnings.append(
                ScheduleWarning(
                    "not_schedulable",
                    f"“{slot.label}” is {slot.state_label.lower()}: it will "
                    "not be published. Remove it from the grid.",
                    (slot.pk,),
                )
            )
    return warnings


# --- publishing ----------------------------------------------------------------------------


def _published_key(row: PublishedSlot | None):
    if row is None or row.start is None:
        return None
    return (row.room_name, row.start, row.end)


def _talk_slot_text(row: PublishedSlot, event: Event) -> str:
    if row.start is None:
        return "It is not in the schedule at the moment; we will write again when it is."
    return f"{format_span(row.start, row.end, event)}, {row.room_name}"


@transaction.atomic
def schedule_publish(
    *, event: Event, name: str, by, comment: str = "", notify: bool = True
) -> tuple[ScheduleVersion, list[Proposal]]:
    """Publish the working schedule as a new version; returns it and the talks it changed
    (new in the schedule, moved, or taken off it), whose speakers are emailed if notify."""
    # One publisher at a time per event: the row lock orders concurrent publishes.
    Event.objects.select_for_update().filter(pk=event.pk).first()
    name = name.strip()
    if not name:
        raise ValidationError("Please give the version a name, e.g. “1.0”.", code="no_name")
    version = ScheduleVersion(event=event, name=name, comment=comment, published_by=by)
    version.full_clean()  # the name is unique per event
    previous = ScheduleVersion.objects.current_for(event)
    version.save()

    talks = list(
        schedulable_talks(event).select_related("submission_type", "slot__room").order_by("pk")
    )
    rows = []
    for talk in talks:
        slot = getattr(talk, "slot", None)
        if slot is None or slot.room is None:
            rows.append(PublishedSlot(version=version, proposal=talk))
        else:
            rows.append(_snapshot(version, slot, proposal=talk))
    for pause in TalkSlot.objects.filter(event=event, proposal=None).select_related("room"):
        rows.append(_snapshot(version, pause, title=pause.title or "Break"))
    PublishedSlot.objects.bulk_create(rows)

    before = {}
    if previous is not None:
        before = {
            row.proposal_id: row
            for row in previous.slots.exclude(proposal=None).only(
                "proposal_id", "room_name", "start", "end"
            )
        }
    changed_rows = [
        row
        for row in rows
        if row.proposal_id is not None
        and _published_key(row) != _published_key(before.get(row.proposal_id))
        # a talk that was never in the schedule and still is not has nothing to announce
        and (row.start is not None or _published_key(before.get(row.proposal_id)) is not None)
    ]
    changed = [row.proposal for row in changed_rows]
    if notify:
        schedule_url = emails.absolute(reverse("cfp:schedule", kwargs={"event": event.slug}))
        for row in changed_rows:
            emails.speaker_email_queue(
                row.proposal,
                MessageKind.SCHEDULE_CHANGED,
                {
                    "talk_slot": _talk_slot_text(row, event),
                    "schedule_url": schedule_url,
                    "schedule_version": version.name,
                },
            )
    webhooks.schedule_published(version)
    return version, changed


def _snapshot(version: ScheduleVersion, slot: TalkSlot, **fields) -> PublishedSlot:
    room = slot.room
    return PublishedSlot(
        version=version,
        room=room,
        room_name=room.name if room else "",
        room_position=room.position if room else 0,
        start=slot.start,
        end=slot.end,
        **fields,
    )


# --- what the public sees --------------------------------------------------------------------


def current_version(event: Event) -> ScheduleVersion | None:
    return ScheduleVersion.objects.current_for(event)


def public_slots(version: ScheduleVersion | None):
    """The published rows the public may see: breaks, and talks that are confirmed now."""
    if version is None:
        return PublishedSlot.objects.none()
    from django.db.models import Q

    return PublishedSlot.objects.filter(version=version).filter(
        Q(proposal=None) | Q(proposal__state=ProposalState.CONFIRMED)
    )
