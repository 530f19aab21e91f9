"""In a real browser: an organizer sets the event's form fields in the staff panel, and a
speaker opens the form with an access-code link after the deadline; both pages pass axe and
fit a 390 px screen."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cfp.enums import ProposalState
from cfp.models import AccessCode, CfP, Proposal
from tests.e2e.axe import assert_accessible
from tests.e2e.conftest import SCREENSHOT_DIR, admin_message, screenshot_taker
from tests.factories import (
    PASSWORD,
    EventFactory,
    SpeakerFactory,
    SubmissionTypeFactory,
    TrackFactory,
    UserFactory,
)

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def screenshot():
    return screenshot_taker(SCREENSHOT_DIR / "field-settings")


def _log_in(page, site, user) -> None:
    page.goto(site.url + "/accounts/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state("load")


def _fits(page) -> None:
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{page.url} is {overflow}px too wide"


@pytest.fixture
def event(transactional_db):
    event = EventFactory(name="FieldConf", slug="fieldconf")
    SubmissionTypeFactory(event=event, name="Talk", default_duration=30)
    return event


def test_organizer_sets_the_form_fields(site, new_page, screenshot, event):
    organizer = UserFactory(is_staff=True, email="olga@lectern.test")
    event.organizers.add(organizer)
    page = new_page()
    _log_in(page, site, organizer)

    page.goto(f"{site.url}/admin/cfp/event/{event.pk}/change/")
    page.get_by_role("link", name="Form fields").click()
    expect(page.get_by_role("heading", name="The other fields")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "form-fields-1280")
    page.get_by_label("How “Notes for the organizers” is asked").select_option("not_asked")
    page.get_by_label("Label of “Benefits to the ecosystem”").fill("Why it matters")
    page.get_by_label("Shortest abstract (characters)").fill("20")
    page.get_by_role("button", name="Save").click()

    expect(admin_message(page, "The form fields of FieldConf are saved.")).to_be_visible()
    cfp = CfP.objects.get(event=event)
    assert cfp.field_settings == {
        "notes": {"state": "not_asked"},
        "benefits": {"label": "Why it matters"},
    }
    assert cfp.abstract_min_length == 20
    page.set_viewport_size(PHONE)
    page.reload()
    _fits(page)
    assert_accessible(page)
    screenshot(page, "form-fields-390")


def test_speaker_opens_the_form_with_an_access_code_link(site, new_page, screenshot, event):
    TrackFactory(event=event, name="Developer")
    keynotes = TrackFactory(event=event, name="Keynotes", requires_access_code=True)
    event.cfp.deadline = timezone.now() - timedelta(hours=1)
    event.cfp.opens_at = timezone.now() - timedelta(days=30)
    event.cfp.field_settings = {"notes": {"state": "not_asked"}}
    event.cfp.save()
    code = AccessCode.objects.create(
        event=event, code="KEYNOTE-27", valid_until=timezone.now() + timedelta(days=2)
    )
    code.tracks.set([keynotes])
    speaker = SpeakerFactory()
    page = new_page()
    _log_in(page, site, speaker)

    page.goto(f"{site.url}/fieldconf/?access_code=KEYNOTE-27")
    page.get_by_role("link", name="Submit with your access code").click()

    expect(page.get_by_text("Your access code KEYNOTE-27 is applied.")).to_be_visible()
    assert page.get_by_label("Notes for the organizers").count() == 0
    assert_accessible(page)
    screenshot(page, "access-code-form-1280")
    page.set_viewport_size(PHONE)
    _fits(page)
    assert_accessible(page)
    screenshot(page, "access-code-form-390")
    page.get_by_label("Title").fill("Opening keynote")
    page.get_by_label("Submission type").select_option(label="Talk (30 min)")
    page.get_by_label("Track").select_option(label="Keynotes")
    page.get_by_label("Experience level").select_option(label="Beginner")
    page.get_by_label("Abstract").fill("The speaker opens the conference, in full sentences.")
    page.get_by_role("button", name="Submit", exact=True).click()

    expect(page.get_by_text("“Opening keynote” is submitted.")).to_be_visible()
    proposal = Proposal.objects.get()
    assert (proposal.state, proposal.track, proposal.access_code) == (
        ProposalState.SUBMITTED,
        keynotes,
        code,
    )
