"""The proposal form in a real browser: sent twice, the live preview, the length limits,
the read-only page after the deadline; and the public talk pages it leads to."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cfp import decisions
from cfp.enums import MessageKind, MessageState, ProposalState
from cfp.mail import outbox
from cfp.models import Message, Proposal
from tests.cfp.test_public import make_talk, publish
from tests.e2e.axe import assert_accessible
from tests.e2e.conftest import SCREENSHOT_DIR, screenshot_taker
from tests.factories import (
    PASSWORD,
    EventFactory,
    ProposalFactory,
    SpeakerFactory,
    SubmissionTypeFactory,
)

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def _log_in(page, site, user) -> None:
    page.goto(site.url + "/accounts/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(site.url + "/me/proposals/")


def _fill(page, title: str) -> None:
    page.get_by_label("Title").fill(title)
    page.get_by_label("Submission type").select_option(label="Talk (30 min)")
    page.get_by_label("Experience level").select_option(label="Beginner")
    page.get_by_label("Abstract").fill("The speaker explains why forms get sent twice.")


def _fits(page) -> None:
    """Nothing sticks out sideways: no horizontal scrolling at this width."""
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{page.url} is {overflow}px too wide"


def _received(user) -> int:
    return Message.objects.filter(kind=MessageKind.SUBMISSION_RECEIVED, to=user.email).count()


@pytest.fixture(scope="module")
def screenshot():
    """This module's screenshots, in a folder of their own (kept for the whole module)."""
    return screenshot_taker(SCREENSHOT_DIR / "proposal-form")


@pytest.fixture
def cfp_event(transactional_db):
    event = EventFactory(name="FormConf", slug="formconf")
    SubmissionTypeFactory(event=event, name="Talk", default_duration=30)
    return event


@pytest.fixture
def speaker_page(site, new_page, cfp_event):
    speaker = SpeakerFactory()
    page = new_page()
    _log_in(page, site, speaker)
    return speaker, page


# --- sent twice ------------------------------------------------------------------------------


def test_proposal_form_submitted_again_after_back_creates_one_proposal(
    site, speaker_page, cfp_event, screenshot, page_problems
):
    speaker, page = speaker_page
    page.goto(site.url + f"/{cfp_event.slug}/submit/")
    _fill(page, "Sent twice")
    page.get_by_role("button", name="Submit", exact=True).click()
    expect(page).to_have_url(re.compile(r"/proposals/[A-Z0-9]+/$"))
    first_url = page.url

    page.go_back()
    expect(page.locator(".sent-before")).to_contain_text("This proposal was already submitted")
    screenshot(page, "proposal-form-after-back")
    expect(page.get_by_label("Title")).to_have_value("Sent twice")  # the browser refills it
    expect(page.locator("#id_title + .char-counter")).to_have_text("10 / 200")
    expect(page.locator("#abstract-preview")).to_contain_text("why forms get sent twice")
    page.get_by_role("button", name="Submit", exact=True).click()

    expect(page).to_have_url(first_url)
    expect(page.locator(".messages")).to_contain_text("This proposal was already submitted")
    screenshot(page, "proposal-submitted-again")
    assert [p.state for p in Proposal.objects.filter(speakers=speaker)] == [ProposalState.SUBMITTED]
    assert _received(speaker) == 1
    assert page_problems.errors == []


def test_proposal_form_saved_as_draft_then_submitted_after_back_creates_one_proposal(
    site, speaker_page, cfp_event, page_problems
):
    speaker, page = speaker_page
    page.goto(site.url + f"/{cfp_event.slug}/submit/")
    _fill(page, "Draft first")
    page.get_by_role("button", name="Save draft").click()
    expect(page.locator("h1 + .badge")).to_have_text("Draft")

    page.go_back()
    expect(page.locator(".sent-before")).to_contain_text("as the draft")
    page.get_by_label("Title").fill("Draft first, then final")
    page.get_by_role("button", name="Submit", exact=True).click()

    expect(page.locator("h1 + .badge")).to_have_text("Submitted")
    proposal = Proposal.objects.get(speakers=speaker)
    assert (proposal.title, proposal.state) == ("Draft first, then final", "submitted")
    assert _received(speaker) == 1
    assert page_problems.errors == []


