"""An event's talks for its organizers: CSV for spreadsheets, JSON for programs.

Both formats stream. The talks are read in chunks (`iterator(chunk_size=…)`, speakers
prefetched per chunk) and written as they come, so an event of any size exports in bounded
memory and in a number of queries that grows with the chunks, never with the rows.

CSV opens correctly in spreadsheet programs: UTF-8 with a byte-order mark, and no text cell
is ever evaluated as a formula (see `neutralise`). The JSON shape is versioned and
documented in docs/exports.md, which a test holds it to. The reviews app writes its
exports with the same helpers.
"""

import csv
import json
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Prefetch, QuerySet
from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from cfp import answers
from cfp.enums import ACCEPTED_STATES, QuestionTarget
from cfp.fields import not_asked
from cfp.models import Event, Proposal, Question, SubmissionType, Tag, TalkSlot, Track
from cfp.models.proposal import speakers_in_order
from speakers.models import User

JSON_VERSION = 1
# Rows read per query; each chunk costs one more query per prefetched relation.
CHUNK_SIZE = 500
# Bytes gathered before a piece of the response goes out: fewer, larger writes.
FLUSH_BYTES = 64 * 1024
BOM = "\ufeff"
# A spreadsheet takes a cell starting with one of these for a formula (OWASP, "CSV
# Injection"), and so it does with their look-alikes, which input methods and spreadsheets
# fold into them: full-width ＝＋－＠, small ﹦﹢﹣﹫, super- and subscript signs (all the
# characters whose compatibility form starts with one), and the minus sign − (U+2212).
FORMULA_STARTS = frozenset("=+-@\u2212")
# Tab and carriage return in front: some programs strip them before they look.
FORMULA_TRIGGERS = ("\t", "\r")
SEPARATOR = "; "
CSV_TIME = "%Y-%m-%d %H:%M"


# --- cells and streams, shared by every export ---------------------------------------------


def _first_visible(value: str) -> str:
    """The first character after white space and invisible marks (which importers trim)."""
    for char in value:
        if not char.isspace() and unicodedata.category(char) != "Cf":
            return char
    return ""


def neutralise(value: str) -> str:
    """Text that a spreadsheet shows as typed and never evaluates.

    A leading "'" makes spreadsheet programs read the cell as text (and they hide the quote).
    Only the start matters, past any white space: "3-4" or "a=b" are left as they are,
    " =1" and "＝1" are not.
    """
    first = unicodedata.normalize("NFKC", _first_visible(value))[:1]
    if value.startswith(FORMULA_TRIGGERS) or first in FORMULA_STARTS:
        return "'" + value
    return value


def cell(value: Any) -> str | int | float:
    """One CSV cell: nothing is an empty cell, numbers stay numbers, all text is neutralised.

    Numbers are ours (scores, durations), so a negative one stays a number; text comes from
    people and is neutralised, a "-3" typed as a title included.
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        return value
    if isinstance(value, Decimal):
        return float(value)
    return neutralise(str(value))


class _Echo:
    """A file for csv.writer that hands each written line straight back."""

    def write(self, value: str) -> str:
        return value


def csv_chunks(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> Iterator[bytes]:
    """A CSV file as UTF-8 pieces: the byte-order mark and header, then the rows."""
    writer = csv.writer(_Echo())
    pending = [BOM, writer.writerow([cell(name) for name in header])]
    size = 0
    for row in rows:
        line = writer.writerow([cell(value) for value in row])
        pending.append(line)
        size += len(line)
        if size >= FLUSH_BYTES:
            yield "".join(pending).encode()
            pending, size = [], 0
    yield "".join(pending).encode()


def json_chunks(head: dict[str, Any], key: str, items: Iterable[dict[str, Any]]) -> Iterator[bytes]:
    """`{**head, key: [items…]}` as UTF-8 pieces, one item per line."""
    opening = json.dumps({**head, key: []}, ensure_ascii=False)
    pending = [opening.removesuffix("[]}"), "[\n"]  # the key comes last: items go in there
    size = 0
    for index, item in enumerate(items):
        text = ("" if index == 0 else ",\n") + json.dumps(item, ensure_ascii=False)
        pending.append(text)
        size += len(text)
        if size >= FLUSH_BYTES:
            yield "".join(pending).encode()
            pending, size = [], 0
    pending.append("\n]}\n")
    yield "".join(pending).encode()


def csv_response(chunks: Iterator[bytes], filename: str) -> StreamingHttpResponse:
    return StreamingHttpResponse(
        chunks,
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": content_disposition_header(True, filename)},
    )


def json_response(chunks: Iterator[bytes], filename: str) -> StreamingHttpResponse:
    return StreamingHttpResponse(
        chunks,
        content_type="application/json; charset=utf-8",
        headers={"Content-Disposition": content_disposition_header(True, filename)},
    )


def local_csv(value: datetime | None, event: Event) -> str | None:
    """A moment as a spreadsheet reads a date and time, on the event's clock."""
    return None if value is None else timezone.localtime(value, event.tz).strftime(CSV_TIME)


