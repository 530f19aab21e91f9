"""A reviewer's journey through the staff panel, in a real browser against the live server.

Log in (the staff panel sends people to the site's login), open "Proposals to review", score
three proposals one after the other with "Save and next unreviewed", and see the progress
line go from "0 of 3 reviewed" to "3 of 3 reviewed". The event reviews blind: no page on the
way names a speaker.
"""

import re

import pytest
from playwright.sync_api import expect

from cfp.enums import ProposalState
from reviews import selectors
from reviews.models import Assignment, Review
from tests.e2e.conftest import SCREENSHOT_DIR, admin_message, screenshot_taker
from tests.factories import (
    PASSWORD,
    EventFactory,
    ProposalFactory,
    ReviewerFactory,
    ReviewerTeamFactory,
    SpeakerFactory,
    SubmissionTypeFactory,
    TrackFactory,
)
from tests.reviews.helpers import give_review

pytestmark = pytest.mark.browser

REVIEWER_EMAIL = "rita.reviewer@example.org"
SPEAKER_NAME = "Zebulon Quartermaine"
TITLES = [
    "A gentle introduction to eBPF",
    "Bootstrapping a community from zero",
    "Chaos engineering on a budget",
]
SCORES = ["4 – Good", "2 – Weak", "5 – Excellent"]
REVIEWER_SHOTS = SCREENSHOT_DIR / "reviewer"


@pytest.fixture
def shot():
    return screenshot_taker(REVIEWER_SHOTS, prefix="reviewer-")


_message = admin_message


