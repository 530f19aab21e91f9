"""A Redis outage degrades the cache instead of breaking pages: a real redis-server of the
test's own is stopped while the reviewer's queue and the login form are used."""

import logging

import pytest
import redis
from django.core.cache import cache
from django.urls import reverse

from cfp.enums import ProposalState
from reviews.models import Assignment
from tests.factories import (
    PASSWORD,
    EventFactory,
    ProposalFactory,
    ReviewerFactory,
    ReviewerTeamFactory,
    SpeakerFactory,
    TrackFactory,
)
from tests.helpers import page
from tests.integration.conftest import RedisServer

pytestmark = pytest.mark.django_db

QUEUE_URL = reverse("admin:reviews_reviewqueueitem_changelist")


@pytest.fixture
def redis_cache(settings, tmp_path):
    """The cache as settings.py makes it with REDIS_URL, on a redis-server the test may stop."""
    server = RedisServer(tmp_path)
    server.start()
    settings.CACHES = {
        "default": {
            "BACKEND": "config.cache.FallbackRedisCache",
            "LOCATION": server.url,
            "OPTIONS": {"RETRY_SECONDS": 0},  # try Redis on every call: no waiting in tests
        }
    }
    server.client = redis.Redis.from_url(server.url)
    yield server
    server.stop()


@pytest.fixture
def reviewer_with_queue():
    event = EventFactory(name="Outage Summit")
    reviewer = ReviewerFactory()
    ReviewerTeamFactory(event=event, members=[reviewer])
    track = TrackFactory(event=event, name="Storage")
    proposal = ProposalFactory(
        event=event, title="Surviving a cache outage", track=track, state=ProposalState.SUBMITTED
    )
    Assignment.objects.create(proposal=proposal, reviewer=reviewer)
    return reviewer


def log_in(client, email, password):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def test_reviewer_queue_and_login_work_while_redis_is_down(
    client, redis_cache, reviewer_with_queue, caplog
):
    client.force_login(reviewer_with_queue)
    assert client.get(QUEUE_URL).status_code == 200
    assert redis_cache.client.keys("*queue-filters*"), "the queue's filters were cached in Redis"
    speaker = SpeakerFactory()
    redis_cache.stop()

    with caplog.at_level(logging.WARNING, logger="config.cache"):
        queue = client.get(QUEUE_URL)
        again = client.get(QUEUE_URL)
        client.logout()
        login = log_in(client, speaker.email, PASSWORD)

    assert queue.status_code == again.status_code == 200
    assert "Surviving a cache outage" in page(queue) and "Storage" in page(queue)
    assert (login.status_code, login.url) == (302, reverse("cfp:my_proposals"))
    assert int(client.session["_auth_user_id"]) == speaker.pk
    warnings = [r for r in caplog.records if r.name == "config.cache"]
    assert len(warnings) == 1 and "Redis cache unreachable" in warnings[0].getMessage()


def test_login_rate_limit_holds_within_the_process_while_redis_is_down(client, redis_cache):
    ada = SpeakerFactory(email="ada@example.com")
    redis_cache.stop()

    guesses = [log_in(client, ada.email, f"guess {n}") for n in range(5)]
    right = log_in(client, ada.email, PASSWORD)

    assert all("password you specified are not correct" in page(g) for g in guesses)
    assert "_auth_user_id" not in client.session
    assert "Too many failed login attempts" in page(right)


def test_cache_uses_redis_again_once_it_is_back(redis_cache):
    redis_cache.stop()
    cache.set("lectern:outage-probe", "kept in memory")
    assert cache.get("lectern:outage-probe") == "kept in memory"

    redis_cache.start()
    cache.set("lectern:outage-probe", "back in redis")

    assert cache.get("lectern:outage-probe") == "back in redis"
    assert redis_cache.client.keys("*outage-probe*")
