"""The organizers' exports of accepted talks: CSV and JSON, the Exports page, the actions."""

import csv
import gc
import io
import json
import re
import time
import tracemalloc
import unicodedata
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cfp import exports
from cfp.enums import ProposalState
from cfp.models import Proposal, TalkSlot
from reviews.models import ReviewSettings
from speakers.models import SpeakerProfile, User
from tests.factories import (
    EventFactory,
    ProposalFactory,
    ReviewerFactory,
    ReviewerTeamFactory,
    RoomFactory,
    SpeakerFactory,
    SubmissionTypeFactory,
    TalkSlotFactory,
    TrackFactory,
    UserFactory,
)
from tests.helpers import is_staff_panel_refusal, page

pytestmark = pytest.mark.django_db

DOCS = Path(__file__).resolve().parents[2] / "docs" / "exports.md"
# Everything that breaks exports somewhere: accents, CJK, emoji, right-to-left, quotes,
# separators and line breaks of both kinds.
NASTY = "Café «naïve» 日本語 🎤 עברית \"quoted\", semi; comma,\nnew line\r\nCRLF and 'single'"
SECRET = "Secret kernel talk"


# --- reading the files back -----------------------------------------------------------------


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def read_csv(data: bytes) -> list[dict[str, str]]:
    assert data.startswith("\ufeff".encode()), "a CSV starts with the UTF-8 byte-order mark"
    text = data.decode("utf-8")[1:]
    assert "\ufeff" not in text, "one byte-order mark, at the start only"
    return list(csv.DictReader(io.StringIO(text, newline="")))


def export_url(name: str, event, **params) -> str:
    url = reverse(f"admin:cfp_event_export_{name}", args=[event.pk])
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return f"{url}?{query}" if query else url


# --- the world -------------------------------------------------------------------------------


@pytest.fixture
def world(db):
    organizer = UserFactory(is_staff=True, email="olivia@lectern.test")
    event = EventFactory(name="Kernel Summit", slug="kernel", organizers=[organizer])
    track = TrackFactory(event=event, name="Developer")
    kind = SubmissionTypeFactory(event=event, name="Presentation", default_duration=40)
    room = RoomFactory(event=event, name="Hall A")
    ada = SpeakerFactory(
        email="ada@example.com",
        profile__name="Ada Lovelace",
        profile__affiliation="Analytical Engines",
        profile__biography="Writes programs.",
    )
    bob = SpeakerFactory(
        email="bob@example.com", profile__name="Bob", profile__affiliation="Analytical Engines"
    )
    scheduled = ProposalFactory(
        event=event,
        title=SECRET,
        state=ProposalState.CONFIRMED,
        track=track,
        submission_type=kind,
        audience="Kernel hackers.",
        notes="Needs the big room.",
        slides_url="https://example.com/slides",
        submitted_at=datetime(2026, 1, 10, 17, 5, tzinfo=UTC),
        speakers=[ada, bob],
    )
    TalkSlotFactory(proposal=scheduled, event=event, room=room)
    bare = ProposalFactory(
        event=event,
        title="Bare talk",
        state=ProposalState.ACCEPTED,
        submission_type=None,
        experience_level="",
        abstract="",
        speakers=[UserFactory(email="noname@example.com")],
    )
    for state in (ProposalState.SUBMITTED, ProposalState.REJECTED, ProposalState.DECLINED):
        ProposalFactory(event=event, title=f"Not a talk ({state})", state=state)
    reviewer = ReviewerFactory(email="rita@lectern.test")
    ReviewerTeamFactory(event=event, members=[reviewer])
    ReviewSettings.objects.filter(event=event).update(blind=True)
    other_organizer = UserFactory(is_staff=True, email="otto@lectern.test")
    other_event = EventFactory(name="Other Summit", organizers=[other_organizer])
    other_talk = ProposalFactory(
        event=other_event, title="Their own talk", state=ProposalState.ACCEPTED
    )
    return SimpleNamespace(
        organizer=organizer,
        event=event,
        track=track,
        kind=kind,
        room=room,
        ada=ada,
        bob=bob,
        scheduled=scheduled,
        bare=bare,
        reviewer=reviewer,
        other_organizer=other_organizer,
        other_event=other_event,
        other_talk=other_talk,
    )


@pytest.fixture
def organizer_client(client, world):
    client.force_login(world.organizer)
    return client


# --- formula injection: the pure function, exhaustively --------------------------------------

TRIGGERS = ["=", "+", "-", "@", "\t", "\r"]


