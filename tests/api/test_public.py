"""The public programme in the API (/api/v1/events/<slug>/schedule/ and /talks/): what the
public pages show, for anyone, and nothing else."""

from urllib.parse import urlsplit

import pytest
from django.core.files.base import ContentFile

from cfp.enums import QuestionKind, QuestionTarget
from cfp.models import TalkSlot
from tests.api.helpers import assert_matches_schema, client_for
from tests.cfp import test_public as public_pages
from tests.cfp.answer_world import PDF
from tests.cfp.test_public import (
    SECRET_AUDIENCE,
    SECRET_BENEFITS,
    SECRET_EMAIL,
    SECRET_FEEDBACK,
    SECRET_NO_PROFILE_EMAIL,
    SECRET_NOTES,
    SECRET_REQUIREMENTS,
    SECRET_REVIEW,
    at,
    make_talk,
    publish,
)
from tests.factories import (
    AnswerFactory,
    EventFactory,
    QuestionFactory,
    SpeakerFactory,
    SubmissionTypeFactory,
    TrackFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
programme_event = public_pages.programme_event  # the public pages' fixture


def schedule_url(event) -> str:
    return f"/api/v1/events/{event.slug}/schedule/"


def talks_url(event, code: str = "") -> str:
    return f"/api/v1/events/{event.slug}/talks/" + (f"{code}/" if code else "")


def get(address: str, client=None, **params):
    response = (client or client_for()).get(address, params)
    assert_matches_schema(response)
    return response


def utc(moment) -> str:
    """A UTC moment as the API writes it: "2027-04-15T11:50:00Z"."""
    return moment.isoformat().replace("+00:00", "Z")


def every_talk(event, client=None, **params) -> list[dict]:
    """Every talk of the list, following the `next` links."""
    talks, address = [], talks_url(event)
    while address:
        response = get(address, client, **params)
        assert response.status_code == 200
        talks += response.json()["results"]
        address, params = response.json()["next"], {}
    return talks


# --- the schedule ------------------------------------------------------------------------------


def test_schedule_gives_rooms_and_timed_talks_and_breaks_in_utc(programme_event):
    event, talk = programme_event["event"], programme_event["talk"]

    response = get(schedule_url(event))

    body = response.json()
    assert response.status_code == 200
    assert body["version"] == "1"
    assert body["time_zone"] == "Europe/Berlin"
    assert body["rooms"] == [{"name": "Saal A", "position": 0}, {"name": "Room B", "position": 1}]
    titles = [slot["title"] for slot in body["slots"]]
    assert titles == ["Lunch", "Observability without tears", "Day two keynote"]
    lunch, first = body["slots"][0], body["slots"][1]
    assert lunch == {
        "kind": "break",
        "start": utc(at(event, 0, 12, 30)),
        "end": utc(at(event, 0, 13, 30)),
        "room": None,
        "title": "Lunch",
        "code": None,
        "track": None,
        "type": None,
        "speakers": [],
    }
    assert first == {
        "kind": "talk",
        "start": utc(at(event, 0, 13, 50)),
        "end": utc(at(event, 0, 14, 30)),
        "room": "Saal A",
        "title": "Observability without tears",
        "code": talk.code,
        "track": "Operations",
        "type": "Presentation",
        "speakers": [{"id": programme_event["speaker"].pk, "name": "Ada Lovelace"}],
    }
    assert first["start"].endswith("Z")
    assert "Floating talk" not in response.content.decode()  # no time yet: in /talks/ only


def test_schedule_is_the_same_with_a_token_and_a_session(programme_event, client):
    event = programme_event["event"]
    organizer = UserFactory(is_staff=True)
    event.organizers.add(organizer)
    client.force_login(organizer)

    anonymous = get(schedule_url(event)).json()
    with_token = get(schedule_url(event), client_for(organizer)).json()
    with_session = client.get(schedule_url(event)).json()

    assert anonymous == with_token == with_session


def test_schedule_shows_the_published_version_not_the_working_one(programme_event):
    event, talk = programme_event["event"], programme_event["talk"]
    TalkSlot.objects.filter(proposal=talk).update(start=at(event, 1, 16))

    slots = get(schedule_url(event)).json()["slots"]

    ours = next(slot for slot in slots if slot["code"] == talk.code)
    assert ours["start"] == utc(at(event, 0, 13, 50))
    publish(event, "2")
    slots = get(schedule_url(event)).json()["slots"]  # a new version shows at once
    ours = next(slot for slot in slots if slot["code"] == talk.code)
    assert ours["start"] == utc(at(event, 1, 16))


def test_schedule_and_talks_of_an_unpublished_event_are_404(db):
    event = EventFactory()
    talk = make_talk(event, title="Not yet")

    for address in (schedule_url(event), talks_url(event), talks_url(event, talk.code)):
        response = get(address)
        assert response.status_code == 404, address
        assert response.json()["code"] == "not_found"
        assert "Not yet" not in response.content.decode()


def test_a_hidden_event_is_404_even_to_its_organizer(programme_event):
    event, talk = programme_event["event"], programme_event["talk"]
    organizer = UserFactory(is_staff=True)
    event.organizers.add(organizer)
    event.is_public = False
    event.save(update_fields=["is_public"])

    for client in (client_for(), client_for(organizer)):
        for address in (schedule_url(event), talks_url(event), talks_url(event, talk.code)):
            response = get(address, client)
            assert response.status_code == 404, address
            assert talk.title not in response.content.decode()


def test_an_unknown_event_or_talk_is_404(programme_event):
    event = programme_event["event"]

    assert get("/api/v1/events/no-such-event/schedule/").status_code == 404
    assert get(talks_url(event, "NOSUCHCO")).status_code == 404


# --- talks -------------------------------------------------------------------------------------


def test_talk_list_holds_the_confirmed_talks_of_the_published_version(programme_event):
    event = programme_event["event"]

    talks = every_talk(event)

    expected = {programme_event[name].code for name in ("talk", "second_day", "unplaced")}
    assert {talk["code"] for talk in talks} == expected
    floating = next(t for t in talks if t["code"] == programme_event["unplaced"].code)
    assert floating["slot"] is None and floating["duration"] is None


def test_hidden_talks_are_in_no_answer(programme_event):
    event = programme_event["event"]
    bodies = [get(schedule_url(event)).content.decode(), get(talks_url(event)).content.decode()]

    for name, proposal in programme_event["hidden"].items():
        for body in bodies:
            assert proposal.title not in body and proposal.code not in body, name
        assert get(talks_url(event, proposal.code)).status_code == 404, name


def test_talk_shows_what_its_page_shows(programme_event, settings):
    settings.SITE_URL = "https://cfp.example.org"
    event, talk = programme_event["event"], programme_event["talk"]
    speaker = programme_event["speaker"]

    response = get(talks_url(event, talk.code))

    body = response.json()
    assert response.status_code == 200
    assert body["code"] == talk.code
    assert body["url"] == f"https://cfp.example.org/{event.slug}/talks/{talk.code}/"
    assert body["title"] == "Observability without tears"
    assert body["abstract"] == "The speaker shows how **tracing** helps."
    assert body["abstract_html"] == "<p>The speaker shows how <strong>tracing</strong> helps.</p>"
    assert (body["track"], body["track_id"]) == ("Operations", talk.track_id)
    assert (body["type"], body["type_id"]) == ("Presentation", talk.submission_type_id)
    assert body["level"] == "Beginner"
    assert body["duration"] == 40
    assert body["slot"] == {
        "room": "Saal A",
        "start": utc(at(event, 0, 13, 50)),
        "end": utc(at(event, 0, 14, 30)),
    }
    assert body["speakers"] == [
        {
            "id": speaker.pk,
            "name": "Ada Lovelace",
            "affiliation": "Analytical Engines",
            "biography": "Writes **programs** for engines.",
            "biography_html": "<p>Writes <strong>programs</strong> for engines.</p>",
            "photo_url": "https://cfp.example.org/media/photos/ada.jpg",
            "links": [{"url": "https://ada.example/blog", "label": "ada.example/blog"}],
            "answers": [],
        }
    ]
    assert body["answers"] == []
    assert body["slides"] == {"file_url": None, "url": None}


def test_talk_gives_its_slides_as_the_page_does(programme_event, settings):
    settings.SITE_URL = "https://cfp.example.org"
    event, talk = programme_event["event"], programme_event["talk"]
    talk.slides_url = "https://slides.example/obs"
    talk.slides.name = "slides/obs.pdf"
    talk.save(update_fields=["slides_url", "slides"])

    body = get(talks_url(event, talk.code)).json()

    assert body["slides"] == {
        "file_url": "https://cfp.example.org/media/slides/obs.pdf",
        "url": "https://slides.example/obs",
    }


def test_nothing_private_is_in_any_answer(programme_event):
    event, talk = programme_event["event"], programme_event["talk"]
    secrets = [
        SECRET_NOTES,
        SECRET_AUDIENCE,
        SECRET_BENEFITS,
        SECRET_REQUIREMENTS,
        SECRET_EMAIL,
        SECRET_REVIEW,
        SECRET_FEEDBACK,
        "javascript:",
    ]

    bodies = [
        get(address).content.decode()
        for address in (schedule_url(event), talks_url(event), talks_url(event, talk.code))
    ]

    assert "Observability without tears" in bodies[2]
    for body in bodies:
        for secret in secrets:
            assert secret not in body
        assert "email" not in body


def test_missing_values_are_null_never_none(programme_event):
    event = programme_event["event"]
    nameless = UserFactory(email=SECRET_NO_PROFILE_EMAIL)  # no profile at all
    talk = make_talk(
        event,
        title="Bare talk",
        submission_type=None,
        experience_level="",
        abstract="",
        speakers=[nameless],
        room=programme_event["rooms"][1],
        start=at(event, 1, 11),
    )
    publish(event, "2")

    body = get(talks_url(event, talk.code)).json()
    schedule = get(schedule_url(event)).content.decode()

    assert (body["type"], body["type_id"], body["level"], body["track"]) == (None,) * 4
    assert body["abstract"] == "" and body["abstract_html"] == ""
    assert body["speakers"][0]["name"] is None
    assert body["speakers"][0]["photo_url"] is None
    for text in (str(body), schedule):
        assert "None" not in text.replace("None,", "").replace("None}", "").replace("None]", "")
        assert SECRET_NO_PROFILE_EMAIL not in text


def test_public_answers_only_and_never_a_file(programme_event):
    event, talk = programme_event["event"], programme_event["talk"]
    speaker = programme_event["speaker"]

    def ask(text, target=QuestionTarget.PROPOSAL, kind=QuestionKind.TEXT, **fields):
        return QuestionFactory(event=event, question=text, target=target, kind=kind, **fields)

    AnswerFactory(question=ask("Public?", is_public=True), proposal=talk, value="PUBLIC-TALK")
    AnswerFactory(question=ask("Private?"), proposal=talk, value="PRIVATE-TALK")
    AnswerFactory(
        question=ask("Site", kind=QuestionKind.URL, is_public=True),
        proposal=talk,
        value="https://project.example",
    )
    AnswerFactory(
        question=ask("File", kind=QuestionKind.FILE, is_public=True),
        proposal=talk,
        value="",
        file=ContentFile(PDF, name="upload.pdf"),
        file_name="SECRET-FILE.pdf",
    )
    AnswerFactory(
        question=ask("Retired", is_public=True, active=False), proposal=talk, value="RETIRED"
    )
    speaker_q = ask("Mastodon", target=QuestionTarget.SPEAKER, is_public=True)
    AnswerFactory(question=speaker_q, speaker=speaker, value="@ada@example.social")
    private_q = ask("Phone", target=QuestionTarget.SPEAKER)
    AnswerFactory(question=private_q, speaker=speaker, value="PRIVATE-PHONE")

    response = get(talks_url(event, talk.code))

    body = response.json()
    assert [(a["question"], a["value"], a["url"]) for a in body["answers"]] == [
        ("Public?", "PUBLIC-TALK", None),
        ("Site", "https://project.example", "https://project.example"),
    ]
    assert [(a["question"], a["value"]) for a in body["speakers"][0]["answers"]] == [
        ("Mastodon", "@ada@example.social")
    ]
    listed = get(talks_url(event)).json()["results"]
    assert next(t for t in listed if t["code"] == talk.code)["answers"] == body["answers"]
    for secret in ("PRIVATE-TALK", "SECRET-FILE", "RETIRED", "PRIVATE-PHONE"):
        assert secret not in response.content.decode()


def test_fields_the_event_does_not_ask_are_left_out(programme_event):
    event, talk = programme_event["event"], programme_event["talk"]
    event.cfp.field_settings = {
        name: {"state": "not_asked"}
        for name in ("track", "experience_level", "affiliation", "photo", "links")
    }
    event.cfp.save(update_fields=["field_settings"])

    body = get(talks_url(event, talk.code)).json()
    filtered = get(talks_url(event), track=talk.track_id)

    assert (body["track"], body["track_id"], body["level"]) == (None, None, None)
    speaker = body["speakers"][0]
    assert (speaker["affiliation"], speaker["photo_url"], speaker["links"]) == (None, None, [])
    assert filtered.status_code == 400  # a field the pages do not show filters nothing


# --- filters and pages -------------------------------------------------------------------------


def test_talks_filter_by_track_and_type(programme_event):
    event, talk = programme_event["event"], programme_event["talk"]
    other_type = SubmissionTypeFactory(event=event, name="Workshop")
    workshop = make_talk(event, title="A workshop", track=talk.track, submission_type=other_type)
    publish(event, "2")

    by_track = every_talk(event, track=talk.track_id)
    by_type = every_talk(event, type=other_type.pk)
    both = every_talk(event, track=talk.track_id, type=talk.submission_type_id)

    floating = programme_event["unplaced"].code
    assert {t["code"] for t in by_track} == {talk.code, floating, workshop.code}
    assert [t["code"] for t in by_type] == [workshop.code]
    assert [t["code"] for t in both] == [talk.code]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"track": "abc"}, "track"),
        ({"track": "999999"}, "track"),
        ({"type": "1.5"}, "type"),
        ({"cursor": "not-a-cursor"}, "cursor"),
        ({"page_size": "0"}, "page_size"),
        ({"page_size": "201"}, "page_size"),
        ({"page_size": "ten"}, "page_size"),
        ({"ordering": "title"}, "ordering"),
        ({"track": "<script>alert(1)</script>"}, "track"),
        ({"track": "9" * 400}, "track"),
        ({"type": "\u202e1"}, "type"),
        ({"page_size": "9" * 400}, "page_size"),
    ],
)
def test_a_bad_parameter_is_a_400_that_names_it(programme_event, params, field):
    event = programme_event["event"]

    response = get(talks_url(event), **params)

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert list(response.json()["errors"]) == [field]
    assert response.json()["errors"][field][0]


