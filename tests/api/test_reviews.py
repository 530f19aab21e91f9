"""Reviews through the API: organizers read every review of their event, a reviewer their own;
nothing names a speaker, so blind review holds; conflicts are left out."""

import pytest

from reviews.models import Criterion, ReviewSettings
from speakers.models import ApiTokenScope
from tests.api.helpers import assert_matches_schema, client_for
from tests.api.organizer_world import API, ROLES, call, make_world, submitted
from tests.factories import ReviewerFactory, ReviewerTeamFactory, SpeakerFactory
from tests.reviews.helpers import give_review

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    world = make_world()
    event = world.event
    overall = Criterion.objects.get(event=event)
    world.depth = Criterion.objects.create(event=event, name="Depth", position=5)
    world.overall = overall
    world.vera = ReviewerFactory(email="vera@lectern.test", profile__name="Vera Voss")
    ReviewerTeamFactory(event=event, members=[world.vera])
    world.rita_review = give_review(
        world.talk,
        world.reviewer,
        {overall.pk: 4, world.depth.pk: 2},
        comment="Strong talk",
        feedback="Shorten the intro",
    )
    world.vera_review = give_review(
        world.talk, world.vera, {overall.pk: 1, world.depth.pk: 3}, comment="Weak"
    )
    world.second = submitted(event, "Second talk")
    world.rita_second = give_review(world.second, world.reviewer, 5)
    return world


def reviews_url(query: str = "") -> str:
    return f"{API}/kernel/reviews/{query}"


def test_organizers_read_every_review_with_its_scores_per_criterion(world):
    response = call(world, "organizer", scope=ApiTokenScope.READ).get(reviews_url())

    assert response.status_code == 200
    assert_matches_schema(response)
    rows = response.json()["results"]
    assert [row["id"] for row in rows] == [
        world.rita_review.pk,
        world.vera_review.pk,
        world.rita_second.pk,
    ]
    first = rows[0]
    assert first == {
        "id": world.rita_review.pk,
        "proposal": {"code": world.talk.code, "title": "Kernel talk"},
        "reviewer": {"id": world.reviewer.pk, "name": "Rita Reviewer"},
        "score": 3.0,
        "scores": [
            {"criterion": world.overall.pk, "name": "Overall", "value": 4},
            {"criterion": world.depth.pk, "name": "Depth", "value": 2},
        ],
        "comment": "Strong talk",
        "feedback": "Shorten the intro",
        "created_at": first["created_at"],
        "updated_at": first["updated_at"],
    }
    assert rows[1]["reviewer"] == {"id": world.vera.pk, "name": "Vera Voss"}


def test_a_reviewer_reads_only_their_own_reviews(world):
    response = call(world, "reviewer", scope=ApiTokenScope.READ).get(reviews_url())

    assert response.status_code == 200
    assert_matches_schema(response)
    assert [row["id"] for row in response.json()["results"]] == [
        world.rita_review.pk,
        world.rita_second.pk,
    ]
    assert "Weak" not in response.content.decode()
    assert "Vera" not in response.content.decode()


@pytest.mark.parametrize("role", ["reviewer", "organizer"])
def test_in_blind_review_nothing_names_a_speaker(world, role):
    ReviewSettings.objects.filter(event=world.event).update(blind=True)

    response = call(world, role, scope=ApiTokenScope.READ).get(reviews_url())

    body = response.content.decode()
    assert response.status_code == 200
    assert response.json()["results"][0]["proposal"] == {
        "code": world.talk.code,
        "title": "Kernel talk",
    }
    for speaker in (world.speaker, *world.second.speakers.all()):
        assert speaker.email not in body
        assert speaker.display_name not in body


def test_reviews_of_a_proposal_the_organizer_speaks_on_are_left_out(world):
    world.second.speakers.add(world.organizer)

    response = call(world, "organizer", scope=ApiTokenScope.READ).get(reviews_url())

    assert [row["proposal"]["code"] for row in response.json()["results"]] == [
        world.talk.code,
        world.talk.code,
    ]


def test_filter_by_proposal(world):
    api = call(world, "organizer", scope=ApiTokenScope.READ)

    one = api.get(reviews_url(f"?proposal={world.second.code}"))
    none = api.get(reviews_url("?proposal=NOSUCH"))
    bad = api.get(reviews_url("?proposal=" + "X" * 40))

    assert [row["id"] for row in one.json()["results"]] == [world.rita_second.pk]
    assert none.json()["results"] == []
    assert bad.status_code == 400 and "proposal" in bad.json()["errors"]
    for response in (one, none, bad):
        assert_matches_schema(response)


EXPECTED = {
    "anonymous": 401,
    "speaker": 403,
    "other_organizer": 403,
    "reviewer": 200,
    "organizer": 200,
}


@pytest.mark.parametrize("role", ROLES)
def test_reviews_by_role(world, role):
    response = call(world, role, scope=ApiTokenScope.READ).get(reviews_url())

    assert response.status_code == EXPECTED[role]
    assert_matches_schema(response)
    if EXPECTED[role] != 200:
        assert "Strong talk" not in response.content.decode()


def test_a_reviewer_of_another_event_sees_nothing_here(world):
    outsider = ReviewerFactory()
    ReviewerTeamFactory(event=world.other_event, members=[outsider])

    response = client_for(outsider).get(reviews_url())

    assert response.status_code == 403
    assert_matches_schema(response)


@pytest.mark.parametrize(("role", "status"), [("speaker", 404), ("reviewer", 200)])
def test_a_hidden_events_reviews(db, role, status):
    world = make_world(public=False)

    response = call(world, role).get(reviews_url())

    assert response.status_code == status
    assert_matches_schema(response)


def test_writes_are_not_allowed(world):
    response = call(world, "reviewer").post(reviews_url(), {}, format="json")

    assert response.status_code == 405


@pytest.mark.parametrize("count", [2, 20])
def test_the_list_costs_the_same_queries_at_any_size(world, count, django_assert_num_queries):
    for i in range(count):
        proposal = submitted(world.event, f"Talk {i}", speakers=[SpeakerFactory()])
        give_review(proposal, world.reviewer, {world.overall.pk: 3, world.depth.pk: 4})
    api = call(world, "organizer", scope=ApiTokenScope.READ)

    # token (2), event, organizer?, reviewer?, reviews, their scores
    with django_assert_num_queries(7):
        response = api.get(reviews_url("?page_size=200"))

    assert len(response.json()["results"]) == count + 3
