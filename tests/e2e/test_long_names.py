"""A name with no space to break at (an event's, at its 200-character limit) breaks inside its
line: the public event page, the list of talks, the staff dashboard and the event's staff page
fit a 390-pixel phone without scrolling sideways."""

import pytest

from tests.e2e.conftest import SCREENSHOT_DIR, screenshot_taker
from tests.factories import PASSWORD, EventFactory, ProposalFactory, UserFactory

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
NAME = "Unbreakable" * 18 + "Ab"  # 200 characters, no space


def width(page) -> int:
    return page.evaluate("() => document.documentElement.scrollWidth")


def test_a_200_character_name_without_spaces_fits_a_phone(transactional_db, site, new_page):
    event = EventFactory(name=NAME)
    assert len(event.name) == 200
    ProposalFactory(event=event, title=NAME)  # a draft: listed nowhere, counted on the dashboard
    organizer = UserFactory(is_staff=True, email="olga@example.org")
    event.organizers.add(organizer)
    shot = screenshot_taker(SCREENSHOT_DIR / "long-names")
    page = new_page()
    page.set_viewport_size(PHONE)

    for path in (f"/{event.slug}/", f"/{event.slug}/talks/"):
        page.goto(site.url + path)
        shot(page, path)
        assert width(page) <= PHONE["width"], f"{path} is {width(page)} px wide"

    page.goto(site.url + "/accounts/login/?next=/admin/")
    page.get_by_label("Email").fill(organizer.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(site.url + "/admin/")
    for path in ("/admin/", f"/admin/cfp/event/{event.pk}/change/"):
        page.goto(site.url + path)
        shot(page, path)
        assert width(page) <= PHONE["width"], f"{path} is {width(page)} px wide"
