"""Answers in the browser: the reviewer's page with the speakers' answers and the reviewer
questions (blind review: no identifying answer), and a question's statistics page with its
chart, each checked with axe-core at 1280 and 390 pixels wide, under the site's CSP."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from cfp.enums import QuestionKind, QuestionTarget
from tests.cfp.answer_world import IDENT_FILE, OPEN_FILE, PLAIN, SECRET, answer_world
from tests.e2e.axe import assert_accessible
from tests.e2e.conftest import SCREENSHOT_DIR, screenshot_taker
from tests.factories import PASSWORD, AnswerFactory, ProposalFactory, QuestionFactory

pytestmark = pytest.mark.browser

SHOTS = SCREENSHOT_DIR / "answers"
NARROW = {"width": 390, "height": 844}
CHART_DRAWN = (
    "() => window.Chart && window.Chart.getChart(document.getElementById('question-stats-chart'))"
)


@pytest.fixture
def shot(request):
    # A folder per test: each test's run clears only its own screenshots.
    name = request.node.name.removeprefix("test_")[:40]
    return screenshot_taker(SHOTS / name, prefix="answers-")


def sign_in(page, site, email: str, target: str) -> None:
    page.goto(site.url + target)
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(site.url + target)


def _tools_only(problems, run) -> None:
    """Run a test tool on the page, after checking the page had no problem so far. Playwright
    (hiding the caret for a screenshot) and axe-core (some of its checks) add <style>
    elements of their own, which the site's CSP rightly refuses: those console errors are
    the tools', not the page's, so they are let go."""
    assert problems.errors == [], "\n".join(problems.errors)
    run()
    problems.errors[:] = [e for e in problems.errors if "Applying inline style" not in e]


def snapshot(shot, page, name: str, problems) -> None:
    _tools_only(problems, lambda: shot(page, name))


def accessible(page, problems) -> None:
    _tools_only(problems, lambda: assert_accessible(page))


def fits(page) -> bool:
    """Nothing on the page is wider than the window (no sideways scrolling)."""
    return page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_the_reviewers_page_shows_answers_but_no_identifying_one(
    transactional_db, site, new_page, shot, page_problems
):
    world = answer_world(blind=True)
    attend = QuestionFactory(
        event=world.event,
        question="Would you attend this talk?",
        kind=QuestionKind.BOOLEAN,
        target=QuestionTarget.REVIEWER,
        required=True,
    )
    page = new_page()
    url = reverse("admin:reviews_reviewqueueitem_change", args=[world.proposal.pk])

    sign_in(page, site, world.reviewer.email, url)

    answers = page.locator("fieldset.answers")
    expect(answers).to_contain_text(PLAIN)
    expect(answers).to_contain_text(OPEN_FILE)
    expect(answers).to_contain_text("reviewers cannot open it")
    for hidden in (SECRET, IDENT_FILE, "Sam Speaker", "Cora Cospeaker"):
        expect(page.locator("body")).not_to_contain_text(hidden)
    assert SECRET not in page.content() and IDENT_FILE not in page.content()
    expect(page.get_by_role("group", name="Would you attend this talk?")).to_be_visible()
    accessible(page, page_problems)
    snapshot(shot, page, "reviewer-page-1280", page_problems)

    # The file opens as a download.
    with page.expect_download() as download:
        answers.get_by_role("link", name=OPEN_FILE).click()
    assert download.value.suggested_filename == OPEN_FILE

    # Answering the reviewer question saves it with the review.
    page.get_by_label("5 – Excellent").check()
    page.get_by_role("group", name="Would you attend this talk?").get_by_label("Yes").check()
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("is saved")
    assert world.proposal.reviews.get().answers.get(question=attend).value == "yes"

    page.set_viewport_size(NARROW)
    page.reload()
    expect(page.locator("fieldset.answers")).to_contain_text(PLAIN)
    accessible(page, page_problems)
    assert fits(page), "the reviewer's page scrolls sideways at 390 px"
    snapshot(shot, page, "reviewer-page-390", page_problems)
    assert page_problems.errors == [], "\n".join(page_problems.errors)


def test_the_statistics_page_draws_its_chart_and_keeps_the_table(
    transactional_db, site, new_page, shot, page_problems
):
    world = answer_world()
    topics = world.q.topics
    for _ in range(3):
        other = ProposalFactory(event=world.event, state="submitted")
        AnswerFactory(question=topics, proposal=other, value="", options=[world.topics[1]])
    page = new_page()
    url = reverse("admin:cfp_question_statistics", args=[topics.pk])

    sign_in(page, site, world.organizer.email, url)

    expect(page.get_by_role("table", name="Answers per choice")).to_contain_text("Rust")
    rows = page.get_by_role("table", name="Answers per choice").locator("tbody tr")
    expect(rows).to_have_text(
        [re.compile(r"Kernel\s*1"), re.compile(r"Rust\s*3"), re.compile(r"Go\s*1")]
    )
    # The chart is drawn (by the static script, from the data block) and labelled.
    page.wait_for_function(CHART_DRAWN)
    assert page.locator("#question-stats-chart").get_attribute("aria-label")
    accessible(page, page_problems)
    snapshot(shot, page, "statistics-1280", page_problems)

    page.set_viewport_size(NARROW)
    page.reload()
    page.wait_for_function(CHART_DRAWN)
    accessible(page, page_problems)
    assert fits(page), "the statistics page scrolls sideways at 390 px"
    snapshot(shot, page, "statistics-390", page_problems)
    assert page_problems.errors == [], "\n".join(page_problems.errors)
