"""The schedule feeds: iCalendar, frab/c3voc XML and JSON of the public programme."""

import json
import uuid
import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime, time

import icalendar
import pytest

from cfp.programme import feeds, schedule
from cfp.programme.schedule import local_to_utc
from tests.cfp.test_public import (
    SECRET_EMAIL,
    SECRET_NOTES,
    UNICODE_NAME,
    UNICODE_TITLE,
    at,
    make_talk,
    publish,
    url,
)
from tests.factories import (
    EventFactory,
    RoomFactory,
    SpeakerFactory,
    SubmissionTypeFactory,
    TrackFactory,
    UserFactory,
)

EVENT_FIELDS = (
    "date",
    "start",
    "duration",
    "room",
    "slug",
    "url",
    "title",
    "subtitle",
    "track",
    "type",
    "language",
    "abstract",
    "description",
    "logo",
    "persons",
    "links",
    "attachments",
)


@pytest.fixture
def feed_event(db):
    """Two confirmed talks in two rooms, one unplaced, one accepted only, a break."""
    event = EventFactory(name="FeedCon", slug="feedcon", timezone="Europe/Berlin")
    rooms = [RoomFactory(event=event, name="Saal A", position=0)]
    rooms.append(RoomFactory(event=event, name="Room B", position=1))
    speaker = SpeakerFactory(email=SECRET_EMAIL, profile__name="Grace Hopper")
    co_speaker = SpeakerFactory(profile__name="Alan Turing")
    main = make_talk(
        event,
        title="Compilers & <friends>",
        abstract="The speaker explains **compilers**.",
        notes=SECRET_NOTES,
        track=TrackFactory(event=event, name="Developer"),
        submission_type=SubmissionTypeFactory(event=event, name="Presentation"),
        speakers=[speaker, co_speaker],
        room=rooms[0],
        start=at(event, 0, 13, 50),
        minutes=40,
        slides_url="https://slides.example/compilers",
    )
    other = make_talk(event, title="Second talk", room=rooms[1], start=at(event, 1, 9, 0))
    unplaced = make_talk(event, title="Unplaced talk")
    accepted = make_talk(
        event, state="accepted", title="Not confirmed", room=rooms[1], start=at(event, 0, 10)
    )
    schedule.break_add(event=event, title="Lunch", start=at(event, 0, 12, 30), duration=60)
    publish(event)
    return {
        "event": event,
        "main": main,
        "other": other,
        "unplaced": unplaced,
        "accepted": accepted,
        "speaker": speaker,
        "co_speaker": co_speaker,
    }


def parse_xml(content: bytes) -> ET.Element:
    return ET.fromstring(content)  # noqa: S314 (Lectern's own output, made in the test)


def xml_events(root: ET.Element) -> list[ET.Element]:
    return root.findall("./day/room/event")


def json_events(data: dict) -> list[dict]:
    return [
        event
        for day in data["schedule"]["conference"]["days"]
        for events in day["rooms"].values()
        for event in events
    ]


# --- iCalendar ---------------------------------------------------------------------------------


def test_schedule_ical_has_one_event_per_scheduled_public_talk(client, settings, feed_event):
    event, main = feed_event["event"], feed_event["main"]
    settings.SITE_URL = "https://cfp.example.org"

    response = client.get(url("schedule_ical", event))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = icalendar.Calendar.from_ical(response.content)
    assert str(calendar["VERSION"]) == "2.0"
    assert "Lectern" in str(calendar["PRODID"])
    assert str(calendar["X-WR-CALNAME"]) == "FeedCon"
    assert b"\r\nX-PUBLISHED-TTL:PT1H\r\n" in response.content
    vevents = calendar.walk("VEVENT")
    assert sorted(str(v["SUMMARY"]) for v in vevents) == ["Compilers & <friends>", "Second talk"]
    vevent = next(v for v in vevents if str(v["SUMMARY"]) == main.title)
    start = local_to_utc(event, event.start_date, time(13, 50))
    assert vevent.decoded("DTSTART") == start
    assert vevent.decoded("DTSTART").utcoffset().total_seconds() == 0
    assert (vevent.decoded("DTEND") - vevent.decoded("DTSTART")).total_seconds() == 40 * 60
    assert str(vevent["UID"]) == f"{main.code}@cfp.example.org"
    assert str(vevent["LOCATION"]) == "Saal A"
    assert str(vevent["URL"]).endswith(url("talk", event, code=main.code))
    assert "DTSTAMP" in vevent
    description = str(vevent["DESCRIPTION"])
    assert "The speaker explains compilers." in description  # Markdown made plain text
    assert "Grace Hopper" in description and "Alan Turing" in description
    assert SECRET_NOTES not in description and SECRET_EMAIL not in response.content.decode()


