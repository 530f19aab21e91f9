"""The organizers' schedule page in the staff panel: one event's grid of days × rooms × time.

Talks are placed, moved and removed, and breaks added, with plain POST forms (the page works
without JavaScript) and by drag and drop (static/js/schedule-grid.js posts the same forms).
Every write is a cfp.schedule service; a refusal becomes an error message and changes
nothing. The page lists schedule_warnings() and marks the slots they are about, and
publishes the working schedule as a new version.

Times are typed and shown in the event's time zone. The page costs the same number of
queries however many slots there are (tests/cfp/test_schedule_grid.py counts them). The
repeated markup (drop cells, blocks, the forms' fields) is built in schedule_markup.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from cfp import moments
from cfp.admin.schedule_forms import (
    BreakForm,
    PlaceForm,
    PublishForm,
    WhereWhenForm,
    day_label,
    error_text,
    next_version_name,
)
from cfp.admin.schedule_markup import GridMarkup, WhereWhenFields, url_maker
from cfp.models import Event, Proposal, Room, TalkSlot
from cfp.models.proposal import speakers_in_order
from cfp.programme import schedule

TEMPLATES = "admin/cfp/schedule/"
STEP = 5  # minutes per row of the grid
CELL = 15  # minutes per drop target
DAY_START, DAY_END = 8 * 60, 20 * 60  # the grid shows at least 08:00–20:00


def schedule_urls(model_admin) -> list[URLPattern]:
    """The schedule's URLs, for EventAdmin.get_urls."""
    pages = SchedulePages(model_admin)
    view = model_admin.admin_site.admin_view

    def post(func):
        return view(require_POST(func))

    return [
        path("<int:event_id>/schedule/", view(pages.grid), name="cfp_event_schedule"),
        path("<int:event_id>/schedule/place/", post(pages.place), name="cfp_event_schedule_place"),
        path(
            "<int:event_id>/schedule/break/", post(pages.add_break), name="cfp_event_schedule_break"
        ),
        path(
            "<int:event_id>/schedule/slots/<int:slot_id>/move/",
            post(pages.move),
            name="cfp_event_schedule_move",
        ),
        path(
            "<int:event_id>/schedule/slots/<int:slot_id>/remove/",
            post(pages.remove),
            name="cfp_event_schedule_remove",
        ),
        path(
            "<int:event_id>/schedule/publish/",
            post(pages.publish),
            name="cfp_event_schedule_publish",
        ),
    ]


# --- what the grid draws --------------------------------------------------------------------------


def clock_label(minutes: int) -> str:
    """Minutes after midnight as format_time writes a time: "1:50 pm"."""
    hour, minute = divmod(minutes % (24 * 60), 60)
    return f"{hour % 12 or 12}:{minute:02d} {'am' if hour < 12 else 'pm'}"


@dataclass
class Block:
    """A slot drawn on the grid: rows from the grid's first line, and its lane among overlaps."""

    slot: schedule.GridSlot
    row: int
    span: int
    column: str
    time: str
    day: date  # the move form's values: the local day and "HH:MM"
    clock: str
    warnings: list[str]
    lane: int = 0
    lanes: int = 1


@dataclass
class Waiting:
    """A talk still to place, with what its row in the side panel shows."""

    talk: Proposal
    url: str
    speakers: str
    fields: str


@dataclass
class Day:
    day: date
    label: str
    outside: bool  # a day outside the event's dates, shown because a slot is on it
    slots: list[schedule.GridSlot] = field(default_factory=list)


def local_minutes(moment: datetime, event: Event) -> tuple[date, int]:
    local = timezone.localtime(moment, event.tz)
    return local.date(), local.hour * 60 + local.minute


def assign_lanes(blocks: list[Block]) -> None:
    """Overlapping blocks of one room side by side, each group as wide as it needs."""
    group: list[Block] = []
    group_end = 0
    for block in sorted(blocks, key=lambda b: (b.row, b.slot.pk)):
        if group and block.row >= group_end:
            _spread(group)
            group = []
        lane = 0
        while any(b.lane == lane and b.row + b.span > block.row for b in group):
            lane += 1
        block.lane = lane
        group.append(block)
        group_end = max(group_end, block.row + block.span)
    _spread(group)


