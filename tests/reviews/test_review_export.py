"""The organizers' review exports: every review, the aggregates, who may download them."""

import json
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cfp.enums import ProposalState
from reviews import selectors
from reviews.models import Criterion, ReviewSettings
from tests.cfp.export_files import NASTY, assert_matches_documentation, body, read_csv
from tests.factories import (
    EventFactory,
    ProposalFactory,
    ReviewerFactory,
    ReviewerTeamFactory,
    SpeakerFactory,
    TrackFactory,
    UserFactory,
)
from tests.helpers import is_staff_panel_refusal, page
from tests.reviews.helpers import give_review

pytestmark = pytest.mark.django_db

SECRETS = ("Secret kernel talk", "Strong accept, unique content", "rita@kernel.org")


def submitted(event, title, **kwargs):
    proposal = ProposalFactory(event=event, title=title, **kwargs)
    proposal.submit(by=proposal.speakers.first())
    return proposal


@pytest.fixture
def world(db):
    """An event in blind review with two criteria, two reviewers and three proposals."""
    organizer = UserFactory(is_staff=True, email="olivia@lectern.test")
    event = EventFactory(name="Kernel Summit", slug="kernel", organizers=[organizer])
    ReviewSettings.objects.filter(event=event).update(blind=True)
    event.review_criteria.all().delete()  # its own criteria instead of the default "Overall"
    relevance = Criterion.objects.create(
        event=event, name="Relevance", min_score=1, max_score=5, weight=Decimal(2), position=0
    )
    clarity = Criterion.objects.create(
        event=event, name="Clarity", min_score=1, max_score=5, position=1
    )
    rita = ReviewerFactory(email="rita@kernel.org", profile__name="Rita Reviewer")
    rafael = ReviewerFactory(email="rafael@kernel.org", profile__name="Rafael Revisor")
    ReviewerTeamFactory(event=event, members=[rita, rafael])
    # Submitted before the event has tracks: these two have none.
    weaker = submitted(event, "Weaker talk")
    unreviewed = submitted(event, "Nobody reviewed this")
    track = TrackFactory(event=event, name="Developer")
    speaker = SpeakerFactory(email="sam@kernel.org")
    best = submitted(event, "Secret kernel talk", track=track, speakers=[speaker])
    give_review(
        best,
        rita,
        {relevance.pk: 5, clarity.pk: 2},
        comment="Strong accept, unique content",
        feedback="Great topic.",
    )
    give_review(best, rafael, {relevance.pk: 4, clarity.pk: 4}, comment="", feedback="")
    give_review(weaker, rita, {relevance.pk: 1, clarity.pk: 1})
    other_organizer = UserFactory(is_staff=True, email="otto@lectern.test")
    other_event = EventFactory(name="Other Summit", organizers=[other_organizer])
    submitted(other_event, "Their own talk")
    return SimpleNamespace(
        organizer=organizer,
        event=event,
        relevance=relevance,
        clarity=clarity,
        rita=rita,
        rafael=rafael,
        speaker=speaker,
        best=best,
        weaker=weaker,
        unreviewed=unreviewed,
        other_organizer=other_organizer,
        other_event=other_event,
    )


def export_url(name: str, event) -> str:
    return f"{reverse(f'admin:reviews_export_{name}')}?event={event.pk}"


@pytest.fixture
def organizer_client(client, world):
    client.force_login(world.organizer)
    return client


# --- what the files hold ----------------------------------------------------------------------


def test_reviews_csv_has_one_row_per_review_with_each_criterion(organizer_client, world):
    response = organizer_client.get(export_url("reviews_csv", world.event))

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="kernel-reviews.csv"' in response["Content-Disposition"]
    rows = read_csv(body(response))
    assert list(rows[0]) == [
        "code",
        "title",
        "state",
        "tags",
        "track",
        "submission type",
        "reviewer email",
        "reviewer name",
        "Relevance (1–5)",
        "Clarity (1–5)",
        "weighted score",
        "normalised score",
        "comment for the organizers",
        "feedback for the speaker",
        "reviewed at",
        "proposal reviews",
        "proposal mean",
        "proposal median",
        "proposal spread",
        "proposal normalised",
    ]
    assert [(r["title"], r["reviewer email"]) for r in rows] == [
        ("Secret kernel talk", "rita@kernel.org"),
        ("Secret kernel talk", "rafael@kernel.org"),
        ("Weaker talk", "rita@kernel.org"),
    ]
    rita = rows[0]
    assert rita["code"] == world.best.code
    assert rita["state"] == "Submitted"
    assert rita["track"] == "Developer"
    assert rita["reviewer name"] == "Rita Reviewer"
    assert (rita["Relevance (1–5)"], rita["Clarity (1–5)"]) == ("5", "2")
    assert rita["weighted score"] == "4.0"  # (2 × 5 + 1 × 2) / 3
    assert rita["comment for the organizers"] == "Strong accept, unique content"
    assert rita["feedback for the speaker"] == "Great topic."
    assert rows[1]["comment for the organizers"] == rows[1]["feedback for the speaker"] == ""
    assert rows[2]["track"] == ""
    assert b"None" not in body(organizer_client.get(export_url("reviews_csv", world.event)))


