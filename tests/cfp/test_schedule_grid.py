"""The schedule grid in the staff panel: what organizers see, who else gets in, and its query
cost."""

from datetime import date

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cfp.enums import MessageKind, ProposalState
from cfp.models import Message, ScheduleVersion, TalkSlot
from cfp.programme import schedule
from tests.cfp.schedule_grid import (
    FRIDAY,
    action_url,
    berlin,
    day_tabs,
    drawn_blocks,
    grid_url,
    messages_after,
    messages_of,
    place,
    placed,
    slots,
    unscheduled,
    warnings_listed,
)
from tests.factories import (
    EventFactory,
    ProposalFactory,
    SpeakerFactory,
    TrackFactory,
    UserFactory,
)
from tests.helpers import is_staff_panel_refusal, page

pytestmark = pytest.mark.django_db


def test_organizer_sees_the_grid_rooms_and_unscheduled_talks(client, schedule_world):
    client.force_login(schedule_world.organizer)

    response = client.get(grid_url(schedule_world.event))

    body = page(response)
    assert response.status_code == 200
    assert "<h1>Schedule: Kernel Summit</h1>" in body
    assert "Europe/Berlin (CEST, UTC+02:00)" in body
    assert 'class="sched-room" style="grid-column: 2;">Hall A<small>300 seats</small>' in body
    assert 'style="grid-column: 3;">Hall B<' in body
    # Day tabs, the first day selected.
    assert "Thu, April 15" in body and "Fri, April 16" in body
    assert [(day, current) for day, current, _ in day_tabs(response)] == [
        (date(2027, 4, 15), True),
        (date(2027, 4, 16), False),
    ]
    # The side panel: accepted and confirmed talks waiting, with their state; not the others.
    assert unscheduled(response) == {
        "Observability without tears": "accepted",
        "Kernels in Rust": "confirmed",
    }
    assert '<span class="sched-badge is-accepted">Accepted</span>' in body
    assert '<span class="sched-badge is-confirmed">Confirmed</span>' in body
    assert "Not decided yet" not in body and "Their talk" not in body
    assert "Nothing is published yet: the public sees no schedule." in body


def test_breadcrumbs_lead_back_to_the_event(client, schedule_world):
    client.force_login(schedule_world.organizer)

    body = page(client.get(grid_url(schedule_world.event)))

    event_url = reverse("admin:cfp_event_change", args=[schedule_world.event.pk])
    assert f'&rsaquo; <a href="{event_url}">Kernel Summit</a>\n  &rsaquo; Schedule' in body
    assert f'<a href="{reverse("admin:cfp_event_changelist")}">Events</a>' in body


def test_superuser_sees_the_grid_of_any_event(client, schedule_world):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    response = client.get(grid_url(schedule_world.event))

    assert response.status_code == 200
    assert "Observability without tears" in page(response)


def test_an_event_without_rooms_says_where_to_add_them(client, schedule_world):
    event = EventFactory(name="Roomless", organizers=[schedule_world.organizer])
    client.force_login(schedule_world.organizer)

    body = page(client.get(grid_url(event)))

    assert "Roomless has no rooms yet." in body
    assert "data-schedule-grid" not in body


def test_a_block_and_its_row_escape_what_people_typed_and_post_to_their_slot(
    client, schedule_world
):
    """The blocks and list rows are built in Python (cfp/admin/schedule_markup.py): names are
    escaped, speakers come in their order, and the drag and the forms reach this slot."""
    zoe = SpeakerFactory(profile__name='Zoë "Z" O\'Neil <zo>')
    talk = ProposalFactory(
        event=schedule_world.event,
        title="Drivers & you",
        submission_type=schedule_world.talk_type,
        track=TrackFactory(event=schedule_world.event, name="Kernel & Drivers"),
        state=ProposalState.CONFIRMED,
        speakers=[schedule_world.bob, zoe],
    )
    slot = placed(schedule_world, talk, schedule_world.hall_b, 11, 5)
    client.force_login(schedule_world.organizer)

    body = page(client.get(grid_url(schedule_world.event, FRIDAY)))

    block = body[body.index(f'<article id="block-{slot.pk}"') :].split("</article>")[0]
    move, remove = (
        action_url(schedule_world.event, "move", slot),
        action_url(schedule_world.event, "remove", slot),
    )
    assert f'data-move-url="{move}"' in block
    assert "Bob Builder, Zoë &quot;Z&quot; O&#x27;Neil &lt;zo&gt;" in block
    assert "Talk · 40 min · Kernel &amp; Drivers" in block
    assert 'title="11:05 am – 11:45 am: Drivers &amp; you (Hall B)"' in block
    row = body[body.index(f'<tr id="slot-{slot.pk}"') :].split("</tr>")[0]
    assert f'action="{move}"' in row and f'action="{remove}"' in row
    assert row.count('name="csrfmiddlewaretoken"') == 2
    assert f'<option value="{schedule_world.hall_b.pk}" selected>Hall B</option>' in row
    assert '<option value="2027-04-16" selected>Fri, April 16</option>' in row
    assert 'name="time" value="11:05"' in row and 'placeholder="40"' in row
    assert "<zo>" not in body


