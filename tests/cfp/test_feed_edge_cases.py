"""The feeds before publishing and for hidden talks, across a clock change, with any text, and
with text the forms refuse."""

import json
import uuid
from datetime import UTC, date, time

import icalendar
import pytest

from cfp.programme import feeds
from cfp.programme.schedule import local_to_utc
from tests.cfp.feed_readers import json_events, parse_xml, xml_events
from tests.cfp.test_public import UNICODE_NAME, UNICODE_TITLE, at, make_talk, publish, url
from tests.factories import EventFactory, RoomFactory, SpeakerFactory, TrackFactory, UserFactory


def test_feed_functions_before_publishing_are_valid_and_empty(db):
    event = EventFactory()
    make_talk(event, room=RoomFactory(event=event), start=at(event, 0, 10))

    calendar = icalendar.Calendar.from_ical(feeds.schedule_ical(event))
    root = parse_xml(feeds.schedule_xml(event))
    data = feeds.schedule_json(event)

    assert calendar.walk("VEVENT") == []
    assert xml_events(root) == [] and len(root.findall("day")) == 3
    assert json_events(data) == []


def test_talks_unconfirmed_after_publishing_leave_every_feed(client, feed_event):
    event, main = feed_event["event"], feed_event["main"]
    main.cancel(by=UserFactory())

    ical = client.get(url("schedule_ical", event)).content.decode()
    xml = client.get(url("schedule_xml", event)).content.decode()
    data = client.get(url("schedule_json", event)).content.decode()

    for body in (ical, xml, data):
        assert "Compilers" not in body
        assert "Second talk" in body
    assert client.get(url("talk_ical", event, code=main.code)).status_code == 404


@pytest.mark.parametrize(
    ("day", "offset", "minutes", "duration"),
    [
        # Clocks go forward at 2:00: 1:30 CET to 3:30 CEST is one hour.
        (date(2027, 3, 28), "+01:00", 60, "01:00"),
        # Clocks go back at 3:00: 1:30 CEST to 3:30 CET is three hours.
        (date(2027, 10, 31), "+02:00", 180, "03:00"),
    ],
)
def test_a_talk_across_a_clock_change(client, db, day, offset, minutes, duration):
    event = EventFactory(timezone="Europe/Berlin", start_date=day, end_date=day)
    start = local_to_utc(event, day, time(1, 30))
    talk = make_talk(event, room=RoomFactory(event=event), start=start, minutes=minutes)
    later = make_talk(
        event, room=RoomFactory(event=event), start=local_to_utc(event, day, time(10))
    )
    publish(event)

    root = parse_xml(client.get(url("schedule_xml", event)).content)
    data = client.get(url("schedule_json", event)).json()
    calendar = icalendar.Calendar.from_ical(client.get(url("schedule_ical", event)).content)
    html = client.get(url("talk", event, code=talk.code)).content.decode()

    element = next(e for e in xml_events(root) if e.get("id") == str(talk.pk))
    assert element.findtext("date") == f"{day.isoformat()}T01:30:00{offset}"
    assert element.findtext("start") == "01:30"
    assert element.findtext("duration") == duration
    after = next(e for e in xml_events(root) if e.get("id") == str(later.pk))
    after_offset = "+02:00" if day.month == 3 else "+01:00"
    assert after.findtext("date") == f"{day.isoformat()}T10:00:00{after_offset}"
    item = next(e for e in json_events(data) if e["id"] == talk.pk)
    assert (item["date"], item["duration"]) == (element.findtext("date"), duration)
    [day_element] = root.findall("day")
    assert day_element.get("start") == f"{day.isoformat()}T00:00:00{offset}"
    assert day_element.get("end") == f"{day.isoformat()}T23:59:00{after_offset}"
    vevent = next(v for v in calendar.walk("VEVENT") if str(v["SUMMARY"]) == talk.title)
    assert vevent.decoded("DTSTART") == start.astimezone(UTC)
    assert (vevent.decoded("DTEND") - vevent.decoded("DTSTART")).total_seconds() == minutes * 60
    assert "1:30 am – 3:30 am" in html


def test_unicode_survives_every_feed(client, db):
    event = EventFactory(name="Конференция ✨")
    speaker = SpeakerFactory(profile__name=UNICODE_NAME)
    room = RoomFactory(event=event, name="Salle Éole 会議室")
    make_talk(
        event,
        title=UNICODE_TITLE,
        abstract="Ünïcödé 日本語 👩‍💻 مرحبا",
        speakers=[speaker],
        room=room,
        start=at(event, 0, 10),
    )
    publish(event)

    calendar = icalendar.Calendar.from_ical(client.get(url("schedule_ical", event)).content)
    root = parse_xml(client.get(url("schedule_xml", event)).content)
    data = client.get(url("schedule_json", event)).json()

    [vevent] = calendar.walk("VEVENT")
    assert str(vevent["SUMMARY"]) == UNICODE_TITLE
    assert str(vevent["LOCATION"]) == "Salle Éole 会議室"
    assert UNICODE_NAME in str(vevent["DESCRIPTION"])
    assert str(calendar["X-WR-CALNAME"]) == "Конференция ✨"
    [element] = xml_events(root)
    assert element.findtext("title") == UNICODE_TITLE
    assert element.findtext("abstract") == "Ünïcödé 日本語 👩‍💻 مرحبا"
    assert element.find("persons/person").text == UNICODE_NAME
    assert root.find("conference").findtext("title") == "Конференция ✨"
    [item] = json_events(data)
    assert item["title"] == UNICODE_TITLE
    assert item["persons"][0]["public_name"] == UNICODE_NAME
    assert item["slug"].endswith("cafe")  # ASCII, ends in a letter or digit