@pytest.mark.parametrize("trigger", TRIGGERS)
@pytest.mark.parametrize(
    "rest", ["", "1+1", 'HYPERLINK("http://evil","x")', "cmd|' /C calc'!A0", "5", " text"]
)
def test_neutralise_prefixes_a_quote_to_text_that_starts_with_a_trigger(trigger, rest):
    assert exports.neutralise(trigger + rest) == "'" + trigger + rest


@pytest.mark.parametrize("trigger", TRIGGERS)
def test_neutralise_leaves_a_trigger_after_the_first_character_alone(trigger):
    for value in (f"a{trigger}b", f"3{trigger}4", f"x{trigger}"):
        assert exports.neutralise(value) == value


# What spreadsheets also read as = + - @: full-width (an IME's), small, super- and
# subscript forms, and the minus sign.
LOOK_ALIKES = {
    "\uff1d": "FULLWIDTH EQUALS SIGN",
    "\uff0b": "FULLWIDTH PLUS SIGN",
    "\uff0d": "FULLWIDTH HYPHEN-MINUS",
    "\uff20": "FULLWIDTH COMMERCIAL AT",
    "\ufe66": "SMALL EQUALS SIGN",
    "\ufe62": "SMALL PLUS SIGN",
    "\ufe63": "SMALL HYPHEN-MINUS",
    "\ufe6b": "SMALL COMMERCIAL AT",
    "\u207c": "SUPERSCRIPT EQUALS SIGN",
    "\u207a": "SUPERSCRIPT PLUS SIGN",
    "\u207b": "SUPERSCRIPT MINUS",
    "\u208c": "SUBSCRIPT EQUALS SIGN",
    "\u208a": "SUBSCRIPT PLUS SIGN",
    "\u208b": "SUBSCRIPT MINUS",
    "\u2212": "MINUS SIGN",
    "\u2a75": "TWO CONSECUTIVE EQUALS SIGNS",
    "\u2a76": "THREE CONSECUTIVE EQUALS SIGNS",
    "\ufb29": "HEBREW LETTER ALTERNATIVE PLUS SIGN",
}
# White space and invisible marks an importer may trim before it looks.
LEADING = [" ", "  ", "\n", "\u00a0", "\u3000", "\u2003", "\u200b", "\ufeff", " \n\u200b "]


def test_look_alikes_are_the_characters_their_unicode_names_say():
    assert {char: unicodedata.name(char) for char in LOOK_ALIKES} == LOOK_ALIKES


@pytest.mark.parametrize("char", list(LOOK_ALIKES), ids=list(LOOK_ALIKES.values()))
@pytest.mark.parametrize("rest", ["", "1+1", 'HYPERLINK("http://evil","x")', "SUM(A1:A9)"])
def test_neutralise_quotes_text_that_starts_with_a_look_alike(char, rest):
    assert exports.neutralise(char + rest) == "'" + char + rest


@pytest.mark.parametrize("trigger", ["=", "+", "-", "@", *LOOK_ALIKES])
@pytest.mark.parametrize("space", LEADING, ids=[repr(space) for space in LEADING])
def test_neutralise_quotes_a_trigger_after_leading_white_space(trigger, space):
    value = f"{space}{trigger}1+1"

    assert exports.neutralise(value) == "'" + value


def test_neutralise_changes_exactly_the_triggers_and_their_look_alikes():
    # Every character of the Basic Multilingual Plane, in front of a harmless rest.
    changed = {
        chr(code)
        for code in range(0x10000)
        if not 0xD800 <= code <= 0xDFFF and exports.neutralise(chr(code) + "x") != chr(code) + "x"
    }

    assert changed == set(TRIGGERS) | set(LOOK_ALIKES)


@pytest.mark.parametrize(
    "value",
    ["", " ", "3-4", "a=b", "Talk @ FOSDEM", "'=already quoted", " 3-4", "日本語", "🎤", "עברית"],
)
def test_neutralise_leaves_harmless_text_untouched(value):
    assert exports.neutralise(value) == value


def test_neutralise_quotes_a_negative_looking_text():
    assert exports.neutralise("-1") == "'-1"
    assert exports.neutralise("-3 reasons to upgrade") == "'-3 reasons to upgrade"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, ""),
        ("", ""),
        ("=1+1", "'=1+1"),
        (40, 40),
        (-2, -2),  # our own numbers (a score on a -2..2 scale) stay numbers
        (-0.5, -0.5),
        (True, "yes"),
        (False, "no"),
    ],
)
def test_cell_writes_nothing_as_empty_and_numbers_as_numbers(value, expected):
    assert exports.cell(value) == expected


# --- what the files hold ---------------------------------------------------------------------


