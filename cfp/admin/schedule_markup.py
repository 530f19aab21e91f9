"""The schedule page's repeated markup, built in Python once per page.

A day of ten rooms has about 500 drop cells, a hundred blocks and a hundred move forms, each
with the same room and day lists. Through the template engine (an include per block and per
form, a lookup per variable) that took most of the page's time; here each piece is one
string format. The markup is the one the templates wrote: static/js/schedule-grid.js reads
its data attributes and the forms post the same fields.

User text (room names, titles, speaker names, warnings) is escaped by format_html or
escape(); what goes in unescaped is numbers and clock strings made here.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.urls import reverse
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from cfp.models import Room, TalkSlot
from cfp.models.schedule import MAX_DURATION

SENTINEL = 2_147_483_647  # an id no row has, to find where an id goes in a reversed URL


def url_maker(name: str, *args: int):
    """reverse() for many ids at once: the URL is reversed once with a stand-in id, and each
    id is put in its place. A hundred reverse() calls cost more than the rest of a row."""
    head, _sentinel, tail = reverse(name, args=[*args, SENTINEL]).rpartition(str(SENTINEL))
    return lambda pk: f"{head}{int(pk)}{tail}"


def drop_cells(columns: list[tuple[Room, str]], cells: list[dict]) -> SafeString:
    """The grid's drop targets: one per room and CELL minutes."""
    parts = []
    for room, column in columns:
        # The room's name, escaped once; the rest of a cell is numbers and "13:45".
        name = escape(room.name)
        for cell in cells:
            hour = " is-hour" if cell["time"].endswith(":00") else ""
            parts.append(
                f'<div class="sched-cell{hour}" data-cell data-room="{int(room.pk)}" '
                f'data-time="{cell["time"]}" style="grid-row: {cell["row"]} / span 3; '
                f'grid-column: {column};" title="{name}, {cell["label"]}"></div>'
            )
    return mark_safe("".join(parts))  # noqa: S308 (the only user text, the name, is escaped)


def speaker_names(proposal) -> str:
    return ", ".join(person.display_name for person in proposal.speakers.all())


def block_html(block, move_url: str) -> SafeString:
    """A slot on the grid: a talk (by its state) or a break; a warning marks it red."""
    slot: TalkSlot = block.slot
    classes = ["sched-block"]
    if slot.is_break:
        classes.append("is-break")
        if not slot.room_id:
            classes.append("is-everywhere")
    else:
        classes.append(f"is-{slot.proposal.state}")
    if block.span <= 4:
        classes.append("is-short")
    elif block.span <= 6:
        classes.append("is-lines-2")
    elif block.span <= 7:
        classes.append("is-lines-3")
    if block.warnings:
        classes.append("has-warning")
    title = format_html(
        "{}: {}{}{}",
        block.time,
        slot.label,
        format_html(" ({})", slot.room.name) if slot.room else "",
        SafeString("".join(format_html("&#10;⚠ {}", w) for w in block.warnings)),
    )
    icon = (
        format_html(
            '<i class="bi bi-exclamation-triangle-fill sched-warn-icon" role="img" '
            'aria-label="{}"></i>',
            _("Warning"),
        )
        if block.warnings
        else ""
    )
    return format_html(
        '<article id="block-{pk}" class="{classes}" style="grid-row: {row} / span {span}; '
        'grid-column: {column}; --lane: {lane}; --lanes: {lanes};" draggable="true" '
        'data-slot="{pk}" data-move-url="{move_url}"{everywhere} title="{title}">'
        '<p class="sched-block-head">{icon}<span class="sched-block-time">{time}</span></p>'
        '<p class="sched-block-title">{cup}<a href="#slot-{pk}" draggable="false">{label}</a>'
        "</p>{talk}</article>",
        pk=slot.pk,
        classes=" ".join(classes),
        row=block.row,
        span=block.span,
        column=block.column,
        lane=block.lane,
        lanes=block.lanes,
        move_url=move_url,
        everywhere=mark_safe(" data-all-rooms") if slot.is_break and not slot.room_id else "",
        title=title,
        icon=icon,
        time=block.time,
        cup=mark_safe('<i class="bi bi-cup-hot" aria-hidden="true"></i> ') if slot.is_break else "",
        label=slot.label,
        talk="" if slot.is_break else _talk_lines(slot),
    )


def _talk_lines(slot: TalkSlot) -> SafeString:
    proposal = slot.proposal
    badge = (
        format_html(
            '<span class="sched-badge is-{}">{}</span> ',
            proposal.state,
            proposal.get_state_display(),
        )
        if proposal.state != "confirmed"
        else ""
    )
    kind = proposal.submission_type
    return format_html(
        '<p class="sched-block-people">{}</p><p class="sched-block-type">{}{}{}{}</p>',
        speaker_names(proposal),
        badge,
        format_html("{} · ", kind.name) if kind else "",
        _("%(minutes)s min") % {"minutes": slot.minutes},
        format_html(" · {}", proposal.track.name) if proposal.track else "",
    )


@dataclass(frozen=True)
class Option:
    value: str
    label: str


class WhereWhenFields:
    """Room, day, time and length: the fields of the place, move and break forms.

    Every form on the page lists the same rooms and days; only the option selected and the
    values differ, so each select is built once per selected value."""

    def __init__(self, rooms: Iterable[Room], days: Iterable):
        self.rooms = [Option(str(room.pk), escape(room.name)) for room in rooms]
        self.days = [Option(day.day.isoformat(), escape(day.label)) for day in days]
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
                options.insert(0, f'<option value=""{everywhere}>{escape(_("All rooms"))}</option>')
            required = "" if all_rooms else " required"
            self._rooms[key] = (
                f'<label class="sched-field"><span>{escape(_("Room"))}</span>'
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
                f'<label class="sched-field"><span>{escape(_("Day"))}</span>'
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
        return mark_safe(  # noqa: S308 (names and labels are escaped; the rest is numbers)
            self._room_select("" if room is None else str(room), all_rooms)
            + self._day_select(day.isoformat() if day else "")
            + f'<label class="sched-field sched-field-time"><span>{escape(_("Time"))}</span>'
            f'<input type="time" name="time" value="{escape(time)}" required></label>'
            f'<label class="sched-field sched-field-minutes"><span>{escape(_("Minutes"))}</span>'
            f'<input type="number" name="duration" min="1" max="{MAX_DURATION}" '
            f'inputmode="numeric" '
            f'value="{length}"{placeholder}{required}></label>'
        )
