"""What the staff panel's dashboard shows of an event's CfP: its state and deadline, the
proposals by state, track and type, submissions per day, the outbox and the schedule.

Each figure is one aggregate query over the event's rows (grouped in the database, folded
here), so the dashboard costs the same at 2,000 and 20,000 proposals. Drafts are the
speakers' own work: counted, never listed among the proposals. The review figures are
reviews.dashboard's (reviews imports cfp, not the other way round).
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from django.db import connection
from django.db.models import Count, DateTimeField, Func, Value
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cfp.enums import ACCEPTED_STATES, DECISION_KINDS, MessageState, ProposalState
from cfp.models import Event, Message, Proposal, ScheduleVersion, SubmissionType, TalkSlot, Track

# The states a proposal is counted in, in the order of its life; drafts apart.
LISTED_STATES = (
    ProposalState.SUBMITTED,
    ProposalState.ACCEPTED,
    ProposalState.CONFIRMED,
    ProposalState.REJECTED,
    ProposalState.DECLINED,
    ProposalState.WITHDRAWN,
    ProposalState.CANCELED,
)
CFP_STATUS = {
    "not_open": gettext_lazy("Not open yet"),
    "open": gettext_lazy("Open"),
    "closed": gettext_lazy("Closed"),
    "none": gettext_lazy("No call for papers set up"),
}
# A chart of more days than this shows the last ones (a bar a day stays readable).
MOST_DAYS = 366
QUARTER = timedelta(minutes=15)


@dataclass(frozen=True)
class Figure:
    """A number with what it counts; `key` is what the list behind it filters on (a state,
    a track's or type's id; None for "none")."""

    label: str
    count: int
    key: str | int | None = None


@dataclass(frozen=True)
class CfPState:
    status: str
    opens_at: datetime | None
    deadline: datetime | None
    now: datetime

    @property
    def label(self) -> str:
        return str(CFP_STATUS[self.status])

    @property
    def deadline_passed(self) -> bool:
        return self.deadline is not None and self.now >= self.deadline


def cfp_state(event: Event, now: datetime | None = None) -> CfPState:
    """No query when the event was read with its CfP (rules.organized_events does)."""
    now = now or timezone.now()
    cfp = getattr(event, "cfp", None)
    if cfp is None:
        return CfPState("none", None, None, now)
    return CfPState(cfp.status(now), cfp.opens_at, cfp.deadline, now)


@dataclass
class ProposalCounts:
    by_state: list[Figure]
    by_track: list[Figure]
    by_type: list[Figure]
    drafts: int

    @property
    def total(self) -> int:
        return sum(f.count for f in self.by_state)

    def count(self, *states: str) -> int:
        return sum(f.count for f in self.by_state if f.key in states)


def proposal_counts(event: Event) -> ProposalCounts:
    """The event's proposals by state, track and type (drafts apart): two queries, the
    counts in one GROUP BY and the event's tracks and types."""
    rows = (
        Proposal.objects.filter(event=event)
        .order_by()
        .values_list("state", "track_id", "submission_type_id")
        .annotate(n=Count("*"))  # COUNT(*): read from the index alone (proposal_event_figures)
    )
    states: dict[str, int] = {}
    tracks: dict[int | None, int] = {}
    types: dict[int | None, int] = {}
    drafts = 0
    for state, track_id, type_id, n in rows:
        if state == ProposalState.DRAFT:
            drafts += n
            continue
        states[state] = states.get(state, 0) + n
        tracks[track_id] = tracks.get(track_id, 0) + n
        types[type_id] = types.get(type_id, 0) + n
    # The event's tracks and types in one read: those without proposals are figures too.
    # Unordered parts (SQLite allows no ORDER BY inside a UNION), put in order here.
    named = (
        Track.objects.filter(event=event)
        .order_by()
        .annotate(kind=Value("track"))
        .values_list("pk", "name", "kind", "position")
        .union(
            SubmissionType.objects.filter(event=event)
            .order_by()
            .annotate(kind=Value("type"))
            .values_list("pk", "name", "kind", "position"),
            all=True,
        )
    )
    names: dict[str, list[tuple[int, str]]] = {"track": [], "type": []}
    for pk, name, kind, _position in sorted(named, key=lambda row: (row[3], row[1], row[0])):
        names[kind].append((pk, name))
    return ProposalCounts(
        by_state=[Figure(ProposalState(s).label, states.get(s, 0), s) for s in LISTED_STATES],
        by_track=_named(names["track"], tracks, _("No track")),
        by_type=_named(names["type"], types, _("No type")),
        drafts=drafts,
    )


def _named(things: list[tuple[int, str]], counts: dict, missing: str) -> list[Figure]:
    figures = [Figure(name, counts.get(pk, 0), pk) for pk, name in things]
    figures.sort(key=lambda f: (-f.count, f.label.casefold()))
    if counts.get(None):
        figures.append(Figure(missing, counts[None], None))
    return figures