def test_talks_csv_has_one_row_per_accepted_or_confirmed_talk(organizer_client, world):
    response = organizer_client.get(export_url("talks_csv", world.event))

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="kernel-talks.csv"'
    rows = read_csv(body(response))
    assert list(rows[0]) == exports.TALK_COLUMNS
    assert [r["title"] for r in rows] == ["Bare talk", SECRET]
    talk = rows[1]
    assert talk == {
        "code": world.scheduled.code,
        "title": SECRET,
        "state": "Confirmed",
        "submission type": "Presentation",
        "duration (minutes)": "40",
        "track": "Developer",
        "experience level": "Intermediate",
        "abstract": "The speaker explains how things work, in complete sentences.",
        "audience": "Kernel hackers.",
        "benefits": "",
        "technical requirements": "",
        "notes for organizers": "Needs the big room.",
        "speakers": "Ada Lovelace; Bob",
        "speaker emails": "ada@example.com; bob@example.com",
        "speaker affiliations": "Analytical Engines",
        # 10:00 in Berlin on the first day (the slot factory's time), 40 minutes long.
        "slot start": f"{world.event.start_date:%Y-%m-%d} 10:00",
        "slot end": f"{world.event.start_date:%Y-%m-%d} 10:40",
        "room": "Hall A",
        "slides URL": "https://example.com/slides",
        "submitted at": "2026-01-10 18:05",  # 17:05 UTC is 18:05 in Berlin in January
    }


def test_talk_exports_list_speakers_in_their_order_not_by_email(organizer_client, world):
    # Zoe submitted and invited Ada: Zoe comes first although her address sorts last.
    zoe = SpeakerFactory(email="zoe@example.com", profile__name="Zoe", profile__affiliation="Z")
    talk = ProposalFactory(
        event=world.event, title="A talk by two", state="accepted", speakers=[zoe, world.ada]
    )

    talks = read_csv(body(organizer_client.get(export_url("talks_csv", world.event))))
    row = next(r for r in talks if r["code"] == talk.code)
    per_speaker = read_csv(body(organizer_client.get(export_url("speakers_csv", world.event))))
    document = json.loads(body(organizer_client.get(export_url("talks_json", world.event))))
    as_json = next(t for t in document["talks"] if t["code"] == talk.code)

    assert row["speakers"] == "Zoe; Ada Lovelace"
    assert row["speaker emails"] == "zoe@example.com; ada@example.com"
    assert row["speaker affiliations"] == "Z; Analytical Engines"
    assert [r["speaker email"] for r in per_speaker if r["code"] == talk.code] == [
        "zoe@example.com",
        "ada@example.com",
    ]
    assert [s["email"] for s in as_json["speakers"]] == ["zoe@example.com", "ada@example.com"]


def test_missing_values_are_empty_cells_never_none(organizer_client, world):
    for name in ("talks_csv", "speakers_csv"):
        data = body(organizer_client.get(export_url(name, world.event)))

        assert b"None" not in data
        bare = next(r for r in read_csv(data) if r["title"] == "Bare talk")
        for column in ("submission type", "track", "slot start", "slot end", "room"):
            assert bare[column] == ""
    talks = read_csv(body(organizer_client.get(export_url("talks_csv", world.event))))
    bare = next(r for r in talks if r["title"] == "Bare talk")
    assert bare["duration (minutes)"] == bare["experience level"] == bare["submitted at"] == ""
    # Names stand alone in the per-talk file: a speaker without one shows by address.
    assert bare["speakers"] == "noname@example.com"


def test_speakers_csv_has_one_row_per_speaker(organizer_client, world):
    response = organizer_client.get(export_url("speakers_csv", world.event))

    assert 'filename="kernel-talks-per-speaker.csv"' in response["Content-Disposition"]
    rows = read_csv(body(response))
    assert list(rows[0]) == exports.SPEAKER_COLUMNS
    assert [(r["code"], r["speaker email"]) for r in rows] == [
        (world.bare.code, "noname@example.com"),
        (world.scheduled.code, "ada@example.com"),
        (world.scheduled.code, "bob@example.com"),
    ]
    assert rows[0]["speaker name"] == ""  # beside the address, a missing name is missing
    assert rows[1]["speaker name"] == "Ada Lovelace"
    assert rows[1]["biography"] == "Writes programs."
    assert rows[1]["room"] == "Hall A"


