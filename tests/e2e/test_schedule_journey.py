"""The schedule, from the organizers' grid to the public page, in a real browser.

An organizer logs in and opens the event's schedule grid. They drag one talk onto the grid
and place two with the forms, one of them in the same room at the same time as the first:
the clash warning appears and both slots are marked. They drag the second one an hour
later, which clears the warning, and publish the schedule; the speakers of the three talks
are emailed through the outbox. The public schedule shows the talks at their times in the
event's time zone (America/Chicago; the browser is in Berlin and the server in UTC).
"""

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from cfp.enums import MessageKind, MessageState, ProposalState
from cfp.models import Message, ScheduleVersion, TalkSlot
from speakers.models import SpeakerProfile
from tests.e2e.conftest import SCREENSHOT_DIR, admin_message, screenshot_taker
from tests.factories import (
    PASSWORD,
    EventFactory,
    ProposalFactory,
    RoomFactory,
    SpeakerFactory,
    SubmissionTypeFactory,
    UserFactory,
)

pytestmark = pytest.mark.browser

EVENT_NAME = "Open Source Summit Chicago 2031"
SLUG = "oss-chicago"
ORGANIZER_EMAIL = "olga.organizer@example.org"
ZOE = ("zoe.angstrom@example.org", "Zoë Ångström 李")
BOB = ("bob.baker@example.org", "Bob Baker")
CARL = ("carl.clark@example.org", "Carl Clark")
DRAGGED = "Ünïcode in 東京: text that travels 🚀"
FORM_PLACED = "Boring, reliable deployments"
CLASHING = "Tracing without tears"
WAITING = "Maybe next year"


@pytest.fixture
def shot():
    return screenshot_taker(SCREENSHOT_DIR / "schedule")


def _log_in(page, email: str) -> None:
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def _cell(page, room, clock: str):
    return page.locator(f'[data-cell][data-room="{room.pk}"][data-time="{clock}"]')


def _block(page, title: str):
    return page.locator(".sched-grid .sched-block").filter(has_text=title)


