"""A speaker who opens the staff panel is told it is not for this account, on a phone's
screen, and can switch to their staff account from there."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.axe import assert_accessible
from tests.e2e.conftest import SCREENSHOT_DIR, screenshot_taker
from tests.factories import PASSWORD, SpeakerFactory, UserFactory

pytestmark = pytest.mark.browser

SPEAKER_EMAIL = "sam.speaker@example.org"
STAFF_EMAIL = "sam.staff@example.org"


def test_speaker_is_told_the_staff_panel_is_not_for_them(
    transactional_db, site, new_page, page_problems
):
    shot = screenshot_taker(SCREENSHOT_DIR / "staff-access", prefix="staff-access-")
    SpeakerFactory(email=SPEAKER_EMAIL)
    UserFactory(email=STAFF_EMAIL, is_staff=True)
    page = new_page()
    page.set_viewport_size({"width": 390, "height": 844})

    page.goto(site.url + "/accounts/login/")
    page.get_by_label("Email").fill(SPEAKER_EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/me/proposals/$"))

    for address in ("/admin/login/", "/admin/cfp/event/"):
        page.goto(site.url + address)
        expect(page.get_by_role("heading", name="No access to the staff panel")).to_be_visible()
        expect(page.get_by_text(f"You are logged in as {SPEAKER_EMAIL}")).to_be_visible()
        assert page.locator("input[type=password]").count() == 0
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page is {width} px wide on a 390 px screen"
    shot(page, "no-access")
    assert_accessible(page)

    page.get_by_role("button", name="Log out and use another account").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/admin/$"))
    page.get_by_label("Email").fill(STAFF_EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(site.url + "/admin/")
    shot(page, "staff-index")

    expected = {
        f"HTTP 403 for {site.url}/admin/login/",
        f"HTTP 403 for {site.url}/admin/cfp/event/",
    }
    assert set(page_problems.errors) == expected, page_problems.errors