def test_every_field_survives_a_round_trip_through_csv_and_json(organizer_client, world):
    Proposal.objects.filter(pk=world.scheduled.pk).update(
        title=f"{NASTY} title",
        abstract=f"{NASTY} abstract",
        audience=f"{NASTY} audience",
        benefits=f"{NASTY} benefits",
        technical_requirements=f"{NASTY} requirements",
        notes=f"{NASTY} notes",
        slides_url="https://example.com/日本語/🎤",
    )
    SpeakerProfile.objects.filter(user=world.ada).update(
        name=f"{NASTY} name", affiliation=f"{NASTY} affiliation", biography=f"{NASTY} bio"
    )
    world.track.name = f"{NASTY} track"
    world.track.save()
    world.kind.name = f"{NASTY} type"
    world.kind.save()
    world.room.name = f"{NASTY} room"
    world.room.save()

    talk = next(
        r
        for r in read_csv(body(organizer_client.get(export_url("talks_csv", world.event))))
        if r["code"] == world.scheduled.code
    )
    speaker = next(
        r
        for r in read_csv(body(organizer_client.get(export_url("speakers_csv", world.event))))
        if r["speaker email"] == "ada@example.com"
    )
    data = body(organizer_client.get(export_url("talks_json", world.event)))
    document = json.loads(data.decode("utf-8"))
    as_json = next(t for t in document["talks"] if t["code"] == world.scheduled.code)

    for column, key, suffix in [
        ("title", "title", "title"),
        ("abstract", "abstract", "abstract"),
        ("audience", "audience", "audience"),
        ("benefits", "benefits", "benefits"),
        ("technical requirements", "technical_requirements", "requirements"),
        ("notes for organizers", "notes", "notes"),
    ]:
        assert talk[column] == as_json[key] == f"{NASTY} {suffix}"
    assert talk["slides URL"] == as_json["slides_url"] == "https://example.com/日本語/🎤"
    assert talk["track"] == as_json["track"] == f"{NASTY} track"
    assert talk["submission type"] == as_json["submission_type"]["name"] == f"{NASTY} type"
    assert talk["room"] == as_json["slot"]["room"] == f"{NASTY} room"
    assert talk["speakers"] == f"{NASTY} name; Bob"
    assert talk["speaker affiliations"] == f"{NASTY} affiliation; Analytical Engines"
    assert speaker["speaker name"] == f"{NASTY} name"
    assert speaker["affiliation"] == f"{NASTY} affiliation"
    assert speaker["biography"] == f"{NASTY} bio"
    assert as_json["speakers"][0] == {
        "name": f"{NASTY} name",
        "email": "ada@example.com",
        "affiliation": f"{NASTY} affiliation",
        "biography": f"{NASTY} bio",
    }
    # JSON text is UTF-8 as it is, not \\u escapes.
    assert "日本語 🎤 עברית".encode() in data


def test_formula_injection_is_neutralised_in_every_csv_cell(organizer_client, world):
    Proposal.objects.filter(pk=world.scheduled.pk).update(
        title='=HYPERLINK("http://evil.example","click")',
        abstract="+1+1",
        audience="-2+3",
        benefits="@SUM(A1:A2)",
        technical_requirements="\t=1",
        notes="\r=1",
    )
    SpeakerProfile.objects.filter(user=world.ada).update(
        name="=cmd|' /C calc'!A0", affiliation="-Evil Corp", biography="@bio"
    )
    world.track.name = "+track"
    world.track.save()

    talk = read_csv(body(organizer_client.get(export_url("talks_csv", world.event))))[0]
    speaker = next(
        r
        for r in read_csv(body(organizer_client.get(export_url("speakers_csv", world.event))))
        if r["speaker email"] == "ada@example.com"
    )
    as_json = json.loads(body(organizer_client.get(export_url("talks_json", world.event))))

    assert talk["title"] == '\'=HYPERLINK("http://evil.example","click")'
    assert talk["abstract"] == "'+1+1"
    assert talk["audience"] == "'-2+3"
    assert talk["benefits"] == "'@SUM(A1:A2)"
    assert talk["technical requirements"] == "'\t=1"
    assert talk["notes for organizers"] == "'\r=1"
    assert talk["track"] == "'+track"
    assert talk["speakers"] == "'=cmd|' /C calc'!A0; Bob"
    assert talk["speaker affiliations"] == "'-Evil Corp; Analytical Engines"
    assert speaker["speaker name"] == "'=cmd|' /C calc'!A0"
    assert speaker["affiliation"] == "'-Evil Corp"
    assert speaker["biography"] == "'@bio"
    assert talk["duration (minutes)"] == "40"  # a number of ours is left alone
    # JSON is not a spreadsheet: the text is exactly as typed.
    first = as_json["talks"][0]
    assert first["title"] == '=HYPERLINK("http://evil.example","click")'
    assert first["speakers"][0]["name"] == "=cmd|' /C calc'!A0"


