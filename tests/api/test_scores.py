"""The stored review figures per proposal through the API (organizers): what the ranked list
shows, best normalised score first, unreviewed proposals last."""

import pytest

from reviews import scores, selectors
from speakers.models import ApiTokenScope
from tests.api.helpers import assert_matches_schema
from tests.api.organizer_world import API, ROLES, call, make_world, submitted
from tests.factories import ReviewerFactory, ReviewerTeamFactory
from tests.reviews.helpers import add_reviewed_proposals, give_review

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    """Alpha 5,5,4 · Bravo 2,4,1 · Charlie 3 · the world's Kernel talk and Delta unreviewed."""
    world = make_world()
    event = world.event
    reviewers = [world.reviewer, *(ReviewerFactory() for _ in range(2))]
    ReviewerTeamFactory(event=event, members=reviewers[1:])
    plan = {"Alpha": [5, 5, 4], "Bravo": [2, 4, 1], "Charlie": [3], "Delta": []}
    world.proposals = {}
    for title, values in plan.items():
        proposal = world.proposals[title] = submitted(event, title)
        for reviewer, value in zip(reviewers, values, strict=False):
            give_review(proposal, reviewer, value)
    scores.scores_refresh(event)  # what the Celery task does after the reviews' commit
    return world


def scores_url(query: str = "") -> str:
    return f"{API}/kernel/scores/{query}"


def test_the_figures_are_the_ranked_lists(world):
    response = call(world, "organizer", scope=ApiTokenScope.READ).get(scores_url())

    assert response.status_code == 200
    assert_matches_schema(response)
    rows = response.json()["results"]
    ranked = {
        p.code: (p.review_count, p.mean_score, p.median_score, p.score_stddev, p.normalised)
        for p in selectors.ranked_scores(world.event, world.organizer)
    }
    assert {
        row["code"]: (row["review_count"], row["mean"], row["median"], row["spread"],
                      row["normalised"])
        for row in rows
    } == ranked  # fmt: skip
    alpha = rows[0]
    assert (alpha["title"], alpha["state"], alpha["review_count"]) == ("Alpha", "submitted", 3)
    assert alpha["mean"] == pytest.approx(14 / 3) and alpha["median"] == 5
    titles = [row["title"] for row in rows]
    assert titles[:3] == ["Alpha", "Charlie", "Bravo"]
    assert sorted(titles[3:]) == ["Delta", "Kernel talk"]  # unreviewed: last
    assert [row["normalised"] for row in rows[3:]] == [None, None]


def test_a_proposal_submitted_since_the_last_refresh_is_listed(world):
    late = submitted(world.event, "Late talk")

    response = call(world, "organizer").get(scores_url())

    row = next(r for r in response.json()["results"] if r["code"] == late.code)
    assert (row["review_count"], row["mean"], row["normalised"]) == (0, None, None)


def test_pages_follow_the_ranking_without_a_row_twice(world):
    api = call(world, "organizer")

    seen, url = [], scores_url("?page_size=2")
    while url:
        response = api.get(url)
        assert response.status_code == 200
        assert_matches_schema(response)
        seen += [row["title"] for row in response.json()["results"]]
        url = response.json()["next"]

    assert seen[:3] == ["Alpha", "Charlie", "Bravo"]
    assert sorted(seen[3:]) == ["Delta", "Kernel talk"]


def test_a_proposal_the_organizer_speaks_on_is_left_out(world):
    world.proposals["Alpha"].speakers.add(world.organizer)

    response = call(world, "organizer").get(scores_url())

    assert "Alpha" not in [row["title"] for row in response.json()["results"]]


EXPECTED = {
    "anonymous": 401,
    "speaker": 403,
    "reviewer": 403,
    "other_organizer": 403,
    "organizer": 200,
}


@pytest.mark.parametrize("role", ROLES)
def test_only_the_events_organizers_read_the_figures(world, role):
    response = call(world, role, scope=ApiTokenScope.READ).get(scores_url())

    assert response.status_code == EXPECTED[role]
    assert_matches_schema(response)
    if role != "organizer":
        assert "Alpha" not in response.content.decode()


@pytest.mark.parametrize(("role", "status"), [("speaker", 404), ("reviewer", 403)])
def test_a_hidden_events_figures(db, role, status):
    world = make_world(public=False)

    response = call(world, role).get(scores_url())

    assert response.status_code == status
    assert_matches_schema(response)


@pytest.mark.parametrize("count", [3, 30])
def test_the_list_costs_the_same_queries_at_any_size(world, count, django_assert_num_queries):
    add_reviewed_proposals(world.event, [world.reviewer], count)
    api = call(world, "organizer", scope=ApiTokenScope.READ)
    api.get(scores_url())  # rows for every proposal exist from here on

    # token (2), event, organizer?, reviewer?, the rows' check (2, as the ranked list's), the
    # figures
    with django_assert_num_queries(8):
        response = api.get(scores_url("?page_size=200"))

    assert len(response.json()["results"]) == count + 5
