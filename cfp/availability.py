"""When speakers can speak: given, when the CfP asks for it, as they confirm an accepted talk,
and changed from their proposal page until the event starts.

A speaker gives, for each day of the event, the whole day, the morning, the afternoon, or
some hours, in the event's time zone. The halves are split at MIDDAY: the morning is the day
until 1 pm, the afternoon the rest of it, so that a speaker who gives both has the whole day.
They are stored as SpeakerAvailability rows in UTC, one per span, adjacent spans merged (the
afternoon of one day and the next morning are one span); saving replaces what was there.

No rows means the speaker said nothing: the schedule grid warns of nothing for them.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cfp.enums import ProposalState
from cfp.models import Event, Proposal, SpeakerAvailability

MIDDAY = time(13)

WHOLE_DAY, MORNING, AFTERNOON, HOURS = "day", "morning", "afternoon", "hours"
DAY_CHOICES = [
    ("", gettext_lazy("Not this day (or not said)")),
    (WHOLE_DAY, gettext_lazy("The whole day")),
    (MORNING, gettext_lazy("The morning (until 1 pm)")),
    (AFTERNOON, gettext_lazy("The afternoon (from 1 pm)")),
    (HOURS, gettext_lazy("These hours:")),
]


@dataclass(frozen=True, order=True)
class Span:
    starts_at: datetime
    ends_at: datetime


# --- time in the event's zone ------------------------------------------------------------------


def event_days(event: Event) -> list[date]:
    days = (event.end_date - event.start_date).days + 1
    return [event.start_date + timedelta(days=i) for i in range(max(days, 0))]


def moment(event: Event, day: date, clock: time) -> datetime:
    """The UTC moment of a wall-clock time of the event; a time the clocks skip is refused."""
    wall = datetime.combine(day, clock.replace(tzinfo=None))
    aware = wall.replace(tzinfo=event.tz, fold=0)
    if aware.astimezone(UTC).astimezone(event.tz).replace(tzinfo=None) != wall:
        raise ValidationError(
            _("%(time)s does not exist on that day in %(zone)s: the clocks go forward then.")
            % {"time": f"{clock:%H:%M}", "zone": event.timezone},
            code="nonexistent_time",
        )
    return aware.astimezone(UTC)


def day_start(event: Event, day: date) -> datetime:
    """The day's first moment in the event's zone (midnight, or the first hour that exists)."""
    for hour in range(24):
        try:
            return moment(event, day, time(hour))
        except ValidationError:
            continue
    raise AssertionError("a day without hours")


def span_of(event: Event, day: date, choice: str, start: time | None, end: time | None) -> Span:
    """The span a day's choice stands for."""
    begins, ends = day_start(event, day), day_start(event, day + timedelta(days=1))
    if choice == WHOLE_DAY:
        return Span(begins, ends)
    if choice == MORNING:
        return Span(begins, moment(event, day, MIDDAY))
    if choice == AFTERNOON:
        return Span(moment(event, day, MIDDAY), ends)
    return Span(moment(event, day, start), moment(event, day, end))


def merged(spans: Iterable[Span]) -> list[Span]:
    """The spans in order, those that overlap or touch made one."""
    out: list[Span] = []
    for span in sorted(spans):
        if out and span.starts_at <= out[-1].ends_at:
            if span.ends_at > out[-1].ends_at:
                out[-1] = Span(out[-1].starts_at, span.ends_at)
        else:
            out.append(span)
    return out


# --- who may give them, and when ---------------------------------------------------------------


def has_started(event: Event, now: datetime | None = None) -> bool:
    today = timezone.localtime(now or timezone.now(), event.tz).date()
    return today >= event.start_date


def asks(proposal: Proposal) -> bool:
    cfp = getattr(proposal.event, "cfp", None)
    return bool(cfp and cfp.asks_availability)


def may_give(proposal: Proposal, user) -> bool:
    """A speaker of an accepted (announced) or confirmed talk, while the event has not begun."""
    return (
        asks(proposal)
        and proposal.speaker_state in (ProposalState.ACCEPTED, ProposalState.CONFIRMED)
        and not has_started(proposal.event)
        and any(s.pk == user.pk for s in proposal.speakers.all())
    )


# --- writes ------------------------------------------------------------------------------------


@transaction.atomic
def availability_replace(*, event: Event, speaker, spans: Iterable[Span]) -> list[Span]:
    """Replace the speaker's times for the event with these spans (merged). Each must lie
    within the event's days and end after it starts."""
    first, last = event_days(event)[0], event_days(event)[-1]
    opens, closes = day_start(event, first), day_start(event, last + timedelta(days=1))
    spans = list(spans)
    for span in spans:
        if span.ends_at <= span.starts_at:
            raise ValidationError(_("A time must end after it starts."), code="backwards")
        if span.starts_at < opens or span.ends_at > closes:
            raise ValidationError(_("Give times during the event's days."), code="outside")
    spans = merged(spans)
    SpeakerAvailability.objects.filter(event=event, speaker=speaker).delete()
    SpeakerAvailability.objects.bulk_create(
        SpeakerAvailability(event=event, speaker=speaker, starts_at=s.starts_at, ends_at=s.ends_at)
        for s in spans
    )
    return spans


def availability_give(*, proposal: Proposal, by, spans: Iterable[Span]) -> list[Span]:
    """A speaker gives their times from the proposal's pages."""
    if not may_give(proposal, by):
        raise PermissionDenied(_("You cannot give your times for this talk now."))
    return availability_replace(event=proposal.event, speaker=by, spans=spans)


# --- reads -------------------------------------------------------------------------------------


