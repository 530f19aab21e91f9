"""The schedule's warnings, and publishing a version that emails the speakers of changed talks."""

from datetime import UTC, date, datetime, timedelta
from html import unescape

import pytest

from cfp.enums import MessageKind, ProposalState
from cfp.models import Message, ScheduleVersion
from cfp.programme import schedule
from tests.cfp.schedule_grid import (
    FRIDAY,
    action_url,
    day_tabs,
    grid_url,
    messages_of,
    placed,
    post,
)
from tests.factories import ProposalFactory, SpeakerFactory
from tests.helpers import page

pytestmark = pytest.mark.django_db


def test_warnings_are_listed_and_their_slots_marked(client, schedule_world):
    # Hall A is double-booked at 10:00 on Friday; Bob speaks in both rooms at 14:00; a slot
    # on the day after the event.
    first = placed(schedule_world, schedule_world.confirmed, schedule_world.hall_a, 10)
    second = placed(schedule_world, schedule_world.accepted, schedule_world.hall_a, 10, 20)
    bobs_other = ProposalFactory(
        event=schedule_world.event,
        title="Rust in the kernel, part two",
        submission_type=schedule_world.talk_type,
        state=ProposalState.CONFIRMED,
        speakers=[schedule_world.bob],
    )
    bobs_third = ProposalFactory(
        event=schedule_world.event,
        title="Bob again",
        submission_type=schedule_world.talk_type,
        state=ProposalState.CONFIRMED,
        speakers=[schedule_world.bob],
    )
    late = placed(schedule_world, bobs_other, schedule_world.hall_b, 10, 30)
    outside = placed(schedule_world, bobs_third, schedule_world.hall_b, 10, day=date(2027, 4, 17))
    client.force_login(schedule_world.organizer)

    response = client.get(grid_url(schedule_world.event, FRIDAY))

    body = unescape(page(response))
    assert "3 warnings</strong> in the working schedule" in body
    assert (
        "Hall A is double-booked: “Kernels in Rust” and “Observability without tears” "
        "overlap (April 16, 10:20 am)."
    ) in body
    assert (
        "Bob Builder would be in two places at once: “Kernels in Rust” and "
        "“Rust in the kernel, part two” (April 16, 10:30 am)."
    ) in body
    assert (
        "“Bob again” (April 17, 10:00 am) is outside the event's dates, April 15 to April 16, 2027."
    ) in body
    for slot in (first, second, late):
        block = body[body.index(f'id="block-{slot.pk}"') :].split("</article>")[0]
        assert "has-warning" in block and 'aria-label="Warning"' in block
    # The text on hover: the block's title holds its warnings.
    first_block = body[body.index(f'id="block-{first.pk}"') :].split("</article>")[0]
    assert "⚠ Hall A is double-booked" in first_block
    assert "⚠ Bob Builder would be in two places at once" in first_block
    # Clashing slots of one room stand side by side.
    assert "--lane: 0; --lanes: 2;" in first_block
    # The day outside the event's dates gets a tab of its own, marked so.
    assert day_tabs(response)[-1] == (date(2027, 4, 17), False, True)
    assert "You can publish anyway" in body
    outside_page = unescape(page(client.get(grid_url(schedule_world.event, date(2027, 4, 17)))))
    block = outside_page[outside_page.index(f'id="block-{outside.pk}"') :].split("</article>")[0]
    assert "has-warning" in block and "outside the event's dates" in block


def test_a_schedule_without_problems_shows_no_warnings(client, schedule_world):
    placed(schedule_world, schedule_world.confirmed, schedule_world.hall_a, 10)
    placed(schedule_world, schedule_world.accepted, schedule_world.hall_b, 10)
    client.force_login(schedule_world.organizer)

    body = page(client.get(grid_url(schedule_world.event, FRIDAY)))

    assert "sched-warnings" not in body and "has-warning" not in body
    assert "You can publish anyway" not in body


def schedule_emails() -> list[tuple[str, str]]:
    return sorted(
        Message.objects.filter(kind=MessageKind.SCHEDULE_CHANGED).values_list(
            "to", "proposal__title"
        )
    )