def test_organizer_builds_and_publishes_the_schedule(
    transactional_db, site, smtp_server, new_page, shot, page_problems
):
    event = EventFactory(
        name=EVENT_NAME,
        slug=SLUG,
        timezone="America/Chicago",
        start_date=date(2031, 4, 16),
        end_date=date(2031, 4, 17),
    )
    organizer = UserFactory(is_staff=True, email=ORGANIZER_EMAIL)
    SpeakerProfile.objects.create(user=organizer, name="Olga Organizer")
    event.organizers.add(organizer)
    main_hall = RoomFactory(event=event, name="Main hall", position=1, capacity=500)
    RoomFactory(event=event, name="Workshop room", position=2, capacity=40)
    talk_type = SubmissionTypeFactory(event=event, name="Talk", default_duration=40)
    zoe, bob, carl = (SpeakerFactory(email=e, profile__name=n) for e, n in (ZOE, BOB, CARL))
    for title, speaker, state in [
        (DRAGGED, zoe, ProposalState.CONFIRMED),
        (FORM_PLACED, bob, ProposalState.CONFIRMED),
        (CLASHING, carl, ProposalState.CONFIRMED),
        (WAITING, bob, ProposalState.ACCEPTED),
    ]:
        ProposalFactory(
            event=event, title=title, submission_type=talk_type, state=state, speakers=[speaker]
        )
    schedule_url = f"/admin/cfp/event/{event.pk}/schedule/"

    page = new_page()

    # 1. The grid sends the organizer to the login; the staff panel's login then leads to its
    # index (Django's admin login ignores "next" for a user who is logged in), so go again.
    page.goto(site.url + schedule_url)
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    _log_in(page, ORGANIZER_EMAIL)
    expect(page).to_have_url(re.compile(r"/admin/"))
    page.goto(site.url + schedule_url)
    expect(page.get_by_role("heading", name=f"Schedule: {EVENT_NAME}")).to_be_visible()
    expect(page.locator(".sched-zone")).to_have_text("America/Chicago (CDT, UTC-05:00)")
    expect(page.locator(".sched-room")).to_have_text(
        ["Main hall500 seats", "Workshop room40 seats"]
    )
    expect(page.locator(".sched-day")).to_contain_text(["Wed, April 16", "Thu, April 17"])
    waiting = page.locator(".sched-talk")
    expect(waiting).to_have_count(4)
    expect(waiting.filter(has_text=WAITING).locator(".sched-badge")).to_have_text("Accepted")
    expect(waiting.filter(has_text=DRAGGED).locator(".sched-badge")).to_have_text("Confirmed")
    crumbs = page.locator(".breadcrumbs")
    expect(crumbs).to_have_text(
        re.compile(rf"Home\s*›\s*Call for papers\s*›\s*Events\s*›\s*{EVENT_NAME}\s*›\s*Schedule")
    )
    expect(crumbs.get_by_role("link", name=EVENT_NAME)).to_have_attribute(
        "href", f"/admin/cfp/event/{event.pk}/change/"
    )
    shot(page, "empty-grid")

    # 2. Drag a talk from the list onto Main hall at 10:00.
    waiting.filter(has_text=DRAGGED).drag_to(_cell(page, main_hall, "10:00"))
    expect(
        admin_message(
            page,
            f"“{DRAGGED}” is placed: Main hall, Wednesday, April 16, 10:00 am – 10:40 am "
            "(America/Chicago).",
        )
    ).to_be_visible()
    dragged = _block(page, DRAGGED)
    expect(dragged).to_contain_text("10:00 am – 10:40 am")
    expect(dragged).to_contain_text(ZOE[1])
    expect(dragged).to_contain_text("Talk · 40 min")
    expect(waiting).to_have_count(3)
    shot(page, "dragged-onto-the-grid")

    # 3. Place one with the form: Workshop room, 13:50.
    card = waiting.filter(has_text=FORM_PLACED)
    card.locator("summary").click()
    form = card.locator("form")
    form.get_by_label("Room").select_option(label="Workshop room")
    form.get_by_label("Day").select_option(label="Wed, April 16")
    form.get_by_label("Time").fill("13:50")
    shot(page, "place-form")
    form.get_by_role("button", name="Place").click()
    expect(
        admin_message(
            page,
            f"“{FORM_PLACED}” is placed: Workshop room, Wednesday, April 16, 1:50 pm – 2:30 pm "
            "(America/Chicago).",
        )
    ).to_be_visible()
    expect(_block(page, FORM_PLACED)).to_contain_text("1:50 pm – 2:30 pm")

    # 4. And one in the same room at the same time as the first: the clash is flagged.
    card = waiting.filter(has_text=CLASHING)
    card.locator("summary").click()
    form = card.locator("form")
    form.get_by_label("Room").select_option(label="Main hall")
    form.get_by_label("Time").fill("10:00")
    form.get_by_role("button", name="Place").click()
    expect(admin_message(page, f"“{CLASHING}” is placed")).to_be_visible()
    warnings = page.locator(".sched-warnings")
    expect(warnings).to_contain_text("1 warning in the working schedule")
    expect(warnings.locator("li")).to_have_text(
        [f"Main hall is double-booked: “{DRAGGED}” and “{CLASHING}” overlap (April 16, 10:00 am)."]
    )
    for title in (DRAGGED, CLASHING):
        expect(_block(page, title)).to_have_class(re.compile(r"\bhas-warning\b"))
        expect(_block(page, title)).to_have_attribute(
            "title", re.compile("⚠ Main hall is double-booked")
        )
    expect(_block(page, FORM_PLACED)).not_to_have_class(re.compile(r"\bhas-warning\b"))
    expect(page.locator(".sched-note")).to_contain_text("You can publish anyway")
    expect(waiting).to_have_count(1)
    shot(page, "clash-warning")

    # 5. Drag the clashing slot an hour later: the warning goes.
    _block(page, CLASHING).drag_to(_cell(page, main_hall, "11:00"))
    expect(
        admin_message(
            page,
            f"“{CLASHING}” is moved: Main hall, Wednesday, April 16, 11:00 am – 11:40 am "
            "(America/Chicago).",
        )
    ).to_be_visible()
    expect(page.locator(".sched-warnings")).to_have_count(0)
    expect(_block(page, CLASHING)).to_contain_text("11:00 am – 11:40 am")
    assert sorted(
        (s.proposal.title, s.room.name, s.start.isoformat())
        for s in TalkSlot.objects.select_related("proposal", "room")
    ) == [
        (FORM_PLACED, "Workshop room", "2031-04-16T18:50:00+00:00"),
        (CLASHING, "Main hall", "2031-04-16T16:00:00+00:00"),
        (DRAGGED, "Main hall", "2031-04-16T15:00:00+00:00"),
    ]

    # 6. Publish version 1; the speakers of the three talks are emailed.
    publish = page.locator("form", has=page.get_by_role("button", name="Publish this version"))
    expect(publish.get_by_label("Version")).to_have_value("1")
    expect(publish.get_by_label("Email the speakers of changed talks")).to_be_checked()
    publish.get_by_label("What changed").fill("The first schedule.")
    shot(page, "before-publishing")
    publish.get_by_role("button", name="Publish this version").click()
    expect(
        admin_message(
            page, "Version 1 published; 3 talks changed, their speakers are being emailed."
        )
    ).to_be_visible()
    expect(page.locator(".sched-current")).to_contain_text("The public sees version 1")
    expect(page.locator(".sched-current")).to_contain_text("by Olga Organizer")
    expect(page.get_by_label("Version")).to_have_value("2")
    shot(page, "published")
    version = ScheduleVersion.objects.get(event=event)
    assert (version.name, version.comment, version.published_by) == (
        "1",
        "The first schedule.",
        organizer,
    )
    emails = Message.objects.filter(kind=MessageKind.SCHEDULE_CHANGED)
    assert sorted(emails.values_list("to", "proposal__title")) == sorted(
        [(ZOE[0], DRAGGED), (BOB[0], FORM_PLACED), (CARL[0], CLASHING)]
    )
    received = smtp_server.wait_for(3, timeout=10)
    assert sorted(to for recipients, _ in received for to in recipients) == sorted(
        [ZOE[0], BOB[0], CARL[0]]
    )
    assert set(emails.values_list("state", flat=True)) == {MessageState.SENT}

    # 7. The public schedule: the talks at their times in Chicago.
    page.goto(site.url + f"/{SLUG}/schedule/")
    body = page.locator("body")
    for title, clock in [(DRAGGED, "10:00 am"), (CLASHING, "11:00 am"), (FORM_PLACED, "1:50 pm")]:
        expect(body).to_contain_text(title)
        expect(body).to_contain_text(clock)
    expect(body).not_to_contain_text(WAITING)
    shot(page, "public-schedule")

    assert page_problems.errors == []
