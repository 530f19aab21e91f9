"""API tokens in the browser: a speaker (public site) and a staff member (staff panel) each
make a token, copy it with the Copy button, call the API with the copied text, revoke it,
and the call then fails. Every token page is checked with axe-core at 1280 and 390 pixels
wide (no sideways scroll), under the site's CSP."""

import re

import pytest
import urllib3
from playwright.sync_api import expect

from speakers.models import ApiToken
from tests.e2e.axe import assert_accessible
from tests.e2e.conftest import SCREENSHOT_DIR, admin_message, screenshot_taker
from tests.factories import PASSWORD, EventFactory, SpeakerFactory, UserFactory

pytestmark = pytest.mark.browser

WIDTHS = ({"width": 1280, "height": 900}, {"width": 390, "height": 844})
SECRET = re.compile(r"^lct_[A-Za-z0-9_-]{43}$")


@pytest.fixture
def shot(request):
    name = request.node.name.removeprefix("test_")[:40]
    return screenshot_taker(SCREENSHOT_DIR / "tokens" / name, prefix="tokens-")


def check(page, shot, name: str, problems) -> None:
    """The page as it is, at both widths: no page error so far, no sideways scroll, no
    serious or critical axe-core violation; a screenshot of each."""
    assert problems.errors == [], "\n".join(problems.errors)
    for size in WIDTHS:
        page.set_viewport_size(size)
        shot(page, f"{name}-{size['width']}")
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= size["width"], f"{page.url} is {width} px wide at {size['width']} px"
        assert_accessible(page)
    page.set_viewport_size(WIDTHS[0])
    # Playwright (hiding the caret for a screenshot) and axe-core add <style> elements of
    # their own, which the CSP rightly refuses: those are the tools' errors, not the page's.
    problems.errors[:] = [e for e in problems.errors if "Applying inline style" not in e]


def sign_in(page, site, email: str, target: str) -> None:
    page.goto(site.url + target)
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(site.url + target)


def copy_token(page) -> str:
    """Press Copy, and read what it put on the clipboard."""
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    copy = page.get_by_role("button", name="Copy")
    expect(copy).to_be_visible()
    copy.click()
    expect(page.locator("#copy-status")).to_have_text("Copied")
    copied = page.evaluate("() => navigator.clipboard.readText()")
    # The pointer leaves the button: axe-core would otherwise measure its colours halfway
    # through Bootstrap's hover transition.
    page.mouse.move(0, 0)
    page.wait_for_timeout(300)
    assert SECRET.match(copied), copied
    assert page.get_by_label("Token").input_value() == copied
    return copied


def me(site, secret: str) -> urllib3.BaseHTTPResponse:
    return urllib3.request(
        "GET",
        site.url + "/api/v1/me/",
        headers={"Authorization": f"Bearer {secret}"},
        timeout=10,
        redirect=False,
    )


