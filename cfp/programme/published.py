"""What the public sees of an event's programme: selectors for the public pages and feeds.

The public reads only the newest published ScheduleVersion of a public event, and of it
only breaks and talks whose proposal is confirmed now (cfp.schedule.public_slots). Rows are
turned into small read-only records (PublicTalk, PublicSpeaker, Break) that carry nothing
but public fields, so no template or feed can reach a speaker's email, the notes for the
organizers or a review, however it is written.

Every selector costs a fixed number of queries, whatever the number of talks.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from cfp.enums import ExperienceLevel
from cfp.fields import not_asked
from cfp.models import Event, PublishedSlot, ScheduleVersion
from cfp.models.proposal import speakers_in_order
from cfp.programme.schedule import (
    current_version,
    format_moment,
    format_span,
    format_time,
    public_slots,
)
from speakers.models import User

SAFE_LINK_SCHEMES = ("https://", "http://")


@dataclass(frozen=True)
class Link:
    url: str
    label: str  # the address without its scheme, as people read it


@dataclass(frozen=True)
class PublicSpeaker:
    pk: int
    name: str  # "" when the speaker has not given one: shown as missing, never the email
    affiliation: str
    biography: str  # Markdown
    photo_url: str
    links: tuple[Link, ...]

    @property
    def initials(self) -> str:
        return "".join(word[0] for word in self.name.split()[:2]).upper()


@dataclass(frozen=True)
class Times:
    """A slot's times as people read them, in the event's time zone."""

    day: str = ""  # "Thursday, April 16"
    moment: str = ""  # "April 16, 1:50 pm"
    span: str = ""  # "Thursday, April 16, 1:50 pm – 2:30 pm (Europe/Berlin)"
    range: str = ""  # "1:50 pm – 2:30 pm"

    @classmethod
    def of(cls, start: datetime | None, end: datetime | None, event: Event) -> "Times":
        if start is None or end is None:
            return cls()
        local = timezone.localtime(start, event.tz)
        return cls(
            day=f"{local:%A}, {local:%B} {local.day}",
            moment=format_moment(start, event),
            span=format_span(start, end, event),
            range=f"{format_time(start, event)} – {format_time(end, event)}",
        )


@dataclass(frozen=True)
class PublicTalk:
    pk: int
    code: str
    title: str
    submission_type: str
    experience_level: str  # "Beginner", …, "All levels"; "" when not given
    level_phrase: str  # the level where it stands alone: "Level: Beginner", "For all levels"
    track: str
    track_order: tuple[int, str]
    abstract: str  # Markdown
    speakers: tuple[PublicSpeaker, ...]
    room: str
    room_id: int | None
    room_position: int
    start: datetime | None  # UTC; None while the talk is in the version but not placed
    end: datetime | None
    slides_file_url: str
    slides_url: str
    times: Times

    @property
    def is_scheduled(self) -> bool:
        return self.start is not None and self.end is not None

    @property
    def minutes(self) -> int | None:
        if not self.is_scheduled:
            return None
        return int((self.end - self.start).total_seconds() // 60)

    @property
    def speaker_ids(self) -> set[int]:
        return {speaker.pk for speaker in self.speakers}

    is_break = False


@dataclass(frozen=True)
class Break:
    title: str
    room: str  # "" for a break in every room (lunch)
    room_position: int
    start: datetime
    end: datetime
    times: Times

    is_break = True


@dataclass(frozen=True)
class Programme:
    event: Event
    version: ScheduleVersion | None
    talks: list[PublicTalk] = field(default_factory=list)
    breaks: list[Break] = field(default_factory=list)

    @property
    def is_published(self) -> bool:
        return self.version is not None

    @property
    def scheduled_talks(self) -> list[PublicTalk]:
        return [talk for talk in self.talks if talk.is_scheduled]

    @property
    def unscheduled_talks(self) -> list[PublicTalk]:
        return [talk for talk in self.talks if not talk.is_scheduled]


# --- building the records ---------------------------------------------------------------


def _public_links(text: str) -> tuple[Link, ...]:
    # The profile form admits only http(s) addresses; older or imported rows are filtered
    # here too, so a javascript: line can never become a link.
    lines = (line.strip() for line in text.splitlines())
    return tuple(
        Link(line, line.split("://", 1)[1].removeprefix("www.").rstrip("/"))
        for line in lines
        if line.lower().startswith(SAFE_LINK_SCHEMES)
    )


def public_speaker(user: User, not_asked: frozenset[str] = frozenset()) -> PublicSpeaker:
    """A speaker as the public sees them; what the event does not ask (`not_asked`: the
    affiliation, photo or links) is left out."""
    profile = getattr(user, "profile", None)
    if profile is None:
        return PublicSpeaker(user.pk, "", "", "", "", ())
    return PublicSpeaker(
        pk=user.pk,
        name=profile.name.strip(),
        affiliation="" if "affiliation" in not_asked else profile.affiliation,
        biography=profile.biography,
        photo_url=profile.photo.url if profile.photo and "photo" not in not_asked else "",
        links=() if "links" in not_asked else _public_links(profile.links),
    )


def _levels(level: str) -> tuple[str, str]:
    """(the level as a value, the level as a phrase of its own) for the public pages."""
    if not level:
        return "", ""
    if level == ExperienceLevel.ANY:
        return _("All levels"), _("For all levels")
    label = ExperienceLevel(level).label
    return label, _("Level: %(level)s") % {"level": label}


def _public_talk(row: PublishedSlot, event: Event) -> PublicTalk:
    """A talk as the public sees it, without the fields its event does not ask."""
    proposal = row.proposal
    hidden = not_asked(event)
    track = None if "track" in hidden else proposal.track
    kind = None if "submission_type" in hidden else proposal.submission_type
    level, level_phrase = _levels("" if "experience_level" in hidden else proposal.experience_level)
    slides_url = proposal.slides_url if proposal.slides_url.startswith(SAFE_LINK_SCHEMES) else ""
    return PublicTalk(
        pk=proposal.pk,
        code=proposal.code,
        title=proposal.title,
        submission_type=kind.name if kind else "",
        experience_level=level,
        level_phrase=level_phrase,
        track=track.name if track else "",
        # Talks without a track come after every track.
        track_order=(track.position, track.name) if track else (1 << 16, ""),
        abstract=proposal.abstract,
        speakers=tuple(public_speaker(user, hidden) for user in proposal.speakers.all()),
        room=row.room_name,
        room_id=row.room_id,
        room_position=row.room_position,
        start=row.start,
        end=row.end,
        slides_file_url=proposal.slides.url if proposal.slides else "",
        slides_url=slides_url,
        times=Times.of(row.start, row.end, event),
    )


def _talk_rows(version: ScheduleVersion | None):
    """The public talk rows of a version, with everything a talk shows, in two queries."""
    return (
        public_slots(version)
        .exclude(proposal=None)
        .select_related("proposal__submission_type", "proposal__track")
        .prefetch_related(speakers_in_order("proposal__speakers"))
        .order_by("start", "room_position", "room_name", "proposal__title", "pk")
    )


# --- selectors ----------------------------------------------------------------------------


def programme(event: Event) -> Programme:
    """The whole public programme of an event: 1 query without a published version, 4 with."""
    version = current_version(event)
    if version is None:
        return Programme(event=event, version=None)
    talks = [_public_talk(row, event) for row in _talk_rows(version)]
    breaks = [
        Break(
            title=row.title or "Break",
            room=row.room_name,
            room_position=row.room_position,
            start=row.start,
            end=row.end,
            times=Times.of(row.start, row.end, event),
        )
        for row in public_slots(version).filter(proposal=None, start__isnull=False)
    ]
    # Breaks are few; reading them apart keeps the talk query's prefetch simple.
    return Programme(event=event, version=version, talks=talks, breaks=breaks)


def public_talk(event: Event, code: str) -> tuple[ScheduleVersion, PublicTalk] | None:
    """One talk of the public programme by its code, or None if the public may not see it."""
    version = current_version(event)
    if version is None:
        return None
    row = _talk_rows(version).filter(proposal__code=code).first()
    return (version, _public_talk(row, event)) if row else None


def speaker_talks(event: Event, pk: int) -> tuple[PublicSpeaker, list[PublicTalk]] | None:
    """A speaker of at least one public talk of the event, and those talks; else None."""
    version = current_version(event)
    if version is None:
        return None
    rows = _talk_rows(version).filter(proposal__speakers=pk)
    talks = [_public_talk(row, event) for row in rows]
    if not talks:
        return None
    speaker = next(s for s in talks[0].speakers if s.pk == pk)
    return speaker, talks


def talks_by_track(talks: list[PublicTalk]) -> list[tuple[str, list[PublicTalk]]]:
    """Talks grouped by track in the event's track order ("" for talks without a track);
    within a track, by time, unscheduled talks last, then by title."""
    groups: dict[tuple[int, str], list[PublicTalk]] = defaultdict(list)
    for talk in talks:
        groups[talk.track_order].append(talk)
    far = datetime.max.replace(tzinfo=UTC)
    return [
        (
            groups[key][0].track,
            sorted(groups[key], key=lambda t: (t.start or far, t.title.casefold())),
        )
        for key in sorted(groups)
    ]


# --- the schedule grid ----------------------------------------------------------------------


@dataclass(frozen=True)
class GridRoom:
    name: str
    position: int


@dataclass
class Row:
    """One start time of a day: what starts then in each room, or a break for every room."""

    start: datetime
    time: str  # "1:50 pm"
    cells: list[list[PublicTalk | Break]]  # one list per room of the day, in room order
    everywhere: list[Break]

    @property
    def has_talks(self) -> bool:
        return any(self.cells)


@dataclass
class Day:
    date: date
    label: str  # "Thursday, April 16"
    rooms: list[GridRoom]
    rows: list[Row]

    @property
    def anchor(self) -> str:
        return f"day-{self.date:%Y-%m-%d}"


def local_date(value: datetime, event: Event) -> date:
    return timezone.localtime(value, event.tz).date()


def schedule_days(prog: Programme) -> list[Day]:
    """The scheduled talks and breaks by day (in the event's time zone), then by start time
    and room. Rooms are those used that day, in the organizers' order."""
    event = prog.event
    items: list[PublicTalk | Break] = [*prog.scheduled_talks, *prog.breaks]
    by_day: dict[date, list[PublicTalk | Break]] = defaultdict(list)
    for item in items:
        by_day[local_date(item.start, event)].append(item)
    days = []
    for day in sorted(by_day):
        day_items = by_day[day]
        rooms = sorted(
            {GridRoom(item.room, item.room_position) for item in day_items if item.room},
            key=lambda r: (r.position, r.name),
        )
        column = {room.name: i for i, room in enumerate(rooms)}
        rows: dict[datetime, Row] = {}
        for item in sorted(day_items, key=lambda i: (i.start, i.end, i.title)):
            row = rows.get(item.start)
            if row is None:
                time = format_time(item.start, event)
                row = rows[item.start] = Row(item.start, time, [[] for _ in rooms], [])
            if item.room:
                row.cells[column[item.room]].append(item)
            else:
                row.everywhere.append(item)
        label = f"{day:%A}, {day:%B} {day.day}"
        days.append(Day(day, label, rooms, [rows[start] for start in sorted(rows)]))
    return days