def test_publishing_makes_a_version_and_emails_the_speakers_of_changed_talks(
    client, schedule_world
):
    carol = SpeakerFactory(email="carol@kernel.test", profile__name="Carol")
    third = ProposalFactory(
        event=schedule_world.event,
        title="Tracing at scale",
        submission_type=schedule_world.talk_type,
        state=ProposalState.CONFIRMED,
        speakers=[carol, schedule_world.ada],
    )
    kernels = placed(schedule_world, schedule_world.confirmed, schedule_world.hall_a, 10)
    placed(schedule_world, schedule_world.accepted, schedule_world.hall_b, 10)
    placed(schedule_world, third, schedule_world.hall_a, 11)
    client.force_login(schedule_world.organizer)

    went, shown = post(
        client,
        action_url(schedule_world.event, "publish"),
        {"name": "1", "comment": "The first schedule.", "notify": "on", "day": "2027-04-16"},
    )

    version = ScheduleVersion.objects.get()
    assert (version.name, version.comment, version.published_by) == (
        "1",
        "The first schedule.",
        schedule_world.organizer,
    )
    assert shown == [
        ("success", "Version 1 published; 3 talks changed, their speakers are being emailed.")
    ]
    assert went == grid_url(schedule_world.event, FRIDAY)
    assert schedule_emails() == [
        ("ada@kernel.test", "Observability without tears"),
        ("ada@kernel.test", "Tracing at scale"),
        ("bob@kernel.test", "Kernels in Rust"),
        ("carol@kernel.test", "Tracing at scale"),
    ]

    # Only the talk that moved since version 1 is news.
    Message.objects.all().delete()
    kernels.start += timedelta(hours=3)
    kernels.save()
    _, shown = post(
        client, action_url(schedule_world.event, "publish"), {"name": "2", "notify": "on"}
    )

    assert shown == [
        ("success", "Version 2 published; 1 talk changed, its speakers are being emailed.")
    ]
    assert schedule_emails() == [("bob@kernel.test", "Kernels in Rust")]
    body = Message.objects.get().body
    assert "Friday, April 16, 1:00 pm – 1:40 pm (Europe/Berlin), Hall A" in body


def test_publishing_without_emails(client, schedule_world):
    placed(schedule_world, schedule_world.confirmed, schedule_world.hall_a, 10)
    client.force_login(schedule_world.organizer)

    # An unticked checkbox is not posted at all.
    response = client.post(action_url(schedule_world.event, "publish"), {"name": "1"})

    assert ScheduleVersion.objects.filter(event=schedule_world.event, name="1").exists()
    assert messages_of(response) == [
        "Version 1 published; 1 talk changed, its speakers are not emailed."
    ]
    assert schedule_emails() == []


def test_publishing_unchanged_says_nobody_is_emailed(client, schedule_world):
    placed(schedule_world, schedule_world.confirmed, schedule_world.hall_a, 10)
    schedule.schedule_publish(
        event=schedule_world.event, name="1", by=schedule_world.organizer, notify=False
    )
    client.force_login(schedule_world.organizer)

    response = client.post(
        action_url(schedule_world.event, "publish"), {"name": "2", "notify": "on"}
    )

    assert messages_of(response) == ["Version 2 published; no talk changed, so nobody is emailed."]
    assert schedule_emails() == []


def test_a_version_name_is_used_once(client, schedule_world):
    schedule.schedule_publish(
        event=schedule_world.event, name="1", by=schedule_world.organizer, notify=False
    )
    client.force_login(schedule_world.organizer)

    _, taken = post(
        client, action_url(schedule_world.event, "publish"), {"name": "1", "notify": "on"}
    )
    _, empty = post(
        client, action_url(schedule_world.event, "publish"), {"name": "  ", "notify": "on"}
    )

    assert taken == [
        (
            "error",
            "The schedule was not published: Version: There is a version “1” already; please "
            "choose another name. Nothing changed.",
        )
    ]
    assert empty == [
        (
            "error",
            "The schedule was not published: Version: Give the version a name, e.g. “2”. "
            "Nothing changed.",
        )
    ]
    assert ScheduleVersion.objects.count() == 1


def test_the_page_shows_the_published_versions_and_suggests_the_next(client, schedule_world):
    client.force_login(schedule_world.organizer)
    first = schedule.schedule_publish(
        event=schedule_world.event,
        name="1",
        by=schedule_world.organizer,
        comment="First cut",
        notify=False,
    )[0]
    ScheduleVersion.objects.filter(pk=first.pk).update(
        published_at=datetime(2027, 3, 1, 9, 30, tzinfo=UTC)
    )
    second = schedule.schedule_publish(
        event=schedule_world.event, name="2", by=schedule_world.organizer, notify=False
    )[0]
    ScheduleVersion.objects.filter(pk=second.pk).update(
        published_at=datetime(2027, 3, 2, 15, 10, tzinfo=UTC)
    )

    response = client.get(grid_url(schedule_world.event))

    body = page(response)
    published = "published March 2, 2027, 4:10 p.m. (Europe/Berlin)"  # cfp.moments
    assert f"The public sees <strong>version 2</strong>, {published}" in body
    assert "by olivia@lectern.test" in body
    assert "Earlier versions" in body
    earlier = "March 1, 2027, 10:30 a.m. (Europe/Berlin)"
    assert f'<strong>1</strong> <span class="sched-muted">{earlier}' in body
    assert "First cut" in body
    assert 'name="name" value="3"' in body
    assert 'name="notify" id="id_notify" checked' in body