ROLES = {
    "anonymous": lambda w: None,
    "speaker": lambda w: w.speaker,
    "reviewer of this event": lambda w: w.reviewer,
    "organizer of another event": lambda w: w.other_organizer,
}


def requests(schedule_world) -> dict:
    """Every URL of the page, with what an organizer could post to it."""
    slot = placed(schedule_world, schedule_world.confirmed, schedule_world.hall_b, 10)
    return {
        "grid": ("get", grid_url(schedule_world.event), None),
        "place": ("post", action_url(schedule_world.event, "place"), place(schedule_world)),
        "move": (
            "post",
            action_url(schedule_world.event, "move", slot),
            {"room": schedule_world.hall_a.pk, "day": FRIDAY.isoformat(), "time": "15:00"},
        ),
        "remove": ("post", action_url(schedule_world.event, "remove", slot), {}),
        "break": (
            "post",
            action_url(schedule_world.event, "break"),
            {
                "title": "Lunch",
                "room": "",
                "day": FRIDAY.isoformat(),
                "time": "12:00",
                "duration": 60,
            },
        ),
        "publish": (
            "post",
            action_url(schedule_world.event, "publish"),
            {"name": "1", "notify": "on"},
        ),
    }


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", ["grid", "place", "move", "remove", "break", "publish"])
def test_nobody_else_gets_in(client, schedule_world, role, name):
    method, url, data = requests(schedule_world)[name]
    user = ROLES[role](schedule_world)
    if user is not None:
        client.force_login(user)
    before = slots()

    response = getattr(client, method)(url, data or {})

    assert slots() == before and not ScheduleVersion.objects.exists(), "a change went through"
    assert not Message.objects.filter(kind=MessageKind.SCHEDULE_CHANGED).exists()
    if user is None:
        assert response.status_code == 302
        assert response.url.startswith(reverse("admin:login"))
    elif not user.is_staff:
        assert is_staff_panel_refusal(response)
    else:
        assert response.status_code == 403
        assert "Kernels in Rust" not in page(response)


@pytest.mark.parametrize("name", ["grid", "place", "move", "remove", "break", "publish"])
def test_organizer_of_the_event_uses_every_url(client, schedule_world, name):
    method, url, data = requests(schedule_world)[name]
    client.force_login(schedule_world.organizer)

    response = getattr(client, method)(url, data or {})

    if method == "get":
        assert response.status_code == 200
    else:
        assert response.status_code == 302, messages_of(response)
        assert response.url.startswith(grid_url(schedule_world.event))
        assert "error" not in [level for level, _ in messages_after(response)]


@pytest.mark.parametrize("name", ["place", "move", "remove", "break", "publish"])
def test_writes_take_posts_only(client, schedule_world, name):
    _, url, _ = requests(schedule_world)[name]
    client.force_login(schedule_world.organizer)
    before = slots()

    response = client.get(url)

    assert response.status_code == 405
    assert slots() == before


def test_a_post_without_the_csrf_token_is_refused(schedule_world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(schedule_world.organizer)

    response = client.post(action_url(schedule_world.event, "place"), place(schedule_world))

    assert response.status_code == 403
    assert slots() == []


def populate(schedule_world, count: int) -> None:
    """count slots over both days and rooms (some clashing), breaks, talks still to place
    and published versions: as many of each kind as count says."""
    hall_c = schedule_world.event.rooms.get_or_create(name="Hall C", defaults={"position": 3})[0]
    rooms = [schedule_world.hall_a, schedule_world.hall_b, hall_c]
    for i in range(count):
        talk = ProposalFactory(
            event=schedule_world.event,
            submission_type=schedule_world.talk_type,
            state=ProposalState.CONFIRMED if i % 2 else ProposalState.ACCEPTED,
            speakers=[SpeakerFactory(), schedule_world.bob] if i % 5 == 0 else [SpeakerFactory()],
        )
        day = (date(2027, 4, 15), FRIDAY)[i % 2]
        placed(schedule_world, talk, rooms[i % 3], 8 + (i // 12) % 12, 10 * (i % 4), day=day)
    for i in range(count // 5):
        ProposalFactory(
            event=schedule_world.event, state=ProposalState.ACCEPTED, speakers=[SpeakerFactory()]
        )
        schedule.break_add(
            event=schedule_world.event,
            title=f"Break {i}",
            start=berlin(FRIDAY, 12, i % 60),
            duration=15,
        )
    for i in range(count // 10):
        schedule.schedule_publish(
            event=schedule_world.event,
            name=f"v{count}-{i}",
            by=schedule_world.organizer,
            notify=False,
        )


def test_the_grid_costs_the_same_queries_with_10_and_60_slots(client, schedule_world):
    client.force_login(schedule_world.organizer)
    counts = []
    for count in (10, 60):
        TalkSlot.objects.all().delete()
        populate(schedule_world, count)
        client.get(grid_url(schedule_world.event, FRIDAY))  # sessions and caches warm
        with CaptureQueriesContext(connection) as queries:
            response = client.get(grid_url(schedule_world.event, FRIDAY))
        assert response.status_code == 200
        assert TalkSlot.objects.filter(proposal__isnull=False).count() == count
        assert drawn_blocks(response) >= count // 2
        assert warnings_listed(response)  # clashes are found at both sizes
        counts.append(len(queries.captured_queries))
    assert counts[0] == counts[1], counts
