"""The event's questions in a real browser: a choice question limited to one track appears
only for that track without a reload, a required file question, submitting, accessibility,
and the form at 1280 and 390 pixels wide."""

import pytest
from playwright.sync_api import expect

from cfp.enums import ProposalState, QuestionKind, QuestionTarget
from cfp.models import Proposal
from tests.cfp.questions_setup import PDF, question
from tests.e2e.axe import assert_accessible
from tests.e2e.conftest import SCREENSHOT_DIR, screenshot_taker
from tests.factories import (
    PASSWORD,
    EventFactory,
    SpeakerFactory,
    SubmissionTypeFactory,
    TrackFactory,
)

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture(scope="module")
def screenshot():
    return screenshot_taker(SCREENSHOT_DIR / "questions-form")


@pytest.fixture
def world(transactional_db):
    event = EventFactory(name="QuestionConf", slug="questionconf")
    SubmissionTypeFactory(event=event, name="Talk", default_duration=30)
    dev = TrackFactory(event=event, name="Developer")
    TrackFactory(event=event, name="Operations")
    size = question(
        event,
        QuestionKind.CHOICE,
        text="Which language do you demo in?",
        options=["Rust", "Go", "Python"],
        tracks=[dev],
        required=True,
    )
    video = question(
        event,
        QuestionKind.FILE,
        text="Slides of a previous talk",
        help_text="A PDF of slides you presented before.",
        file_types=["pdf"],
        max_file_size=2,
        required=True,
    )
    question(
        event,
        QuestionKind.BOOLEAN,
        text="Is this your first talk?",
        target=QuestionTarget.SPEAKER,
        required=True,
    )
    return event, size, video


def _log_in(page, site, user) -> None:
    page.goto(site.url + "/accounts/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(site.url + "/me/proposals/")


def _fits(page) -> None:
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{page.url} is {overflow}px too wide"


def test_a_track_limited_question_appears_for_its_track_and_the_proposal_submits(
    site, new_page, world, screenshot, tmp_path
):
    event, size, video = world
    speaker = SpeakerFactory()
    page = new_page()
    page.set_viewport_size(DESKTOP)
    _log_in(page, site, speaker)
    page.goto(f"{site.url}/{event.slug}/submit/")

    expect(page.locator(".question[data-tracks]")).to_be_hidden()
    page.get_by_label("Track").select_option(label="Operations")
    expect(page.locator(".question[data-tracks]")).to_be_hidden()
    page.get_by_label("Track").select_option(label="Developer")
    expect(page.locator(".question[data-tracks]")).to_be_visible()
    expect(page.get_by_text("About you")).to_be_visible()

    page.get_by_label("Title").fill("Memory safety in practice")
    page.get_by_label("Submission type").select_option(label="Talk (30 min)")
    page.get_by_label("Experience level").select_option(label="Beginner")
    page.get_by_label("Abstract").fill("The speaker shows how memory safety works in practice.")
    page.get_by_label("Go", exact=True).check()
    page.get_by_label("No", exact=True).check()
    assert_accessible(page)
    screenshot(page, "form-with-questions-1280")
    page.set_viewport_size(PHONE)
    _fits(page)
    screenshot(page, "form-with-questions-390")
    page.set_viewport_size(DESKTOP)

    # Submitted without the required file: refused next to the field, nothing lost.
    page.get_by_role("button", name="Submit").click()
    expect(page.get_by_text("This field is required.", exact=True)).to_be_visible()
    # The list of errors at the top, which has the focus, names the question and links to it.
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    expect(
        summary.get_by_role("link", name="Slides of a previous talk: This field is required.")
    ).to_be_visible()
    expect(page.get_by_label("Title")).to_have_value("Memory safety in practice")
    assert not Proposal.objects.exists()
    assert_accessible(page)
    screenshot(page, "form-file-required")

    slides = tmp_path / "slides.pdf"
    slides.write_bytes(PDF)
    page.get_by_label("Track").select_option(label="Developer")
    page.get_by_label("Go", exact=True).check()
    page.get_by_label("No", exact=True).check()
    page.get_by_label("Slides of a previous talk").set_input_files(str(slides))
    page.get_by_role("button", name="Submit").click()

    expect(page.get_by_text("is submitted")).to_be_visible()
    proposal = Proposal.objects.get()
    assert proposal.state == ProposalState.SUBMITTED
    answers = {a.question_id: a for a in proposal.answers.all()}
    assert [o.text for o in answers[size.pk].options.all()] == ["Go"]
    assert answers[video.pk].file_name == "slides.pdf"
    assert speaker.question_answers.get().value == "no"


def test_a_question_for_another_track_is_not_sent(site, new_page, world):
    event, size, video = world
    speaker = SpeakerFactory()
    page = new_page()
    _log_in(page, site, speaker)
    page.goto(f"{site.url}/{event.slug}/submit/")

    page.get_by_label("Track").select_option(label="Developer")
    page.get_by_label("Rust", exact=True).check()
    page.get_by_label("Track").select_option(label="Operations")
    page.get_by_label("Title").fill("Only a draft")
    page.get_by_role("button", name="Save draft").click()

    expect(page.get_by_text("is saved")).to_be_visible()
    assert not Proposal.objects.get().answers.filter(question=size).exists()
