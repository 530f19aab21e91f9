"""Every kind of page runs under the Content-Security-Policy in Chromium, with no violation,
and what is interactive still works: the menu, the counters, the abstract's live preview,
dragging a talk on the schedule grid, a batch's progress following itself.

The demo data (`seed_demo`, as `make run` has it) gives one page of each kind per role
(tests/pages.py): the public programme, a speaker's pages, a reviewer's queue and review,
and an organizer's staff pages. A violation is caught twice: by the page's
`securitypolicyviolation` event (an init script reports it) and by Chromium's console.
"""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cfp.enums import MessageState
from cfp.models import Message, Room, TalkSlot
from tests.e2e.conftest import SCREENSHOT_DIR, admin_message, screenshot_taker
from tests.pages import DEMO_PASSWORD, ORGANIZER, REVIEWER, demo_pages

pytestmark = pytest.mark.browser

REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.lecternCspViolation(
    `${event.violatedDirective} blocked ${event.blockedURI || "inline code"} ` +
    `(${event.sourceFile || "the page"}:${event.lineNumber})`
  );
});
"""


class CspWatch:
    def __init__(self):
        self.violations: list[str] = []

    def watch(self, page) -> None:
        page.context.expose_binding(
            "lecternCspViolation",
            lambda source, text: self.violations.append(f"{source['page'].url}: {text}"),
        )
        page.context.add_init_script(REPORT_VIOLATIONS)
        page.on(
            "console",
            lambda message: (
                self.violations.append(f"console on {page.url}: {message.text}")
                if "Content Security Policy" in message.text
                else None
            ),
        )


@pytest.fixture
def shot():
    return screenshot_taker(SCREENSHOT_DIR / "csp")


def _signed_in_page(new_page, site, watch: CspWatch, email: str | None):
    page = new_page()
    watch.watch(page)
    if email:
        page.goto(site.url + "/accounts/login/")
        page.get_by_label("Email").fill(email)
        page.get_by_label("Password").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="Log in").click()
        expect(page).not_to_have_url(re.compile(r"/accounts/login/"))
    return page


def _visit_all(page, site, addresses: list[str]) -> None:
    for address in addresses:
        response = page.goto(site.url + address)
        assert response is not None and response.status == 200, address
        policy = response.headers.get("content-security-policy", "")
        assert "script-src 'self'" in [part.strip() for part in policy.split(";")], address
        page.wait_for_load_state("networkidle")


def test_every_page_runs_under_the_csp_without_a_violation(
    transactional_db, site, new_page, page_problems, shot
):
    pages = demo_pages()
    watch = CspWatch()

    # The public: the programme, the CfP, the account pages.
    page = _signed_in_page(new_page, site, watch, None)
    _visit_all(page, site, pages.public)
    # The browser enforces the policy, and a violation is seen: an injected inline script
    # does not run.
    ran = page.evaluate(
        """() => {
          const script = document.createElement("script");
          script.textContent = "window.lecternInjected = true;";
          document.body.append(script);
          return window.lecternInjected === true;
        }"""
    )
    assert ran is False
    for _ in range(100):  # both reports arrive asynchronously: the event's and the console's
        if len(watch.violations) >= 2:
            break
        page.wait_for_timeout(50)
    assert len(watch.violations) == 2 and all("script-src" in v for v in watch.violations)
    watch.violations.clear()
    page_problems.errors.clear()  # the console error of that refusal
    page.goto(site.url + "/")
    page.set_viewport_size({"width": 390, "height": 800})
    page.get_by_role("button", name="Menu").click()  # Bootstrap's collapse, from /static/
    expect(page.locator("#nav")).to_be_visible()

    # A speaker: their proposals, the forms, the live preview of the abstract.
    page = _signed_in_page(new_page, site, watch, pages.speaker_email)
    _visit_all(page, site, pages.speaker)
    page.goto(site.url + f"/{pages.event.slug}/submit/")
    title = page.get_by_label("Title")
    title.fill("Short title")
    expect(
        title.locator("xpath=following-sibling::*[contains(@class, 'char-counter')]")
    ).to_have_text(re.compile(r"^11 / \d+$"))
    abstract = page.get_by_label("Abstract")
    abstract.click()
    abstract.press_sequentially("Some **bold** words.")
    expect(page.locator("#abstract-preview strong")).to_have_text("bold")
    shot(page, "speaker-preview")

    # A reviewer: the queue and a review.
    page = _signed_in_page(new_page, site, watch, REVIEWER)
    _visit_all(page, site, pages.reviewer)

    # An organizer: every staff page, the schedule grid's drag, a batch following itself.
    page = _signed_in_page(new_page, site, watch, ORGANIZER)
    _visit_all(page, site, pages.organizer)
    # A talk dragged to another room at the same time (near the top: no scrolling mid-drag).
    slot = TalkSlot.objects.filter(event=pages.event, proposal__isnull=False).order_by("start")[0]
    room = Room.objects.filter(event=pages.event).exclude(slots__start=slot.start).first()
    clock = timezone.localtime(slot.start, pages.event.tz).strftime("%H:%M")
    page.goto(site.url + f"/admin/cfp/event/{pages.event.pk}/schedule/")
    block = page.locator(".sched-grid .sched-block").filter(has_text=slot.proposal.title)
    block.drag_to(page.locator(f'[data-cell][data-room="{room.pk}"][data-time="{clock}"]').first)
    expect(admin_message(page, f"“{slot.proposal.title}” is moved")).to_be_visible()
    slot.refresh_from_db()
    assert slot.room_id == room.pk
    shot(page, "schedule-dragged")

    page.goto(site.url + f"/admin/cfp/sendbatch/{pages.batch.pk}/progress/")
    figures = page.locator("#lectern-batch")
    expect(figures.locator('[data-figure="waiting"]')).to_have_text("2")
    Message.objects.filter(batch=pages.batch).update(state=MessageState.SENT)
    expect(figures.locator('[data-figure="sent"]')).to_have_text("2")  # no reload: fetched
    expect(figures.locator('[data-figure="waiting"]')).to_have_text("0")
    expect(page.locator("#lectern-batch-status")).to_have_text(
        "Done: every email of this batch has been handled."
    )
    shot(page, "batch-done")

    assert watch.violations == []
    assert page_problems.errors == []
