"""The benchmark's API rows (bench/scenarios.py): the public schedule is measured like a page,
and an API endpoint this checkout lacks is reported as not measured instead of ending the run."""

from types import SimpleNamespace

import pytest

from bench.report import print_table, verdict
from bench.run import Client
from bench.scenarios import measure_row
from tests.cfp.test_public import at, make_talk, publish
from tests.factories import EventFactory, RoomFactory

ARGS = SimpleNamespace(warmup=1, requests=3)


@pytest.fixture
def bench_client(live_server, settings):
    """The harness's client, which asks 127.0.0.1 (the live server's address) by number."""
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "127.0.0.1"]
    client = Client(int(live_server.url.rsplit(":", 1)[1]))
    yield client
    # Its keep-alive connection holds a server thread, and that thread a database connection.
    client.connection.close()


@pytest.mark.django_db(transaction=True)
def test_an_api_endpoint_that_is_not_there_is_reported_not_measured(bench_client, tmp_path, capsys):
    row = measure_row(bench_client, "/api/v1/no-such-list/", tmp_path / "stats.jsonl", ARGS)
    page = {"name": "API proposal list", "path": "/api/v1/no-such-list/", **row}
    print_table(2000, [page], {})

    assert row["missing"] == "answered 404" and row["p50_ms"] is None
    assert "not measured: /api/v1/no-such-list/ answered 404" in capsys.readouterr().out
    assert verdict(page, page) == "not measured (answered 404)"


@pytest.mark.django_db(transaction=True)
def test_the_api_schedule_is_measured(bench_client, tmp_path):
    event = EventFactory()
    make_talk(event, room=RoomFactory(event=event), start=at(event, 0, 10))
    publish(event)

    row = measure_row(
        bench_client, f"/api/v1/events/{event.slug}/schedule/", tmp_path / "stats.jsonl", ARGS
    )

    assert "missing" not in row
    assert 0 < row["p50_ms"] <= row["p95_ms"]
