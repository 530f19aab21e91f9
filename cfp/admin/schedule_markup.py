"""The schedule page's repeated markup, built in Python once per page.

A day of ten rooms has about 500 drop cells, a hundred blocks and a hundred rows of the list
below the grid, each row a move form with the same room and day lists. Through the template
engine (an include per block and per form, a lookup per variable, a tag per token) that took
most of the page's time; here each piece is one string. The markup is the one the templates
wrote: static/js/schedule-grid.js reads its data attributes, and the forms post the same
fields.

Every value a person typed (room names, titles, speaker names, warnings) goes through
escape(); the rest is numbers, our own clock strings and the translated labels, escaped once.
escape() is the standard library's: the same output as Django's for text, without the check
for lazy strings that made it a tenth of the page's time here.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from html import escape

from django.template.backends.utils import csrf_input
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from cfp.models import Room
from cfp.models.schedule import MAX_DURATION
from cfp.programme.schedule import GridSlot

SENTINEL = 2_147_483_647  # an id no row has, to find where an id goes in a reversed URL


def url_maker(name: str, *args: int):
    """reverse() for many ids at once: the URL is reversed once with a stand-in id, and each
    id is put in its place. A hundred reverse() calls cost more than the rest of a row."""
    head, _sentinel, tail = reverse(name, args=[*args, SENTINEL]).rpartition(str(SENTINEL))
    return lambda pk: f"{head}{int(pk)}{tail}"


def safe(html: str) -> SafeString:
    return mark_safe(html)  # noqa: S308 (built here: every value a person typed is escaped)


@dataclass(frozen=True)
class Option:
    value: str
    label: str  # escaped


class WhereWhenFields:
    """Room, day, time and length: the fields of the place, move and break forms.

    Every form on the page lists the same rooms and days; only the option selected and the
    values differ, so each select is built once per selected value."""

    def __init__(self, rooms: Iterable[Room], days: Iterable):
        self.rooms = [Option(str(room.pk), escape(room.name)) for room in rooms]
        self.days = [Option(day.day.isoformat(), escape(day.label)) for day in days]
        self.words = {
            word: escape(text)
            for word, text in (
                ("room", _("Room")),
                ("all_rooms", _("All rooms")),
                ("day", _("Day")),
                ("time", _("Time")),
                ("minutes", _("Minutes")),
            )
        }
        self._rooms: dict[tuple[str, bool], str] = {}
        self._days: dict[str, str] = {}

    def _room_select(self, selected: str, all_rooms: bool) -> str:
        key = (selected, all_rooms)
        if key not in self._rooms:
            options = [
                f'<option value="{o.value}"{" selected" if o.value == selected else ""}>'
                f"{o.label}</option>"
                for o in self.rooms
            ]
            if all_rooms:
                everywhere = " selected" if not selected else ""
                options.insert(
                    0, f'<option value=""{everywhere}>{self.words["all_rooms"]}</option>'
                )
            required = "" if all_rooms else " required"
            self._rooms[key] = (
                f'<label class="sched-field"><span>{self.words["room"]}</span>'
                f'<select name="room"{required}>{"".join(options)}</select></label>'
            )
        return self._rooms[key]

    def _day_select(self, selected: str) -> str:
        if selected not in self._days:
            options = "".join(
                f'<option value="{o.value}"{" selected" if o.value == selected else ""}>'
                f"{o.label}</option>"
                for o in self.days
            )
            self._days[selected] = (
                f'<label class="sched-field"><span>{self.words["day"]}</span>'
                f'<select name="day" required>{options}</select></label>'
            )
        return self._days[selected]

    def html(
        self,
        *,
        room: int | None,
        day,
        time: str = "",
        duration: int | None = None,
        minutes: int | None = None,
        all_rooms: bool = False,
        duration_required: bool = False,
    ) -> SafeString:
        """The four fields, with room (an id) and day (a date) selected; minutes is the
        length shown when none is given."""
        placeholder = f' placeholder="{int(minutes)}"' if minutes else ""
        required = " required" if duration_required else ""
        length = "" if duration is None else int(duration)
        return safe(
            self._room_select("" if room is None else str(room), all_rooms)
            + self._day_select(day.isoformat() if day else "")
            + f'<label class="sched-field sched-field-time"><span>{self.words["time"]}</span>'
            f'<input type="time" name="time" value="{escape(time)}" required></label>'
            f'<label class="sched-field sched-field-minutes"><span>{self.words["minutes"]}'
            f'</span><input type="number" name="duration" min="1" max="{MAX_DURATION}" '
            f'inputmode="numeric" value="{length}"{placeholder}{required}></label>'
        )


class GridMarkup:
    """The drop cells, blocks and list rows of one day, with what they share built once: the
    translated words, the addresses, the form fields and the CSRF field."""

    def __init__(self, event, fields: WhereWhenFields, request=None):
        self.fields = fields
        self.move_url = url_maker("admin:cfp_event_schedule_move", event.pk)
        self.remove_url = url_maker("admin:cfp_event_schedule_remove", event.pk)
        self.talk_url = url_maker("admin:cfp_proposal_change")
        self.csrf = csrf_input(request) if request is not None else ""
        self.warning = escape(_("Warning"))
        self.all_rooms = escape(_("All rooms"))
        self.move, self.remove = escape(_("Move")), escape(_("Remove"))
        self.move_label, self.remove_label = _("Move %(talk)s"), _("Remove %(talk)s")
        self.minutes = _("%(minutes)s min")
        self.cup = '<i class="bi bi-cup-hot" aria-hidden="true"></i> '
        self.parts: dict[str, str] = {}

    def later(self, pieces: Iterable[str]) -> SafeString:
        """A stand-in for the pieces, which fill() puts in the rendered page.

        Each level of the admin's nested templates joins its parts into a new string as wide
        as its widest character: a 300 KB grid holding one emoji (in a name or a title) was
        copied at four bytes a character level after level, 4 ms of the page's 25. The stand-in
        is a comment no escaped text can contain."""
        marker = f"<!-- schedule part {len(self.parts)} -->"
        self.parts[marker] = "".join(pieces)
        return safe(marker)

    def fill(self, response):
        """The post-render callback of the page's response: each stand-in replaced once."""
        content = response.content
        for marker, html in self.parts.items():
            content = content.replace(marker.encode(), html.encode(response.charset), 1)
        response.content = content

    def cells(self, columns: list[tuple[Room, str]], cells: list[dict]) -> SafeString:
        """The grid's drop targets: one per room and CELL minutes."""
        parts = []
        for room, column in columns:
            name = escape(room.name)
            for cell in cells:
                hour = " is-hour" if cell["time"].endswith(":00") else ""
                parts.append(
                    f'<div class="sched-cell{hour}" data-cell data-room="{int(room.pk)}" '
                    f'data-time="{cell["time"]}" style="grid-row: {cell["row"]} / span 3; '
                    f'grid-column: {column};" title="{name}, {cell["label"]}"></div>'
                )
        return self.later(parts)

    def block(self, block) -> SafeString:
        """A slot on the grid: a talk (by its state) or a break; a warning marks it red."""
        slot: GridSlot = block.slot
        pk, label = int(slot.pk), escape(slot.label)
        classes = ["sched-block"]
        if slot.is_break:
            classes.append("is-break")
            if not slot.room_id:
                classes.append("is-everywhere")
        else:
            classes.append(f"is-{escape(slot.state)}")
        if block.span <= 4:
            classes.append("is-short")
        elif block.span <= 6:
            classes.append("is-lines-2")
        elif block.span <= 7:
            classes.append("is-lines-3")
        if block.warnings:
            classes.append("has-warning")
        title = f"{escape(block.time)}: {label}"
        if slot.room_id:
            title += f" ({escape(slot.room_name)})"
        title += "".join(f"&#10;⚠ {escape(warning)}" for warning in block.warnings)
        icon = (
            '<i class="bi bi-exclamation-triangle-fill sched-warn-icon" role="img" '
            f'aria-label="{self.warning}"></i>'
            if block.warnings
            else ""
        )
        everywhere = " data-all-rooms" if slot.is_break and not slot.room_id else ""
        return safe(
            f'<article id="block-{pk}" class="{" ".join(classes)}" style="grid-row: {block.row} '
            f"/ span {block.span}; grid-column: {block.column}; --lane: {block.lane}; "
            f'--lanes: {block.lanes};" draggable="true" data-slot="{pk}" '
            f'data-move-url="{self.move_url(pk)}"{everywhere} title="{title}">'
            f'<p class="sched-block-head">{icon}<span class="sched-block-time">'
            f"{escape(block.time)}</span></p>"
            f'<p class="sched-block-title">{self.cup if slot.is_break else ""}'
            f'<a href="#slot-{pk}" draggable="false">{label}</a></p>'
            f"{'' if slot.is_break else self._talk_lines(slot)}</article>"
        )

    def _talk_lines(self, slot: GridSlot) -> str:
        badge = (
            f'<span class="sched-badge is-{escape(slot.state)}">{escape(slot.state_label)}</span> '
            if slot.state != "confirmed"
            else ""
        )
        kind = f"{escape(slot.type_name)} · " if slot.type_name is not None else ""
        track = f" · {escape(slot.track_name)}" if slot.track_name is not None else ""
        length = escape(self.minutes % {"minutes": slot.minutes})
        names = escape(", ".join(name for _id, name in slot.speakers))
        return (
            f'<p class="sched-block-people">{names}</p>'
            f'<p class="sched-block-type">{badge}{kind}{length}{track}</p>'
        )

    def row(self, block) -> SafeString:
        """The slot's row in the list below the grid: where and when, a move form (the way
        without drag and drop) and a remove button."""
        slot: GridSlot = block.slot
        pk, label = int(slot.pk), escape(slot.label)
        where = escape(slot.room_name) if slot.room_id else self.all_rooms
        icon = (
            '<i class="bi bi-exclamation-triangle-fill sched-warn-icon" role="img" '
            f'aria-label="{self.warning}" title="{escape(" ".join(block.warnings))}"></i>'
            if block.warnings
            else ""
        )
        if slot.is_break:
            title = f"{self.cup}{label}"
        else:
            title = f'<a href="{self.talk_url(slot.proposal_id)}">{label}</a>'
        fields = self.fields.html(
            room=slot.room_id,
            day=block.day,
            time=block.clock,
            duration=slot.duration,
            minutes=slot.minutes,
            all_rooms=slot.is_break,
        )
        move_label = escape(self.move_label % {"talk": slot.label})
        remove_label = escape(self.remove_label % {"talk": slot.label})
        return safe(
            f'<tr id="slot-{pk}" class="{"has-warning" if block.warnings else ""}">'
            f'<td class="sched-time">{escape(block.time)}</td>'
            f'<td class="sched-where">{where}</td>'
            f'<td class="sched-list-title">{icon}{title}</td>'
            f'<td><form method="post" action="{self.move_url(pk)}" class="sched-form-row" '
            f'aria-label="{move_label}">{self.csrf}{fields}'
            f'<button type="submit" class="button">{self.move}</button></form></td>'
            f'<td class="sched-remove"><form method="post" action="{self.remove_url(pk)}" '
            f'aria-label="{remove_label}">{self.csrf}'
            f'<button type="submit" class="button sched-danger">{self.remove}</button></form>'
            "</td></tr>"
        )
