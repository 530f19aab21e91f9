"""Issue 14's journey, in a real browser against the live server.

An organizer adds two questions in the staff panel: a public choice question limited to one
track, and a required, identifying file question. A speaker sees the choice question appear
only once they pick that track (no reload), answers both and submits. The reviewer (blind
review) sees the choice answer but nothing of the identifying file; the organizers' CSV
export has the answer; the public talk page, once the talk is published, shows the public
answer only.
"""

import csv
import io
import re
from datetime import time as clock

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from cfp import decisions
from cfp.enums import DECISION_KINDS, MessageState, ProposalState
from cfp.models import Message, Proposal, Question, Room
from cfp.programme import schedule
from reviews import selectors
from reviews.models import Assignment
from tests.cfp.questions_setup import PDF
from tests.e2e.axe import assert_accessible
from tests.e2e.conftest import SCREENSHOT_DIR, admin_message, screenshot_taker
from tests.factories import (
    PASSWORD,
    EventFactory,
    ReviewerFactory,
    ReviewerTeamFactory,
    SpeakerFactory,
    SubmissionTypeFactory,
    TrackFactory,
    UserFactory,
)

pytestmark = pytest.mark.browser

CHOICE = "Which language do you demo in?"
FILE = "Slides of a previous talk"
TITLE = "Memory safety in practice"


@pytest.fixture(scope="module")
def screenshot():
    return screenshot_taker(SCREENSHOT_DIR / "questions-journey")


