"""The staff panel's finish, seen in the browser (issue 15): widths at 1280 px, a 40-minute
talk on the schedule grid, the reviewer's title beside "I know this speaker", dates without
"You are N hours ahead of server time". Each page is also checked with axe and photographed
at 1280 and 390 px (test-artifacts/screenshots/staff-finish/)."""

from datetime import date, datetime, time

import pytest
from django.urls import reverse
from django.utils import timezone

from cfp.enums import MessageKind, MessageState
from cfp.models import Message
from reviews.models import Assignment
from tests.e2e.axe import assert_accessible
from tests.e2e.conftest import SCREENSHOT_DIR, screenshot_taker
from tests.factories import (
    PASSWORD,
    EventFactory,
    ProposalFactory,
    ReviewerFactory,
    ReviewerTeamFactory,
    RoomFactory,
    SubmissionTypeFactory,
    TalkSlotFactory,
    UserFactory,
)

pytestmark = pytest.mark.browser

WIDTHS = (1280, 390)
LONG_TITLE = (
    "Reproducible builds for everyone: how a distribution, two compilers and a very patient "
    "community made every package bit-for-bit identical across machines and years"
)


@pytest.fixture
def shot(request):
    # A folder per test: each taker clears its folder's earlier screenshots.
    return screenshot_taker(SCREENSHOT_DIR / "staff-finish" / request.node.name)


def log_in(page, site, email: str, then: str) -> None:
    page.goto(f"{site.url}{reverse('account_login')}?next={then}")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"**{then}")


def overflow(page) -> dict:
    """How far the page, and any table's scrolling box, reach past what they show."""
    return page.evaluate(
        """() => ({
          page: document.documentElement.scrollWidth - document.documentElement.clientWidth,
          results: Math.max(0, ...[...document.querySelectorAll('.results')].map(
            r => r.scrollWidth - r.clientWidth)),
        })"""
    )


def at_both_widths(page, shot, name: str) -> None:
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.reload()
        assert_accessible(page)
        shot(page, f"{name}-{width}")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.reload()


def test_the_outbox_shows_every_column_at_1280(transactional_db, site, new_page, shot):
    organizer = UserFactory(is_staff=True, email="olga@example.org")
    berlin = EventFactory(name="DemoCon 2031", organizers=[organizer])
    far = EventFactory(
        name="OpenStack Days 2031 in Zürich", timezone="America/New_York", organizers=[organizer]
    )
    address = "a.very.long.recipient.address@subdomain.example-university.edu"
    Message.objects.create(
        event=far,
        to=address,
        subject="Accepted: a rather long proposal title about Kubernetes operators at scale",
        body="Hello",
        kind=MessageKind.ACCEPTANCE,
        state=MessageState.FAILED,
        attempts=3,
        last_error=f"SMTPRecipientsRefused: {{'{address}': (550, b'5.1.1 No such account')}}",
    )
    for number in range(3):
        Message.objects.create(
            event=berlin,
            to=f"speaker{number}@example.org",
            subject=f"Accepted: talk {number} (DemoCon 2031)",
            body="Hello",
            kind=MessageKind.ACCEPTANCE,
            state=MessageState.SENT,
        )
    page = new_page()
    outbox = reverse("admin:cfp_message_changelist")
    log_in(page, site, organizer.email, outbox)

    assert page.locator("#result_list th.column-event").is_visible()
    assert overflow(page) == {"page": 0, "results": 0}
    times = page.locator("#result_list td.field-times").first
    box, table = times.bounding_box(), page.locator(".results").bounding_box()
    assert box["x"] + box["width"] <= table["x"] + table["width"] + 1
    at_both_widths(page, shot, "outbox")


