"""Other reviewers' reviews on the review page, and conflicts of interest as a reviewer meets
them."""

import pytest

from reviews import services
from reviews.enums import ConflictSource, QueueMode
from reviews.models import Assignment, Conflict, Review
from tests.factories import ReviewerFactory, ReviewerTeamFactory, UserFactory
from tests.helpers import page
from tests.reviews.helpers import give_review
from tests.reviews.reviewer_pages import (
    QUEUE_URL,
    conflict_url,
    messages_of,
    queue_titles,
    review_url,
    score_data,
    set_review_settings,
    submitted_for,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def second_opinion(review_event, talk):
    other = ReviewerFactory(profile__name="Otto Other")
    ReviewerTeamFactory(event=review_event, members=[other])
    give_review(talk, other, 2, comment="A second opinion.")
    return other


def test_others_hidden_until_the_reviewer_has_scored(
    client, review_event, reviewer, talk, second_opinion
):
    set_review_settings(review_event, hide_others_until_scored=True)
    client.force_login(reviewer)

    before = page(client.get(review_url(talk)))
    client.post(review_url(talk), score_data(review_event, 4))
    after = page(client.get(review_url(talk)))

    assert "A second opinion." not in before
    assert "Otto Other" not in before
    assert "appear once you have saved your own review" in before
    assert "A second opinion." in after
    assert "Otto Other" in after
    assert "score 2" in after


def test_others_shown_at_once_when_not_hidden(client, review_event, reviewer, talk, second_opinion):
    set_review_settings(review_event, hide_others_until_scored=False)
    client.force_login(reviewer)

    body = page(client.get(review_url(talk)))

    assert "A second opinion." in body and "Otto Other" in body


def test_others_never_include_the_reviewers_own_review(
    client, review_event, reviewer, talk, second_opinion
):
    # The page reads every review of the proposal at once and splits off the reviewer's own.
    set_review_settings(review_event, hide_others_until_scored=False)
    give_review(talk, reviewer, 5, comment="My own words.")
    client.force_login(reviewer)

    body = page(client.get(review_url(talk)))
    others = body.split('class="module other-reviews"')[1]

    assert "A second opinion." in others and "Otto Other" in others
    assert "My own words." not in others
    assert others.count('class="other-review"') == 1
    assert "My own words." in body.split('class="module other-reviews"')[0]  # in the form


def test_blind_review_shows_others_as_pseudonyms(
    client, review_event, reviewer, talk, second_opinion
):
    set_review_settings(review_event, hide_others_until_scored=False, blind=True)
    third = ReviewerFactory(profile__name="Thea Third")
    ReviewerTeamFactory(event=review_event, members=[third])
    give_review(talk, third, 5, comment="Third view.")
    client.force_login(reviewer)

    body = page(client.get(review_url(talk)))

    assert "Another reviewer (A)" in body and "Another reviewer (B)" in body
    assert "A second opinion." in body and "Third view." in body
    assert "Otto Other" not in body and "Thea Third" not in body


def test_reviewer_never_sees_a_proposal_they_speak_on(client, review_event, reviewer, talk):
    own = submitted_for(review_event, "My own talk", reviewer, speakers=[reviewer])
    set_review_settings(review_event, queue=QueueMode.TRACKS)
    client.force_login(reviewer)

    listing = client.get(QUEUE_URL)
    detail = client.get(review_url(own))

    assert queue_titles(listing) == [talk.title]
    assert detail.status_code == 404
    assert "My own talk" not in page(detail)
    assert client.post(review_url(own), score_data(review_event, 5)).status_code == 404
    assert not Review.objects.exists()


def test_declared_conflict_confirms_then_removes_from_queue(
    client, review_event, reviewer, talk, second_opinion
):
    set_review_settings(review_event, hide_others_until_scored=False)
    give_review(talk, reviewer, 4)
    client.force_login(reviewer)

    confirm = client.get(conflict_url(talk))
    assert confirm.status_code == 200
    assert "Yes, I have a conflict" in page(confirm)
    assert not Conflict.objects.exists()  # the GET only asks

    response = client.post(conflict_url(talk), {"reason": "Former colleague."})

    assert response.url == QUEUE_URL
    conflict = Conflict.objects.get()
    assert (conflict.proposal, conflict.reviewer, conflict.source, conflict.reason) == (
        talk,
        reviewer,
        ConflictSource.DECLARED,
        "Former colleague.",
    )
    assert conflict.created_by == reviewer
    followed = client.get(response.url)
    assert queue_titles(followed) == []
    assert any("You declared a conflict of interest" in m for m in messages_of(followed))
    detail = client.get(review_url(talk))
    assert detail.status_code == 404
    assert "A second opinion." not in page(detail)
    # Their review and assignment went with it.
    assert not Review.objects.filter(reviewer=reviewer).exists()
    assert not Assignment.objects.filter(reviewer=reviewer).exists()


def test_conflict_reason_too_long_is_refused(client, reviewer, talk):
    client.force_login(reviewer)

    response = client.post(conflict_url(talk), {"reason": "x" * 301})

    assert response.status_code == 200
    assert "Ensure this value has at most 300 characters" in page(response)
    assert not Conflict.objects.exists()


def test_conflict_declared_by_an_organizer_hides_the_proposal(client, review_event, reviewer):
    talk = submitted_for(review_event, "Known speaker", reviewer)
    services.conflict_add(proposal=talk, reviewer=reviewer, by=UserFactory())
    client.force_login(reviewer)

    assert queue_titles(client.get(QUEUE_URL)) == []
    assert client.get(review_url(talk)).status_code == 404
    assert client.get(conflict_url(talk)).status_code == 404
