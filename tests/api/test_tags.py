"""Setting a proposal's tags through the API (organizers), and the tags list by role."""

import pytest

from cfp.models import Tag
from speakers.models import ApiTokenScope
from tests.api.helpers import assert_matches_schema
from tests.api.organizer_world import API, call, make_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    world = make_world()
    world.urgent = Tag.objects.create(event=world.event, name="Urgent", colour="#ff0000")
    world.keynote = Tag.objects.create(
        event=world.event, name="Keynote?", visible_to_reviewers=True
    )
    world.theirs = Tag.objects.create(event=world.other_event, name="Theirs")
    return world


def tags_url(proposal) -> str:
    return f"{API}/{proposal.event.slug}/proposals/{proposal.code}/tags/"


def tag_names(proposal) -> list[str]:
    return sorted(proposal.tags.values_list("name", flat=True))


def test_put_sets_the_full_list_by_id_or_name(world):
    world.talk.tags.add(world.urgent)

    response = call(world, "organizer").put(
        tags_url(world.talk), {"tags": [world.keynote.pk, "urgent"]}, format="json"
    )

    assert response.status_code == 200
    assert response.json() == {
        "code": world.talk.code,
        "tags": [
            {"id": world.keynote.pk, "name": "Keynote?", "colour": "#6c757d",
             "visible_to_reviewers": True},
            {"id": world.urgent.pk, "name": "Urgent", "colour": "#ff0000",
             "visible_to_reviewers": False},
        ],
    }  # fmt: skip
    assert_matches_schema(response)
    assert tag_names(world.talk) == ["Keynote?", "Urgent"]


def test_put_an_empty_list_takes_every_tag_off(world):
    world.talk.tags.add(world.urgent, world.keynote)

    response = call(world, "organizer").put(tags_url(world.talk), {"tags": []}, format="json")

    assert response.status_code == 200 and response.json()["tags"] == []
    assert tag_names(world.talk) == []


@pytest.mark.parametrize(
    ("tags", "message"),
    [
        ("theirs", "“{theirs_id}” is not a tag of this event."),
        (["Theirs"], "“Theirs” is not a tag of this event."),
        (["No such tag"], "“No such tag” is not a tag of this event."),
        ([None], "Give each tag as its id (a whole number) or its name."),
        ([True], "Give each tag as its id (a whole number) or its name."),
        ([{"id": 1}], "Give each tag as its id (a whole number) or its name."),
        (["<script>alert(1)</script>"], "“<script>alert(1)</script>” is not a tag of this event."),
    ],
)
def test_tags_of_another_event_or_unknown_ones_are_refused_and_nothing_changes(
    world, tags, message
):
    world.talk.tags.add(world.urgent)
    if tags == "theirs":
        tags = [world.theirs.pk]
    message = message.replace("{theirs_id}", str(world.theirs.pk))

    response = call(world, "organizer").put(
        tags_url(world.talk), {"tags": ["Keynote?", *tags]}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {"tags": [message]}
    assert_matches_schema(response)
    assert tag_names(world.talk) == ["Urgent"]
    assert tag_names(world.other_talk) == []


@pytest.mark.parametrize("body", [{}, {"tags": "Urgent"}, {"tags": ["x"] * 201}, {"tags": None}])
def test_a_body_that_is_not_a_list_of_tags_is_refused(world, body):
    response = call(world, "organizer").put(tags_url(world.talk), body, format="json")

    assert response.status_code == 400
    assert "tags" in response.json()["errors"]
    assert_matches_schema(response)
    assert tag_names(world.talk) == []


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("anonymous", 401),
        ("speaker", 403),
        ("reviewer", 403),
        ("other_organizer", 403),
        ("organizer", 200),
    ],
)
def test_only_the_events_organizers_set_tags(world, role, status):
    response = call(world, role).put(tags_url(world.talk), {"tags": ["Urgent"]}, format="json")

    assert response.status_code == status
    assert_matches_schema(response)
    assert tag_names(world.talk) == (["Urgent"] if role == "organizer" else [])


def test_a_read_token_cannot_set_tags(world):
    response = call(world, "organizer", scope=ApiTokenScope.READ).put(
        tags_url(world.talk), {"tags": ["Urgent"]}, format="json"
    )

    assert response.status_code == 403 and response.json()["code"] == "token_read_only"
    assert_matches_schema(response)
    assert tag_names(world.talk) == []


def test_another_events_proposal_is_not_found(world):
    response = call(world, "organizer").put(
        f"{API}/kernel/proposals/{world.other_talk.code}/tags/", {"tags": []}, format="json"
    )

    assert response.status_code == 404
    assert_matches_schema(response)


# --- the event's tags, by role -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status", "names"),
    [
        ("anonymous", 401, None),
        ("speaker", 403, None),
        ("other_organizer", 403, None),
        ("reviewer", 200, ["Keynote?"]),  # only those visible to reviewers
        ("organizer", 200, ["Keynote?", "Urgent"]),
    ],
)
def test_tags_list_by_role(world, role, status, names):
    response = call(world, role, scope=ApiTokenScope.READ).get(f"{API}/kernel/tags/")

    assert response.status_code == status
    assert_matches_schema(response)
    if names is not None:
        assert [tag["name"] for tag in response.json()["results"]] == names


@pytest.mark.parametrize(("role", "status"), [("speaker", 404), ("reviewer", 200)])
def test_tags_of_a_hidden_event(db, role, status):
    world = make_world(public=False)

    response = call(world, role).get(f"{API}/kernel/tags/")

    assert response.status_code == status
    assert_matches_schema(response)


@pytest.mark.parametrize("count", [3, 30])
def test_tags_list_costs_the_same_queries_at_any_size(world, count, django_assert_num_queries):
    Tag.objects.bulk_create(Tag(event=world.event, name=f"Tag {i}") for i in range(count))
    api = call(world, "organizer", scope=ApiTokenScope.READ)

    with django_assert_num_queries(QUERIES):
        response = api.get(f"{API}/kernel/tags/?page_size=200")

    assert len(response.json()["results"]) == count + 2


QUERIES = 6  # token (2), event, organizer?, reviewer?, tags


def test_a_name_with_broken_unicode_is_refused(world):
    response = call(world, "organizer").put(
        tags_url(world.talk),
        data=b'{"tags": ["Urgent", "\\ud800"]}',
        content_type="application/json",
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {
        "tags": ["Give each tag as its id (a whole number) or its name."]
    }
    assert tag_names(world.talk) == []