def test_the_event_form_fits_1280_without_the_server_time_note(
    transactional_db, site, new_page, shot
):
    organizer = UserFactory(is_staff=True, email="olga@example.org")
    # The browser runs on Berlin's clock (conftest), the event on Chicago's.
    event = EventFactory(name="Chicago Summit", timezone="America/Chicago", organizers=[organizer])
    page = new_page()
    url = reverse("admin:cfp_event_change", args=[event.pk])
    log_in(page, site, organizer.email, url)

    assert page.locator("#review_criteria-group").is_visible()
    assert overflow(page)["page"] == 0
    assert page.locator("#id_cfp-0-deadline_0").is_visible()
    page.wait_for_load_state("load")
    assert page.locator(".timezonewarning").filter(visible=True).count() == 0
    assert page.get_by_text("hours ahead of server time").filter(visible=True).count() == 0
    assert page.get_by_text("hours behind server time").filter(visible=True).count() == 0
    at_both_widths(page, shot, "event-form")


def test_the_reviewers_title_is_not_covered(transactional_db, site, new_page, shot):
    event = EventFactory(name="Review Summit")
    reviewer = ReviewerFactory(email="rita@example.org", profile__name="Rita Reviewer")
    ReviewerTeamFactory(event=event, members=[reviewer])
    proposal = ProposalFactory(event=event, title=LONG_TITLE, state="submitted")
    Assignment.objects.create(proposal=proposal, reviewer=reviewer)
    page = new_page()
    url = reverse("admin:reviews_reviewqueueitem_change", args=[proposal.pk])
    log_in(page, site, reviewer.email, url)

    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.reload()
        covered = page.evaluate(
            """() => {
              const title = document.querySelector('#content h1');
              const tool = document.querySelector('.object-tools a').getBoundingClientRect();
              const range = document.createRange();
              range.selectNodeContents(title);
              return [...range.getClientRects()].some(line =>
                line.left < tool.right && tool.left < line.right &&
                line.top < tool.bottom && tool.top < line.bottom);
            }"""
        )
        assert not covered, f"'I know this speaker' covers the title at {width} px"
    at_both_widths(page, shot, "review-page")


def test_a_40_minute_talk_shows_its_last_line_on_the_grid(transactional_db, site, new_page, shot):
    organizer = UserFactory(is_staff=True, email="olga@example.org")
    event = EventFactory(
        name="Grid Summit",
        start_date=date(2031, 4, 16),
        end_date=date(2031, 4, 16),
        organizers=[organizer],
    )
    room = RoomFactory(event=event, name="Main hall")
    for minutes, title in ((40, "Forty minutes of tracing"), (35, "Thirty-five"), (30, "Half")):
        kind = SubmissionTypeFactory(event=event, name=f"Talk {minutes}", default_duration=minutes)
        proposal = ProposalFactory(
            event=event, title=title, submission_type=kind, state="confirmed"
        )
        start_hour = {40: 10, 35: 11, 30: 12}[minutes]
        TalkSlotFactory(
            proposal=proposal,
            event=event,
            room=room,
            start=timezone.make_aware(
                datetime.combine(event.start_date, time(start_hour)), event.tz
            ),
        )
    page = new_page()
    url = reverse("admin:cfp_event_schedule", args=[event.pk])
    log_in(page, site, organizer.email, url)

    clipped = page.evaluate(
        """() => [...document.querySelectorAll('.sched-grid .sched-block')].flatMap(block => {
          const box = block.getBoundingClientRect();
          const style = getComputedStyle(block);
          const inner = box.bottom - parseFloat(style.borderBottomWidth)
            - parseFloat(style.paddingBottom);
          return [...block.querySelectorAll('p')]
            .filter(p => getComputedStyle(p).display !== 'none')
            .filter(p => p.getBoundingClientRect().bottom > inner + 0.5)
            .map(p => block.querySelector('.sched-block-title').textContent.trim()
                      + ': ' + p.className);
        })"""
    )
    assert clipped == []
    forty = page.locator(".sched-block").filter(has_text="Forty minutes of tracing")
    assert forty.locator(".sched-block-type").is_visible()  # all four lines of a 40-minute talk
    at_both_widths(page, shot, "schedule-grid")
