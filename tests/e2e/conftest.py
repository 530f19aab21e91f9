"""Fixtures for the end-to-end tests: Chromium (Debian's, else Playwright's) driven by Playwright.

Playwright's sync API keeps an asyncio event loop in the test thread, so Django would refuse
ORM calls from the test itself (factories, assertions on rows) without the flag below.
"""

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.core.cache import cache
from django.db import connections

from tests.services import MACHINE_CHROMIUM, chromium_executable

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
REPO_ROOT = Path(__file__).resolve().parents[2]
SCREENSHOT_DIR = REPO_ROOT / "test-artifacts" / "screenshots"
DEFAULT_TIMEOUT_MS = 10_000


def launch_chromium(playwright):
    """The machine's Chromium or Playwright's own build (tests/services.py), or a failed test
    that says why: a missing browser is never a skip."""
    executable = chromium_executable(playwright)
    if executable is None:
        pytest.fail(
            f"The browser tests need Chromium: Debian's at {MACHINE_CHROMIUM} (apt-get install "
            "chromium) or Playwright's (.venv/bin/playwright install chromium, which `make test` "
            "runs when the machine has none). Neither is there.",
            pytrace=False,
        )
    from playwright.sync_api import Error as PlaywrightError

    try:
        return playwright.chromium.launch(executable_path=str(executable), args=CHROMIUM_ARGS)
    except PlaywrightError as exc:
        pytest.fail(f"Chromium at {executable} did not start: {exc}", pytrace=False)


@dataclass
class PageProblems:
    """What a page did wrong on the way: JavaScript errors and failed requests."""

    errors: list[str] = field(default_factory=list)

    def watch(self, page) -> None:
        page.on("pageerror", lambda exc: self.errors.append(f"JS error on {page.url}: {exc}"))
        page.on(
            "console",
            lambda msg: (
                self.errors.append(f"console {msg.type} on {page.url}: {msg.text}")
                # A failed load is logged without its address; "response" below has it.
                if msg.type == "error" and not msg.text.startswith("Failed to load resource")
                else None
            ),
        )
        page.on(
            "response",
            lambda response: (
                self.errors.append(f"HTTP {response.status} for {response.url}")
                if response.status >= 400 and not response.url.endswith("/favicon.ico")
                else None
            ),
        )
        page.on(
            "requestfailed",
            lambda request: (
                self.errors.append(f"request failed: {request.url} ({request.failure})")
                # ERR_ABORTED: the page went on (a click navigated) before a script or image
                # finished loading. A file that is missing still shows as an HTTP 404 above.
                if request.failure != "net::ERR_ABORTED"
                else None
            ),
        )


@pytest.fixture
def page_problems():
    return PageProblems()


@pytest.fixture
def new_page(page_problems):
    """Open a fresh browser context (its own cookies: one person) and return its page.

    Chromium starts at the first call, inside the test, so that a missing browser makes
    the test fail rather than error in a fixture.
    """
    from playwright.sync_api import sync_playwright

    state = {}

    def open_page():
        if "browser" not in state:
            state["playwright"] = sync_playwright().start()
            state["browser"] = launch_chromium(state["playwright"])
        context = state["browser"].new_context(
            viewport={"width": 1280, "height": 900}, locale="en-US", timezone_id="Europe/Berlin"
        )
        context.set_default_timeout(DEFAULT_TIMEOUT_MS)
        page = context.new_page()
        page_problems.watch(page)
        return page

    try:
        yield open_page
    finally:
        # While Playwright's event loop runs, Django keeps this thread's database connections
        # apart (asgiref's context-local storage); close them before the loop goes away, or
        # one stays open and keeps the test database busy at teardown.
        connections.close_all()
        if "browser" in state:
            state["browser"].close()
        if "playwright" in state:
            state["playwright"].stop()


@pytest.fixture
def screenshot():
    """Save a full-page screenshot as test-artifacts/screenshots/NN-name.png."""
    return screenshot_taker(SCREENSHOT_DIR)


def screenshot_taker(folder: Path, prefix: str = ""):
    """A function that saves numbered full-page screenshots in a folder of their own,
    after clearing what an earlier run left there."""
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("[0-9][0-9]-*.png"):
        # Under `pytest -n` another worker may be clearing the same folder at the same moment.
        old.unlink(missing_ok=True)
    counter = iter(range(1, 100))

    def take(page, name: str) -> Path:
        page.wait_for_load_state("load")
        slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
        path = folder / f"{next(counter):02d}-{prefix}{slug}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


def admin_message(page, text: str):
    """The staff panel's message (success, warning, error) that contains the text."""
    return page.locator(".messagelist li").filter(has_text=text)


@pytest.fixture
def site(live_server, settings):
    """The live server, with links in the app's own emails pointing at it."""
    settings.SITE_URL = live_server.url
    cache.clear()  # allauth's rate limits live in the cache; start every journey afresh.
    return live_server