def test_schedule_ical_uids_are_unique_and_stable(client, feed_event):
    event = feed_event["event"]

    first = icalendar.Calendar.from_ical(client.get(url("schedule_ical", event)).content)
    publish(event, "2")
    second = icalendar.Calendar.from_ical(client.get(url("schedule_ical", event)).content)

    uids = [str(v["UID"]) for v in first.walk("VEVENT")]
    assert len(uids) == len(set(uids)) == 2
    assert uids == [str(v["UID"]) for v in second.walk("VEVENT")]
    assert str(first["UID"]) == str(second["UID"])


def test_talk_ical_holds_that_talk_only(client, feed_event):
    event, main = feed_event["event"], feed_event["main"]

    response = client.get(url("talk_ical", event, code=main.code))

    calendar = icalendar.Calendar.from_ical(response.content)
    [vevent] = calendar.walk("VEVENT")
    assert str(vevent["SUMMARY"]) == main.title
    assert vevent.decoded("DTSTART") == local_to_utc(event, event.start_date, time(13, 50))


def test_talk_ical_is_404_for_unplaced_or_unconfirmed_talks(client, feed_event):
    event = feed_event["event"]

    for proposal in (feed_event["unplaced"], feed_event["accepted"]):
        assert client.get(url("talk_ical", event, code=proposal.code)).status_code == 404


def test_talk_ical_function_gives_an_empty_calendar_for_a_hidden_talk(feed_event):
    event, accepted = feed_event["event"], feed_event["accepted"]

    calendar = icalendar.Calendar.from_ical(feeds.talk_ical(event, accepted))

    assert calendar.walk("VEVENT") == []


# --- XML ---------------------------------------------------------------------------------------


def test_schedule_xml_is_frab_schedule_with_every_field(client, feed_event):
    event, main = feed_event["event"], feed_event["main"]

    response = client.get(url("schedule_xml", event))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml; charset=utf-8"
    assert response.content.startswith(b"<?xml version='1.0' encoding='utf-8'?>")
    root = parse_xml(response.content)
    assert root.tag == "schedule"
    assert root.find("generator").get("name") == "lectern"
    assert root.findtext("version") == "1"
    conference = root.find("conference")
    assert conference.findtext("acronym") == "feedcon"
    assert conference.findtext("title") == "FeedCon"
    assert conference.findtext("start") == event.start_date.isoformat()
    assert conference.findtext("end") == event.end_date.isoformat()
    assert conference.findtext("days") == "3" == str(len(root.findall("day")))
    assert conference.findtext("timeslot_duration") == "00:05"
    assert conference.findtext("time_zone_name") == "Europe/Berlin"
    assert conference.findtext("base_url").startswith("http")

    day = root.find("day")
    assert day.get("index") == "1"
    assert day.get("date") == event.start_date.isoformat()
    assert day.get("start").endswith(("+01:00", "+02:00"))
    assert [room.get("name") for room in day.findall("room")] == ["Saal A"]
    uuid.UUID(day.find("room").get("guid"))

    events = xml_events(root)
    assert sorted(e.findtext("title") for e in events) == ["Compilers & <friends>", "Second talk"]
    element = next(e for e in events if e.findtext("title") == main.title)
    for field in EVENT_FIELDS:
        assert element.find(field) is not None, field
    assert element.get("id") == str(main.pk)
    assert str(uuid.UUID(element.get("guid"))) == element.get("guid")
    local = datetime.combine(event.start_date, time(13, 50), tzinfo=event.tz)
    assert element.findtext("date") == local.isoformat()
    assert element.findtext("start") == "13:50"
    assert element.findtext("duration") == "00:40"
    assert element.findtext("room") == "Saal A"
    assert element.findtext("track") == "Developer"
    assert element.findtext("type") == "Presentation"
    assert element.findtext("abstract") == "The speaker explains **compilers**."
    assert element.findtext("url").endswith(url("talk", event, code=main.code))
    assert element.findtext("slug").startswith(f"feedcon-{main.pk}-compilers")
    persons = element.findall("persons/person")
    # In the speakers' order: the submitter first, not by name or address.
    assert [(p.get("id"), p.text) for p in persons] == [
        (str(feed_event["speaker"].pk), "Grace Hopper"),
        (str(feed_event["co_speaker"].pk), "Alan Turing"),
    ]
    [link] = element.findall("links/link")
    assert link.get("href") == "https://slides.example/compilers"
    body = response.content.decode()
    for absent in ("Lunch", "Unplaced talk", "Not confirmed", SECRET_NOTES, SECRET_EMAIL):
        assert absent not in body