def log_in(page, site, user, landing: str) -> None:
    page.goto(site.url + "/accounts/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(site.url + landing)


def test_questions_from_the_staff_panel_to_the_public_talk_page(
    transactional_db, site, new_page, screenshot, tmp_path
):
    organizer = UserFactory(is_staff=True, email="olga@journey.test")
    event = EventFactory(name="JourneyConf", slug="journeyconf", organizers=[organizer])
    review_settings = selectors.settings_for(event)
    review_settings.blind = True
    review_settings.save()
    SubmissionTypeFactory(event=event, name="Talk", default_duration=30)
    developer = TrackFactory(event=event, name="Developer")
    TrackFactory(event=event, name="Operations")
    reviewer = ReviewerFactory(email="rita@journey.test")
    ReviewerTeamFactory(event=event, name="Committee", members=[reviewer])
    speaker = SpeakerFactory(profile__name="Zebulon Quartermaine")

    # The organizer adds both questions in the staff panel.
    staff = new_page()
    log_in(staff, site, organizer, "/me/proposals/")
    staff.goto(site.url + "/admin/cfp/question/add/")
    staff.locator("#id_event").select_option(label=event.name)
    staff.locator("#id_kind").select_option(label="One choice")
    staff.locator("#id_question").fill(CHOICE)
    staff.locator("#id_required").check()
    staff.locator("#id_is_public").check()
    staff.get_by_label(f"{event.name}: Developer").check()
    staff.locator("#id_options-0-text").fill("Rust")
    staff.locator("#id_options-1-text").fill("Go")
    staff.get_by_role("button", name="Save and add another").click()
    expect(admin_message(staff, "was added successfully")).to_be_visible()

    staff.locator("#id_event").select_option(label=event.name)
    staff.locator("#id_kind").select_option(label="File upload")
    staff.locator("#id_question").fill(FILE)
    staff.locator("#id_required").check()
    staff.locator("#id_is_identifying").check()
    staff.get_by_label("PDF", exact=True).check()
    staff.locator("#id_max_file_size").fill("2")
    assert_accessible(staff)
    screenshot(staff, "organizer-adds-the-file-question")
    staff.get_by_role("button", name="Save", exact=True).click()
    expect(admin_message(staff, "was added successfully")).to_be_visible()
    choice, upload = Question.objects.order_by("pk")
    assert list(choice.tracks.all()) == [developer]
    assert upload.kind == "file" and upload.is_identifying and upload.file_types == ["pdf"]

    # The speaker: the choice question shows only for its track, in the browser.
    form = new_page()
    log_in(form, site, speaker, "/me/proposals/")
    form.goto(f"{site.url}/{event.slug}/submit/")
    asked = form.locator(".question[data-tracks]")
    expect(asked).to_be_hidden()
    expect(form.get_by_label(FILE)).to_be_visible()
    form.get_by_label("Track").select_option(label="Operations")
    expect(asked).to_be_hidden()
    form.get_by_label("Track").select_option(label="Developer")
    expect(asked).to_be_visible()
    form.get_by_label("Title").fill(TITLE)
    form.get_by_label("Submission type").select_option(label="Talk (30 min)")
    form.get_by_label("Experience level").select_option(label="Beginner")
    form.get_by_label("Abstract").fill("The speaker shows how memory safety works in practice.")
    form.get_by_label("Go", exact=True).check()
    slides = tmp_path / "zebulon-at-rustconf.pdf"
    slides.write_bytes(PDF)
    form.get_by_label(FILE).set_input_files(str(slides))
    assert_accessible(form)
    screenshot(form, "speaker-answers")
    form.get_by_role("button", name="Submit").click()
    expect(form.get_by_text("is submitted")).to_be_visible()
    proposal = Proposal.objects.get()
    assert proposal.state == ProposalState.SUBMITTED
    stored = proposal.answers.get(question=upload)
    expect(form.get_by_text("Go", exact=True)).to_be_visible()  # on the speaker's page

    # The reviewer, in blind review: the choice answer, nothing of the identifying file.
    Assignment.objects.create(proposal=proposal, reviewer=reviewer)
    review = new_page()
    log_in(review, site, reviewer, "/me/proposals/")
    review.goto(site.url + reverse("admin:reviews_reviewqueueitem_change", args=[proposal.pk]))
    expect(review.get_by_role("heading", name=TITLE)).to_be_visible()
    expect(review.get_by_text(CHOICE)).to_be_visible()
    expect(review.get_by_text("Go", exact=True)).to_be_visible()
    source = review.content()
    for secret in (FILE, "zebulon-at-rustconf", stored.file.name, "Zebulon", "/file/"):
        assert secret not in source, secret
    assert_accessible(review)
    screenshot(review, "reviewer-page")

    # Accepted, confirmed, placed and published (the decision journey tests the pages).
    decisions.proposal_decide(proposal=proposal, by=organizer, accept=True)
    Message.objects.filter(kind__in=DECISION_KINDS, state=MessageState.DRAFT).update(
        state=MessageState.SENT
    )
    decisions.proposal_confirm(proposal=proposal, by=speaker)
    proposal.refresh_from_db()
    room = Room.objects.create(event=event, name="Saal 1", capacity=200)
    start = schedule.local_to_utc(event, event.start_date, clock(10, 0))
    schedule.talk_place(event=event, proposal=proposal, room=room, start=start)
    schedule.schedule_publish(event=event, name="1.0", by=organizer, notify=False)

    # The organizers' CSV export: a column per proposal question.
    export = staff.request.get(
        site.url + reverse("admin:cfp_event_export_talks_csv", args=[event.pk])
    )
    assert export.status == 200
    rows = list(csv.DictReader(io.StringIO(export.text().lstrip("\ufeff"))))
    assert [row["title"] for row in rows] == [TITLE]
    assert rows[0][CHOICE] == "Go"
    assert rows[0][FILE] == "zebulon-at-rustconf.pdf"

    # The public talk page: the public answer only.
    public = new_page()
    public.goto(f"{site.url}/{event.slug}/talks/{proposal.code}/")
    expect(public.get_by_role("heading", name=TITLE)).to_be_visible()
    expect(public.get_by_text(CHOICE)).to_be_visible()
    expect(public.get_by_text("Go", exact=True)).to_be_visible()
    source = public.content()
    assert FILE not in source and "zebulon-at-rustconf" not in source
    assert not re.search(r"/answers/\d+/file/", source)
    assert_accessible(public)
    screenshot(public, "public-talk-page")
