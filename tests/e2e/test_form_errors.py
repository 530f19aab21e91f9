"""Forms for keyboard and screen-reader users, in a real browser: a form sent back with errors
puts the focus on its list of errors (the proposal form, a reviewer team's change form and the
review page of the staff panel), and a character counter speaks only as the text nears, reaches or
passes its limit, never at every key. Each page passes axe at 1280 and at 390 px."""

import re

import pytest
from playwright.sync_api import expect

from cfp.enums import MessageKind, MessageState, ProposalState
from cfp.models import Message
from reviews.models import Assignment
from tests.e2e.axe import assert_accessible, axe_violations, describe
from tests.factories import (
    PASSWORD,
    EventFactory,
    ProposalFactory,
    ReviewerFactory,
    ReviewerTeamFactory,
    SpeakerFactory,
    SubmissionTypeFactory,
    UserFactory,
)

pytestmark = pytest.mark.browser

WIDTHS = [1280, 390]


def _log_in(page, site, user, then: str) -> None:
    page.goto(site.url + "/accounts/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state("load")
    page.goto(site.url + then)


def _at_width(page, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 900 if width > 500 else 844})


def _focused(page) -> str:
    """The element that has the focus, as tag#id.classes."""
    return page.evaluate(
        "() => { const e = document.activeElement;"
        " return e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')"
        " + [...e.classList].map(c => '.' + c).join(''); }"
    )


def _fits(page) -> None:
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{page.url} is {overflow}px too wide"


def _axe(page, problems, check=assert_accessible) -> None:
    """Run axe after checking the page had no problem so far. Some of axe-core's checks add a
    <style> of their own, which the staff panel's CSP rightly refuses: those console errors
    are the tool's, not the page's, and are let go (as in test_answers_pages)."""
    assert problems.errors == [], "\n".join(problems.errors)
    check(page)
    problems.errors[:] = [e for e in problems.errors if "Applying inline style" not in e]


def _assert_accessible_within(page, selector: str) -> None:
    """No serious or critical axe-core violation inside the selected part of the page.

    For staff pages whose frame axe still faults (Django's breadcrumbs and the members
    widget: being fixed apart, across templates/admin); the part this test is about is held
    to the same rule as a whole page."""
    inside = "([target, selector]) => !!document.querySelector(target)?.closest(selector)"
    found = []
    for violation in axe_violations(page):
        nodes = [n for n in violation["nodes"] if page.evaluate(inside, [n["target"][0], selector])]
        if nodes:
            found.append({**violation, "nodes": nodes})
    assert not found, f"axe-core on {selector} of {page.url}:\n{describe(found)}"


@pytest.fixture
def event(transactional_db):
    event = EventFactory(name="FocusConf", slug="focusconf")
    SubmissionTypeFactory(event=event, name="Talk", default_duration=30)
    return event


# --- the list of errors takes the focus ------------------------------------------------------


@pytest.mark.parametrize("width", WIDTHS)
def test_proposal_form_sent_back_puts_the_focus_on_its_list_of_errors(
    site, new_page, event, page_problems, width
):
    page = new_page()
    _at_width(page, width)
    _log_in(page, site, SpeakerFactory(), f"/{event.slug}/submit/")
    page.get_by_label("Abstract").fill("The speaker explains why focus matters.")

    page.get_by_role("button", name="Submit", exact=True).click()

    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("heading")).to_have_text("There are 3 problems to correct:")
    assert "error-summary" in _focused(page)
    _axe(page, page_problems)
    _fits(page)
    # Tab goes on to the first link; the link puts the focus in its field.
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Title: This field is required.")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_label("Title")).to_be_focused()
    summary.get_by_role("link", name="Submission type: This field is required.").click()
    expect(page.get_by_label("Submission type")).to_be_focused()
    assert page_problems.errors == []


@pytest.mark.parametrize("width", WIDTHS)
def test_staff_change_form_sent_back_puts_the_focus_on_its_list_of_errors(
    site, new_page, event, page_problems, width
):
    organizer = UserFactory(is_staff=True, email="olga@lectern.test")
    event.organizers.add(organizer)
    team = ReviewerTeamFactory(event=event, name="Programme committee")
    page = new_page()
    _at_width(page, width)
    _log_in(page, site, organizer, f"/admin/reviews/reviewerteam/{team.pk}/change/")
    page.locator("#id_name").fill("")

    page.get_by_role("button", name="Save", exact=True).click()

    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(summary.locator(".errornote")).to_have_text("Please correct the error below.")
    _axe(page, page_problems, lambda page: _assert_accessible_within(page, ".error-summary"))
    _fits(page)
    page.keyboard.press("Tab")
    link = summary.get_by_role("link", name="Name: This field is required.")
    expect(link).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#id_name")).to_be_focused()
    assert page_problems.errors == []