@pytest.mark.parametrize(
    ("query", "field"), [("cursor=%FF%FE%00", "cursor"), ("track=%C3%28", "track")]
)
def test_a_parameter_that_is_not_utf8_is_a_400(programme_event, query, field):
    response = get(f"{talks_url(programme_event['event'])}?{query}")

    assert response.status_code == 400
    assert list(response.json()["errors"]) == [field]


@pytest.mark.parametrize("code", ["<script>", "%ff", "😀" * 40, "x" * 2000])
def test_a_talk_code_that_is_none_is_a_json_404(programme_event, code):
    response = get(talks_url(programme_event["event"], code))

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_another_events_track_is_a_400(programme_event):
    event = programme_event["event"]
    elsewhere = TrackFactory(event=EventFactory())

    response = get(talks_url(event), track=elsewhere.pk)

    assert response.status_code == 400
    assert "track" in response.json()["errors"]


def test_talk_pages_follow_next_links_to_every_talk_once(programme_event):
    event = programme_event["event"]
    room = programme_event["rooms"][0]
    for hour in range(9, 13):
        make_talk(event, title=f"Talk at {hour}", room=room, start=at(event, 2, hour))
    publish(event, "2")

    talks = every_talk(event, page_size=2)

    codes = [talk["code"] for talk in talks]
    # Three talks, the one placed after version 1, and these four: each once, in code order.
    assert len(codes) == 8 == len(set(codes))
    assert codes == sorted(codes)