def test_schedule_xml_ids_and_guids_are_unique_and_stable(client, feed_event):
    event = feed_event["event"]

    first = parse_xml(client.get(url("schedule_xml", event)).content)
    again = parse_xml(client.get(url("schedule_xml", event)).content)
    publish(event, "2")
    later = parse_xml(client.get(url("schedule_xml", event)).content)

    def keys(root):
        return sorted((e.get("id"), e.get("guid")) for e in xml_events(root))

    ids = [e.get("id") for e in xml_events(first)]
    guids = [e.get("guid") for e in xml_events(first)]
    assert len(set(ids)) == len(ids) == 2 and all(i.isdigit() for i in ids)
    assert len(set(guids)) == len(guids)
    assert keys(first) == keys(again) == keys(later)
    assert later.findtext("version") == "2"
    room_guids = {r.get("name"): r.get("guid") for r in first.iter("room") if r.get("guid")}
    assert room_guids == {r.get("name"): r.get("guid") for r in later.iter("room") if r.get("guid")}
    assert len(set(room_guids.values())) == 2


# --- JSON --------------------------------------------------------------------------------------


def test_schedule_json_carries_the_same_data_as_the_xml(client, feed_event):
    event, main = feed_event["event"], feed_event["main"]

    response = client.get(url("schedule_json", event))
    root = parse_xml(client.get(url("schedule_xml", event)).content)

    assert response["Content-Type"] == "application/json"
    data = json.loads(response.content)
    assert data["$schema"] == "https://c3voc.de/schedule/schema.json"
    schedule = data["schedule"]
    assert schedule["version"] == "1"
    assert schedule["base_url"].startswith("http")
    conference = schedule["conference"]
    assert conference["acronym"] == "feedcon"
    assert conference["daysCount"] == 3 == len(conference["days"])
    assert conference["time_zone_name"] == "Europe/Berlin"
    assert conference["timeslot_duration"] == "00:05"
    assert [r["name"] for r in conference["rooms"]] == ["Saal A", "Room B"]
    day = conference["days"][0]
    assert set(day) == {"index", "date", "day_start", "day_end", "rooms"}
    assert list(day["rooms"]) == ["Saal A"]

    events = json_events(data)
    by_id = {str(e["id"]): e for e in events}
    for element in xml_events(root):
        item = by_id[element.get("id")]
        assert item["guid"] == element.get("guid")
        for field in ("date", "start", "duration", "room", "slug", "url", "title", "track"):
            assert item[field] == (element.findtext(field) or ""), field
    item = by_id[str(main.pk)]
    assert item["persons"] == [
        {"id": feed_event["speaker"].pk, "public_name": "Grace Hopper"},
        {"id": feed_event["co_speaker"].pk, "public_name": "Alan Turing"},
    ]
    assert item["links"] == [{"url": "https://slides.example/compilers", "title": "Slides"}]
    assert item["attachments"] == []
    assert {"subtitle", "language", "abstract", "description", "type"} <= set(item)
    assert SECRET_EMAIL not in response.content.decode()


def test_schedule_json_function_returns_a_dict(feed_event):
    data = feeds.schedule_json(feed_event["event"])

    assert isinstance(data, dict)
    assert len(json_events(data)) == 2
    json.dumps(data)  # serialisable as it is


# --- before publishing, and hidden talks ---------------------------------------------------------


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


# --- time zones and text -------------------------------------------------------------------------


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


# --- text the forms refuse, stored anyway ------------------------------------------------------

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