def test_look_alike_formulas_are_neutralised_in_every_csv_export(organizer_client, world):
    Proposal.objects.filter(pk=world.scheduled.pk).update(
        title='＝HYPERLINK("http://evil.example","click")',
        abstract="\u3000＋1+1",
        audience=" =2+3",
        benefits="\n@SUM(A1:A2)",
        notes="\u2212 1",
    )
    SpeakerProfile.objects.filter(user=world.ada).update(name="＠Ada", affiliation="－Evil Corp")

    talks = read_csv(body(organizer_client.get(export_url("talks_csv", world.event))))
    talk = next(t for t in talks if "HYPERLINK" in t["title"])
    speaker = next(
        r
        for r in read_csv(body(organizer_client.get(export_url("speakers_csv", world.event))))
        if r["speaker email"] == "ada@example.com"
    )

    assert talk["title"] == '\'＝HYPERLINK("http://evil.example","click")'
    assert talk["abstract"] == "'\u3000＋1+1"
    assert talk["audience"] == "' =2+3"
    assert talk["benefits"] == "'\n@SUM(A1:A2)"
    assert talk["notes for organizers"] == "'\u2212 1"
    assert talk["speakers"] == "'＠Ada; Bob"
    assert speaker["speaker name"] == "'＠Ada"
    assert speaker["affiliation"] == "'－Evil Corp"


def test_slot_times_are_in_the_event_time_zone(organizer_client, world):
    world.event.timezone = "Asia/Tokyo"
    world.event.save()
    TalkSlot.objects.filter(proposal=world.scheduled).update(
        start=datetime(2027, 4, 16, 1, 0, tzinfo=UTC), duration=25
    )

    talk = read_csv(body(organizer_client.get(export_url("talks_csv", world.event))))[1]
    document = json.loads(body(organizer_client.get(export_url("talks_json", world.event))))

    assert (talk["slot start"], talk["slot end"]) == ("2027-04-16 10:00", "2027-04-16 10:25")
    assert talk["duration (minutes)"] == "25"
    assert document["talks"][1]["slot"] == {
        "start": "2027-04-16T10:00:00+09:00",
        "end": "2027-04-16T10:25:00+09:00",
        "room": "Hall A",
    }
    assert document["event"]["timezone"] == "Asia/Tokyo"


# --- filters ----------------------------------------------------------------------------------


def test_filters_choose_state_track_and_type(organizer_client, world):
    def titles(**params):
        data = body(organizer_client.get(export_url("talks_csv", world.event, **params)))
        return [r["title"] for r in read_csv(data)]

    assert titles(state="confirmed") == [SECRET]
    assert titles(state="accepted") == ["Bare talk"]
    assert titles(track=world.track.pk) == [SECRET]
    assert titles(type=world.kind.pk) == [SECRET]
    assert titles(state="accepted", track=world.track.pk) == []
    assert titles() == ["Bare talk", SECRET]


def test_every_submitted_proposal_can_be_exported_but_no_draft(organizer_client, world):
    ProposalFactory(event=world.event, title="A draft", state=ProposalState.DRAFT)
    data = body(organizer_client.get(export_url("talks_csv", world.event, state="all")))

    assert sorted(r["title"] for r in read_csv(data)) == sorted(
        [
            "Bare talk",
            SECRET,
            "Not a talk (submitted)",
            "Not a talk (rejected)",
            "Not a talk (declined)",
        ]
    )


@pytest.mark.parametrize(
    "params",
    [{"state": "submitted"}, {"state": "rejected"}, {"track": "other"}, {"type": "99999"}],
)
def test_a_filter_outside_the_event_is_refused(organizer_client, world, params):
    response = organizer_client.get(export_url("talks_csv", world.event, **params))

    assert response.status_code == 400
    assert "Content-Disposition" not in response
    assert "Select a valid choice" in page(response)


def test_another_events_track_is_no_filter(organizer_client, world):
    theirs = TrackFactory(event=world.other_event, name="Their track")

    response = organizer_client.get(export_url("talks_json", world.event, track=theirs.pk))

    assert response.status_code == 400
    assert "Their own talk" not in page(response)


# --- the documented JSON shape ----------------------------------------------------------------

JSON_TYPES = {
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "object": (dict,),
    "array": (list,),
    "null": (type(None),),
}