def local_iso(value: datetime | None, event: Event) -> str | None:
    """A moment in ISO 8601 with the event's UTC offset: 2027-04-16T10:00:00+02:00."""
    return None if value is None else timezone.localtime(value, event.tz).isoformat()


def event_json(event: Event) -> dict[str, Any]:
    return {
        "slug": event.slug,
        "name": event.name,
        "timezone": event.timezone,
        "start_date": event.start_date.isoformat(),
        "end_date": event.end_date.isoformat(),
        "venue": event.venue,
    }


# --- which talks ----------------------------------------------------------------------------


def for_export(proposals: QuerySet[Proposal]) -> QuerySet[Proposal]:
    """What an export reads of each proposal, in one query per chunk (plus one for speakers)."""
    return (
        proposals.select_related("submission_type", "track", "slot__room")
        .prefetch_related(
            speakers_in_order(), Prefetch("tags", queryset=Tag.objects.order_by("name"))
        )
        .order_by("title", "pk")
    )


def talks(
    event: Event,
    *,
    states: Sequence[str] = ACCEPTED_STATES,
    track: Track | None = None,
    submission_type: SubmissionType | None = None,
) -> QuerySet[Proposal]:
    """The event's accepted and confirmed talks (or some of them), ready to export."""
    proposals = Proposal.objects.filter(event=event, state__in=list(states))
    if track is not None:
        proposals = proposals.filter(track=track)
    if submission_type is not None:
        proposals = proposals.filter(submission_type=submission_type)
    return for_export(proposals)


def in_chunks(queryset: QuerySet) -> Iterator[Any]:
    """The queryset's objects, read CHUNK_SIZE at a time, each let go once it is used."""
    for obj in queryset.iterator(chunk_size=CHUNK_SIZE):
        yield obj
        release(obj)


def release(obj: Any) -> None:
    """Cut the references from an exported object to what was read with it.

    What prefetch_related and select_related read points back at its object (a talk's
    prefetched speakers at the talk, a slot at its talk, a profile at its user): reference
    cycles that only the cyclic garbage collector frees, late, so that a long export would
    hold many chunks at once. Cut, each chunk is freed as soon as the next one is read.
    """
    prefetched = obj.__dict__.pop("_prefetched_objects_cache", {})
    related = [value for value in obj._state.fields_cache.values() if value is not None]
    obj._state.fields_cache.clear()
    for objects in prefetched.values():
        for item in objects:
            release(item)
    for item in related:
        release(item)


def with_answers(
    proposals: QuerySet[Proposal],
    event: Event,
    questions: Sequence[Question],
    *,
    speakers=False,
    on_batch: Callable[[list[Proposal]], None] | None = None,
) -> Iterator[tuple[Proposal, dict[int, dict[int, Any]]]]:
    """Each proposal with the answers to the questions: {proposal or speaker id: {question
    id: answer}} (the speakers' when `speakers`), read CHUNK_SIZE proposals at a time.

    One query more a chunk, however many questions there are (none included); `on_batch`
    reads what else a chunk needs (the reviews export: the reviewers' answers).
    """

    def answered(batch: list[Proposal]):
        if on_batch is not None:
            on_batch(batch)
        if speakers:
            ids = {s.pk for p in batch for s in p.speakers.all()}
            found = answers.answers_by_owner(event, questions, speaker_ids=ids or [0])
        else:
            found = answers.answers_by_owner(event, questions, proposal_ids=[p.pk for p in batch])
        for proposal in batch:
            yield proposal, found
            release(proposal)

    batch: list[Proposal] = []
    for proposal in proposals.iterator(chunk_size=CHUNK_SIZE):
        batch.append(proposal)
        if len(batch) == CHUNK_SIZE:
            yield from answered(batch)
            batch = []
    if batch:
        yield from answered(batch)


