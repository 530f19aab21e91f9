"""An organizer of several events: the pages name the event they are about, the switcher
lists the others without a comma left over, and the ranked list's event filter marks the event
shown (never "All": the list is always of one event)."""

import re
from datetime import date

import pytest
from django.urls import reverse

from tests.factories import EventFactory, UserFactory
from tests.helpers import page

pytestmark = pytest.mark.django_db


@pytest.fixture
def three_events():
    organizer = UserFactory(is_staff=True)
    # Newest first is the order of organized_events(): Charlie, Bravo, Alpha.
    events = [
        EventFactory(name=name, start_date=date(2030, month, 1), organizers=[organizer])
        for name, month in (("Alpha", 1), ("Bravo", 2), ("Charlie", 3))
    ]
    return organizer, events


def switch_text(body: str) -> str:
    found = re.search(r'<span class="lectern-switch">(.*?)</span>', body, re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", found[1])).strip()


@pytest.mark.parametrize("shown", [0, 1, 2])
def test_the_switcher_lists_the_other_events_joined_by_commas(client, three_events, shown):
    organizer, events = three_events
    client.force_login(organizer)
    url = reverse("admin:reviews_rankedproposal_reviewers")

    body = page(client.get(f"{url}?event={events[shown].pk}"))

    others = [e.name for e in reversed(events) if e != events[shown]]
    assert switch_text(body) == "· switch to " + ", ".join(others)


def event_filter(body: str) -> list[tuple[str, bool]]:
    block = re.search(r'<details data-filter-title="event".*?</details>', body, re.S)[0]
    return [
        (label, bool(selected))
        for selected, label in re.findall(
            r'<li( class="selected")?><a href="[^"]*">([^<]+)</a>', block
        )
    ]


def test_the_ranked_lists_event_filter_marks_the_event_shown(client, three_events):
    organizer, events = three_events
    client.force_login(organizer)
    url = reverse("admin:reviews_rankedproposal_changelist")

    first = page(client.get(url))  # no choice made: the newest event
    assert "Ranked proposals: Charlie" in first
    assert event_filter(first) == [("Charlie", True), ("Bravo", False), ("Alpha", False)]

    chosen = page(client.get(f"{url}?event={events[0].pk}"))
    assert "Ranked proposals: Alpha" in chosen
    assert event_filter(chosen) == [("Charlie", False), ("Bravo", False), ("Alpha", True)]
