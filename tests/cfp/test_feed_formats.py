"""The schedule feeds, format by format: iCalendar, frab XML and JSON."""

import json
import uuid
from datetime import datetime, time

import icalendar

from cfp.programme import feeds
from cfp.programme.schedule import local_to_utc
from tests.cfp.feed_readers import EVENT_FIELDS, json_events, parse_xml, xml_events
from tests.cfp.test_public import SECRET_EMAIL, SECRET_NOTES, publish, url


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
