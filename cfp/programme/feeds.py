"""Machine-readable schedules of the public programme: iCalendar, frab/c3voc XML and JSON.

They carry exactly what the public pages show (cfp.programme): the newest published
version's confirmed talks, never breaks, notes, emails or reviews. Talks in the version
but not placed in a room and time have no place in a timetable and are left out.

- iCalendar (RFC 5545): one VEVENT per talk, times in UTC, UID "<code>@<site host>".
- XML and JSON in the schedule format of frab and pretalx, as documented by the c3voc
  (https://c3voc.de/wiki/schedule): read by Giggity, ConfClerk and recording teams.
  `guid`s are uuid5 of the site, the event and the talk code (or room), so they stay the
  same across requests and versions; event `id`s are the proposals' primary keys.

Before any version is published the functions return valid documents without talks (the
web views answer 404 instead, see cfp.public); `manage.py export_talks` imports
schedule_ical and schedule_xml by name.
"""

import re
import uuid
import xml.etree.ElementTree as ET
from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta
from importlib import metadata
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from icalendar import Calendar
from icalendar import Event as CalendarEvent

from cfp.markdown import markdown_to_text
from cfp.models import Event, Proposal
from cfp.programme.published import Programme, PublicTalk, programme, public_talk
from cfp.programme.schedule import event_days

GENERATOR = "lectern"
SCHEMA_URL = "https://c3voc.de/schedule/schema.json"
TIMESLOT_DURATION = "00:05"
UNNAMED_SPEAKER = "Name not given"


def _generator_version() -> str:
    try:
        return metadata.version("lectern")
    except metadata.PackageNotFoundError:
        return "dev"


# --- shared pieces ---------------------------------------------------------------------------

# Rows may hold what the forms refuse today (written before, or by other means): every feed
# takes text through these, so one stray character never breaks a document (an .ics content
# line, a well-formed XML file).
_BREAK = "[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]"  # what str.splitlines() splits on
_LINE_BREAK = re.compile(rf"\r\n|{_BREAK}")
_LINE_BREAKS = re.compile(rf"{_BREAK}+")
# What neither XML 1.0 nor an iCalendar TEXT value may hold: controls but tab and line feed,
# lone surrogates, and the two non-characters XML excludes.
_UNREPRESENTABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def _line(value: str) -> str:
    """A one-line value (a title, a name): line breaks become spaces."""
    return _UNREPRESENTABLE.sub("", _LINE_BREAKS.sub(" ", value or "")).strip()


def _text(value: str) -> str:
    """A multi-line value: every kind of line break becomes a line feed."""
    return _UNREPRESENTABLE.sub("", _LINE_BREAK.sub("\n", value or "")).strip()


def _site() -> str:
    return settings.SITE_URL.rstrip("/")


def _absolute(url: str) -> str:
    """An address as other programs need it: storage backends may already give full ones."""
    if url.startswith(("https://", "http://")):
        return url
    return _site() + url


def talk_url(event: Event, code: str) -> str:
    return _absolute(reverse("cfp:talk", kwargs={"event": event.slug, "code": code}))


def talk_guid(event: Event, code: str) -> uuid.UUID:
    return uuid.uuid5(uuid.NAMESPACE_URL, f"{_site()}/{event.slug}/talks/{code}")


def room_guid(event: Event, talk: PublicTalk) -> uuid.UUID:
    # The room's key when it still exists (a renamed room keeps its guid), else its name.
    key = f"id/{talk.room_id}" if talk.room_id else f"name/{talk.room}"
    return uuid.uuid5(uuid.NAMESPACE_URL, f"{_site()}/{event.slug}/rooms/{key}")


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _local(value: datetime, event: Event) -> datetime:
    return timezone.localtime(value, event.tz)


def _slug(event: Event, talk: PublicTalk) -> str:
    """ "democon-42-observability-without-tears": unique (the id), ASCII, ends alphanumeric."""
    parts = [slugify(event.slug), str(talk.pk), slugify(talk.title)[:60]]
    return "-".join(part.strip("-_") for part in parts if part.strip("-_"))


def _speaker_names(talk: PublicTalk) -> list[str]:
    return [_line(speaker.name) or UNNAMED_SPEAKER for speaker in talk.speakers]


def _links(talk: PublicTalk) -> list[dict[str, str]]:
    return [{"url": _line(talk.slides_url), "title": "Slides"}] if talk.slides_url else []


def _attachments(talk: PublicTalk) -> list[dict[str, str]]:
    if not talk.slides_file_url:
        return []
    return [{"url": _absolute(talk.slides_file_url), "title": "Slides (PDF)"}]