def test_cursor_links_stay_on_this_site(programme_event):
    event = programme_event["event"]

    body = get(talks_url(event), page_size=1).json()

    assert urlsplit(body["next"]).path == talks_url(event)
    assert body["previous"] is None


def test_a_speaker_on_several_talks_is_the_same_in_each(programme_event):
    event, speaker = programme_event["event"], programme_event["speaker"]
    second = make_talk(
        event,
        title="Second by Ada",
        speakers=[speaker, SpeakerFactory(profile__name="Co Speaker")],
        room=programme_event["rooms"][1],
        start=at(event, 1, 15),
    )
    publish(event, "2")

    talks = {talk["code"]: talk for talk in every_talk(event)}

    first = talks[programme_event["talk"].code]["speakers"][0]
    again = talks[second.code]["speakers"]
    assert again[0] == first
    assert again[1]["name"] == "Co Speaker"


def test_schedule_cache_keeps_a_version_for_the_cache_time(programme_event, settings):
    settings.PROGRAMME_CACHE_SECONDS = 60
    event, talk = programme_event["event"], programme_event["talk"]
    get(schedule_url(event))
    talk.title = "Edited title"
    talk.save(update_fields=["title"])

    cached = get(schedule_url(event)).content.decode()
    publish(event, "2")
    republished = get(schedule_url(event)).content.decode()

    assert "Observability without tears" in cached  # as the schedule page does
    assert "Edited title" in republished


def test_no_cache_time_gives_every_edit_at_once(programme_event, settings):
    settings.PROGRAMME_CACHE_SECONDS = 0
    event, talk = programme_event["event"], programme_event["talk"]
    get(schedule_url(event))
    talk.title = "Edited title"
    talk.save(update_fields=["title"])

    assert "Edited title" in get(schedule_url(event)).content.decode()