@dataclass
class Submissions:
    """Proposals submitted per day, in the event's time zone, from the first to the last day
    with a submission (or the deadline's day, when it comes later)."""

    days: list[tuple[date, int]]
    deadline_day: date | None
    zone: str

    @property
    def total(self) -> int:
        return sum(n for _day, n in self.days)

    def rows(self) -> list[tuple[date, int, int]]:
        """(day, submitted that day, submitted by then) for the days with a submission."""
        made, running = [], 0
        for day, n in self.days:
            running += n
            if n:
                made.append((day, n, running))
        return made

    def chart(self) -> dict | None:
        if not self.total:
            return None
        labels = [day.isoformat() for day, _n in self.days]
        deadline = self.deadline_day.isoformat() if self.deadline_day else None
        return {
            "labels": labels,
            "counts": [n for _day, n in self.days],
            "label": _("Proposals submitted"),
            "deadline": deadline if deadline in labels else None,
            "deadline_label": _("Deadline"),
        }


def submissions_per_day(event: Event, state: CfPState) -> Submissions:
    """One query: every proposal that left the draft state, by the day it was submitted."""
    submitted = Proposal.objects.filter(event=event).exclude(state=ProposalState.DRAFT).order_by()
    when = Coalesce("submitted_at", "created_at")
    if connection.vendor == "postgresql":
        rows = _days_by_quarters(submitted, when, event.timezone)
    else:
        rows = dict(
            submitted.annotate(day=TruncDate(when, tzinfo=event.tz))
            .values_list("day")
            .annotate(n=Count("*"))
            .values_list("day", "n")
        )
    deadline_day = timezone.localtime(state.deadline, event.tz).date() if state.deadline else None
    if not rows:
        return Submissions([], deadline_day, event.timezone)
    first, last = min(rows), max(rows)
    if deadline_day and first <= deadline_day and deadline_day - last <= timedelta(MOST_DAYS):
        last = max(last, deadline_day)
    first = max(first, last - timedelta(days=MOST_DAYS - 1))
    days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    return Submissions([(day, rows.get(day, 0)) for day in days], deadline_day, event.timezone)


def _days_by_quarters(submitted, when, zone: str) -> dict[date, int]:
    """The proposals per day in `zone`, counted by quarter of an hour first (PostgreSQL).

    Turning each proposal's moment into a day of the event's zone was most of the query's
    time (some 6 of 11 ms at 20,000 proposals); a quarter of an hour in UTC lies within one
    day of any zone (every offset and every change of offset of these years falls on a
    quarter of an hour), so only the quarters, at most 96 a day, are turned into days."""
    epoch = datetime(2000, 1, 1, tzinfo=UTC)
    quarters = (
        submitted.annotate(
            quarter=Func(
                Value(QUARTER),
                when,
                Value(epoch),
                function="date_bin",
                output_field=DateTimeField(),
            )
        )
        .values_list("quarter")
        .annotate(n=Count("*"))
        .values_list("quarter", "n")
    )
    sql, params = quarters.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (quarter AT TIME ZONE %s)::date, SUM(n) "  # noqa: S608 (the ORM's SQL)
            f"FROM ({sql}) AS quarters (quarter, n) GROUP BY 1",
            [zone, *params],
        )
        return {day: int(n) for day, n in cursor.fetchall()}


@dataclass
class Outbox:
    """The event's emails that wait: drafts for an organizer to send, the queue, failures."""

    drafts: int = 0
    decision_drafts: int = 0
    pending: int = 0
    failed: int = 0
    unknown: int = 0
    sent: int = 0


def outbox_counts(event: Event) -> Outbox:
    """One query: the event's messages by state and kind."""
    outbox = Outbox()
    rows = (
        Message.objects.filter(event=event)
        .order_by()
        .values_list("state", "kind")
        .annotate(n=Count("pk"))
    )
    for state, kind, n in rows:
        if state == MessageState.DRAFT:
            outbox.drafts += n
            if kind in DECISION_KINDS:
                outbox.decision_drafts += n
        elif state in (MessageState.PENDING, MessageState.SENDING):
            outbox.pending += n
        elif state == MessageState.FAILED:
            outbox.failed += n
        elif state == MessageState.UNKNOWN:
            outbox.unknown += n
        elif state == MessageState.SENT:
            outbox.sent += n
    return outbox


@dataclass
class ScheduleState:
    placed: int = 0  # talks in the working schedule
    placed_confirmed: int = 0
    placed_not_accepted: int = 0  # withdrawn, declined... since they were placed
    to_place: int = 0  # accepted or confirmed talks not placed yet
    version: str | None = None
    published_at: datetime | None = None


def schedule_state(event: Event, proposals: ProposalCounts) -> ScheduleState:
    """Two queries: the placed talks by state, and the newest published version."""
    placed = dict(
        TalkSlot.objects.filter(event=event, proposal__isnull=False)
        .order_by()
        .values_list("proposal__state")
        .annotate(n=Count("pk"))
        .values_list("proposal__state", "n")
    )
    schedulable = sum(placed.get(s, 0) for s in ACCEPTED_STATES)
    latest = (
        ScheduleVersion.objects.filter(event=event)
        .order_by("-published_at", "-pk")
        .values_list("name", "published_at")
        .first()
    )
    return ScheduleState(
        placed=sum(placed.values()),
        placed_confirmed=placed.get(ProposalState.CONFIRMED, 0),
        placed_not_accepted=sum(placed.values()) - schedulable,
        to_place=max(proposals.count(*ACCEPTED_STATES) - schedulable, 0),
        version=latest[0] if latest else None,
        published_at=latest[1] if latest else None,
    )
