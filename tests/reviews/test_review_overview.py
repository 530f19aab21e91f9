"""One proposal's reviews side by side and the reviewers' progress, and what the organizers'
pages cost in queries."""

import pytest
from django.urls import reverse

from reviews import services
from reviews.models import Assignment, Criterion
from speakers.models import User
from tests.factories import (
    EventFactory,
    ReviewerFactory,
    ReviewerTeamFactory,
    TrackFactory,
)
from tests.helpers import page
from tests.reviews.helpers import add_reviewed_proposals, count_queries, give_review, submitted

pytestmark = pytest.mark.django_db


def test_proposal_reviews_side_by_side(client, organizer):
    event = EventFactory(organizers=[organizer], timezone="Asia/Tokyo")
    event.review_criteria.all().delete()  # its own criteria instead of the default "Overall"
    content = Criterion.objects.create(
        event=event, name="Content", weight=3, labels="5 = Excellent", position=0
    )
    delivery = Criterion.objects.create(event=event, name="Delivery", weight=1, position=1)
    ada, bob, cy = (ReviewerFactory(profile__name=n, profile__affiliation=n) for n in "ABC")
    ReviewerTeamFactory(event=event, members=[ada, bob, cy])
    proposal = submitted(event, "Observability ✨")
    give_review(
        proposal, ada, {content.pk: 5, delivery.pk: 1}, comment="Deep dive", feedback="Slow down"
    )
    give_review(proposal, bob, {content.pk: 2, delivery.pk: 4}, comment="Too basic")
    Assignment.objects.create(proposal=proposal, reviewer=cy)
    client.force_login(organizer)

    response = client.get(reverse("admin:reviews_rankedproposal_change", args=[proposal.pk]))

    body = page(response)
    assert response.status_code == 200
    assert response.context["reviewers"] == [
        f"A <{ada.email}>",
        f"B <{bob.email}>",
    ]
    rows = {row["label"]: row["cells"] for row in response.context["rows"]}
    assert rows["Content (1–5, weight 3)"] == ["5 – Excellent", "2"]
    assert rows["Delivery (1–5)"] == ["1", "4"]
    assert rows["Weighted score"] == ["4.00", "2.50"]  # (3·5+1)/4, (3·2+4)/4
    for text in ("Deep dive", "Slow down", "Too basic", "Asia/Tokyo", "Observability ✨"):
        assert text in body
    assert dict(response.context["aggregates"]) == {
        "Reviews": 2,
        "Mean": "3.25",
        "Median": "3.25",
        "Disagreement (sd)": "0.75",
        "Normalised": "3.25",  # nobody has three reviews: raw scores
    }
    assert response.context["waiting"] == [f"C <{cy.email}>"]
    assert "None" not in body


def test_reviewer_progress_counts_and_distribution(client, organizer):
    event = EventFactory(organizers=[organizer])
    busy = ReviewerFactory(profile__name="Busy Bee", profile__affiliation="Hive")
    idle = ReviewerFactory(profile__name="Idle Ivy", profile__affiliation="Garden")
    ReviewerTeamFactory(event=event, members=[busy, idle])
    proposals = [submitted(event, f"Talk {i}") for i in range(3)]
    give_review(proposals[0], busy, 4)
    give_review(proposals[1], busy, 4)
    Assignment.objects.create(proposal=proposals[2], reviewer=busy)
    client.force_login(organizer)

    response = client.get(reverse("admin:reviews_rankedproposal_reviewers"))

    rows = {row["name"].split(" <")[0]: row for row in response.context["rows"]}
    assert response.context["bins"] == ["1", "2", "3", "4", "5"]
    assert (rows["Busy Bee"]["assigned"], rows["Busy Bee"]["reviewed"]) == (3, 2)
    assert rows["Busy Bee"]["done"] == 67
    assert rows["Busy Bee"]["mean"] == "4.00"
    assert [bar["count"] for bar in rows["Busy Bee"]["bars"]] == [0, 0, 0, 2, 0]
    assert rows["Idle Ivy"]["done"] is None and rows["Idle Ivy"]["mean"] is None
    assert "nothing assigned" in page(response)


def test_reviewer_progress_leaves_out_the_organizers_own_proposal(client, organizer):
    event = EventFactory(organizers=[organizer])
    reviewer = ReviewerFactory(profile__name="Rex", profile__affiliation="Elsewhere")
    ReviewerTeamFactory(event=event, members=[reviewer])
    give_review(submitted(event, "Mine", speakers=[organizer]), reviewer, 1)
    give_review(submitted(event, "Theirs"), reviewer, 5)
    client.force_login(organizer)

    response = client.get(reverse("admin:reviews_rankedproposal_reviewers"))

    (row,) = response.context["rows"]
    assert (row["assigned"], row["reviewed"]) == (1, 1)
    assert [bar["count"] for bar in row["bars"]] == [0, 0, 0, 0, 1]
    assert "1 proposal is hidden" in page(response)


def test_proposal_reviews_page_query_count_does_not_grow(client, organizer):
    event = EventFactory(organizers=[organizer])
    few = [ReviewerFactory() for _ in range(2)]
    many = [ReviewerFactory() for _ in range(8)]
    ReviewerTeamFactory(event=event, members=few + many)
    add_reviewed_proposals(event, few, 1)
    add_reviewed_proposals(event, many, 1)
    small, large = event.proposals.order_by("pk")
    client.force_login(organizer)

    counts = [
        count_queries(client, reverse("admin:reviews_rankedproposal_change", args=[p.pk]))[0]
        for p in (small, large)
    ]

    assert counts[0] == counts[1], counts


def test_reviewer_progress_query_count_does_not_grow(client, organizer):
    event = EventFactory(organizers=[organizer])
    url = reverse("admin:reviews_rankedproposal_reviewers")
    client.force_login(organizer)
    counts = []
    for reviewers, proposals in ((3, 10), (12, 60)):
        team = [ReviewerFactory() for _ in range(reviewers)]
        ReviewerTeamFactory(event=event, members=team)
        add_reviewed_proposals(event, team, proposals)
        queries, response = count_queries(client, url)
        assert (
            len(response.context["rows"]) == User.objects.filter(review_teams__event=event).count()
        )
        counts.append(queries)

    assert counts[0] == counts[1], counts


@pytest.mark.parametrize(
    "url_name",
    [
        "admin:reviews_conflict_changelist",
        "admin:reviews_assignment_changelist",
        "admin:reviews_conflict_suggestions",
        "admin:reviews_reviewerteam_changelist",
    ],
)
def test_other_organizer_pages_cost_the_same_at_two_sizes(client, organizer, url_name):
    event = EventFactory(organizers=[organizer])
    client.force_login(organizer)
    counts, shown = [], []
    for size in (2, 12):
        # Reviewers at the speakers' company (the factories' "Example Corp"): every pair is a
        # suggestion, until the conflicts added below.
        reviewers = [ReviewerFactory() for _ in range(size)]
        ReviewerTeamFactory(event=event, members=reviewers, tracks=[TrackFactory(event=event)])
        add_reviewed_proposals(event, reviewers, size)
        for proposal in event.proposals.all()[: size // 2]:
            services.conflict_add(proposal=proposal, reviewer=reviewers[0], by=organizer)
        queries, response = count_queries(client, reverse(url_name))
        context = response.context
        shown.append(context["cl"].result_count if "cl" in context else len(context["suggestions"]))
        counts.append(queries)

    assert 0 < shown[0] < shown[1], shown
    assert counts[0] == counts[1], counts