# --- the live preview ------------------------------------------------------------------------


def test_abstract_preview_follows_a_paste_and_fill_without_a_key_press(
    site, speaker_page, cfp_event, page_problems
):
    _, page = speaker_page
    page.goto(site.url + f"/{cfp_event.slug}/submit/")
    preview = page.locator("#abstract-preview")
    expect(preview).to_contain_text("Start typing to see the preview.")

    # A paste with the mouse: the text changes and an `input` event fires, no key at all.
    page.get_by_label("Abstract").evaluate(
        """field => {
            field.value = "A **pasted** abstract.";
            const paste = {bubbles: true, inputType: "insertFromPaste"};
            field.dispatchEvent(new InputEvent("input", paste));
        }"""
    )
    expect(preview.locator("strong")).to_have_text("pasted")

    page.get_by_label("Abstract").fill("Now *filled* by autofill.")  # `input`, no keyup
    expect(preview.locator("em")).to_have_text("filled")
    assert page_problems.errors == []


def test_abstract_preview_shows_existing_text_on_load(site, speaker_page, cfp_event):
    speaker, page = speaker_page
    proposal = ProposalFactory(event=cfp_event, speakers=[speaker], abstract="Already **there**.")

    page.goto(site.url + proposal.get_absolute_url() + "edit/")

    expect(page.locator("#abstract-preview strong")).to_have_text("there")


# --- the length limit ------------------------------------------------------------------------


def test_abstract_long_paste_is_kept_counted_and_refused_by_the_server(
    site, speaker_page, cfp_event, screenshot, page_problems
):
    speaker, page = speaker_page
    page.set_viewport_size(PHONE)
    page.goto(site.url + f"/{cfp_event.slug}/submit/")
    _fill(page, "Too long")
    abstract = page.get_by_label("Abstract")
    counter = page.locator("#id_abstract + .char-counter")
    expect(counter).to_have_text("46 / 3,000")

    abstract.fill("")
    abstract.focus()
    page.keyboard.insert_text("x" * 100_000)  # as a paste arrives: not cut at 3,000

    assert len(abstract.input_value()) == 100_000
    expect(counter.locator(".char-count")).to_have_text("100,000 / 3,000")
    message = counter.locator(".char-limit-message")
    expect(message).to_have_text(
        "97,000 characters over the limit of 3,000: please shorten the text before you save."
    )
    # Said once, as the paste went over the limit; the count and this message, which change
    # at every key, are no live region (they are read with the field).
    expect(message).not_to_have_attribute("aria-live", "polite")
    expect(counter.locator(".char-announcement")).to_have_text(
        "97,000 characters over the limit of 3,000: please shorten the text before you save."
    )
    expect(counter.locator(".char-announcement")).to_have_attribute("aria-live", "polite")
    expect(counter).to_have_class(re.compile(r"\bover\b"))
    screenshot(page, "proposal-form-abstract-over-the-limit-390")
    _fits(page)
    assert_accessible(page)

    page.get_by_role("button", name="Submit", exact=True).click()
    expect(page.locator("#id_abstract ~ .invalid-feedback")).to_contain_text(
        "This text has 100,000 characters; at most 3,000 are allowed."
    )
    assert len(page.get_by_label("Abstract").input_value()) == 100_000  # given back whole
    assert not Proposal.objects.filter(speakers=speaker).exists()

    page.get_by_label("Abstract").fill("y" * 3000)
    expect(page.locator("#id_abstract + .char-counter .char-limit-message")).to_have_text(
        "You have reached the limit of 3,000 characters."
    )
    assert page_problems.errors == []


# --- after the deadline ----------------------------------------------------------------------