def test_speaker_makes_copies_uses_and_revokes_a_token(
    transactional_db, site, new_page, shot, page_problems
):
    speaker = SpeakerFactory(email="ines@example.org", profile__name="Inês Ñandú")
    page = new_page()
    sign_in(page, site, speaker.email, "/me/profile/")

    page.get_by_role("link", name="Your API tokens").click()
    expect(page.get_by_role("heading", name="API tokens", exact=True)).to_be_visible()
    expect(page.locator("main")).to_contain_text("You have no API tokens yet.")
    check(page, shot, "empty-list", page_problems)

    page.get_by_role("link", name="Make a token").click()
    expect(page.get_by_role("heading", name="Make an API token")).to_be_visible()
    check(page, shot, "form", page_problems)

    # A name that is only markup is refused, with the form kept.
    page.get_by_label("Name").fill("<b>bold</b>")
    page.get_by_role("button", name="Make the token").click()
    expect(page.locator("[data-error-summary]")).to_contain_text("HTML is not allowed here")
    check(page, shot, "form-errors", page_problems)
    assert not ApiToken.objects.exists()

    page.get_by_label("Name").fill("Programme import 📅")
    page.get_by_label("Read and write").check()
    page.get_by_label("In 30 days").check()
    page.get_by_role("button", name="Make the token").click()
    expect(page.get_by_role("heading", name="Your new API token")).to_be_visible()
    expect(page.locator("main")).to_contain_text("it will not be shown again")
    secret = copy_token(page)
    check(page, shot, "created", page_problems)

    answer = me(site, secret)
    assert answer.status == 200
    assert answer.json()["email"] == speaker.email
    assert answer.json()["token_scope"] == "write"

    page.get_by_role("link", name="back to your tokens").click()
    row = page.locator("tr", has_text="Programme import 📅")
    expect(row).to_contain_text(secret[:10] + "…")
    expect(row).to_contain_text("Active")
    assert secret not in page.content()
    check(page, shot, "list", page_problems)

    row.get_by_role("link", name="Revoke").click()
    expect(page.get_by_role("heading", name="Revoke “Programme import 📅”?")).to_be_visible()
    check(page, shot, "revoke", page_problems)
    page.get_by_role("button", name="Yes, revoke it").click()
    expect(page.locator(".messages .alert")).to_contain_text("is revoked")
    expect(page.locator("tr", has_text="Programme import 📅")).to_contain_text("Revoked")
    check(page, shot, "list-revoked", page_problems)

    after = me(site, secret)
    assert after.status == 401
    assert after.json()["code"] == "token_revoked"
    assert page_problems.errors == [], "\n".join(page_problems.errors)


def test_staff_member_makes_copies_uses_and_revokes_a_token(
    transactional_db, site, new_page, shot, page_problems
):
    organizer = UserFactory(is_staff=True, email="olga@example.org")
    EventFactory(name="Summit 2031", organizers=[organizer])
    page = new_page()
    sign_in(page, site, organizer.email, "/admin/")

    page.locator("#user-tools").get_by_role("link", name="API tokens").click()
    expect(page.get_by_role("heading", name="Your API tokens")).to_be_visible()
    check(page, shot, "staff-empty-list", page_problems)

    page.get_by_role("link", name="Make a token").click()
    expect(page.get_by_role("heading", name="Make an API token")).to_be_visible()
    check(page, shot, "staff-form", page_problems)

    page.get_by_label("Name").fill("Schedule export")
    page.get_by_label("On a date").check()
    page.get_by_label("Expiry date").fill("2000-01-01")
    page.get_by_role("button", name="Make the token").click()
    expect(page.locator(".errorlist")).to_contain_text("Choose a date after today.")
    check(page, shot, "staff-form-errors", page_problems)
    assert not ApiToken.objects.exists()

    page.get_by_label("Never").check()
    page.get_by_label("Expiry date").fill("")
    page.get_by_role("button", name="Make the token").click()
    expect(page.get_by_role("heading", name="Your new API token")).to_be_visible()
    secret = copy_token(page)
    check(page, shot, "staff-created", page_problems)

    answer = me(site, secret)
    assert answer.status == 200
    assert answer.json() == {
        "id": organizer.pk,
        "email": organizer.email,
        "name": "",
        "is_staff": True,
        "token_scope": "read",
    }

    page.get_by_role("link", name="back to your tokens").click()
    row = page.locator("#result_list tr", has_text="Schedule export")
    expect(row).to_contain_text("Active")
    assert secret not in page.content()
    check(page, shot, "staff-list", page_problems)

    row.get_by_role("link", name="Revoke").click()
    check(page, shot, "staff-revoke", page_problems)
    page.get_by_role("button", name="Yes, revoke it").click()
    expect(admin_message(page, "is revoked")).to_be_visible()
    expect(page.locator("#result_list tr", has_text="Schedule export")).to_contain_text("Revoked")
    check(page, shot, "staff-list-revoked", page_problems)

    after = me(site, secret)
    assert after.status == 401
    assert after.json()["code"] == "token_revoked"
    assert page_problems.errors == [], "\n".join(page_problems.errors)
