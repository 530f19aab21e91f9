"""Tags and speaker availability in a real browser: an organizer tags two proposals in bulk
from the proposal list (the intermediate page to choose the tag) and sees the coloured
badges; a speaker confirms an accepted talk on the confirm page, giving the times they can
speak. axe-core checks the new pages at 1280 and 390 pixels wide."""

from datetime import UTC, date, datetime

import pytest
from playwright.sync_api import expect

from cfp import decisions
from cfp.enums import MessageState, ProposalState
from cfp.models import Message, Proposal, SpeakerAvailability, Tag
from tests.e2e.axe import assert_accessible
from tests.e2e.conftest import SCREENSHOT_DIR, admin_message, screenshot_taker
from tests.factories import PASSWORD, EventFactory, ProposalFactory, SpeakerFactory, UserFactory

pytestmark = pytest.mark.browser

SHOTS = SCREENSHOT_DIR / "tags-availability"
NARROW = {"width": 390, "height": 844}
WIDE = {"width": 1280, "height": 900}


def _log_in(page, email: str) -> None:
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def _both_widths(page, shot, problems, name: str) -> None:
    assert not problems.errors  # the page itself broke no rule of the CSP
    for size, label in ((WIDE, "wide"), (NARROW, "390")):
        page.set_viewport_size(size)
        assert_accessible(page)
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= size["width"], f"{name} scrolls sideways at {size['width']} px"
        shot(page, f"{name} {label}")
    page.set_viewport_size(WIDE)
    # axe-core itself applies inline styles while it measures the staff panel's pages, which
    # the CSP blocks and Chromium logs: the test tool's doing, not the page's.
    problems.errors[:] = [e for e in problems.errors if "Applying inline style" not in e]


def test_organizer_tags_in_bulk(transactional_db, site, new_page, page_problems):
    shot = screenshot_taker(SHOTS / "tags")
    organizer = UserFactory(is_staff=True, email="olga@example.org")
    event = EventFactory(name="Tag Summit", organizers=[organizer])
    for title in ("Zebra crossings", "Yak shaving", "Xylophones"):
        ProposalFactory(event=event, title=title, state=ProposalState.SUBMITTED)
    Tag.objects.create(event=event, name="Shortlist", colour="#ffd700")
    Tag.objects.create(event=event, name="Needs a room", colour="#0b3d91")

    page = new_page()
    page.goto(site.url + "/admin/cfp/proposal/")
    _log_in(page, organizer.email)
    page.get_by_role("row").filter(has_text="Zebra crossings").get_by_role("checkbox").check()
    page.get_by_role("row").filter(has_text="Yak shaving").get_by_role("checkbox").check()
    page.locator("select[name=action]").select_option("add_tag")
    page.get_by_role("button", name="Go", exact=True).click()

    expect(page.get_by_role("heading", name="Add a tag to 2 proposal(s)")).to_be_visible()
    _both_widths(page, shot, page_problems, "choose a tag")
    page.get_by_label("Tag").select_option(label="Needs a room")
    page.get_by_role("button", name="Add this tag").click()

    expect(admin_message(page, "Tag “Needs a room” given to 2 proposal(s).")).to_be_visible()
    badges = page.locator(".lectern-tag", has_text="Needs a room")
    expect(badges).to_have_count(2)
    assert badges.first.evaluate("e => getComputedStyle(e).color") == "rgb(255, 255, 255)"
    shot(page, "tagged list")
    tagged = Proposal.objects.filter(tags__name="Needs a room").values_list("title", flat=True)
    assert sorted(tagged) == ["Yak shaving", "Zebra crossings"]
    assert not page_problems.errors


def test_speaker_confirms_with_availability(transactional_db, site, new_page, page_problems):
    shot = screenshot_taker(SHOTS / "availability")
    organizer = UserFactory(is_staff=True)
    event = EventFactory(
        name="Summit NYC",
        timezone="America/New_York",
        start_date=date(2027, 7, 12),
        end_date=date(2027, 7, 14),
        organizers=[organizer],
    )
    event.cfp.asks_availability = True
    event.cfp.save()
    speaker = SpeakerFactory(email="ada@example.org", profile__name="Ada Lovelace")
    proposal = ProposalFactory(event=event, title="Analytical engines", speakers=[speaker])
    proposal.submit(by=speaker)
    decisions.proposal_decide(proposal=proposal, by=organizer, accept=True)
    Message.objects.filter(proposal=proposal).update(state=MessageState.SENT)  # announced

    page = new_page()
    page.goto(site.url + proposal.get_absolute_url())
    _log_in(page, speaker.email)
    page.get_by_role("link", name="Confirm…").click()

    expect(page.get_by_role("heading", name="When can you speak? (optional)")).to_be_visible()
    _both_widths(page, shot, page_problems, "confirm with availability")
    page.get_by_label("Available").first.select_option("morning")
    # Times count only for "These hours": the other choices grey them out.
    expect(page.get_by_role("group", name="Monday, July 12").get_by_label("From")).to_be_disabled()
    tuesday = page.get_by_role("group", name="Tuesday, July 13")
    tuesday.get_by_label("Available").select_option("hours")
    expect(tuesday.get_by_label("From")).to_be_enabled()
    tuesday.get_by_label("From").fill("14:00")
    tuesday.get_by_label("Until").fill("15:30")
    page.get_by_role("button", name="Confirm the talk").click()

    expect(page.get_by_text("Thank you! You confirmed")).to_be_visible()
    expect(page.get_by_text("Tuesday, July 13: 2:00 pm – 3:30 pm")).to_be_visible()
    shot(page, "confirmed with times")
    proposal.refresh_from_db()
    assert proposal.state == ProposalState.CONFIRMED
    assert list(
        SpeakerAvailability.objects.filter(speaker=speaker)
        .order_by("starts_at")
        .values_list("starts_at", "ends_at")
    ) == [
        (datetime(2027, 7, 12, 4, tzinfo=UTC), datetime(2027, 7, 12, 17, tzinfo=UTC)),
        (datetime(2027, 7, 13, 18, tzinfo=UTC), datetime(2027, 7, 13, 19, 30, tzinfo=UTC)),
    ]
    assert not page_problems.errors