def documented_fields(heading: str) -> dict[str, set[str]]:
    """{field path: its types} from the field table under a heading of docs/exports.md."""
    text = DOCS.read_text(encoding="utf-8")
    match = re.search(rf"^#+ {re.escape(heading)}\n(.*?)(?=^#+ |\Z)", text, re.M | re.S)
    assert match, f"docs/exports.md has no section “{heading}”"
    fields = {}
    for line in match[1].splitlines():
        row = re.match(r"^\| `([^`]+)` \| ([^|]+) \|", line)
        if row:
            fields[row[1]] = {t.strip() for t in row[2].split(" or ")}
    assert fields, f"the section “{heading}” has no field table"
    return fields


def observed_fields(document, documented) -> dict[str, set[str]]:
    """{field path: the types found}, descending only where the documentation does."""
    found: dict[str, set[str]] = {}

    def kind(value) -> str:
        if value is None:
            return "null"
        if isinstance(value, bool):
            return "boolean"
        if isinstance(value, int):
            return "integer"
        if isinstance(value, float):
            return "number"
        return {str: "string", dict: "object", list: "array"}[type(value)]

    def walk(value, path):
        found.setdefault(path, set()).add(kind(value))
        children = [p for p in documented if p.startswith(path + ".") or p.startswith(path + "[]")]
        if isinstance(value, dict) and children:
            for key, item in value.items():
                walk(item, f"{path}.{key}")
        if isinstance(value, list):
            for item in value:
                if isinstance(item, dict):
                    for key, sub in item.items():
                        walk(sub, f"{path}[].{key}")

    for key, value in document.items():
        walk(value, key)
    return found


def assert_matches_documentation(document, heading):
    documented = documented_fields(heading)
    observed = observed_fields(document, documented)
    assert set(observed) == set(documented), (
        f"undocumented: {sorted(set(observed) - set(documented))}; "
        f"documented but missing: {sorted(set(documented) - set(observed))}"
    )
    for path, kinds in observed.items():
        allowed = documented[path]
        if "number" in allowed:
            allowed = allowed | {"integer"}
        assert kinds <= allowed, f"{path}: {kinds} is not {allowed}"


def test_talks_json_has_the_documented_shape(organizer_client, world):
    response = organizer_client.get(export_url("talks_json", world.event))

    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert 'filename="kernel-talks.json"' in response["Content-Disposition"]
    document = json.loads(body(response))
    assert document["version"] == exports.JSON_VERSION == 1
    assert list(document) == ["version", "event", "generated_at", "talks"]
    assert datetime.fromisoformat(document["generated_at"]).tzinfo is not None
    assert_matches_documentation(document, "Talks JSON (version 1)")
    # Both kinds of talk are there: scheduled with a type, and bare (the nulls).
    bare = next(t for t in document["talks"] if t["code"] == world.bare.code)
    assert bare["slot"] is None and bare["submission_type"] is None and bare["track"] is None
    assert bare["duration"] is None and bare["experience_level"] == ""


def test_talks_json_is_valid_when_nothing_is_accepted(organizer_client, world):
    Proposal.objects.filter(event=world.event).update(state=ProposalState.SUBMITTED)

    document = json.loads(body(organizer_client.get(export_url("talks_json", world.event))))

    assert document["talks"] == []
    assert document["event"]["slug"] == "kernel"


# --- who may export ---------------------------------------------------------------------------

ENDPOINTS = {
    "page": lambda w: reverse("admin:cfp_event_exports", args=[w.event.pk]),
    "talks csv": lambda w: export_url("talks_csv", w.event),
    "speakers csv": lambda w: export_url("speakers_csv", w.event),
    "talks json": lambda w: export_url("talks_json", w.event),
}

# What the organizer finds in each: the page names the event, the files hold the talks.
FOUND = {"page": "Exports: Kernel Summit"}

ROLES = {
    "anonymous": lambda w: None,
    "speaker": lambda w: w.ada,
    "reviewer of the event, blind review": lambda w: w.reviewer,
    "organizer of another event": lambda w: w.other_organizer,
}


def content(response) -> str:
    data = body(response) if response.streaming else response.content
    return data.decode("utf-8")


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_organizer_of_the_event_exports(organizer_client, world, endpoint):
    response = organizer_client.get(ENDPOINTS[endpoint](world))

    assert response.status_code == 200
    assert FOUND.get(endpoint, SECRET) in content(response)
    assert "Their own talk" not in content(response)


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_superuser_exports_any_event(client, world, endpoint):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    response = client.get(ENDPOINTS[endpoint](world))

    assert response.status_code == 200
    assert FOUND.get(endpoint, SECRET) in content(response)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_nobody_else_exports(client, world, endpoint, role):
    user = ROLES[role](world)
    if user is not None:
        client.force_login(user)

    response = client.get(ENDPOINTS[endpoint](world))

    assert not response.streaming and "Content-Disposition" not in response
    if role == "anonymous":
        assert response.status_code == 302 and response.url.startswith(reverse("admin:login"))
        return
    if role == "speaker":
        assert is_staff_panel_refusal(response)
        return
    # A reviewer organizes nothing: refused. Another event's organizer: no such event.
    expected = 403 if role.startswith("reviewer") else 404
    assert response.status_code == expected
    for secret in (SECRET, "ada@example.com", "Needs the big room", "Kernel Summit"):
        assert secret not in content(response)