def answer_cells(found: dict[int, Any], questions: Sequence[Question], event: Event) -> list:
    """One cell per question: the answer as a spreadsheet reads it, or an empty cell."""
    return [
        answers.export_value(found[q.pk], q, event) if q.pk in found else None for q in questions
    ]


# --- what a talk holds ------------------------------------------------------------------


def slot_of(proposal: Proposal) -> TalkSlot | None:
    try:
        return proposal.slot
    except ObjectDoesNotExist:
        return None


def minutes_of(proposal: Proposal) -> int | None:
    """How long the talk is: its slot when scheduled, else its submission type's default."""
    slot = slot_of(proposal)
    if slot is not None:
        return slot.minutes
    if proposal.submission_type is not None:
        return proposal.submission_type.default_duration
    return None


def _profile(user: User):
    return getattr(user, "profile", None)


def speaker_name(user: User) -> str:
    """The name the speaker gave, or "" (the email sits beside it)."""
    profile = _profile(user)
    return profile.name if profile is not None else ""


def speaker_field(user: User, name: str) -> str:
    profile = _profile(user)
    return getattr(profile, name) if profile is not None else ""


@dataclass(frozen=True)
class Column:
    """A column of a CSV export: its header, and what it holds for the Exports page (which
    reads these same definitions, so the page and the files cannot disagree)."""

    name: str
    description: str


def _column_names(columns: Iterable[Column]) -> list[str]:
    return [column.name for column in columns]


TALK_COLUMN_SPECS = [
    Column("code", _("The proposal's code, unique across events (it is in the talk's address).")),
    Column("title", _("The talk's title.")),
    Column("state", _("Accepted or Confirmed (any state when every proposal is exported).")),
    Column("tags", _("The organizers' tags, by name, joined with “; ”; never public.")),
    Column("submission type", _("The name of the submission type.")),
    Column(
        "duration (minutes)",
        _("The slot's length when the talk is scheduled, else the submission type's default."),
    ),
    Column("track", _("The name of the track.")),
    Column("experience level", _("Beginner, Intermediate, Advanced or Any.")),
    Column("abstract", _("As the speakers wrote it (Markdown); public once accepted.")),
    Column("audience", _("Who the audience is and what they will gain (Markdown).")),
    Column("benefits", _("Benefits to the ecosystem (Markdown).")),
    Column("technical requirements", _("What the speakers need in the room (Markdown).")),
    Column("notes for organizers", _("The speakers' notes for the organizers; never public.")),
    Column(
        "speakers",
        _(
            "The speakers' names, joined with “; ”, in the speakers' order (the submitter "
            "first unless reordered); a speaker without a name by their email address."
        ),
    ),
    Column("speaker emails", _("The speakers' email addresses, joined with “; ”, in that order.")),
    Column("speaker affiliations", _("The speakers' distinct affiliations, joined with “; ”.")),
    Column(
        "slot start",
        _(
            "When the talk starts in the working schedule, in the event's time zone "
            "(YYYY-MM-DD HH:MM); empty when it is not scheduled."
        ),
    ),
    Column("slot end", _("When the talk ends, in the same way.")),
    Column("room", _("The room of its slot; empty when it is not scheduled.")),
    Column("slides URL", _("The link to the slides that the speakers gave.")),
    Column("submitted at", _("When it was first submitted, in the event's time zone.")),
]
_TALK = {column.name: column for column in TALK_COLUMN_SPECS}

SPEAKER_COLUMN_SPECS = [
    *(
        _TALK[name]
        for name in (
            "code",
            "title",
            "state",
            "tags",
            "submission type",
            "track",
            "slot start",
            "slot end",
            "room",
        )
    ),
    Column("speaker name", _("The name in the speaker's profile; empty if they gave none.")),
    Column("speaker email", _("The speaker's email address.")),
    Column("affiliation", _("The speaker's affiliation.")),
    Column("biography", _("The speaker's biography (Markdown).")),
    Column("links", _("The speaker's links, one per line.")),
]

TALK_COLUMNS = _column_names(TALK_COLUMN_SPECS)
SPEAKER_COLUMNS = _column_names(SPEAKER_COLUMN_SPECS)

