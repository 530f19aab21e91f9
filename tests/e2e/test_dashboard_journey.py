"""The staff panel's dashboard in a real browser: an organizer opens it, sees the charts drawn
(with their tables beside them) and follows a figure to its list; a reviewer in blind review
opens theirs and goes on reviewing from it. Each page accessible (axe-core) at 1280 and at
390 pixels wide, with no sideways scrolling on the phone."""

import re

import pytest
from playwright.sync_api import expect

from reviews.models import Review, ReviewSettings
from tests.e2e.axe import assert_accessible
from tests.e2e.conftest import SCREENSHOT_DIR, admin_message, screenshot_taker
from tests.factories import PASSWORD
from tests.reviews.dashboard_world import build_board

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
CHARTS = ("#dash-submissions-chart", "#dash-tracks-chart", "#dash-reviewers-chart")


@pytest.fixture(scope="module")
def screenshot():
    return screenshot_taker(SCREENSHOT_DIR / "dashboard")


def log_in(page, site, email: str) -> None:
    page.goto(site.url + "/admin/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/admin/"))
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(site.url + "/admin/")


def check_both_widths(page, screenshot, name: str) -> None:
    """axe at 1280 and 390 px, no sideways scrolling at 390, a screenshot of each."""
    page.set_viewport_size(DESKTOP)
    assert_accessible(page)
    screenshot(page, name)
    page.set_viewport_size(PHONE)
    page.wait_for_timeout(200)  # the charts redraw for the new width
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page is {width} px wide on a 390 px screen"
    assert_accessible(page)
    screenshot(page, f"{name}-390")
    page.set_viewport_size(DESKTOP)


def test_organizer_reads_the_dashboard_and_follows_a_figure_to_its_list(
    transactional_db, site, new_page, screenshot, page_problems
):
    board = build_board()
    page = new_page()

    log_in(page, site, board.organizer.email)

    expect(page.get_by_role("heading", name="Dashboard", level=1)).to_be_visible()
    expect(page.locator(".dash-event-name")).to_contain_text("Event: Board Summit")
    expect(page.locator("#dash-cfp")).to_have_text("Call for papers")
    expect(page.locator("#content-main")).to_contain_text(
        "Deadline: March 1, 2025, 12:30 p.m. (America/Chicago)"
    )
    expect(page.locator("#content-main")).to_contain_text("3 of 4 reviews done")
    expect(page.locator("#content-main")).to_contain_text("Not started yet (1):")
    for chart in CHARTS:  # Chart.js drew each one, from its data block
        expect(page.locator(chart)).to_be_visible()
        assert page.evaluate(f"() => !!window.Chart.getChart(document.querySelector('{chart}'))")
    # The numbers behind the charts are there as tables too.
    expect(page.get_by_role("table", name="Reviews by the score given")).to_be_visible()
    expect(page.get_by_role("table", name="Proposals by mean score")).to_be_visible()
    page.get_by_text("Submissions per day as a table").click()
    expect(
        page.get_by_role("table", name=re.compile("Proposals submitted per day"))
    ).to_be_visible()
    check_both_widths(page, screenshot, "organizer-dashboard")

    # A figure leads to the list it counts.
    page.get_by_role("table", name="By state").get_by_role("link", name="Accepted").click()
    expect(page).to_have_url(re.compile(r"/admin/cfp/proposal/\?.*state__exact=accepted"))
    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Charlie")
    screenshot(page, "organizer-accepted-list")

    # And the schedule grid is one click from the dashboard.
    page.goto(site.url + "/admin/")
    page.get_by_role("navigation", name="Shortcuts").get_by_role(
        "link", name="Schedule grid"
    ).click()
    expect(page.get_by_role("heading", name="Schedule: Board Summit")).to_be_visible()
    assert page_problems.errors == []


def test_reviewer_in_blind_review_opens_the_dashboard_and_continues_reviewing(
    transactional_db, site, new_page, screenshot, page_problems
):
    board = build_board()
    ReviewSettings.objects.filter(event=board.event).update(blind=True)
    page = new_page()

    log_in(page, site, board.idle.email)

    queue = page.locator(".dash-queue")
    expect(queue).to_contain_text("Board Summit")
    expect(queue).to_contain_text("0 of 1 reviewed")
    expect(queue).to_contain_text("No review deadline.")
    expect(queue).to_contain_text("Next: “Alpha”")
    content = page.locator("#content")
    for identity in ("Sam Speakerson", "sam.speaker@board.test", "ACME"):
        expect(content).not_to_contain_text(identity)
    check_both_widths(page, screenshot, "reviewer-dashboard")

    page.get_by_role("link", name="Continue reviewing").click()
    expect(page.get_by_role("heading", name="Alpha", level=1)).to_be_visible()
    page.get_by_label("3 – Fair").check()
    page.get_by_role("button", name="Save and next unreviewed").click()
    expect(admin_message(page, "Your review of “Alpha” is saved.")).to_be_visible()
    assert Review.objects.filter(reviewer=board.idle, proposal=board.alpha).exists()

    page.goto(site.url + "/admin/")
    expect(queue).to_contain_text("1 of 1 reviewed")
    expect(queue).to_contain_text("All reviewed. Thank you!")
    expect(page.get_by_role("link", name="Continue reviewing")).to_have_count(0)
    screenshot(page, "reviewer-dashboard-done")
    assert page_problems.errors == []
