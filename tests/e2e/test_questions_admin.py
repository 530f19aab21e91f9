"""Organizers add and follow their questions in the staff panel, in a real browser: the
add page, the list with its counts, the question's page listing proposals lacking an
answer; each accessible, and usable at 390 pixels wide."""

import re

import pytest
from playwright.sync_api import expect

from cfp.enums import ProposalState, QuestionKind
from cfp.models.questions import Question
from tests.e2e.axe import assert_accessible
from tests.e2e.conftest import SCREENSHOT_DIR, admin_message, screenshot_taker
from tests.factories import PASSWORD, EventFactory, ProposalFactory, TrackFactory, UserFactory

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def screenshot():
    return screenshot_taker(SCREENSHOT_DIR / "questions-admin")


def test_organizer_adds_a_track_limited_choice_question_and_sees_who_lacks_an_answer(
    transactional_db, site, new_page, screenshot
):
    organizer = UserFactory(is_staff=True, email="olga@questions.test")
    event = EventFactory(name="QuestionConf", organizers=[organizer])
    dev = TrackFactory(event=event, name="Developer")
    TrackFactory(event=event, name="Operations")
    lacking = ProposalFactory(
        event=event, title="Submitted before", track=dev, state=ProposalState.SUBMITTED
    )
    page = new_page()
    page.goto(site.url + "/admin/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/admin/"))
    page.get_by_label("Email").fill(organizer.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(site.url + "/admin/")

    page.goto(site.url + "/admin/cfp/question/add/")
    page.locator("#id_event").select_option(label=event.name)
    page.locator("#id_kind").select_option(label="One choice")
    page.locator("#id_question").fill("Which language do you demo in?")
    page.locator("#id_required").check()
    page.get_by_label(f"{event.name}: Developer").check()
    page.locator("#id_options-0-text").fill("Rust")
    page.locator("#id_options-1-text").fill("Go")
    assert_accessible(page)
    screenshot(page, "add-question")
    page.get_by_role("button", name="Save", exact=True).click()

    expect(admin_message(page, "was added successfully")).to_be_visible()
    question = Question.objects.get()
    assert question.kind == QuestionKind.CHOICE and list(question.tracks.all()) == [dev]
    assert [o.text for o in question.options.all()] == ["Rust", "Go"]
    expect(page.locator("td.field-missing")).to_have_text("1")
    assert_accessible(page)
    screenshot(page, "question-list")

    page.locator("#result_list").get_by_role("link", name="Which language do you demo in?").click()
    expect(page.locator(".lacking-count")).to_contain_text("1 submitted proposal lacks")
    expect(page.get_by_role("link", name="Submitted before")).to_have_attribute(
        "href", f"/admin/cfp/proposal/{lacking.pk}/change/"
    )
    assert_accessible(page)
    screenshot(page, "question-page")
    page.set_viewport_size(PHONE)
    screenshot(page, "question-page-390")
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 390 + 1, width
