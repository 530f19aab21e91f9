"""Addresses, times and steps the schedule grid tests share."""

import re
from datetime import UTC, date, datetime
from html import unescape

from django.urls import reverse
from django.utils.html import escape

from cfp.models import TalkSlot
from tests.factories import TalkSlotFactory
from tests.helpers import page, shown_messages

FRIDAY = date(2027, 4, 16)  # Berlin is on summer time, UTC+2


def grid_url(event, day=None) -> str:
    url = reverse("admin:cfp_event_schedule", args=[event.pk])
    return f"{url}?day={day.isoformat()}" if day else url


def action_url(event, name, slot=None) -> str:
    args = [event.pk] if slot is None else [event.pk, slot.pk]
    return reverse(f"admin:cfp_event_schedule_{name}", args=args)


def berlin(day: date, hour: int, minute: int = 0) -> datetime:
    """A wall-clock time in Berlin, in UTC (April: two hours ahead)."""
    return datetime(day.year, day.month, day.day, hour - 2, minute, tzinfo=UTC)


def place(schedule_world, **overrides) -> dict:
    data = {
        "proposal": schedule_world.accepted.pk,
        "room": schedule_world.hall_a.pk,
        "day": FRIDAY.isoformat(),
        "time": "13:50",
        "duration": "",
    }
    return {**data, **overrides}


def messages_after(response) -> list[tuple[str, str]]:
    """The messages the page a post redirected to shows, as (level, text); shown, they are
    gone."""
    return shown_messages(response.client.get(response.url))


def messages_of(response) -> list[str]:
    return [text for _, text in messages_after(response)]


def post(client, url, data=None):
    """Post like the page's forms, and follow to the page that shows the outcome; returns
    where it went and the messages shown there, as (level, text)."""
    response = client.post(url, data or {}, follow=True)
    assert response.status_code == 200 and response.redirect_chain
    shown = shown_messages(response)
    for _, text in shown:
        assert escape(text) in page(response)
    return response.redirect_chain[0][0], shown


def slots() -> list[tuple]:
    return list(
        TalkSlot.objects.order_by("pk").values_list(
            "pk", "proposal_id", "room_id", "start", "duration", "title"
        )
    )


def placed(schedule_world, proposal, room, hour, minute=0, day=FRIDAY, **kwargs) -> TalkSlot:
    return TalkSlotFactory(
        event=schedule_world.event,
        proposal=proposal,
        room=room,
        start=berlin(day, hour, minute),
        **kwargs,
    )


def day_tabs(response) -> list[tuple[date, bool, bool]]:
    """The grid's day tabs: (day, whether it is the one shown, whether it is outside the
    event's dates)."""
    tabs = re.findall(r'<a href="\?day=([\d-]+)" class="sched-day([^"]*)"', page(response))
    return [(date.fromisoformat(day), "is-current" in c, "is-outside" in c) for day, c in tabs]


def unscheduled(response) -> dict[str, str]:
    """The side panel's talks still to place: {title: the state its badge shows}."""
    found = re.findall(
        r'class="sched-talk-title">(.*?)</a>\s*<span class="sched-badge is-(\w+)">', page(response)
    )
    return {unescape(title): state for title, state in found}


def drawn_blocks(response) -> int:
    """How many blocks (talks and breaks) the grid draws."""
    return len(re.findall(r'<article[^>]* id="block-\d+"', page(response)))


def warnings_listed(response) -> list[str]:
    return [
        unescape(w)
        for w in re.findall(r'<li class="sched-warning[^"]*">(.*?)</li>', page(response))
    ]
