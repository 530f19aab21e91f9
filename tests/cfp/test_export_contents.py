"""What the talk and speaker exports hold, their filters and the documented JSON shape."""

import json
from datetime import UTC, datetime

import pytest

from cfp import exports
from cfp.enums import ProposalState
from cfp.models import Proposal, TalkSlot
from speakers.models import SpeakerProfile
from tests.cfp.export_files import (
    NASTY,
    SECRET,
    assert_matches_documentation,
    body,
    export_url,
    read_csv,
)
from tests.factories import ProposalFactory, SpeakerFactory, TrackFactory
from tests.helpers import page

pytestmark = pytest.mark.django_db


def test_talks_csv_has_one_row_per_accepted_or_confirmed_talk(export_client, export_world):
    response = export_client.get(export_url("talks_csv", export_world.event))

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="kernel-talks.csv"'
    rows = read_csv(body(response))
    assert list(rows[0]) == exports.TALK_COLUMNS
    assert [r["title"] for r in rows] == ["Bare talk", SECRET]
    talk = rows[1]
    assert talk == {
        "code": export_world.scheduled.code,
        "title": SECRET,
        "state": "Confirmed",
        "tags": "",
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
        "slot start": f"{export_world.event.start_date:%Y-%m-%d} 10:00",
        "slot end": f"{export_world.event.start_date:%Y-%m-%d} 10:40",
        "room": "Hall A",
        "slides URL": "https://example.com/slides",
        "submitted at": "2026-01-10 18:05",  # 17:05 UTC is 18:05 in Berlin in January
    }


def test_talk_exports_list_speakers_in_their_order_not_by_email(export_client, export_world):
    # Zoe submitted and invited Ada: Zoe comes first although her address sorts last.
    zoe = SpeakerFactory(email="zoe@example.com", profile__name="Zoe", profile__affiliation="Z")
    talk = ProposalFactory(
        event=export_world.event,
        title="A talk by two",
        state="accepted",
        speakers=[zoe, export_world.ada],
    )

    talks = read_csv(body(export_client.get(export_url("talks_csv", export_world.event))))
    row = next(r for r in talks if r["code"] == talk.code)
    per_speaker = read_csv(body(export_client.get(export_url("speakers_csv", export_world.event))))
    document = json.loads(body(export_client.get(export_url("talks_json", export_world.event))))
    as_json = next(t for t in document["talks"] if t["code"] == talk.code)

    assert row["speakers"] == "Zoe; Ada Lovelace"
    assert row["speaker emails"] == "zoe@example.com; ada@example.com"
    assert row["speaker affiliations"] == "Z; Analytical Engines"
    assert [r["speaker email"] for r in per_speaker if r["code"] == talk.code] == [
        "zoe@example.com",
        "ada@example.com",
    ]
    assert [s["email"] for s in as_json["speakers"]] == ["zoe@example.com", "ada@example.com"]


def test_missing_values_are_empty_cells_never_none(export_client, export_world):
    for name in ("talks_csv", "speakers_csv"):
        data = body(export_client.get(export_url(name, export_world.event)))

        assert b"None" not in data
        bare = next(r for r in read_csv(data) if r["title"] == "Bare talk")
        for column in ("submission type", "track", "slot start", "slot end", "room"):
            assert bare[column] == ""
    talks = read_csv(body(export_client.get(export_url("talks_csv", export_world.event))))
    bare = next(r for r in talks if r["title"] == "Bare talk")
    assert bare["duration (minutes)"] == bare["experience level"] == bare["submitted at"] == ""
    # Names stand alone in the per-talk file: a speaker without one shows by address.
    assert bare["speakers"] == "noname@example.com"


def test_speakers_csv_has_one_row_per_speaker(export_client, export_world):
    response = export_client.get(export_url("speakers_csv", export_world.event))

    assert 'filename="kernel-talks-per-speaker.csv"' in response["Content-Disposition"]
    rows = read_csv(body(response))
    assert list(rows[0]) == exports.SPEAKER_COLUMNS
    assert [(r["code"], r["speaker email"]) for r in rows] == [
        (export_world.bare.code, "noname@example.com"),
        (export_world.scheduled.code, "ada@example.com"),
        (export_world.scheduled.code, "bob@example.com"),
    ]
    assert rows[0]["speaker name"] == ""  # beside the address, a missing name is missing
    assert rows[1]["speaker name"] == "Ada Lovelace"
    assert rows[1]["biography"] == "Writes programs."
    assert rows[1]["room"] == "Hall A"


def test_every_field_survives_a_round_trip_through_csv_and_json(export_client, export_world):
    Proposal.objects.filter(pk=export_world.scheduled.pk).update(
        title=f"{NASTY} title",
        abstract=f"{NASTY} abstract",
        audience=f"{NASTY} audience",
        benefits=f"{NASTY} benefits",
        technical_requirements=f"{NASTY} requirements",
        notes=f"{NASTY} notes",
        slides_url="https://example.com/日本語/🎤",
    )
    SpeakerProfile.objects.filter(user=export_world.ada).update(
        name=f"{NASTY} name", affiliation=f"{NASTY} affiliation", biography=f"{NASTY} bio"
    )
    export_world.track.name = f"{NASTY} track"
    export_world.track.save()
    export_world.kind.name = f"{NASTY} type"
    export_world.kind.save()
    export_world.room.name = f"{NASTY} room"
    export_world.room.save()

    talk = next(
        r
        for r in read_csv(body(export_client.get(export_url("talks_csv", export_world.event))))
        if r["code"] == export_world.scheduled.code
    )
    speaker = next(
        r
        for r in read_csv(body(export_client.get(export_url("speakers_csv", export_world.event))))
        if r["speaker email"] == "ada@example.com"
    )
    data = body(export_client.get(export_url("talks_json", export_world.event)))
    document = json.loads(data.decode("utf-8"))
    as_json = next(t for t in document["talks"] if t["code"] == export_world.scheduled.code)

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