def _feed_days(prog: Programme) -> list[tuple[date, dict[str, list[PublicTalk]]]]:
    """Every day of the event and any other day with a talk, each with its talks by room
    (rooms in the organizers' order, talks by start)."""
    event = prog.event
    by_day: dict[date, list[PublicTalk]] = defaultdict(list)
    for talk in prog.scheduled_talks:
        by_day[_local(talk.start, event).date()].append(talk)
    days = []
    for day in sorted(set(event_days(event)) | set(by_day)):
        rooms: dict[str, list[PublicTalk]] = {}
        talks = sorted(by_day[day], key=lambda t: (t.room_position, t.room, t.start, t.pk))
        for talk in talks:
            rooms.setdefault(talk.room, []).append(talk)
        days.append((day, rooms))
    return days


def _day_bounds(day: date, event: Event) -> tuple[str, str]:
    start = datetime.combine(day, time(0), tzinfo=event.tz)
    end = datetime.combine(day, time(23, 59), tzinfo=event.tz)
    return start.isoformat(), end.isoformat()


def _talk_data(event: Event, talk: PublicTalk) -> dict:
    """One talk as a schedule event, the JSON shape; the XML writes the same values."""
    local = _local(talk.start, event)
    return {
        "id": talk.pk,
        "guid": str(talk_guid(event, talk.code)),
        "date": local.isoformat(),
        "start": f"{local:%H:%M}",
        # From the UTC moments: a talk across a clock change lasts what it really lasts.
        "duration": _hhmm(talk.minutes),
        "room": _line(talk.room),
        "slug": _slug(event, talk),
        "url": talk_url(event, talk.code),
        "title": _line(talk.title),
        "subtitle": "",
        "track": _line(talk.track),
        "type": _line(talk.submission_type),
        "language": "",
        "abstract": _text(talk.abstract),
        "description": "",
        "persons": [
            {"id": speaker.pk, "public_name": name}
            for speaker, name in zip(talk.speakers, _speaker_names(talk), strict=True)
        ],
        "links": _links(talk),
        "attachments": _attachments(talk),
    }


def _conference(prog: Programme, days: list) -> dict:
    event = prog.event
    first = days[0][0] if days else event.start_date
    last = days[-1][0] if days else event.end_date
    return {
        "acronym": event.slug,
        "title": _line(event.name),
        "start": first.isoformat(),
        "end": last.isoformat(),
        "daysCount": len(days),
        "timeslot_duration": TIMESLOT_DURATION,
        "time_zone_name": event.timezone,
        "url": _absolute(reverse("cfp:schedule", kwargs={"event": event.slug})),
    }


# --- JSON ------------------------------------------------------------------------------------


def schedule_json(event: Event) -> dict:
    """The c3voc schedule.json of the public programme (to be dumped as UTF-8 JSON)."""
    prog = programme(event)
    days = _feed_days(prog)
    rooms: dict[str, PublicTalk] = {}  # each room's name and one of its talks
    json_days = []
    for index, (day, day_rooms) in enumerate(days, start=1):
        day_start, day_end = _day_bounds(day, event)
        for name, talks in day_rooms.items():
            rooms.setdefault(name, talks[0])
        json_days.append(
            {
                "index": index,
                "date": day.isoformat(),
                "day_start": day_start,
                "day_end": day_end,
                "rooms": {
                    _line(name): [_talk_data(event, talk) for talk in talks]
                    for name, talks in day_rooms.items()
                },
            }
        )
    conference = _conference(prog, days)
    conference["rooms"] = [
        {"name": _line(name), "guid": str(room_guid(event, talk))}
        for name, talk in sorted(rooms.items(), key=lambda item: (item[1].room_position, item[0]))
    ]
    conference["days"] = json_days
    return {
        "$schema": SCHEMA_URL,
        "generator": {"name": GENERATOR, "version": _generator_version()},
        "schedule": {
            "version": _line(prog.version.name) if prog.version else "",
            "base_url": _site() + "/",
            "conference": conference,
        },
    }


# --- XML -------------------------------------------------------------------------------------


def _element(parent: ET.Element, tag: str, text: str = "", **attributes: str) -> ET.Element:
    # ElementTree escapes markup but writes control characters as they are: not XML.
    clean = {name: _UNREPRESENTABLE.sub("", value) for name, value in attributes.items()}
    element = ET.SubElement(parent, tag, clean)
    if text:
        element.text = _UNREPRESENTABLE.sub("", text)
    return element