def test_aggregates_are_the_ranked_lists(organizer_client, world):
    rows = read_csv(body(organizer_client.get(export_url("reviews_csv", world.event))))
    per_proposal = read_csv(body(organizer_client.get(export_url("proposals_csv", world.event))))

    ranked = {p.code: p for p in selectors.ranked_proposals(world.event, world.organizer)}
    best = ranked[world.best.code]
    assert best.review_count == 2
    expected = {
        "reviews": "2",
        "mean": str(round(best.mean_score, 3)),
        "median": str(round(best.median_score, 3)),
        "spread": str(round(best.score_stddev, 3)),
        "normalised": str(round(best.normalised, 3)),
    }
    assert {k: rows[0][f"proposal {k}"] for k in expected} == expected
    assert {k: per_proposal[0][k] for k in expected} == expected
    assert expected["mean"] == "4.0"  # rita 4.0, rafael 4.0


def test_proposals_csv_has_every_proposal_best_first(organizer_client, world):
    response = organizer_client.get(export_url("proposals_csv", world.event))

    assert 'filename="kernel-review-aggregates.csv"' in response["Content-Disposition"]
    rows = read_csv(body(response))
    assert [r["title"] for r in rows] == [
        "Secret kernel talk",
        "Weaker talk",
        "Nobody reviewed this",
    ]
    assert list(rows[0])[-2:] == ["mean Relevance (1–5)", "mean Clarity (1–5)"]
    assert (rows[0]["mean Relevance (1–5)"], rows[0]["mean Clarity (1–5)"]) == ("4.5", "3.0")
    nobody = rows[2]
    assert nobody["reviews"] == "0"
    assert nobody["mean"] == nobody["median"] == nobody["normalised"] == ""
    assert nobody["mean Relevance (1–5)"] == ""


def test_reviews_json_has_the_documented_shape(organizer_client, world):
    response = organizer_client.get(export_url("reviews_json", world.event))

    assert response["Content-Type"] == "application/json; charset=utf-8"
    document = json.loads(body(response))
    assert document["version"] == 1
    assert_matches_documentation(document, "Reviews JSON (version 1)")
    best = document["proposals"][0]
    assert best["code"] == world.best.code
    assert best["aggregates"]["count"] == 2
    assert best["reviews"][0]["reviewer"] == {"email": "rita@kernel.org", "name": "Rita Reviewer"}
    assert best["reviews"][0]["scores"] == {"Relevance": 5, "Clarity": 2}
    assert document["criteria"][0] == {
        "name": "Relevance",
        "min_score": 1,
        "max_score": 5,
        "weight": 2.0,
    }
    assert document["proposals"][2]["reviews"] == []


def test_review_text_survives_and_formulas_are_neutralised(organizer_client, world):
    world.clarity.name = "-Risk"
    world.clarity.save()
    give_review(
        world.weaker,
        world.rafael,
        {world.relevance.pk: 3, world.clarity.pk: 3},
        comment='=HYPERLINK("http://evil.example")',
        feedback=NASTY,
    )

    rows = read_csv(body(organizer_client.get(export_url("reviews_csv", world.event))))
    document = json.loads(body(organizer_client.get(export_url("reviews_json", world.event))))

    assert "'-Risk (1–5)" in rows[0]  # a criterion's name is text like any other
    rafael = next(
        r
        for r in rows
        if r["title"] == "Weaker talk" and r["reviewer email"] == "rafael@kernel.org"
    )
    assert rafael["comment for the organizers"] == '\'=HYPERLINK("http://evil.example")'
    assert rafael["feedback for the speaker"] == NASTY
    in_json = next(
        review
        for p in document["proposals"]
        for review in p["reviews"]
        if review["reviewer"]["email"] == "rafael@kernel.org" and p["title"] == "Weaker talk"
    )
    assert in_json["feedback"] == NASTY
    assert in_json["comment"] == '=HYPERLINK("http://evil.example")'


