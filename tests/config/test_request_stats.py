"""The benchmark's request statistics."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import EventFactory


@pytest.fixture
def stats_file(settings, tmp_path):
    path = tmp_path / "stats.jsonl"
    settings.REQUEST_STATS_FILE = str(path)
    settings.MIDDLEWARE = ["config.middleware.RequestStatsMiddleware", *settings.MIDDLEWARE]
    return path


def lines(path):
    return [json.loads(line) for line in path.read_text().splitlines()]


@pytest.mark.django_db
def test_request_stats_count_the_queries_of_each_request(client, stats_file):
    event = EventFactory()
    client.get("/healthz/", HTTP_X_BENCH_ID="floor-1")
    with CaptureQueriesContext(connection) as queries:
        client.get(f"/{event.slug}/", HTTP_X_BENCH_ID="cfp-1")

    floor, page = lines(stats_file)
    assert (floor["id"], floor["path"], floor["status"], floor["queries"]) == (
        "floor-1",
        "/healthz/",
        200,
        0,
    )
    assert (page["id"], page["queries"]) == ("cfp-1", len(queries))
    assert page["queries"] > 0
    assert page["ms"] > 0
    assert page["peak_rss_kb_after"] >= page["peak_rss_kb_before"] > 0
