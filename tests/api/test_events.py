"""Events in the API: public ones for everyone, hidden ones to those who organize, review or
speak at them (tests/api/test_access_matrix.py covers every role)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cfp.models import CfP, Event
from tests.api.helpers import assert_matches_schema, client_for
from tests.cfp.test_public import publish
from tests.factories import (
    EventFactory,
    ProposalFactory,
    ReviewerFactory,
    ReviewerTeamFactory,
    SpeakerFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def slugs(response) -> list[str]:
    return [item["slug"] for item in response.json()["results"]]


def test_event_list_anonymous_shows_public_events_with_their_cfp():
    event = EventFactory(slug="open-summit", name="Open Summit", timezone="Europe/Berlin")
    EventFactory(slug="secret", is_public=False)

    response = client_for().get("/api/v1/events/")

    assert_matches_schema(response)
    assert response.status_code == 200
    (item,) = response.json()["results"]
    cfp = event.cfp
    assert item == {
        "slug": "open-summit",
        "url": "/api/v1/events/open-summit/",
        "name": "Open Summit",
        "start_date": event.start_date.isoformat(),
        "end_date": event.end_date.isoformat(),
        "timezone": "Europe/Berlin",
        "venue": "Messe",
        "is_public": True,
        "cfp": {
            "status": "open",
            "opens_at": cfp.opens_at.isoformat().replace("+00:00", "Z"),
            "deadline": cfp.deadline.isoformat().replace("+00:00", "Z"),
        },
        "schedule_published": False,
        "links": {
            "proposals": "/api/v1/events/open-summit/proposals/",
            "speakers": "/api/v1/events/open-summit/speakers/",
            "schedule": "/api/v1/events/open-summit/schedule/",
            "talks": "/api/v1/events/open-summit/talks/",
            "page": "/open-summit/",
        },
    }
    assert response.json()["next"] is None


def test_event_cfp_status_and_schedule_flag_follow_the_event():
    closed = EventFactory(slug="closed")
    CfP.objects.filter(event=closed).update(deadline=timezone.now() - timedelta(hours=1))
    later = EventFactory(slug="later")
    CfP.objects.filter(event=later).update(opens_at=timezone.now() + timedelta(days=1))
    bare = EventFactory(slug="bare", cfp=None)
    published = EventFactory(slug="published")
    publish(published)

    response = client_for().get("/api/v1/events/?ordering=slug")

    assert_matches_schema(response)
    found = {item["slug"]: item for item in response.json()["results"]}
    assert found["closed"]["cfp"]["status"] == "closed"
    assert found["later"]["cfp"]["status"] == "not_open"
    assert found[bare.slug]["cfp"] is None
    assert found["published"]["schedule_published"] is True
    assert slugs(response) == ["bare", "closed", "later", "published"]


@pytest.mark.parametrize("role", ["organizer", "reviewer", "speaker"])
def test_hidden_event_is_listed_for_those_who_work_on_it(role):
    hidden = EventFactory(slug="hidden", is_public=False)
    if role == "organizer":
        user = UserFactory(is_staff=True)
        hidden.organizers.add(user)
    elif role == "reviewer":
        user = ReviewerFactory()
        ReviewerTeamFactory(event=hidden, members=[user])
    else:
        user = SpeakerFactory()
        ProposalFactory(event=hidden, speakers=[user])
    stranger = SpeakerFactory()

    shown = client_for(user).get("/api/v1/events/")
    detail = client_for(user).get("/api/v1/events/hidden/")
    refused = client_for(stranger).get("/api/v1/events/hidden/")

    assert slugs(shown) == ["hidden"]
    assert detail.json()["is_public"] is False
    assert_matches_schema(refused)
    assert refused.status_code == 404
    assert refused.json() == {"detail": "Not found.", "code": "not_found"}
    assert slugs(client_for(stranger).get("/api/v1/events/")) == []


def test_event_list_pages_with_a_cursor_and_refuses_a_bad_one():
    for n in range(5):
        EventFactory(slug=f"e{n}", start_date=timezone.localdate() + timedelta(days=n))
    client = client_for()

    first = client.get("/api/v1/events/?page_size=2")
    second = client.get(first.json()["next"])
    bad = client.get("/api/v1/events/?cursor=bm9wZQ")
    size = client.get("/api/v1/events/?page_size=0")

    assert slugs(first) == ["e4", "e3"]
    assert slugs(second) == ["e2", "e1"]
    for response in (bad, size):
        assert_matches_schema(response)
        assert response.status_code == 400
    assert set(bad.json()["errors"]) == {"cursor"}
    assert set(size.json()["errors"]) == {"page_size"}


def test_event_list_unknown_ordering_is_400():
    response = client_for().get("/api/v1/events/?ordering=venue")

    assert_matches_schema(response)
    assert response.status_code == 400
    assert response.json()["errors"] == {"ordering": ["Order by one of: name, slug, start_date."]}


def test_event_list_with_a_wrong_token_is_401():
    response = client_for(token="lct_wrong").get("/api/v1/events/")

    assert_matches_schema(response)
    assert response.status_code == 401
    assert response.json()["code"] == "token_invalid"


def test_event_list_queries_do_not_grow(django_assert_num_queries):
    client = client_for(SpeakerFactory())
    for size in (2, 9):
        while Event.objects.count() < size:
            hidden = Event.objects.count() % 2 == 1
            EventFactory(is_public=not hidden)
        # The token (2), the page (with each event's CfP and whether it is published).
        with django_assert_num_queries(3):
            response = client.get("/api/v1/events/?page_size=200")
        assert len(response.json()["results"]) == (size + 1) // 2
        assert_matches_schema(response)
