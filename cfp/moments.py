"""How Lectern shows a moment to people: on the event's clock, in one format, with the zone.

"April 16, 2027, 1:50 p.m. (Europe/Berlin)": Django's DATETIME_FORMAT (the format the staff
panel's own date fields use), read in the event's time zone, followed by the zone's name
wherever the reader could take it for their own clock. Moments that belong to no event (an
account email) are read in the installation's zone (settings.TIME_ZONE), named the same way.
"""

from datetime import datetime, tzinfo
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format

MISSING = "–"


def zone_of(where) -> tzinfo:
    """The zone of an event (anything with `.tz`), a zone itself, or a zone's name; None (no
    event) is the installation's zone."""
    if where is None:
        return ZoneInfo(settings.TIME_ZONE)
    if isinstance(where, tzinfo):
        return where
    if isinstance(where, str):
        return ZoneInfo(where)
    return where.tz


def zone_name(where) -> str:
    zone = zone_of(where)
    return getattr(zone, "key", None) or str(zone)


def moment(value: datetime | None, where, *, labelled: bool = True) -> str:
    """The moment on the clock of `where` (see zone_of), with the zone's name unless the page
    names it once for many (a column's header)."""
    if value is None:
        return MISSING
    text = date_format(timezone.localtime(value, zone_of(where)), "DATETIME_FORMAT")
    return f"{text} ({zone_name(where)})" if labelled else text