def test_formula_injection_is_neutralised_in_every_csv_cell(export_client, export_world):
    Proposal.objects.filter(pk=export_world.scheduled.pk).update(
        title='=HYPERLINK("http://evil.example","click")',
        abstract="+1+1",
        audience="-2+3",
        benefits="@SUM(A1:A2)",
        technical_requirements="\t=1",
        notes="\r=1",
    )
    SpeakerProfile.objects.filter(user=export_world.ada).update(
        name="=cmd|' /C calc'!A0", affiliation="-Evil Corp", biography="@bio"
    )
    export_world.track.name = "+track"
    export_world.track.save()

    talk = read_csv(body(export_client.get(export_url("talks_csv", export_world.event))))[0]
    speaker = next(
        r
        for r in read_csv(body(export_client.get(export_url("speakers_csv", export_world.event))))
        if r["speaker email"] == "ada@example.com"
    )
    as_json = json.loads(body(export_client.get(export_url("talks_json", export_world.event))))

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


def test_look_alike_formulas_are_neutralised_in_every_csv_export(export_client, export_world):
    Proposal.objects.filter(pk=export_world.scheduled.pk).update(
        title='＝HYPERLINK("http://evil.example","click")',
        abstract="\u3000＋1+1",
        audience=" =2+3",
        benefits="\n@SUM(A1:A2)",
        notes="\u2212 1",
    )
    SpeakerProfile.objects.filter(user=export_world.ada).update(
        name="＠Ada", affiliation="－Evil Corp"
    )

    talks = read_csv(body(export_client.get(export_url("talks_csv", export_world.event))))
    talk = next(t for t in talks if "HYPERLINK" in t["title"])
    speaker = next(
        r
        for r in read_csv(body(export_client.get(export_url("speakers_csv", export_world.event))))
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


def test_slot_times_are_in_the_event_time_zone(export_client, export_world):
    export_world.event.timezone = "Asia/Tokyo"
    export_world.event.save()
    TalkSlot.objects.filter(proposal=export_world.scheduled).update(
        start=datetime(2027, 4, 16, 1, 0, tzinfo=UTC), duration=25
    )

    talk = read_csv(body(export_client.get(export_url("talks_csv", export_world.event))))[1]
    document = json.loads(body(export_client.get(export_url("talks_json", export_world.event))))

    assert (talk["slot start"], talk["slot end"]) == ("2027-04-16 10:00", "2027-04-16 10:25")
    assert talk["duration (minutes)"] == "25"
    assert document["talks"][1]["slot"] == {
        "start": "2027-04-16T10:00:00+09:00",
        "end": "2027-04-16T10:25:00+09:00",
        "room": "Hall A",
    }
    assert document["event"]["timezone"] == "Asia/Tokyo"


def test_filters_choose_state_track_and_type(export_client, export_world):
    def titles(**params):
        data = body(export_client.get(export_url("talks_csv", export_world.event, **params)))
        return [r["title"] for r in read_csv(data)]

    assert titles(state="confirmed") == [SECRET]
    assert titles(state="accepted") == ["Bare talk"]
    assert titles(track=export_world.track.pk) == [SECRET]
    assert titles(type=export_world.kind.pk) == [SECRET]
    assert titles(state="accepted", track=export_world.track.pk) == []
    assert titles() == ["Bare talk", SECRET]


def test_every_submitted_proposal_can_be_exported_but_no_draft(export_client, export_world):
    ProposalFactory(event=export_world.event, title="A draft", state=ProposalState.DRAFT)
    data = body(export_client.get(export_url("talks_csv", export_world.event, state="all")))

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
def test_a_filter_outside_the_event_is_refused(export_client, export_world, params):
    response = export_client.get(export_url("talks_csv", export_world.event, **params))

    assert response.status_code == 400
    assert "Content-Disposition" not in response
    assert "Select a valid choice" in page(response)


def test_another_events_track_is_no_filter(export_client, export_world):
    theirs = TrackFactory(event=export_world.other_event, name="Their track")

    response = export_client.get(export_url("talks_json", export_world.event, track=theirs.pk))

    assert response.status_code == 400
    assert "Their own talk" not in page(response)


def test_talks_json_has_the_documented_shape(export_client, export_world):
    response = export_client.get(export_url("talks_json", export_world.event))

    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert 'filename="kernel-talks.json"' in response["Content-Disposition"]
    document = json.loads(body(response))
    assert document["version"] == exports.JSON_VERSION == 1
    assert list(document) == ["version", "event", "generated_at", "talks"]
    assert datetime.fromisoformat(document["generated_at"]).tzinfo is not None
    assert_matches_documentation(document, "Talks JSON (version 1)")
    # Both kinds of talk are there: scheduled with a type, and bare (the nulls).
    bare = next(t for t in document["talks"] if t["code"] == export_world.bare.code)
    assert bare["slot"] is None and bare["submission_type"] is None and bare["track"] is None
    assert bare["duration"] is None and bare["experience_level"] == ""


def test_talks_json_is_valid_when_nothing_is_accepted(export_client, export_world):
    Proposal.objects.filter(event=export_world.event).update(state=ProposalState.SUBMITTED)

    document = json.loads(body(export_client.get(export_url("talks_json", export_world.event))))

    assert document["talks"] == []
    assert document["event"]["slug"] == "kernel"