@pytest.mark.parametrize("width", WIDTHS)
def test_review_sent_back_puts_the_focus_on_its_list_of_errors(
    site, new_page, event, page_problems, width
):
    reviewer = ReviewerFactory()
    ReviewerTeamFactory(event=event, members=[reviewer])
    proposal = ProposalFactory(event=event, title="Focus first", state=ProposalState.SUBMITTED)
    Assignment.objects.create(proposal=proposal, reviewer=reviewer)
    page = new_page()
    _at_width(page, width)
    _log_in(page, site, reviewer, f"/admin/reviews/reviewqueueitem/{proposal.pk}/change/")
    page.get_by_label("Comment for the organizers").fill("Forgot the score.")

    page.get_by_role("button", name="Save", exact=True).click()

    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(summary.locator(".errornote")).to_have_text(
        "Please correct the error below. Nothing was saved."
    )
    _axe(page, page_problems)
    _fits(page)
    # The score is a group of radio buttons: the link goes to the first.
    summary.get_by_role("link", name="Overall: Please score “Overall”.").click()
    expect(page.get_by_role("radio").first).to_be_focused()
    assert page_problems.errors == []


def test_a_failed_messages_note_is_no_form_error_and_keeps_the_focus_where_it_was(
    site, new_page, event, page_problems
):
    organizer = UserFactory(is_staff=True, email="olga@lectern.test")
    event.organizers.add(organizer)
    failed = Message.objects.create(
        event=event,
        kind=MessageKind.GROUP,
        to="ada@example.com",
        subject="News",
        body="Hello",
        state=MessageState.FAILED,
        last_error="550 No such user",
    )
    page = new_page()
    _log_in(page, site, organizer, f"/admin/cfp/message/{failed.pk}/change/")

    expect(page.locator(".errornote")).to_have_text("Sending failed: 550 No such user")
    expect(page.locator(".error-summary")).to_have_count(0)
    assert _focused(page).split(".")[0] == "body"
    assert page_problems.errors == []


# --- the counter speaks at the limits --------------------------------------------------------

# Every change of a live region's text from now on, in order: what a screen reader would say.
RECORD_LIVE_REGIONS = """() => {
  window.liveSaid = [];
  const regions = () => document.querySelectorAll(
    "[aria-live]:not([aria-live=off]), [role=status], [role=alert], [role=log]");
  const last = new Map();
  regions().forEach((r) => last.set(r, r.textContent));
  new MutationObserver(() => {
    regions().forEach((r) => {
      if (last.get(r) !== r.textContent) {
        last.set(r, r.textContent);
        window.liveSaid.push(r.textContent.trim());
      }
    });
  }).observe(document.body, { subtree: true, childList: true, characterData: true });
}"""


@pytest.mark.parametrize("width", WIDTHS)
def test_title_counter_speaks_near_at_and_over_the_limit_not_at_every_key(
    site, new_page, event, page_problems, width
):
    page = new_page()
    _at_width(page, width)
    _log_in(page, site, SpeakerFactory(), f"/{event.slug}/submit/")
    title = page.get_by_label("Title")
    counter = page.locator("#id_title + .char-counter")
    title.fill("t" * 155)
    expect(counter.locator(".char-count")).to_have_text("155 / 200")
    page.wait_for_load_state("networkidle")  # the abstract's preview has loaded
    page.evaluate(RECORD_LIVE_REGIONS)

    title.press("End")
    page.keyboard.type("abcdefghij")  # 165: 35 left, near the limit from 160 on
    title.fill("t" * 199)
    page.keyboard.type("xyz")  # 200, then over
    page.keyboard.press("Backspace")
    page.keyboard.press("Backspace")  # 201, then the limit again

    expect(counter.locator(".char-count")).to_have_text("200 / 200")
    said = page.evaluate("() => window.liveSaid")
    assert said == [
        "40 of 200 characters left.",
        "You have reached the limit of 200 characters.",
        "1 characters over the limit of 200: please shorten the text before you save.",
        "You have reached the limit of 200 characters.",
    ]
    # The count and the message beside it are read with the field, not as they change.
    assert counter.locator("[aria-live]").count() == 1
    expect(counter.locator(".char-count")).not_to_have_attribute("aria-live", "polite")
    expect(title).to_have_attribute("aria-describedby", re.compile(r"\bid_title-counter\b"))
    page.keyboard.type("!")
    expect(counter.locator(".char-limit-message")).to_have_text(
        "1 characters over the limit of 200: please shorten the text before you save."
    )
    _axe(page, page_problems)
    _fits(page)
    assert page_problems.errors == []
