"""The API's docs page (/api/v1/docs/, Swagger UI from the vendored sidecar files): it lists
the operations under the site's strict Content-Security-Policy, passes axe at a desktop's and
a phone's width without scrolling sideways, and a signed-in person's "Try it out" works with
their session."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.axe import assert_accessible
from tests.e2e.conftest import SCREENSHOT_DIR, screenshot_taker
from tests.e2e.test_content_security_policy import CspWatch
from tests.factories import PASSWORD, SpeakerFactory

pytestmark = pytest.mark.browser

DOCS = "/api/v1/docs/"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def shot(request):
    # A folder per test: each clears its own folder of an earlier run's screenshots.
    return screenshot_taker(SCREENSHOT_DIR / "api-docs" / request.node.name.removeprefix("test_"))


def width(page) -> int:
    return page.evaluate("() => document.documentElement.scrollWidth")


def open_docs(page, site):
    response = page.goto(site.url + DOCS)
    assert response is not None and response.status == 200
    policy = response.headers.get("content-security-policy", "")
    assert "script-src 'self'" in [part.strip() for part in policy.split(";")]
    operation = page.locator("#operations-me-me_retrieve")
    expect(operation).to_be_visible()
    return operation


def test_docs_list_the_operations_under_the_csp_and_pass_axe(
    transactional_db, site, new_page, page_problems, shot
):
    watch = CspWatch()
    page = new_page()
    watch.watch(page)

    me = open_docs(page, site)

    expect(page.locator("#operations-events-talks_list")).to_be_visible()
    expect(page.locator("#operations-events-schedule_retrieve")).to_be_visible()
    expect(page).to_have_title(re.compile("API documentation"))
    assert page.locator("html").get_attribute("lang")
    # One main landmark, ours (Swagger UI's own <main> of the operations is demoted to a region).
    assert page.get_by_role("main").count() == 1
    assert page.locator("style").count() == 0
    shot(page, "docs at 1280")
    assert_accessible(page)
    me.locator(".opblock-summary-control").click()  # an operation open: parameters, responses
    expect(me.locator(".responses-wrapper")).to_be_visible()
    page.locator("#operations-events-talks_list .opblock-summary-control").click()
    expect(page.locator("#operations-events-talks_list .parameters")).to_be_visible()
    # The example answers as Swagger UI highlights them (after a moment), colours included.
    highlighted = page.locator("#operations-events-talks_list .microlight span[style]")
    expect(highlighted.first).to_be_visible()
    assert_accessible(page)

    page.set_viewport_size(PHONE)
    shot(page, "docs at 390")
    assert width(page) <= PHONE["width"], f"{DOCS} is {width(page)} px wide at 390"
    assert_accessible(page)

    assert not watch.violations, "\n".join(watch.violations)
    assert not page_problems.errors, "\n".join(page_problems.errors)


def test_try_it_out_uses_the_signed_in_session(transactional_db, site, new_page, shot):
    speaker = SpeakerFactory(email="ada@example.org", profile__name="Ada Lovelace")
    watch = CspWatch()
    page = new_page()
    watch.watch(page)
    page.goto(site.url + "/accounts/login/?next=" + DOCS)
    page.get_by_label("Email").fill(speaker.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(site.url + DOCS)
    me = open_docs(page, site)

    me.locator(".opblock-summary-control").click()
    me.get_by_role("button", name="Try it out").click()
    me.get_by_role("button", name="Execute").click()

    live = me.locator(".live-responses-table")
    expect(live.locator("tbody .response-col_status")).to_have_text(re.compile("200"))
    expect(live.locator("tbody .response-col_description")).to_contain_text("ada@example.org")
    expect(live.locator("tbody .response-col_description")).to_contain_text('"token_scope": null')
    # The answer as Swagger UI highlights it (after a moment): axe checks its colours too.
    number = live.locator(".microlight span", has_text=re.compile(r"^\d+$")).first
    expect(number).to_have_css("color", "rgb(255, 138, 138)")
    shot(page, "try it out")
    assert_accessible(page)
    assert not watch.violations, "\n".join(watch.violations)
