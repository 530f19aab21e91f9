"""Aggregates for organizers: count, mean, median, spread and the normalised score.

They run in the database, and must be the same statistic on PostgreSQL and on SQLite: this
module runs on whichever DATABASE_URL names (SQLite locally, PostgreSQL in CI).
"""

import statistics

import pytest
from django.db import connection

from reviews import selectors
from tests.factories import ProposalFactory, ReviewerFactory, ReviewerTeamFactory, SpeakerFactory
from tests.reviews.helpers import give_review

pytestmark = pytest.mark.django_db


def submitted_proposal(event, title):
    proposal = ProposalFactory(event=event, title=title)
    proposal.submit(by=proposal.speakers.get())
    return proposal


def by_title(queryset):
    return {p.title: p for p in queryset}


def test_aggregates_match_python_statistics(review_event, django_db_setup):
    reviewers = [ReviewerFactory() for _ in range(4)]
    ReviewerTeamFactory(event=review_event, members=reviewers)
    scores = {"Odd": [1, 5, 4], "Even": [2, 3, 5, 5], "Single": [4], "None": []}
    for title, values in scores.items():
        proposal = submitted_proposal(review_event, title)
        for reviewer, value in zip(reviewers, values, strict=False):
            give_review(proposal, reviewer, value)

    rows = by_title(selectors.ranked_proposals(review_event, SpeakerFactory()))

    for title, values in scores.items():
        row = rows[title]
        assert row.review_count == len(values), connection.vendor
        if not values:
            assert row.mean_score is None and row.median_score is None
            continue
        assert row.mean_score == pytest.approx(statistics.mean(values))
        assert row.median_score == pytest.approx(statistics.median(values))
        assert row.score_stddev == pytest.approx(statistics.pstdev(values))


def test_weighted_criteria_make_the_review_score(review_event, reviewer):
    from reviews.models import Criterion

    review_event.review_criteria.all().delete()  # its own criteria instead of "Overall"
    talk = Criterion.objects.create(event=review_event, name="Content", weight=3, position=0)
    slides = Criterion.objects.create(event=review_event, name="Delivery", weight=1, position=1)
    proposal = submitted_proposal(review_event, "Weighted")

    review = give_review(proposal, reviewer, {talk.pk: 5, slides.pk: 1})

    assert review.score == pytest.approx((3 * 5 + 1 * 1) / 4)


def test_worked_example_harsh_and_lenient_reviewer(review_event):
    """A harsh and a lenient reviewer: the normalised ranking, computed by hand.

    Harsh H scores A=1, B=1, C=3: mean 5/3, population sd sqrt(8/9) = 0.9428.
    Lenient L scores D=4, E=5, F=5: mean 14/3, population sd sqrt(2/9) = 0.4714.
    z-scores: A = B = -0.7071, C = +1.4142; D = -1.4142, E = F = +0.7071.
    The event's six scores have mean 19/6 = 3.1667 and population sd 1.6750, so on the
    event's scale (mean + sd × z): C = 5.5355, E = F = 4.3511, A = B = 1.9822, D = 0.7978.
    By raw mean D (4) would beat C (3); normalised, C is first and D is last.
    """
    harsh, lenient = ReviewerFactory(), ReviewerFactory()
    ReviewerTeamFactory(event=review_event, members=[harsh, lenient])
    plan = {harsh: {"A": 1, "B": 1, "C": 3}, lenient: {"D": 4, "E": 5, "F": 5}}
    proposals = {t: submitted_proposal(review_event, t) for t in "ABCDEF"}
    for reviewer, given in plan.items():
        for title, value in given.items():
            give_review(proposals[title], reviewer, value)

    ranked = selectors.ranked_proposals(review_event, SpeakerFactory())
    rows = by_title(ranked)

    expected = {"A": 1.9822, "B": 1.9822, "C": 5.5355, "D": 0.7978, "E": 4.3511, "F": 4.3511}
    for title, value in expected.items():
        assert rows[title].normalised == pytest.approx(value, abs=1e-3), title
    order = [p.title for p in ranked.order_by("-normalised", "title")]
    assert order == ["C", "E", "F", "A", "B", "D"]
    raw_order = [p.title for p in ranked.order_by("-mean_score", "title")]
    assert raw_order == ["E", "F", "D", "C", "A", "B"]


def test_reviewer_with_fewer_than_three_reviews_counts_raw(review_event):
    steady, newcomer = ReviewerFactory(), ReviewerFactory()
    ReviewerTeamFactory(event=review_event, members=[steady, newcomer])
    proposals = [submitted_proposal(review_event, t) for t in ("P1", "P2", "P3")]
    for proposal, value in zip(proposals, (2, 3, 4), strict=True):
        give_review(proposal, steady, value)
    only = submitted_proposal(review_event, "Only newcomer")
    give_review(only, newcomer, 5)

    rows = by_title(selectors.ranked_proposals(review_event, SpeakerFactory()))

    assert rows["Only newcomer"].normalised == pytest.approx(5.0)


def test_reviewer_without_spread_counts_raw(review_event):
    flat = ReviewerFactory()
    ReviewerTeamFactory(event=review_event, members=[flat])
    for title in ("X", "Y", "Z"):
        give_review(submitted_proposal(review_event, title), flat, 3)

    rows = by_title(selectors.ranked_proposals(review_event, SpeakerFactory()))

    assert [rows[t].normalised for t in "XYZ"] == [pytest.approx(3.0)] * 3


def test_a_proposal_without_reviews_has_no_statistics_on_any_database(review_event):
    submitted_proposal(review_event, "Unreviewed")

    row = selectors.ranked_proposals(review_event, SpeakerFactory()).get()

    assert row.review_count == 0
    assert (row.mean_score, row.median_score, row.score_stddev, row.normalised) == (
        None,
        None,
        None,
        None,
    ), connection.vendor