def test_guids_are_uuid5_of_site_event_and_code(settings, feed_event):
    event, main = feed_event["event"], feed_event["main"]
    settings.SITE_URL = "https://cfp.example.org"

    guid = feeds.talk_guid(event, main.code)

    expected = uuid.uuid5(uuid.NAMESPACE_URL, f"https://cfp.example.org/feedcon/talks/{main.code}")
    assert guid == expected and guid.version == 5


# Every character that ends a line (str.splitlines), plus controls neither XML nor iCal hold.
STRAY = "\n\r\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029"


@pytest.fixture
def stray_event(db):
    """A published talk whose stored texts hold line breaks and controls, as older rows may:
    written with update(), past every validator."""
    event = EventFactory(name="Line\nCon")
    speaker = SpeakerFactory(profile__name="Grace")
    room = RoomFactory(event=event, name="Room")
    talk = make_talk(
        event,
        title="Title",
        track=TrackFactory(event=event, name="Track"),
        speakers=[speaker],
        room=room,
        start=at(event, 0, 10),
    )
    type(talk).objects.filter(pk=talk.pk).update(
        title=f"First{STRAY}second", abstract="One.\x01\r\n\r\nTwo\u2028three.\x0b"
    )
    type(speaker.profile).objects.filter(pk=speaker.profile.pk).update(name="Grace\r\nHopper")
    type(room).objects.filter(pk=room.pk).update(name="Saal\nA")
    type(talk.track).objects.filter(pk=talk.track_id).update(name="Dev\u2029Ops")
    publish(event)
    return event, talk


def test_ical_of_a_talk_with_line_breaks_in_stored_texts_is_valid(client, stray_event):
    event, talk = stray_event

    for address in (url("talk_ical", event, code=talk.code), url("schedule_ical", event)):
        response = client.get(address)

        assert response.status_code == 200
        for line in response.content.split(b"\r\n"):
            assert b"\n" not in line and b"\r" not in line and b"\x0b" not in line
        calendar = icalendar.Calendar.from_ical(response.content)
        [vevent] = calendar.walk("VEVENT")
        assert str(vevent["SUMMARY"]) == "First second"
        assert str(vevent["LOCATION"]) == "Saal A"
        assert [str(c) for c in vevent["CATEGORIES"].cats] == ["Dev Ops"]
        description = str(vevent["DESCRIPTION"])
        assert description.startswith("One.\n\nTwo\nthree.\n\nSpeakers: Grace Hopper\n\n")
    talk_calendar = icalendar.Calendar.from_ical(
        client.get(url("talk_ical", event, code=talk.code)).content
    )
    assert str(talk_calendar["X-WR-CALNAME"]) == "First second · Line Con"


def test_xml_and_json_with_line_breaks_in_stored_texts_are_valid(client, stray_event):
    event, talk = stray_event

    root = parse_xml(client.get(url("schedule_xml", event)).content)
    data = json.loads(client.get(url("schedule_json", event)).content)

    [element] = xml_events(root)
    assert element.findtext("title") == "First second"
    assert element.findtext("room") == "Saal A"
    assert element.findtext("track") == "Dev Ops"
    assert element.findtext("abstract") == "One.\n\nTwo\nthree."
    assert element.find("persons/person").text == "Grace Hopper"
    assert root.find("day/room").get("name") == "Saal A"
    assert root.find("conference").findtext("title") == "Line Con"
    [item] = json_events(data)
    assert (item["title"], item["room"], item["track"]) == ("First second", "Saal A", "Dev Ops")
    assert item["persons"][0]["public_name"] == "Grace Hopper"
    assert item["abstract"] == "One.\n\nTwo\nthree."
    assert data["schedule"]["conference"]["rooms"][0]["name"] == "Saal A"


def test_ical_description_keeps_the_abstracts_paragraphs(client, db):
    event = EventFactory()
    speaker = SpeakerFactory(profile__name="Ada Lovelace")
    abstract = (
        "The speaker shows **engines**.\n\n"
        "A second paragraph,\nwith a line of its own.\n\n"
        "- first point\n- second point\n\n"
        "The end & <more>."
    )
    talk = make_talk(
        event,
        abstract=abstract,
        speakers=[speaker],
        room=RoomFactory(event=event),
        start=at(event, 0, 10),
    )
    publish(event)

    calendar = icalendar.Calendar.from_ical(
        client.get(url("talk_ical", event, code=talk.code)).content
    )

    [vevent] = calendar.walk("VEVENT")
    assert str(vevent["DESCRIPTION"]) == (
        "The speaker shows engines.\n\n"
        "A second paragraph,\nwith a line of its own.\n\n"
        "- first point\n- second point\n\n"
        "The end & <more>.\n\n"
        "Speakers: Ada Lovelace\n\n"
        f"{feeds.talk_url(event, talk.code)}"
    )
