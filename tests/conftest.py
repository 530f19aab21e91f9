import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.factories import PASSWORD, EventFactory, ProposalFactory, SpeakerFactory

pytest_plugins = ["tests.smtp"]


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    private = {**settings.STORAGES["private"]}
    private["OPTIONS"] = {**private["OPTIONS"], "location": tmp_path / "private"}
    settings.STORAGES = {**settings.STORAGES, "private": private}


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: ids repeat across tests, cached pages must not."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(scope="session")
def test_redis_url(tmp_path_factory):
    """Redis for the Celery tests: the one at TEST_REDIS_URL, or, when none answers there, a
    throwaway server for this run (tests/services.py)."""
    from tests import services  # here: tests.smtp, which it uses, is a plugin (see above)

    try:
        with services.redis_for_tests(tmp_path_factory.mktemp("redis")) as url:
            yield url
    except services.ServiceError as exc:
        pytest.fail(str(exc), pytrace=False)


@pytest.fixture
def print_figures(request):
    """Show measured figures (sizes, peaks, seconds) in a "figures" section at the end of the
    run. They travel with the test's report: under `pytest -n` (make test) a worker's own
    output never reaches the terminal, its reports do."""

    def add(text: str) -> None:
        request.node.user_properties.append(("figures", text))

    return add


def pytest_terminal_summary(terminalreporter):
    shown = [
        (report.nodeid, value)
        for reports in terminalreporter.stats.values()
        for report in reports
        if getattr(report, "when", None) == "call"
        for name, value in getattr(report, "user_properties", ())
        if name == "figures"
    ]
    if shown:
        terminalreporter.section("figures")
        for nodeid, text in shown:
            terminalreporter.write_line(f"{nodeid}\n{text}")


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def speaker(db):
    return SpeakerFactory()


@pytest.fixture
def event(db):
    return EventFactory()


@pytest.fixture
def proposal(event, speaker):
    return ProposalFactory(event=event, speakers=[speaker])


@pytest.fixture
def speaker_client(client, speaker):
    client.force_login(speaker)
    return client


@pytest.fixture
def _back_to_the_latest_migrations():
    """A migration test leaves the database where it found it: at every app's latest."""
    yield
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
