"""The reviewer's queue shows each proposal's state; a decided proposal (accepted, rejected,
confirmed, declined, cancelled) stays in the queue read-only and out of "N of M reviewed";
other reviewers in blind review are never numbered like a place in the queue."""

import re

import pytest
from django.urls import reverse

from cfp.enums import ProposalState
from cfp.models import Proposal
from reviews import selectors, services
from reviews.models import Review
from tests.factories import EventFactory, ProposalFactory, ReviewerFactory, ReviewerTeamFactory
from tests.helpers import list_rows, page
from tests.reviews.helpers import give_review
from tests.reviews.reviewer_pages import (
    QUEUE_URL,
    messages_of,
    progress_text,
    review_url,
    score_data,
    set_review_settings,
    submitted_for,
)

pytestmark = pytest.mark.django_db


def decide(proposal, state):
    type(proposal).objects.filter(pk=proposal.pk).update(state=state)
    proposal.refresh_from_db()
    return proposal


def test_the_queue_shows_each_state_and_counts_only_open_proposals(client, review_event, reviewer):
    open_one = submitted_for(review_event, "Open one", reviewer)
    reviewed = submitted_for(review_event, "Reviewed one", reviewer)
    give_review(reviewed, reviewer, 4)
    decide(submitted_for(review_event, "Accepted one", reviewer), ProposalState.ACCEPTED)
    decide(submitted_for(review_event, "Rejected one", reviewer), ProposalState.REJECTED)
    client.force_login(reviewer)

    response = client.get(QUEUE_URL)

    states = {row["title"]: row["state"] for row in list_rows(response)}
    assert states == {
        "Accepted one": "Accepted",
        "Open one": "Submitted",
        "Rejected one": "Rejected",
        "Reviewed one": "Submitted",
    }
    assert progress_text(response) == "1 of 2 reviewed"
    # Filtered (the progress line then counts the queue apart): the same figures.
    assert progress_text(client.get(QUEUE_URL, {"q": "one"})) == "1 of 2 reviewed"
    assert open_one.pk


def test_a_decided_proposal_is_read_only_for_review(client, review_event, reviewer):
    proposal = submitted_for(review_event, "Decided talk", reviewer)
    give_review(proposal, reviewer, 2, comment="First thoughts")
    decide(proposal, ProposalState.ACCEPTED)
    client.force_login(reviewer)

    body = page(client.get(review_url(proposal)))
    assert "This proposal is decided (Accepted): its reviews are read-only." in body
    assert 'name="_save"' not in body and 'name="_next"' not in body
    assert re.search(r'<textarea[^>]*name="comment"[^>]*disabled', body)

    response = client.post(review_url(proposal), score_data(review_event, 5, comment="Changed"))
    assert messages_of(response) == [
        "“Decided talk” is decided (Accepted): its reviews are read-only. Nothing was saved."
    ]
    review = Review.objects.get(proposal=proposal, reviewer=reviewer)
    assert (review.score, review.comment) == (2, "First thoughts")

    with pytest.raises(services.ReviewRefused, match="is decided"):
        give_review(proposal, reviewer, 5)


def test_save_and_next_skips_decided_proposals(client, review_event, reviewer):
    first = submitted_for(review_event, "A first", reviewer)
    decide(submitted_for(review_event, "B decided", reviewer), ProposalState.REJECTED)
    third = submitted_for(review_event, "C open", reviewer)
    client.force_login(reviewer)

    response = client.post(review_url(first), score_data(review_event, 3, _next="1"))

    assert response.status_code == 302
    assert response["Location"].startswith(review_url(third))


def test_other_reviewers_in_blind_review_are_lettered_not_numbered(client, review_event, reviewer):
    set_review_settings(review_event, blind=True, hide_others_until_scored=False)
    proposal = submitted_for(review_event, "Blind talk", reviewer)
    for value in (3, 5):
        other = ReviewerFactory()
        ReviewerTeamFactory(event=review_event, members=[other])
        give_review(proposal, other, value)
    client.force_login(reviewer)

    body = page(client.get(review_url(proposal)))

    assert re.findall(r"<h3>(Another reviewer \(\w\))", body) == [
        "Another reviewer (A)",
        "Another reviewer (B)",
    ]
    assert not re.search(r"Reviewer \d", body)


def test_the_queue_state_column_sorts(client, review_event, reviewer):
    decide(submitted_for(review_event, "Zed accepted", reviewer), ProposalState.ACCEPTED)
    submitted_for(review_event, "Alpha submitted", reviewer)
    client.force_login(reviewer)

    body = page(client.get(QUEUE_URL))
    state_link = re.search(r'column-state sortable.*?<a href="([^"]+)"', body, re.S)[1]
    rows = list_rows(client.get(reverse("admin:reviews_reviewqueueitem_changelist") + state_link))
    assert [row["title"] for row in rows] == ["Zed accepted", "Alpha submitted"]


def test_open_for_review_is_a_submitted_proposal_in_the_database_and_in_python():
    event = EventFactory()
    by_state = {state: ProposalFactory(event=event, state=state) for state in ProposalState}

    in_database = set(
        Proposal.objects.filter(selectors.OPEN_FOR_REVIEW).values_list("pk", flat=True)
    )
    in_python = {p.pk for p in by_state.values() if selectors.is_open_for_review(p)}

    assert in_database == in_python == {by_state[ProposalState.SUBMITTED].pk}
    # Decided proposals stay listed for review (the ranked list, the scores), read-only.
    listed = {by_state[s].pk for s in selectors.REVIEWABLE_STATES}
    assert listed - in_database == {
        by_state[s].pk
        for s in (ProposalState.ACCEPTED, ProposalState.REJECTED, ProposalState.CONFIRMED)
    }