def _spread(group: list[Block]) -> None:
    lanes = max((b.lane for b in group), default=0) + 1
    for block in group:
        block.lanes = lanes


def draw_day(
    event: Event,
    day: Day,
    rooms: list[Room],
    warned: dict[int, list[str]],
    markup: GridMarkup,
    starts: dict[int, tuple[date, int]],
) -> dict[str, object]:
    """The grid of one day: its rows of STEP minutes, time labels, drop cells and blocks, and
    the rows of the list below it. starts: each slot's local day and minute (local_minutes)."""
    spans = [(starts[s.pk][1], s.minutes) for s in day.slots]
    first = min([DAY_START, *(start for start, _ in spans)]) // 60 * 60
    last = max([DAY_END, *(start + length for start, length in spans)])
    last = min(-(-last // 60) * 60, 24 * 60)
    columns = {room.pk: str(index) for index, room in enumerate(rooms, start=2)}
    blocks: list[Block] = []
    for slot, (start, length) in zip(day.slots, spans, strict=True):
        row = 2 + (start - first) // STEP
        span = max(1, min(-(-length // STEP), 2 + (last - first) // STEP - row))
        blocks.append(
            Block(
                slot=slot,
                row=row,
                span=span,
                column=columns.get(slot.room_id, "2 / -1"),
                time=f"{clock_label(start)} – {schedule.format_time(slot.end, event)}",
                day=day.day,
                clock=f"{start // 60:02d}:{start % 60:02d}",
                warnings=warned.get(slot.pk, []),
            )
        )
    by_room: dict[int | None, list[Block]] = {}
    for block in blocks:
        by_room.setdefault(block.slot.room_id, []).append(block)
    for room_id in columns:
        assign_lanes(by_room.get(room_id, []))
    hours = [
        {"row": 2 + (m - first) // STEP, "label": clock_label(m)} for m in range(first, last, 60)
    ]
    cells = [
        {
            "row": 2 + (m - first) // STEP,
            "time": f"{m // 60:02d}:{m % 60:02d}",
            "label": clock_label(m),
        }
        for m in range(first, last, CELL)
    ]
    columns_shown = [(room, columns[room.pk]) for room in rooms]
    return {
        "rows": (last - first) // STEP,
        "hours": hours,
        "cells": markup.cells(columns_shown, cells),
        "blocks": blocks,
        # Each one piece: a hundred template variables cost more than building them.
        "blocks_html": markup.later(markup.block(block) for block in blocks),
        "rows_html": markup.later(markup.row(block) for block in blocks),
        "columns": columns_shown,
    }


def zone_label(event: Event, day: date) -> str:
    """ "Europe/Berlin (CEST, UTC+02:00)" on that day."""
    noon = datetime.combine(day, time(12), tzinfo=event.tz)
    offset = noon.strftime("%z")
    return f"{event.timezone} ({noon:%Z}, UTC{offset[:3]}:{offset[3:]})"


def page_context(event: Event, wanted_day: str, request=None) -> dict[str, object]:
    """Everything the page shows of an event's schedule, on the day asked for (else the first),
    in a fixed number of queries. The request gives the forms built here their CSRF field."""
    rooms = list(event.rooms.all())
    slots = schedule.grid_slots(event)
    warnings = schedule.schedule_warnings(event, slots)
    warned: dict[int, list[str]] = {}
    for warning in warnings:
        for slot_id in warning.slot_ids:
            warned.setdefault(slot_id, []).append(warning.message)

    days = {day: Day(day, day_label(day), False) for day in schedule.event_days(event)}
    starts = {slot.pk: local_minutes(slot.start, event) for slot in slots}
    for slot in slots:
        local_day = starts[slot.pk][0]
        if local_day not in days:
            days[local_day] = Day(local_day, day_label(local_day), True)
        days[local_day].slots.append(slot)
    days = dict(sorted(days.items()))
    current = next((d for d in days.values() if d.day.isoformat() == wanted_day), None)
    current = current or next(iter(days.values()), None)

    talks = list(
        schedule.schedulable_talks(event)
        .filter(slot__isnull=True)
        .select_related("submission_type", "track")
        .prefetch_related(speakers_in_order())
        .order_by("title", "pk")
    )
    versions = list(
        event.schedule_versions.select_related("published_by__profile").order_by(
            "-published_at", "-pk"
        )
    )
    taken = {v.name for v in versions}
    placed = sum(1 for s in slots if s.proposal_id is not None)
    fields = WhereWhenFields(rooms, [d for d in days.values() if not d.outside])
    markup = GridMarkup(event, fields, request) if current and rooms else None
    talk_url = url_maker("admin:cfp_proposal_change")
    day_shown = current.day if current else None
    waiting = [
        Waiting(
            talk=talk,
            url=talk_url(talk.pk),
            speakers=", ".join(person.display_name for person in talk.speakers.all()),
            fields=fields.html(
                room=rooms[0].pk,
                day=day_shown,
                minutes=talk.submission_type.default_duration if talk.submission_type else None,
            )
            if rooms
            else "",
        )
        for talk in talks
    ]
    return {
        "event": event,
        "rooms": rooms,
        "days": list(days.values()),
        "current": current,
        "grid": draw_day(event, current, rooms, warned, markup, starts) if markup else None,
        "markup": markup,
        "warnings": warnings,
        "talks": waiting,
        "break_fields": fields.html(
            room=None, day=day_shown, minutes=30, all_rooms=True, duration_required=True
        ),
        "placed": placed,
        "total": placed + len(talks),
        "zone": zone_label(event, current.day if current else event.start_date),
        "versions": [
            {
                "version": v,
                "when": moments.moment(v.published_at, event),
                "by": v.published_by.display_name if v.published_by else "",
            }
            for v in versions
        ],
        "publish_form": PublishForm(
            initial={"name": next_version_name(taken), "notify": True}, taken=taken
        ),
        "break_form": BreakForm(event=event, rooms=rooms),
    }


# --- the views ------------------------------------------------------------------------------------


class SchedulePages:
    """The schedule's views; EventAdmin decides who may see and change the event."""

    def __init__(self, model_admin):
        self.model_admin = model_admin

    def _event(self, request, event_id: int) -> Event:
        event = get_object_or_404(Event, pk=event_id)
        if not self.model_admin.has_change_permission(request, event):
            raise PermissionDenied
        return event

    def _back(self, request, event: Event, day: date | str | None = None) -> HttpResponse:
        """Back to the grid, on the day of the change. Drag and drop (a fetch) is told where
        to go instead: a redirect it followed would show, and so use up, the message."""
        url = reverse("admin:cfp_event_schedule", args=[event.pk])
        if day:
            url += "?" + urlencode({"day": str(day)})
        if request.headers.get("X-Requested-With") == "fetch":
            return JsonResponse({"next": url})
        return HttpResponseRedirect(url)

    def _refused(self, request, what: str, reasons: str) -> None:
        messages.error(request, f"{what}: {reasons} Nothing changed.")

    @staticmethod
    def _service_error(exc: ValidationError) -> str:
        return " ".join(exc.messages)

    @staticmethod
    def _rooms(event: Event) -> list[Room]:
        return list(event.rooms.all())

    # --- the page ---------------------------------------------------------------------------------

    def grid(self, request, event_id: int):
        event = self._event(request, event_id)
        request.current_app = self.model_admin.admin_site.name
        context = {
            **self.model_admin.admin_site.each_context(request),
            "is_nav_sidebar_enabled": False,  # the grid needs the page's width
            "opts": self.model_admin.opts,
            "title": f"Schedule: {event.name}",
            **page_context(event, request.GET.get("day", ""), request),
        }
        response = TemplateResponse(request, TEMPLATES + "grid.html", context)
        if context["markup"]:
            response.add_post_render_callback(context["markup"].fill)
        return response

    # --- the writes -------------------------------------------------------------------------------

    def place(self, request, event_id: int):
        event = self._event(request, event_id)
        form = PlaceForm(request.POST, event=event, rooms=self._rooms(event))
        if not form.is_valid():
            self._refused(request, "The talk could not be placed", error_text(form))
            return self._back(request, event, request.POST.get("day"))
        data = form.cleaned_data
        try:
            slot = schedule.talk_place(
                event=event,
                proposal=data["proposal"],
                room=data["room"],
                start=data["start"],
                duration=data["duration"],
            )
        except ValidationError as exc:
            self._refused(request, "The talk could not be placed", self._service_error(exc))
        else:
            messages.success(request, f"“{slot.label}” is placed: {self._where(slot, event)}.")
        return self._back(request, event, data["day"])

    def move(self, request, event_id: int, slot_id: int):
        event = self._event(request, event_id)
        slot = self._slot(request, event, slot_id)
        if slot is None:
            return self._back(request, event, request.POST.get("day"))
        form = WhereWhenForm(
            request.POST, event=event, rooms=self._rooms(event), all_rooms=slot.is_break
        )
        if not form.is_valid():
            self._refused(request, f"“{slot.label}” could not be moved", error_text(form))
            return self._back(request, event, request.POST.get("day"))
        data = form.cleaned_data
        try:
            schedule.slot_move(
                slot=slot,
                room=data["room"],
                start=data["start"],
                # A drag sends no length: the slot keeps its own. An emptied field resets it.
                duration=data["duration"] if "duration" in request.POST else schedule.KEEP,
            )
        except ValidationError as exc:
            self._refused(request, f"“{slot.label}” could not be moved", self._service_error(exc))
        else:
            messages.success(request, f"“{slot.label}” is moved: {self._where(slot, event)}.")
        return self._back(request, event, data["day"])

    def remove(self, request, event_id: int, slot_id: int):
        event = self._event(request, event_id)
        slot = self._slot(request, event, slot_id)
        if slot is None:
            return self._back(request, event, request.POST.get("day"))
        day = local_minutes(slot.start, event)[0]
        label, is_break = slot.label, slot.is_break
        schedule.slot_remove(slot=slot)
        if is_break:
            messages.success(request, f"The break “{label}” is removed.")
        else:
            messages.success(
                request, f"“{label}” is off the grid; it waits among the unscheduled talks."
            )
        return self._back(request, event, day)

    def add_break(self, request, event_id: int):
        event = self._event(request, event_id)
        form = BreakForm(request.POST, event=event, rooms=self._rooms(event))
        if not form.is_valid():
            self._refused(request, "The break could not be added", error_text(form))
            return self._back(request, event, request.POST.get("day"))
        data = form.cleaned_data
        try:
            slot = schedule.break_add(
                event=event,
                title=data["title"],
                start=data["start"],
                duration=data["duration"],
                room=data["room"],
            )
        except ValidationError as exc:
            self._refused(request, "The break could not be added", self._service_error(exc))
        else:
            messages.success(
                request, f"The break “{slot.label}” is added: {self._where(slot, event)}."
            )
        return self._back(request, event, data["day"])

    def publish(self, request, event_id: int):
        event = self._event(request, event_id)
        taken = set(event.schedule_versions.values_list("name", flat=True))
        form = PublishForm(request.POST, taken=taken)
        if not form.is_valid():
            self._refused(request, "The schedule was not published", error_text(form))
            return self._back(request, event, request.POST.get("day"))
        data = form.cleaned_data
        try:
            version, changed = schedule.schedule_publish(
                event=event,
                name=data["name"],
                by=request.user,
                comment=data["comment"],
                notify=data["notify"],
            )
        except ValidationError as exc:
            self._refused(request, "The schedule was not published", self._service_error(exc))
        else:
            messages.success(request, publish_message(version.name, len(changed), data["notify"]))
        return self._back(request, event, request.POST.get("day"))

    # --- helpers ----------------------------------------------------------------------------------

    def _slot(self, request, event: Event, slot_id: int) -> TalkSlot | None:
        slot = (
            TalkSlot.objects.filter(pk=slot_id, event=event)
            .select_related("event", "room", "proposal__submission_type")
            .first()
        )
        if slot is None:
            messages.error(request, "That slot is not in this event's schedule (any more).")
        return slot

    @staticmethod
    def _where(slot: TalkSlot, event: Event) -> str:
        room = slot.room.name if slot.room else "all rooms"
        return f"{room}, {schedule.format_span(slot.start, slot.end, event)}"


def publish_message(name: str, changed: int, notify: bool) -> str:
    if changed == 0:
        return f"Version {name} published; no talk changed, so nobody is emailed."
    talks = f"{changed} talk{'' if changed == 1 else 's'} changed"
    whose = "its" if changed == 1 else "their"
    if notify:
        return f"Version {name} published; {talks}, {whose} speakers are being emailed."
    return f"Version {name} published; {talks}, {whose} speakers are not emailed."
