"""Readers the feed tests share."""

import xml.etree.ElementTree as ET

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