def test_review_look_alike_formulas_are_neutralised(organizer_client, world):
    world.clarity.name = "＝Risk"
    world.clarity.save()
    give_review(
        world.weaker,
        world.rafael,
        {world.relevance.pk: 3, world.clarity.pk: 3},
        comment=' ＋HYPERLINK("http://evil.example")',
        feedback="﹫SUM(A1)",
    )

    rows = read_csv(body(organizer_client.get(export_url("reviews_csv", world.event))))

    assert "'＝Risk (1–5)" in rows[0]
    rafael = next(
        r
        for r in rows
        if r["title"] == "Weaker talk" and r["reviewer email"] == "rafael@kernel.org"
    )
    assert rafael["comment for the organizers"] == '\' ＋HYPERLINK("http://evil.example")'
    assert rafael["feedback for the speaker"] == "'﹫SUM(A1)"


def test_what_the_organizer_is_conflicted_on_is_left_out(client, world):
    world.event.organizers.add(world.speaker)
    world.speaker.is_staff = True
    world.speaker.save()
    client.force_login(world.speaker)  # an organizer who speaks on the best talk

    data = body(client.get(export_url("reviews_csv", world.event)))

    assert [r["title"] for r in read_csv(data)] == ["Weaker talk"]
    assert b"Strong accept" not in data


# --- who may export ---------------------------------------------------------------------------

NAMES = ["reviews_csv", "proposals_csv", "reviews_json"]

ROLES = {
    "anonymous": lambda w: None,
    "speaker": lambda w: w.speaker,
    "reviewer of the event, blind review": lambda w: w.rita,
    "organizer of another event": lambda w: w.other_organizer,
}


@pytest.mark.parametrize("name", NAMES)
def test_organizer_and_superuser_export(client, world, name):
    for user in (world.organizer, UserFactory(is_staff=True, is_superuser=True)):
        client.force_login(user)

        response = client.get(export_url(name, world.event))

        assert response.status_code == 200
        assert "Secret kernel talk" in body(response).decode()


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", NAMES)
def test_nobody_else_exports_reviews(client, world, name, role):
    user = ROLES[role](world)
    if user is not None:
        client.force_login(user)

    response = client.get(export_url(name, world.event))

    assert not response.streaming and "Content-Disposition" not in response
    if role == "anonymous":
        assert response.status_code == 302 and response.url.startswith(reverse("admin:login"))
        return
    if role == "speaker":
        assert is_staff_panel_refusal(response)
        return
    # The reviewer organizes nothing: refused. Another event's organizer: no such event.
    assert response.status_code == (403 if role.startswith("reviewer") else 404)
    for secret in SECRETS:
        assert secret not in page(response)


def test_without_an_event_the_organizers_first_event_is_exported(organizer_client, world):
    data = body(organizer_client.get(reverse("admin:reviews_export_reviews_csv")))

    assert "Secret kernel talk" in data.decode()


# --- cost -------------------------------------------------------------------------------------


def add_reviewed(world, n):
    for i in range(n):
        proposal = submitted(world.event, f"More {i}", track=TrackFactory(event=world.event))
        give_review(proposal, world.rita, {world.relevance.pk: 3, world.clarity.pk: 4})
        give_review(proposal, world.rafael, {world.relevance.pk: 2, world.clarity.pk: 5})


@pytest.mark.parametrize("name", NAMES)
def test_review_export_costs_the_same_queries_at_two_sizes(organizer_client, world, name):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = organizer_client.get(export_url(name, world.event))
            body(response)
        assert response.status_code == 200
        return len(captured)

    add_reviewed(world, 2)
    small = queries()
    add_reviewed(world, 15)

    assert queries() == small


def test_proposal_states_in_the_export_are_the_ranked_lists(organizer_client, world):
    world.best.accept(by=world.organizer)

    rows = read_csv(body(organizer_client.get(export_url("proposals_csv", world.event))))

    assert rows[0]["state"] == ProposalState.ACCEPTED.label