def spans_of(event: Event, speaker_ids: Iterable[int] | None = None) -> dict[int, list[Span]]:
    """The given times per speaker id, in one query (every speaker of the event for None)."""
    rows = SpeakerAvailability.objects.filter(event=event)
    if speaker_ids is not None:
        rows = rows.filter(speaker_id__in=list(speaker_ids))
    found: dict[int, list[Span]] = defaultdict(list)
    for speaker_id, starts_at, ends_at in rows.values_list("speaker_id", "starts_at", "ends_at"):
        found[speaker_id].append(Span(starts_at, ends_at))
    return found


def covers(spans: list[Span], starts_at: datetime, ends_at: datetime) -> bool:
    return any(s.starts_at <= starts_at and ends_at <= s.ends_at for s in spans)


def by_day(event: Event, spans: Iterable[Span]) -> dict[date, list[Span]]:
    """The spans cut at the event's midnights, per local day."""
    found: dict[date, list[Span]] = defaultdict(list)
    for span in spans:
        start = span.starts_at
        while start < span.ends_at:
            day = timezone.localtime(start, event.tz).date()
            cut = min(span.ends_at, day_start(event, day + timedelta(days=1)))
            found[day].append(Span(start, cut))
            start = cut
    return found


def day_choice(event: Event, day: date, spans: list[Span]) -> tuple[str, time | None, time | None]:
    """What a day's form row shows for the stored spans of that day."""
    if not spans:
        return "", None, None
    for choice in (WHOLE_DAY, MORNING, AFTERNOON):
        if spans == [span_of(event, day, choice, None, None)]:
            return choice, None, None
    first, last = spans[0], spans[-1]
    return (
        HOURS,
        timezone.localtime(first.starts_at, event.tz).time(),
        timezone.localtime(last.ends_at, event.tz).time(),
    )


def _clock(value: datetime, event: Event) -> str:
    local = timezone.localtime(value, event.tz)
    return f"{local.hour % 12 or 12}:{local:%M} {'am' if local.hour < 12 else 'pm'}"


def describe(event: Event, spans: Iterable[Span]) -> list[str]:
    """ "Thursday, April 16: the whole day", "Friday, April 17: 9:00 am – 11:30 am"."""
    lines = []
    for day, parts in sorted(by_day(event, spans).items()):
        choice, _start, _end = day_choice(event, day, parts)
        labels = {
            WHOLE_DAY: _("the whole day"),
            MORNING: _("the morning (until 1 pm)"),
            AFTERNOON: _("the afternoon (from 1 pm)"),
        }
        what = labels.get(choice) or ", ".join(
            f"{_clock(p.starts_at, event)} – {_clock(p.ends_at, event)}"
            if p.ends_at != day_start(event, day + timedelta(days=1))
            else f"{_clock(p.starts_at, event)} – {_('midnight')}"
            for p in parts
        )
        lines.append(f"{day:%A}, {day:%B} {day.day}: {what}")
    return lines


# --- the form ----------------------------------------------------------------------------------


class AvailabilityForm(forms.Form):
    """One row per day of the event: not said, whole day, morning, afternoon, or hours."""

    def __init__(self, *args, event: Event, spans: Iterable[Span] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.event = event
        stored = by_day(event, spans)
        self.days = []
        for day in event_days(event):
            key = day.isoformat()
            choice, start, end = day_choice(event, day, stored.get(day, []))
            label = f"{day:%A}, {day:%B} {day.day}"
            self.fields[f"day_{key}"] = forms.ChoiceField(
                label=label, choices=DAY_CHOICES, required=False, initial=choice
            )
            self.fields[f"from_{key}"] = forms.TimeField(
                label=_("From"),
                required=False,
                initial=start,
                widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            )
            self.fields[f"until_{key}"] = forms.TimeField(
                label=_("Until"),
                required=False,
                initial=end,
                widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            )
            self.days.append(key)

    def rows(self) -> list[dict]:
        return [
            {
                "choice": self[f"day_{key}"],
                "start": self[f"from_{key}"],
                "end": self[f"until_{key}"],
            }
            for key in self.days
        ]

    def clean(self):
        data = super().clean()
        self._spans = []
        for key in self.days:
            choice = data.get(f"day_{key}")
            if not choice:
                continue
            day = date.fromisoformat(key)
            start, end = data.get(f"from_{key}"), data.get(f"until_{key}")
            if choice == HOURS:
                if f"from_{key}" in self.errors or f"until_{key}" in self.errors:
                    continue
                if start is None or end is None:
                    missing = f"from_{key}" if start is None else f"until_{key}"
                    self.add_error(missing, _("Give both times, e.g. 09:30 and 12:00."))
                    continue
                if end <= start:
                    self.add_error(f"until_{key}", _("The time must end after it starts."))
                    continue
            try:
                self._spans.append(span_of(self.event, day, choice, start, end))
            except ValidationError as error:
                self.add_error(f"from_{key}" if choice == HOURS else f"day_{key}", error)
        return data

    def spans(self) -> list[Span]:
        return merged(self._spans)


def speakers_summary(proposal: Proposal) -> SafeString:
    """For the organizers' proposal page: each speaker's times, in one query."""
    speakers = list(proposal.speakers_in_order())
    given = spans_of(proposal.event, [s.pk for s in speakers])
    if not asks(proposal) and not given:
        return format_html("{}", _("Not asked (the CfP does not ask speakers for their times)."))
    items = []
    for speaker in speakers:
        lines = describe(proposal.event, given.get(speaker.pk, []))
        text = "; ".join(lines) if lines else _("no times given (any time)")
        items.append((speaker.display_name, text))
    return format_html(
        "<ul>{}</ul><p>{}</p>",
        format_html_join("", "<li>{}: {}</li>", items),
        _("In the event's time zone, %(zone)s.") % {"zone": proposal.event.timezone},
    )