# The built-in field a column holds, where an event may not ask it (cfp.fields): the
# column is then left out of that event's files. The reviews' exports share these names.
COLUMN_FIELDS = {
    "submission type": "submission_type",
    "track": "track",
    "experience level": "experience_level",
    "audience": "audience",
    "benefits": "benefits",
    "technical requirements": "technical_requirements",
    "notes for organizers": "notes",
    "speaker affiliations": "affiliation",
    "affiliation": "affiliation",
    "links": "links",
}
# The same for the JSON keys of a talk and of its speakers.
JSON_FIELDS = ("submission_type", "track", "experience_level", *COLUMN_FIELDS.values())


def asked_columns(columns: Sequence[Column], event: Event) -> list[int]:
    """The positions of the columns this event's files hold: all but its unasked fields'."""
    hidden = not_asked(event)
    return [i for i, column in enumerate(columns) if COLUMN_FIELDS.get(column.name) not in hidden]


def kept(row: Sequence[Any], positions: Sequence[int]) -> list[Any]:
    return [row[i] for i in positions]


def event_columns(columns: Sequence[Column], event: Event) -> list[Column]:
    """The columns of this event's file (for the Exports page)."""
    return kept(columns, asked_columns(columns, event))


def without_unasked(item: dict[str, Any], hidden: frozenset[str]) -> dict[str, Any]:
    """A JSON object without the keys of the fields its event does not ask."""
    for name in hidden.intersection(item):
        del item[name]
    return item


def _slot_cells(proposal: Proposal, event: Event) -> list[str | None]:
    slot = slot_of(proposal)
    if slot is None:
        return [None, None, None]
    room = slot.room.name if slot.room is not None else None
    return [local_csv(slot.start, event), local_csv(slot.end, event), room]


def _names(items: Iterable[str]) -> str:
    """Distinct, non-empty values in order, joined: "Acme; Red Panda Labs"."""
    return SEPARATOR.join(dict.fromkeys(item for item in items if item))


def _tag_names(proposal: Proposal) -> str:
    return SEPARATOR.join(tag.name for tag in proposal.tags.all())


def talk_row(proposal: Proposal, event: Event) -> list[Any]:
    speakers = list(proposal.speakers.all())
    kind = proposal.submission_type
    return [
        proposal.code,
        proposal.title,
        proposal.get_state_display(),
        _tag_names(proposal),
        kind.name if kind is not None else None,
        minutes_of(proposal),
        proposal.track.name if proposal.track is not None else None,
        proposal.get_experience_level_display(),
        proposal.abstract,
        proposal.audience,
        proposal.benefits,
        proposal.technical_requirements,
        proposal.notes,
        # Names stand alone here: a speaker without one is shown by their address.
        SEPARATOR.join(s.display_name for s in speakers),
        SEPARATOR.join(s.email for s in speakers),
        _names(speaker_field(s, "affiliation") for s in speakers),
        *_slot_cells(proposal, event),
        proposal.slides_url,
        local_csv(proposal.submitted_at, event),
    ]


def speaker_rows(proposal: Proposal, event: Event) -> Iterator[list[Any]]:
    kind = proposal.submission_type
    talk = [
        proposal.code,
        proposal.title,
        proposal.get_state_display(),
        _tag_names(proposal),
        kind.name if kind is not None else None,
        proposal.track.name if proposal.track is not None else None,
        *_slot_cells(proposal, event),
    ]
    for speaker in proposal.speakers.all():
        yield [
            *talk,
            speaker_name(speaker),
            speaker.email,
            speaker_field(speaker, "affiliation"),
            speaker_field(speaker, "biography"),
            speaker_field(speaker, "links"),
        ]