def test_an_event_id_that_is_no_number_does_not_exist(organizer_client, world):
    response = organizer_client.get(
        reverse("admin:cfp_event_exports", args=[world.event.pk]).replace(
            f"/{world.event.pk}/", "/x1/"
        )
    )

    assert response.status_code == 404


# --- the Exports page and where organizers find it --------------------------------------------


def test_event_page_links_to_its_exports(organizer_client, world):
    response = organizer_client.get(reverse("admin:cfp_event_change", args=[world.event.pk]))

    exports_url = reverse("admin:cfp_event_exports", args=[world.event.pk])
    assert f'href="{exports_url}"' in page(response)


def test_exports_page_offers_the_downloads_the_reviews_and_the_feeds(organizer_client, world):
    response = organizer_client.get(reverse("admin:cfp_event_exports", args=[world.event.pk]))

    html = page(response)
    assert "1 accepted and 1 confirmed talk" in html
    for name in ("talks_csv", "speakers_csv", "talks_json"):
        assert f'formaction="{export_url(name, world.event)}"' in html
    for name in ("reviews_csv", "proposals_csv", "reviews_json"):
        url = reverse(f"admin:reviews_export_{name}")
        assert f'href="{url}?event={world.event.pk}"' in html
    for name in ("schedule_ical", "schedule_xml", "schedule_json"):
        assert f'href="{reverse(f"cfp:{name}", kwargs={"event": "kernel"})}"' in html
    # The filters offer this event's tracks and types, no other's.
    assert "Developer" in html and "Presentation" in html
    assert "Their own talk" not in html


# --- actions on the proposal list -------------------------------------------------------------


def run_action(client, action, proposals):
    return client.post(
        reverse("admin:cfp_proposal_changelist"),
        {"action": action, "_selected_action": [p.pk for p in proposals]},
    )


def test_action_exports_just_the_selected_proposals_as_csv(organizer_client, world):
    submitted = Proposal.objects.get(event=world.event, state=ProposalState.SUBMITTED)

    response = run_action(organizer_client, "export_selected_csv", [world.bare, submitted])

    assert response.status_code == 200
    assert 'filename="kernel-talks.csv"' in response["Content-Disposition"]
    rows = read_csv(body(response))
    assert sorted(r["code"] for r in rows) == sorted([world.bare.code, submitted.code])
    assert {r["state"] for r in rows} == {"Accepted", "Submitted"}


def test_action_exports_just_the_selected_proposals_as_json(organizer_client, world):
    response = run_action(organizer_client, "export_selected_json", [world.scheduled])

    document = json.loads(body(response))
    assert [t["code"] for t in document["talks"]] == [world.scheduled.code]
    assert document["event"]["slug"] == "kernel"


def test_action_never_exports_another_events_proposal(organizer_client, world):
    response = run_action(
        organizer_client, "export_selected_csv", [world.scheduled, world.other_talk]
    )

    codes = [r["code"] for r in read_csv(body(response))]
    assert codes == [world.scheduled.code]


def test_action_of_another_events_organizer_exports_nothing_of_this_event(client, world):
    client.force_login(world.other_organizer)

    response = run_action(client, "export_selected_csv", [world.scheduled, world.bare])

    assert response.status_code == 302  # "no items selected": theirs do not include these
    assert "Content-Disposition" not in response
    assert SECRET not in page(client.get(response.url))


def test_action_refuses_a_selection_across_events(client, world):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    response = run_action(client, "export_selected_json", [world.scheduled, world.other_talk])

    assert response.status_code == 302
    assert "Content-Disposition" not in response
    assert "proposals of one event" in page(client.get(response.url))


# --- cost: queries and memory -----------------------------------------------------------------


def add_talks(event, n, *, track, kind, room):
    """n confirmed talks with two speakers each; every other one scheduled."""
    day = datetime.combine(event.start_date, datetime.min.time(), tzinfo=UTC)
    for i in range(n):
        talk = ProposalFactory(
            event=event,
            state=ProposalState.CONFIRMED,
            track=track,
            submission_type=kind,
            speakers=[SpeakerFactory(), SpeakerFactory()],
        )
        if i % 2 == 0:
            TalkSlotFactory(proposal=talk, event=event, room=room, start=day + timedelta(hours=i))


