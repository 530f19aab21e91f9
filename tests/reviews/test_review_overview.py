"""One proposal's reviews side by side and the reviewers' progress, and what the organizers'
pages cost in queries."""

import re

import pytest
from django.urls import reverse

from reviews import services
from reviews.models import Assignment, Criterion
from speakers.models import User
from tests.factories import EventFactory, ReviewerFactory, ReviewerTeamFactory, TrackFactory
from tests.helpers import list_total, page, table, tables
from tests.reviews.helpers import add_reviewed_proposals, count_queries, give_review, submitted

pytestmark = pytest.mark.django_db


def aggregates(response) -> dict[str, str]:
    """The figures in the page's "Aggregates" list, by their label."""
    figures = re.search(r'<ul class="lectern-aggregates"[^>]*>(.*?)</ul>', page(response), re.S)
    return dict(re.findall(r"<li>(.*?)<strong>(.*?)</strong></li>", figures.group(1)))


def histograms(response) -> list[str]:
    """Each reviewer's scores given, as the histogram tells a screen reader ("2×4" is two 4s)."""
    return re.findall(r'class="lectern-histogram" role="img" aria-label="([^"]*)"', page(response))


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
    header, *reviews = table(response, "Reviews, side by side")
    assert header == ["", f"A <{ada.email}>", f"B <{bob.email}>"]
    rows = {label: cells for label, *cells in reviews}
    assert rows["Content (1–5, weight 3)"] == ["5 – Excellent", "2"]
    assert rows["Delivery (1–5)"] == ["1", "4"]
    assert rows["Weighted score"] == ["4.00", "2.50"]  # (3·5+1)/4, (3·2+4)/4
    for text in ("Deep dive", "Slow down", "Too basic", "Asia/Tokyo", "Observability ✨"):
        assert text in body
    assert aggregates(response) == {
        "Reviews": "2",
        "Mean": "3.25",
        "Median": "3.25",
        "Disagreement (sd)": "0.75",
        "Normalised": "3.25",  # nobody has three reviews: raw scores
    }
    assert f"Assigned, not reviewed yet: C &lt;{cy.email}&gt;</p>" in body
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

    header, *rows = table(response, f"Reviewers of {event.name}")
    shown = {
        name.split(" <")[0]: (assigned, reviewed, progress, mean, histogram)
        for (name, assigned, reviewed, progress, mean, _), histogram in zip(
            rows, histograms(response), strict=True
        )
    }
    assert header[:5] == ["Reviewer", "Assigned", "Reviewed", "Progress", "Mean score"]
    assert shown["Busy Bee"] == ("3", "2", "67%", "4.00", "0×1, 0×2, 0×3, 2×4, 0×5")
    assert shown["Idle Ivy"] == ("0", "0", "nothing assigned", "–", "0×1, 0×2, 0×3, 0×4, 0×5")


def test_reviewer_progress_leaves_out_the_organizers_own_proposal(client, organizer):
    event = EventFactory(organizers=[organizer])
    reviewer = ReviewerFactory(profile__name="Rex", profile__affiliation="Elsewhere")
    ReviewerTeamFactory(event=event, members=[reviewer])
    give_review(submitted(event, "Mine", speakers=[organizer]), reviewer, 1)
    give_review(submitted(event, "Theirs"), reviewer, 5)
    client.force_login(organizer)

    response = client.get(reverse("admin:reviews_rankedproposal_reviewers"))

    _, row = table(response, f"Reviewers of {event.name}")
    assert (row[1], row[2]) == ("1", "1")
    assert histograms(response) == ["0×1, 0×2, 0×3, 0×4, 1×5"]
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
        reviewers_shown = len(table(response, f"Reviewers of {event.name}")) - 1
        assert reviewers_shown == User.objects.filter(review_teams__event=event).count()
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
        if url_name == "admin:reviews_conflict_suggestions":
            (listed,) = [t for t in tables(response) if t["caption"].endswith("suggestions")]
            shown.append(len(listed["rows"]) - 1)  # less the header row
        else:
            shown.append(list_total(response))
        counts.append(queries)

    assert 0 < shown[0] < shown[1], shown
    assert counts[0] == counts[1], counts