def test_proposal_form_after_the_deadline_is_a_read_only_record(
    site, speaker_page, cfp_event, screenshot, page_problems
):
    speaker, page = speaker_page
    page.set_viewport_size(PHONE)
    proposal = ProposalFactory(event=cfp_event, speakers=[speaker], title="Almost in time")
    page.goto(site.url + proposal.get_absolute_url() + "edit/")
    expect(page.locator("main")).to_contain_text("You can edit until")
    page.get_by_label("Title").fill("Changed too late")
    cfp = cfp_event.cfp
    cfp.opens_at = timezone.now() - timedelta(days=30)
    cfp.deadline = timezone.now() - timedelta(seconds=1)  # it passes while the page is open
    cfp.save()

    page.get_by_role("button", name="Submit", exact=True).click()

    expect(page.locator(".editing-ended")).to_contain_text("Editing ended on")
    expect(page.locator("main")).not_to_contain_text("You can edit until")
    for name in ("Submit", "Save draft", "Save changes"):
        expect(page.get_by_role("button", name=name, exact=True)).to_have_count(0)
    expect(page.get_by_label("Title")).to_have_value("Changed too late")
    expect(page.get_by_label("Title")).not_to_be_editable()
    expect(page.get_by_label("Submission type")).to_be_disabled()
    expect(page.get_by_role("link", name="Back to the proposal")).to_be_visible()
    screenshot(page, "proposal-form-after-the-deadline-390")
    _fits(page)
    assert_accessible(page)
    proposal.refresh_from_db()
    assert proposal.title == "Almost in time"
    assert page_problems.errors == []


# --- the history ---------------------------------------------------------------------------


def test_proposal_history_names_the_organizers_not_the_person(
    site, speaker_page, cfp_event, screenshot, page_problems
):
    speaker, page = speaker_page
    page.set_viewport_size(PHONE)
    olivia = SpeakerFactory(profile__name="Olivia Organizer", is_staff=True)
    cfp_event.organizers.add(olivia)
    proposal = ProposalFactory(event=cfp_event, speakers=[speaker], title="Decided")
    proposal.submit(by=speaker)
    decisions.proposal_decide(proposal=proposal, by=olivia, accept=False)
    outbox.messages_release(Message.objects.filter(proposal=proposal, state=MessageState.DRAFT))

    page.goto(site.url + proposal.get_absolute_url())

    history = page.locator("h2:has-text('History') + ul")
    expect(history).to_contain_text(f"Draft → Submitted by {speaker.display_name}")
    expect(history).to_contain_text("Submitted → Rejected by the organizers")
    expect(page.locator("body")).not_to_contain_text("Olivia")
    screenshot(page, "proposal-history-390")
    _fits(page)
    assert_accessible(page)
    assert page_problems.errors == []


# --- public talk pages -----------------------------------------------------------------------


def test_public_talk_pages_without_tracks_label_the_level(
    site, new_page, transactional_db, screenshot, page_problems
):
    event = EventFactory(name="No Tracks Conf", slug="notracks")
    talk = make_talk(
        event,
        title="For everyone",
        experience_level="any",
        submission_type=SubmissionTypeFactory(event=event, name="Presentation"),
    )
    publish(event)
    page = new_page()
    page.set_viewport_size(PHONE)

    page.goto(site.url + f"/{event.slug}/talks/")
    expect(page.locator(".talk-meta span")).to_have_text(["Presentation", "For all levels"])
    screenshot(page, "public-talks-390")
    _fits(page)
    assert_accessible(page)
    page.get_by_role("link", name="For everyone").click()

    facts = page.locator(".talk-dl")
    expect(facts).to_contain_text("All levels")
    expect(facts).not_to_contain_text("Track")
    expect(facts).not_to_contain_text("not given")
    screenshot(page, "public-talk-390")
    _fits(page)
    assert_accessible(page)
    assert talk.code in page.url
    assert page_problems.errors == []