def queries_of(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        body(response)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("name", ["talks_csv", "speakers_csv", "talks_json"])
def test_export_costs_the_same_queries_at_two_sizes(organizer_client, world, name):
    url = export_url(name, world.event)
    options = {"track": world.track, "kind": world.kind, "room": world.room}
    add_talks(world.event, 2, **options)
    small = queries_of(organizer_client, url)

    add_talks(world.event, 20, **options)
    large = queries_of(organizer_client, url)

    assert small == large


def test_action_costs_the_same_queries_at_two_sizes(organizer_client, world):
    options = {"track": world.track, "kind": world.kind, "room": world.room}

    def queries_for_all():
        proposals = list(Proposal.objects.filter(event=world.event))
        with CaptureQueriesContext(connection) as queries:
            body(run_action(organizer_client, "export_selected_json", proposals))
        return len(queries)

    add_talks(world.event, 2, **options)
    small = queries_for_all()
    add_talks(world.event, 20, **options)

    assert queries_for_all() == small


def bulk_talks(event, first: int, n: int, *, track, kind, room) -> None:
    """n confirmed talks, each with its own speaker and a kilobyte or two of text; one in
    ten scheduled. Fast: bulk inserts, no factories."""
    users = User.objects.bulk_create(
        User(email=f"bulk{i}@example.com", password="!") for i in range(first, first + n)
    )
    SpeakerProfile.objects.bulk_create(
        SpeakerProfile(user=u, name=f"Speaker {u.email}", biography="B" * 600, affiliation="Co")
        for u in users
    )
    talks = Proposal.objects.bulk_create(
        Proposal(
            event=event,
            title=f"Talk {i:06d}",
            state=ProposalState.CONFIRMED,
            track=track,
            submission_type=kind,
            experience_level="any",
            abstract="A" * 1200,
            audience="Everyone.",
            notes="N" * 200,
            submitted_at=datetime(2026, 1, 1, tzinfo=UTC),
        )
        for i in range(first, first + n)
    )
    Proposal.speakers.through.objects.bulk_create(
        Proposal.speakers.through(proposal_id=t.pk, user_id=u.pk)
        for t, u in zip(talks, users, strict=True)
    )
    start = datetime.combine(event.start_date, datetime.min.time(), tzinfo=UTC)
    TalkSlot.objects.bulk_create(
        TalkSlot(event=event, proposal=t, room=room, start=start + timedelta(minutes=i))
        for i, t in enumerate(talks)
        if i % 10 == 0
    )


def stream_cost(client, url) -> tuple[int, int, int]:
    """(peak bytes allocated, queries, bytes written) while downloading the whole file."""
    queries = []

    def count(execute, sql, params, many, context):
        queries.append(1)
        return execute(sql, params, many, context)

    gc.collect()
    tracemalloc.start()
    try:
        with connection.execute_wrapper(count):
            response = client.get(url)
            size = sum(len(chunk) for chunk in response.streaming_content)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak, len(queries), size


def test_a_large_export_streams_in_bounded_memory(organizer_client, world, capsys):
    options = {"track": world.track, "kind": world.kind, "room": world.room}
    url = export_url("talks_csv", world.event)
    started = time.monotonic()
    bulk_talks(world.event, 0, 1_000, **options)
    small_peak, small_queries, small_size = stream_cost(organizer_client, url)

    bulk_talks(world.event, 1_000, 9_000, **options)
    built = time.monotonic() - started
    large_peak, large_queries, large_size = stream_cost(organizer_client, url)

    with capsys.disabled():
        print(
            f"\n  export of 1,000 talks: peak {small_peak / 1e6:.1f} MB, {small_queries} queries,"
            f" {small_size / 1e6:.1f} MB of CSV"
            f"\n  export of 10,000 talks: peak {large_peak / 1e6:.1f} MB, {large_queries} queries,"
            f" {large_size / 1e6:.1f} MB of CSV"
            f"\n  ({time.monotonic() - started:.1f} s, of which {built:.1f} s building the talks"
            " and the first export)"
        )
    assert large_size > 9 * small_size  # ten times the talks were written...
    assert large_peak < 1.3 * small_peak  # ...in about the same memory
    assert large_peak < 15_000_000

    # Queries grow with the chunks (the talks, then their speakers), never with the rows.
    def chunks(talks: int) -> int:
        return -(-talks // exports.CHUNK_SIZE)

    assert large_queries - small_queries == chunks(10_002) - chunks(1_002)
