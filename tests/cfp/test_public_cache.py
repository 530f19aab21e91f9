"""The talks and schedule pages reuse their rendered body per published version for a while."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.cfp.test_public import at, make_talk, publish, url
from tests.factories import EventFactory, RoomFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def published():
    event = EventFactory(name="Cache Conf")
    room = RoomFactory(event=event)
    talk = make_talk(event, title="Original title", room=room, start=at(event, 0, 10))
    publish(event, "1")
    return event, talk


def get(client, address) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(address)
    assert response.status_code == 200
    return len(ctx.captured_queries), response.content.decode()


def main(html: str) -> str:
    return html[html.index("<main") : html.index("</main>")]


@pytest.mark.parametrize("name", ["talks", "schedule"])
def test_a_second_visit_reuses_the_rendered_programme(client, published, name):
    event, _talk = published

    first_queries, first = get(client, url(name, event))
    second_queries, second = get(client, url(name, event))

    assert "Original title" in first and "version <strong>1</strong>" in first
    assert main(second) == main(first)  # the page around it (CSRF token, user) is fresh
    assert second_queries == 2 < first_queries  # the event and its current version


@pytest.mark.parametrize("name", ["talks", "schedule"])
def test_a_new_version_shows_at_once_and_an_edit_after_the_cache_time(client, published, name):
    event, talk = published
    get(client, url(name, event))
    talk.title = "Edited title"
    talk.save(update_fields=["title"])

    _, cached = get(client, url(name, event))
    publish(event, "2")
    _, republished = get(client, url(name, event))

    assert "Original title" in cached  # within the cache time the old body is reused
    assert "Edited title" in republished and "<strong>2</strong>" in republished


def test_no_cache_time_renders_every_visit(client, published, settings):
    settings.PROGRAMME_CACHE_SECONDS = 0
    event, talk = published
    get(client, url("schedule", event))
    talk.title = "Edited title"
    talk.save(update_fields=["title"])

    _, page = get(client, url("schedule", event))

    assert "Edited title" in page and "Original title" not in page