def test_reviewer_scores_three_proposals(transactional_db, site, new_page, shot, page_problems):
    event = EventFactory(name="Open Infra Review Days", slug="infra-review")
    review_settings = selectors.settings_for(event)
    review_settings.blind = True
    review_settings.save()
    track = TrackFactory(event=event, name="Operations")
    talk = SubmissionTypeFactory(event=event, name="Presentation", default_duration=40)
    reviewer = ReviewerFactory(email=REVIEWER_EMAIL, profile__name="Rita Reviewer")
    colleague = ReviewerFactory(profile__name="Carl Colleague")
    ReviewerTeamFactory(event=event, name="Programme committee", members=[reviewer, colleague])
    speaker = SpeakerFactory(profile__name=SPEAKER_NAME, profile__affiliation="Quartermaine Inc")
    proposals = []
    for title in TITLES:
        proposal = ProposalFactory(
            event=event,
            title=title,
            track=track,
            submission_type=talk,
            abstract=f"The speaker explains **{title.lower()}**, in complete sentences.",
            audience="Operators who run *small* teams.",
            speakers=[speaker],
            state=ProposalState.SUBMITTED,
        )
        Assignment.objects.create(proposal=proposal, reviewer=reviewer)
        proposals.append(proposal)
    give_review(proposals[0], colleague, 3, comment="Clear scope, good demo plan.")

    page = new_page()

    # 1. The staff panel sends the reviewer to the site's login, and back.
    page.goto(site.url + "/admin/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/admin/"))
    shot(page, "login")
    page.get_by_label("Email").fill(REVIEWER_EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(site.url + "/admin/")
    expect(page.get_by_role("link", name="Proposals to review").first).to_be_visible()
    shot(page, "index")

    # 2. The queue: three proposals, none reviewed yet.
    page.get_by_role("link", name="Proposals to review").first.click()
    expect(page).to_have_url(site.url + "/admin/reviews/reviewqueueitem/")
    expect(page.get_by_role("heading", name="Proposals to review")).to_be_visible()
    expect(page.locator(".review-progress")).to_contain_text("0 of 3 reviewed")
    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.first.locator(".field-your_score")).to_have_text("–")
    expect(rows.first.locator(".field-track")).to_have_text("Operations")
    expect(page.locator("#content")).not_to_contain_text(SPEAKER_NAME)
    shot(page, "queue-empty")

    # 3. Score each proposal, going on with "Save and next unreviewed".
    page.get_by_role("link", name=TITLES[0]).click()
    for number, (title, score) in enumerate(zip(TITLES, SCORES, strict=True)):
        expect(page.get_by_role("heading", name=title, level=1)).to_be_visible()
        expect(page.locator(".review-text .markdown strong").first).to_have_text(title.lower())
        expect(page.locator(".blind-note")).to_have_text("Hidden: this event reviews blind.")
        expect(page.locator("#content")).not_to_contain_text(SPEAKER_NAME)
        expect(page.locator("#content")).not_to_contain_text("Quartermaine")
        if number == 0:
            # The colleague's review waits until Rita has scored (the default setting).
            expect(page.locator(".other-reviews")).to_contain_text(
                "appear once you have saved your own review"
            )
            expect(page.locator(".other-reviews")).not_to_contain_text("Clear scope")
        shot(page, f"review-{number + 1}")
        page.get_by_label("Comment for the organizers").fill(f"Comment on talk {number + 1}.")
        if number == 0:
            # Forgetting the score: nothing is saved, the typed comment stays.
            page.get_by_role("button", name="Save and next unreviewed").click()
            expect(page.locator(".errornote")).to_have_text(
                "Please correct the error below. Nothing was saved."
            )
            expect(page.locator(".errorlist")).to_have_text("Please score “Overall”.")
            expect(page.get_by_label("Comment for the organizers")).to_have_value(
                "Comment on talk 1."
            )
            shot(page, "review-1-missing-score")
            assert not Review.objects.filter(reviewer=reviewer).exists()
        page.get_by_role("radio", name=score).check()
        page.get_by_role("button", name="Save and next unreviewed").click()
        expect(_message(page, f"Your review of “{title}” is saved.")).to_be_visible()

    # 4. Back in the queue: everything reviewed.
    expect(page).to_have_url(site.url + "/admin/reviews/reviewqueueitem/")
    expect(_message(page, "No other unreviewed proposal is left in your queue.")).to_be_visible()
    expect(page.locator(".review-progress")).to_contain_text("3 of 3 reviewed")
    expect(rows.nth(0).locator(".field-your_score")).to_have_text("4")
    expect(rows.nth(1).locator(".field-your_score")).to_have_text("2")
    expect(rows.nth(2).locator(".field-your_score")).to_have_text("5")
    expect(rows.nth(0).locator(".field-review_total")).to_have_text("2")
    shot(page, "queue-done")

    reviews = {
        r.proposal.title: (r.score, r.comment)
        for r in Review.objects.filter(reviewer=reviewer).select_related("proposal")
    }
    assert reviews == {
        TITLES[0]: (4, "Comment on talk 1."),
        TITLES[1]: (2, "Comment on talk 2."),
        TITLES[2]: (5, "Comment on talk 3."),
    }

    # 5. Now that Rita has scored, the colleague's review shows, under a pseudonym.
    page.get_by_role("link", name=TITLES[0]).click()
    others = page.locator(".other-reviews")
    expect(others).to_contain_text("Another reviewer (A)")
    expect(others).to_contain_text("Clear scope, good demo plan.")
    expect(others).not_to_contain_text("Carl Colleague")
    expect(page.get_by_role("radio", name=SCORES[0])).to_be_checked()
    shot(page, "review-with-others")

    # 6. "I know this speaker" asks first; going back changes nothing.
    page.get_by_role("link", name="I know this speaker").click()
    expect(page.get_by_role("heading", name="Declare a conflict of interest")).to_be_visible()
    expect(page.locator("#content")).to_contain_text(TITLES[0])
    shot(page, "conflict-confirm")
    page.get_by_role("link", name="No, back to the proposal").click()
    expect(page.get_by_role("heading", name=TITLES[0], level=1)).to_be_visible()
    assert Review.objects.filter(reviewer=reviewer).count() == 3

    assert page_problems.errors == []