def talk_json(
    proposal: Proposal, event: Event, found: dict | None = None, questions: Sequence = ()
) -> dict[str, Any]:
    """One talk as documented in docs/exports.md (version 1), with its answers (`found`:
    {question id: answer}) to the event's proposal questions."""
    kind = proposal.submission_type
    slot = slot_of(proposal)
    return {
        "code": proposal.code,
        "title": proposal.title,
        "state": proposal.state,
        "tags": [tag.name for tag in proposal.tags.all()],
        "submission_type": (
            {"name": kind.name, "duration": kind.default_duration} if kind is not None else None
        ),
        "track": proposal.track.name if proposal.track is not None else None,
        "experience_level": proposal.experience_level,
        "duration": minutes_of(proposal),
        "abstract": proposal.abstract,
        "audience": proposal.audience,
        "benefits": proposal.benefits,
        "technical_requirements": proposal.technical_requirements,
        "notes": proposal.notes,
        "speakers": [
            {
                "name": speaker_name(speaker),
                "email": speaker.email,
                "affiliation": speaker_field(speaker, "affiliation"),
                "biography": speaker_field(speaker, "biography"),
            }
            for speaker in proposal.speakers.all()
        ],
        "slot": (
            {
                "start": local_iso(slot.start, event),
                "end": local_iso(slot.end, event),
                "room": slot.room.name if slot.room is not None else None,
            }
            if slot is not None
            else None
        ),
        "slides_url": proposal.slides_url,
        "submitted_at": local_iso(proposal.submitted_at, event),
        "answers": [answers.json_value(found[q.pk], q) for q in questions if q.pk in (found or {})],
    }


def answer_columns(event: Event, target: str) -> list[Column]:
    """The columns the event's questions add to a file (for the Exports page)."""
    return [
        Column(q.question, format_lazy(_("The answer ({kind})."), kind=q.get_kind_display()))
        for q in answers.export_questions(event, target)
    ]


# --- the files ------------------------------------------------------------------------------


def talks_csv(event: Event, proposals: QuerySet[Proposal]) -> Iterator[bytes]:
    """One row per talk, its speakers joined, then one column per proposal question of the
    event; without the columns of the fields the event does not ask. The proposals are the
    event's."""
    questions = answers.export_questions(event, QuestionTarget.PROPOSAL)
    shown = asked_columns(TALK_COLUMN_SPECS, event)
    rows = (
        [*kept(talk_row(p, event), shown), *answer_cells(found.get(p.pk, {}), questions, event)]
        for p, found in with_answers(proposals, event, questions)
    )
    return csv_chunks(kept(TALK_COLUMNS, shown) + [q.question for q in questions], rows)


def speakers_csv(event: Event, proposals: QuerySet[Proposal]) -> Iterator[bytes]:
    """One row per speaker of each talk, then one column per speaker question of the event;
    without the columns of the fields the event does not ask. The proposals are the event's."""
    questions = answers.export_questions(event, QuestionTarget.SPEAKER)
    shown = asked_columns(SPEAKER_COLUMN_SPECS, event)
    rows = (
        [*kept(row, shown), *answer_cells(found.get(speaker_id, {}), questions, event)]
        for p, found in with_answers(proposals, event, questions, speakers=True)
        for speaker_id, row in zip(
            [s.pk for s in p.speakers.all()], speaker_rows(p, event), strict=True
        )
    )
    return csv_chunks(kept(SPEAKER_COLUMNS, shown) + [q.question for q in questions], rows)


def talks_json(event: Event, proposals: QuerySet[Proposal]) -> Iterator[bytes]:
    head = {
        "version": JSON_VERSION,
        "event": event_json(event),
        "generated_at": timezone.now().isoformat(),
    }
    questions = answers.export_questions(event, QuestionTarget.PROPOSAL)
    hidden = not_asked(event)
    talks = (
        _talk_json_asked(talk_json(p, event, found.get(p.pk, {}), questions), hidden)
        for p, found in with_answers(proposals, event, questions)
    )
    return json_chunks(head, "talks", talks)


def _talk_json_asked(item: dict[str, Any], hidden: frozenset[str]) -> dict[str, Any]:
    for speaker in item["speakers"]:
        without_unasked(speaker, hidden)
    return without_unasked(item, hidden)


FORMATS = {
    # name: (what it writes, file name ending)
    "csv": ("talks", "talks.csv"),
    "speakers": ("one row per speaker", "talks-per-speaker.csv"),
    "json": ("talks as JSON", "talks.json"),
}


def talks_response(event: Event, proposals: QuerySet[Proposal], fmt: str) -> StreamingHttpResponse:
    """A download of the event's proposals in one of FORMATS."""
    filename = f"{event.slug}-{FORMATS[fmt][1]}"
    if fmt == "csv":
        return csv_response(talks_csv(event, proposals), filename)
    if fmt == "speakers":
        return csv_response(speakers_csv(event, proposals), filename)
    return json_response(talks_json(event, proposals), filename)