def _xml_event(parent: ET.Element, data: dict) -> None:
    element = _element(parent, "event", id=str(data["id"]), guid=data["guid"])
    for tag in ("date", "start", "duration", "room", "slug", "url", "title", "subtitle"):
        _element(element, tag, data[tag])
    for tag in ("track", "type", "language", "abstract", "description"):
        _element(element, tag, data[tag])
    _element(element, "logo")
    persons = _element(element, "persons")
    for person in data["persons"]:
        _element(persons, "person", person["public_name"], id=str(person["id"]))
    links = _element(element, "links")
    for link in data["links"]:
        _element(links, "link", link["title"], href=link["url"])
    attachments = _element(element, "attachments")
    for attachment in data["attachments"]:
        _element(attachments, "attachment", attachment["title"], href=attachment["url"])


def schedule_xml(event: Event) -> bytes:
    """The frab/c3voc schedule.xml of the public programme, UTF-8 with an XML declaration."""
    prog = programme(event)
    days = _feed_days(prog)
    conference = _conference(prog, days)
    root = ET.Element("schedule")
    _element(root, "generator", name=GENERATOR, version=_generator_version())
    _element(root, "version", _line(prog.version.name) if prog.version else "")
    element = _element(root, "conference")
    for tag in ("acronym", "title", "start", "end"):
        _element(element, tag, conference[tag])
    _element(element, "days", str(conference["daysCount"]))
    _element(element, "timeslot_duration", TIMESLOT_DURATION)
    _element(element, "time_zone_name", event.timezone)
    _element(element, "base_url", _site() + "/")
    for index, (day, day_rooms) in enumerate(days, start=1):
        day_start, day_end = _day_bounds(day, event)
        day_element = _element(
            root, "day", index=str(index), date=day.isoformat(), start=day_start, end=day_end
        )
        for name, talks in day_rooms.items():
            room = _element(
                day_element, "room", name=_line(name), guid=str(room_guid(event, talks[0]))
            )
            for talk in talks:
                _xml_event(room, _talk_data(event, talk))
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


# --- iCalendar -------------------------------------------------------------------------------


def _calendar(event: Event, name: str, key: str) -> Calendar:
    calendar = Calendar.new(
        prodid=f"-//Lectern//{GENERATOR} {_generator_version()}//EN",
        # icalendar escapes line breaks in TEXT values but not in the calendar's name.
        name=_line(name),
        # A fixed UID: icalendar would draw a random one on every request.
        uid=uuid.uuid5(uuid.NAMESPACE_URL, f"{_site()}/{event.slug}/calendar/{key}"),
        url=_absolute(reverse("cfp:schedule", kwargs={"event": event.slug})),
        method="PUBLISH",
        calscale="GREGORIAN",
        refresh_interval=timedelta(hours=1),
    )
    calendar.add("X-PUBLISHED-TTL", "PT1H")  # Outlook's name for REFRESH-INTERVAL
    return calendar


def _vevent(event: Event, talk: PublicTalk, stamp: datetime) -> CalendarEvent:
    host = urlsplit(_site()).hostname or "lectern"
    names = ", ".join(_speaker_names(talk))
    description = "\n\n".join(
        part
        for part in (
            _text(markdown_to_text(talk.abstract)),
            f"Speakers: {names}" if names else "",
            talk_url(event, talk.code),
        )
        if part
    )
    return CalendarEvent.new(
        uid=f"{talk.code}@{host}",
        stamp=stamp,
        last_modified=stamp,
        start=talk.start.astimezone(UTC),
        end=talk.end.astimezone(UTC),
        summary=_line(talk.title),
        description=description,
        location=_line(talk.room),
        url=talk_url(event, talk.code),
        categories=[_line(talk.track)] if talk.track else (),
    )


def schedule_ical(event: Event) -> bytes:
    """Every scheduled public talk of the event as an iCalendar file."""
    prog = programme(event)
    calendar = _calendar(event, event.name, "schedule")
    if prog.version is not None:
        for talk in prog.scheduled_talks:
            calendar.add_component(_vevent(event, talk, prog.version.published_at))
    return calendar.to_ical()


def talk_ical(event: Event, proposal: Proposal) -> bytes:
    """One talk as an iCalendar file; without events if the talk is not public or placed."""
    found = public_talk(event, proposal.code)
    if found is None:
        return _calendar(event, event.name, proposal.code).to_ical()
    version, talk = found
    calendar = _calendar(event, f"{talk.title} · {event.name}", talk.code)
    if talk.is_scheduled:
        calendar.add_component(_vevent(event, talk, version.published_at))
    return calendar.to_ical()
