"""Reading proposals through the API: filters, orderings, cursor pages that stay put while
proposals are added, and what `?expand=` nests (who sees what: test_access_matrix.py)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cfp.models import Proposal
from tests.api import proposal_world
from tests.api.helpers import assert_matches_schema, client_for
from tests.factories import ProposalFactory, SubmissionTypeFactory, TrackFactory

pytestmark = pytest.mark.django_db

LIST = "/api/v1/events/kernel/proposals/"


@pytest.fixture
def world(db):
    return proposal_world.build()


def titles(response) -> list[str]:
    assert_matches_schema(response)
    assert response.status_code == 200, response.content
    return sorted(item["title"] for item in response.json()["results"])


def ordered(response) -> list[str]:
    assert_matches_schema(response)
    return [item["title"] for item in response.json()["results"]]


# --- filters ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("state=accepted", ["Scheduling deep dive"]),
        ("state=submitted", ["Conflicted talk", "Reviewer's own talk", "Secret kernel talk"]),
        ("state=accepted,submitted", ["Conflicted talk", "Reviewer's own talk",
                                      "Scheduling deep dive", "Secret kernel talk"]),
        ("state=accepted&state=withdrawn", ["Scheduling deep dive"]),
        ("state=draft", []),  # drafts are their speakers' own
    ],
)  # fmt: skip
def test_organizer_filters_by_state(world, query, expected):
    response = client_for(world.organizer).get(f"{LIST}?{query}")

    assert titles(response) == expected


def test_speaker_filters_by_the_state_they_see(world):
    client = client_for(world.casimir)

    assert titles(client.get(f"{LIST}?state=accepted")) == []
    assert titles(client.get(f"{LIST}?state=submitted")) == ["Scheduling deep dive"]
    assert titles(client.get(f"{LIST}?state=draft")) == ["Casimir's draft"]


@pytest.mark.parametrize("query", ["state=approved", "state=", "state=,"])
def test_unknown_state_is_400(world, query):
    response = client_for(world.organizer).get(f"{LIST}?{query}&state=x")

    assert_matches_schema(response)
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"state"}


def test_filter_by_track_and_type(world):
    other_track = TrackFactory(event=world.event, name="Other track")
    other_kind = SubmissionTypeFactory(event=world.event, name="Lightning")
    Proposal.objects.filter(pk=world.p3.pk).update(track=other_track, submission_type=other_kind)
    client = client_for(world.organizer)

    assert titles(client.get(f"{LIST}?track={other_track.pk}")) == ["Conflicted talk"]
    assert titles(client.get(f"{LIST}?type={other_kind.pk}")) == ["Conflicted talk"]
    assert titles(client.get(f"{LIST}?type={world.kind.pk}&track={world.track.pk}")) == [
        "Reviewer's own talk",
        "Scheduling deep dive",
        "Secret kernel talk",
    ]


@pytest.mark.parametrize("query", ["track=abc", "type=1.5", "tag=x", "updated_since=yesterday"])
def test_bad_filter_values_are_400(world, query):
    response = client_for(world.organizer).get(f"{LIST}?{query}")

    assert_matches_schema(response)
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {query.split("=")[0]}


def test_filter_by_tag_only_among_the_tags_the_caller_sees(world):
    organizer, reviewer, speaker = (
        client_for(world.organizer),
        client_for(world.reviewer),
        client_for(world.zebulon),
    )

    assert titles(organizer.get(f"{LIST}?tag={world.vip.pk}")) == ["Secret kernel talk"]
    assert titles(reviewer.get(f"{LIST}?tag={world.hot.pk}")) == ["Secret kernel talk"]
    # The organizers' own tag tells a reviewer nothing; no tag tells a speaker anything.
    assert titles(reviewer.get(f"{LIST}?tag={world.vip.pk}")) == []
    assert titles(speaker.get(f"{LIST}?tag={world.hot.pk}")) == []


def test_filter_updated_since(world):
    Proposal.objects.update(updated_at=timezone.now() - timedelta(days=2))
    Proposal.objects.filter(pk=world.p1.pk).update(updated_at=timezone.now())
    since = (timezone.now() - timedelta(days=1)).isoformat()

    response = client_for(world.organizer).get(LIST, {"updated_since": since})

    assert titles(response) == ["Secret kernel talk"]


# --- ordering and pages -------------------------------------------------------------------------


def test_default_order_is_newest_first(world):
    response = client_for(world.organizer).get(LIST)

    assert ordered(response) == [
        "Reviewer's own talk",
        "Conflicted talk",
        "Scheduling deep dive",
        "Secret kernel talk",
    ]


@pytest.mark.parametrize(
    ("ordering", "first"),
    [
        ("title", "Conflicted talk"),
        ("-title", "Secret kernel talk"),
        ("created", "Secret kernel talk"),
        ("-updated", None),
        ("code", None),
    ],
)
def test_orderings(world, ordering, first):
    response = client_for(world.organizer).get(f"{LIST}?ordering={ordering}")

    shown = response.json()["results"]
    assert_matches_schema(response)
    if first is not None:
        assert shown[0]["title"] == first
    if ordering == "code":
        assert [p["code"] for p in shown] == sorted(p["code"] for p in shown)
    if ordering == "-updated":
        moments = [p["updated_at"] for p in shown]
        assert moments == sorted(moments, reverse=True)


def test_unknown_ordering_is_400(world):
    response = client_for(world.organizer).get(f"{LIST}?ordering=notes")

    assert_matches_schema(response)
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "ordering": ["Order by one of: code, created, title, updated."]
    }


def test_cursor_pages_stay_put_while_proposals_are_added(world):
    client = client_for(world.organizer)
    first = client.get(f"{LIST}?page_size=2")
    assert_matches_schema(first)
    for n in range(3):  # new proposals arrive while the client reads page after page
        submitted = ProposalFactory(
            event=world.event, title=f"Late {n}", submission_type=world.kind, track=world.track
        )
        submitted.submit(by=submitted.speakers.first())
    second = client.get(first.json()["next"])
    back = client.get(second.json()["previous"])

    assert ordered(first) == ["Reviewer's own talk", "Conflicted talk"]
    assert ordered(second) == ["Scheduling deep dive", "Secret kernel talk"]
    assert second.json()["next"] is None
    assert ordered(back) == ["Reviewer's own talk", "Conflicted talk"]


def test_cursor_pages_by_title_keep_every_row_once(world):
    for _ in range(5):  # titles alike: the order falls back on the id, row for row
        same = ProposalFactory(
            event=world.event, title="Same title", submission_type=world.kind, track=world.track
        )
        same.submit(by=same.speakers.first())
    client = client_for(world.organizer)
    codes, address = [], f"{LIST}?ordering=title&page_size=2"
    while address:
        response = client.get(address)
        assert_matches_schema(response)
        codes += [item["code"] for item in response.json()["results"]]
        address = response.json()["next"]

    assert len(codes) == len(set(codes)) == 9


# --- expand -------------------------------------------------------------------------------------


def test_list_nests_nothing_unless_asked(world):
    response = client_for(world.organizer).get(LIST)

    assert_matches_schema(response)
    for item in response.json()["results"]:
        assert not {"speakers", "answers", "tags", "history"} & set(item)


def test_list_nests_what_is_asked(world):
    response = client_for(world.organizer).get(f"{LIST}?expand=speakers,tags")

    assert_matches_schema(response)
    first = next(i for i in response.json()["results"] if i["code"] == world.p1.code)
    assert [s["name"] for s in first["speakers"]] == [
        "Zebulon Quartermaine",
        "Philippa Oyelaran-Strand",
    ]
    assert [t["name"] for t in first["tags"]] == ["hot", "vip"]
    assert "answers" not in first and "history" not in first


def test_unknown_expansion_is_400(world):
    response = client_for(world.organizer).get(f"{LIST}?expand=speakers,reviews")

    assert_matches_schema(response)
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"expand"}


def test_detail_nests_everything_it_may(world):
    response = client_for(world.organizer).get(f"{LIST}{world.p1.code}/")

    assert_matches_schema(response)
    assert {"speakers", "answers", "tags", "history"} <= set(response.json())
    assert response.json()["submission_type"] == {
        "id": world.kind.pk,
        "name": "Talk",
        "default_duration": 40,
    }
    assert response.json()["track"] == {"id": world.track.pk, "name": "Kernel"}


def test_proposals_of_a_hidden_event_are_404_to_strangers(world):
    response = client_for(world.zebulon).get("/api/v1/events/hidden/proposals/")

    assert_matches_schema(response)
    assert response.status_code == 404


def test_unknown_event_is_404(world):
    response = client_for(world.organizer).get("/api/v1/events/nope/proposals/")

    assert_matches_schema(response)
    assert response.status_code == 404
