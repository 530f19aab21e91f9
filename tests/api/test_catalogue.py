"""What an event offers, by role: submission types, tracks and rooms (the public sees what
the public pages show), and their cost."""

import pytest

from cfp.models import Room, SubmissionType, Track
from speakers.models import ApiTokenScope
from tests.api.helpers import assert_matches_schema
from tests.api.organizer_world import API, ROLES, call, make_world
from tests.cfp.test_public import at, make_talk, publish
from tests.factories import RoomFactory, SubmissionTypeFactory, TrackFactory

pytestmark = pytest.mark.django_db

STAFF = {"organizer", "reviewer"}


@pytest.fixture
def world(db):
    world = make_world()
    event = world.event
    world.talk_type = SubmissionTypeFactory(
        event=event, name="Talk", default_duration=40, position=1
    )
    world.secret_type = SubmissionTypeFactory(
        event=event, name="Invited keynote", default_duration=60, position=2,
        requires_access_code=True,
    )  # fmt: skip
    world.dev = TrackFactory(event=event, name="Developer", description="Code", position=1)
    world.vip = TrackFactory(event=event, name="VIP", position=2, requires_access_code=True)
    world.hall_a = RoomFactory(event=event, name="Hall A", position=1)
    world.hall_b = RoomFactory(event=event, name="Hall B", position=2)
    TrackFactory(event=world.other_event, name="Their track")
    return world


def names(response) -> list[str]:
    return [row["name"] for row in response.json()["results"]]


def type_names(event) -> list[str]:
    # The proposals' own types (one per ProposalFactory proposal) come first: position 0.
    return list(SubmissionType.objects.filter(event=event).values_list("name", flat=True))


@pytest.mark.parametrize("role", ROLES)
def test_submission_types_by_role(world, role):
    response = call(world, role, scope=ApiTokenScope.READ).get(f"{API}/kernel/submission-types/")

    assert response.status_code == 200
    assert_matches_schema(response)
    everything = type_names(world.event)
    if role in STAFF:
        assert names(response) == everything
    else:  # what the CfP form offers without an access code
        assert names(response) == [n for n in everything if n != "Invited keynote"]
    talk = next(row for row in response.json()["results"] if row["name"] == "Talk")
    assert talk == {
        "id": world.talk_type.pk,
        "name": "Talk",
        "default_duration": 40,
        "position": 1,
        "requires_access_code": False,
    }


@pytest.mark.parametrize("role", ROLES)
def test_tracks_by_role(world, role):
    response = call(world, role, scope=ApiTokenScope.READ).get(f"{API}/kernel/tracks/")

    assert response.status_code == 200
    assert_matches_schema(response)
    assert names(response) == (["Developer", "VIP"] if role in STAFF else ["Developer"])
    assert response.json()["results"][0]["description"] == "Code"


@pytest.mark.parametrize("role", ROLES)
def test_rooms_before_and_after_the_schedule_is_published(world, role):
    api = call(world, role, scope=ApiTokenScope.READ)
    before = api.get(f"{API}/kernel/rooms/")
    make_talk(world.event, room=world.hall_b, start=at(world.event, 0, 10))
    publish(world.event)

    after = api.get(f"{API}/kernel/rooms/")

    assert before.status_code == after.status_code == 200
    assert_matches_schema(after)
    if role in STAFF:
        assert names(before) == names(after) == ["Hall A", "Hall B"]
    else:  # the public schedule shows the rooms it uses, once there is one
        assert (names(before), names(after)) == ([], ["Hall B"])


@pytest.mark.parametrize("what", ["submission-types", "tracks", "rooms"])
@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("anonymous", 404),
        ("speaker", 404),
        ("other_organizer", 404),
        ("reviewer", 200),
        ("organizer", 200),
    ],
)
def test_a_hidden_events_catalogue_is_for_its_organizers_and_reviewers(db, what, role, status):
    world = make_world(public=False)
    RoomFactory(event=world.event, name="Hall A")

    response = call(world, role, scope=ApiTokenScope.READ).get(f"{API}/kernel/{what}/")

    assert response.status_code == status
    assert_matches_schema(response)
    if status == 404:
        assert response.json() == {"detail": "Not found.", "code": "not_found"}


def test_an_unknown_event_is_not_found(world):
    response = call(world, "organizer").get(f"{API}/no-such-event/tracks/")

    assert response.status_code == 404
    assert_matches_schema(response)


def test_a_bad_page_size_or_ordering_is_a_400(world):
    api = call(world, "organizer")

    answers = [
        api.get(f"{API}/kernel/tracks/?page_size=0"),
        api.get(f"{API}/kernel/tracks/?ordering=secret"),
    ]

    assert [r.status_code for r in answers] == [400, 400]
    for response in answers:
        assert_matches_schema(response)


def test_writes_are_not_allowed(world):
    response = call(world, "organizer").post(
        f"{API}/kernel/tracks/", {"name": "New"}, format="json"
    )

    assert response.status_code == 405
    assert not Track.objects.filter(name="New").exists()


@pytest.mark.parametrize("what", ["submission-types", "tracks", "rooms"])
@pytest.mark.parametrize("count", [2, 25])
@pytest.mark.parametrize(("role", "queries"), [("organizer", 6), ("anonymous", 2)])
def test_lists_cost_the_same_queries_at_any_size(
    world, what, count, role, queries, django_assert_num_queries
):
    event = world.event
    for i in range(count):
        SubmissionType.objects.create(event=event, name=f"Type {i}", default_duration=30)
        Track.objects.create(event=event, name=f"Track {i}")
        room = Room.objects.create(event=event, name=f"Room {i}")
        make_talk(event, room=room, start=at(event, 0, 9 + i % 8, i // 8 * 5))
    publish(event)
    api = call(world, role, scope=ApiTokenScope.READ)
    # organizer: token (2), event, organizer?, reviewer?, rows; anonymous: event, rows, and
    # for the rooms the published version
    queries += 1 if what == "rooms" and role == "anonymous" else 0

    with django_assert_num_queries(queries):
        response = api.get(f"{API}/kernel/{what}/?page_size=200")

    assert response.status_code == 200
    assert len(response.json()["results"]) >= count
