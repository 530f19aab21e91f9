"""Lectern's benchmark harness: `make bench` (SIZE="2000 20000" by default).

For each size N it builds (once, then reuses) a PostgreSQL database with an event of N
proposals, 1.5 speakers per proposal on average, 100 reviewers and 5 reviews per proposal
(seed_demo), plus a published programme; starts the app under gunicorn (2 workers) on
127.0.0.1 with a Celery worker on Redis; logs in as each role; and measures each page:
median and 95th-percentile latency over a fixed number of requests after a warm-up, and
the SQL queries of one request (from the server's request statistics). Every staff page is
also given as a ratio to the lightest staff page measured (bench/report.py has the budgets).

Then, on the same server: the CSV export of every proposal of the event (the worker's peak
memory growth), queueing the decision emails of 3,000 speakers (the request's time, then
how long Celery takes to deliver them to a local SMTP sink), and the deadline rush (bench/
rush.py: 200 speakers submit at once with locust).

Results: a table on standard output and bench/results/<N>.json. Everything is bounded in
requests and time and targets 127.0.0.1 only; the harness stops what it started.
"""

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from http.client import HTTPConnection
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
PYTHON = sys.executable
EVENT_SLUG = "bench"
REVIEWERS = 100
QUESTIONS = 10  # custom questions of ten kinds, answered by every proposal (issue 14)
DEFAULT_SIZES = (2000, 20000)


def log(text: str) -> None:
    print(f"[bench] {text}", flush=True)


# --- the database -------------------------------------------------------------------------


def database_url(size: int) -> str:
    base = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/")
    return f"{base.rstrip('/')}/lectern_bench_{size}"


def ensure_database(url: str, fresh: bool) -> None:
    import psycopg2
    from psycopg2 import sql

    name = url.rsplit("/", 1)[1]
    maintenance = url.rsplit("/", 1)[0] + "/postgres"
    connection = psycopg2.connect(maintenance)
    connection.autocommit = True
    with connection.cursor() as cursor:
        if fresh:
            cursor.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    connection.close()


def server_env(size: int, stats_file: Path, smtp_port: int) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": database_url(size),
        "DEBUG": "0",
        "SECRET_KEY": "bench-" + "x" * 50,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_HTTPS": "0",
        "SITE_URL": "http://127.0.0.1",
        # No collectstatic step: the pages' static files are looked up, not hashed.
        "STATICFILES_BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage",
        "REDIS_URL": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14"),
        "CELERY_QUEUE": "lectern-bench",
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
        "REQUEST_STATS_FILE": str(stats_file),
        # The API's rate limits guard a live site; the harness measures its pages, and follows
        # hundreds of cursor pages with one token.
        "API_RATE_PER_TOKEN": "1000000/minute",
        "API_RATE_ANONYMOUS": "1000000/minute",
        "LOG_LEVEL": "WARNING",
    }


def manage(env: dict, *args: str) -> None:
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True)


def prepare(size: int, env: dict, fresh: bool) -> None:
    ensure_database(env["DATABASE_URL"], fresh)
    manage(env, "migrate", "--noinput", "-v0")
    setup_django(env)
    from cfp.models import Event

    event = Event.objects.filter(slug=EVENT_SLUG).first()
    if event is not None:
        log(f"reusing the event of {size} proposals in {env['DATABASE_URL']} (--fresh rebuilds)")
        forget_load_events()
        fill_outbox(event)
        if not event.questions.exists():  # a database seeded before the event asked questions
            log(f"adding {QUESTIONS} questions, answered by every proposal…")
            manage(
                env,
                "seed_demo",
                "--force",
                "--questions",
                str(QUESTIONS),
                "--event-slug",
                EVENT_SLUG,
            )
        return
    log(f"seeding {size} proposals, {REVIEWERS} reviewers (once per database)…")
    started = time.monotonic()
    manage(
        env,
        "seed_demo",
        "--force",
        "--proposals",
        str(size),
        "--reviewers",
        str(REVIEWERS),
        "--event-slug",
        EVENT_SLUG,
        "--programme",
        "--questions",
        str(QUESTIONS),
    )
    log(f"seeded in {time.monotonic() - started:.0f} s")
    fill_outbox(Event.objects.get(slug=EVENT_SLUG))


def fill_outbox(event) -> None:
    """The outbox an event of this size has: a sent confirmation for every submitted proposal
    (one per proposal, to its first speaker), so that the outbox list measures a full list.
    Sent long ago: no worker picks them up. Once per database."""
    from django.db.models import Min

    from cfp.enums import MessageKind, MessageState
    from cfp.models import Message, Proposal

    if Message.objects.filter(event=event).exists():
        return
    rows = (
        Proposal.objects.filter(event=event, submitted_at__isnull=False)
        .annotate(first_speaker=Min("speakers__email"))
        .values_list("pk", "title", "submitted_at", "first_speaker")
    )
    Message.objects.bulk_create(
        (
            Message(
                event=event,
                proposal_id=pk,
                kind=MessageKind.SUBMISSION_RECEIVED,
                to=email,
                subject=f"We received “{title}”",
                body="Thank you for your proposal.",
                state=MessageState.SENT,
                created_at=at,
                queued_at=at,
                sent_at=at,
            )
            for pk, title, at, email in rows.iterator()
            if email
        ),
        batch_size=2000,
    )
    from django.db import connection

    with connection.cursor() as cursor:  # the planner's statistics, as autovacuum would
        cursor.execute("ANALYZE cfp_message")
    log(f"filled the outbox: {Message.objects.filter(event=event).count()} sent messages")


def forget_load_events() -> None:
    """Remove the events an earlier run's email and rush budgets made (2,450 proposals each
    time), so that a reused database stays the size it was seeded at."""
    from cfp.models import Event, Proposal

    left = Event.objects.filter(slug__regex=r"^(mail|rush)-[0-9]+$")
    if left.exists():
        names = ", ".join(left.values_list("slug", flat=True))
        Proposal.objects.filter(event__in=left).delete()  # their tracks protect them
        left.delete()
        log(f"removed the events of earlier load runs: {names}")


_django_ready = False


def setup_django(env: dict) -> None:
    global _django_ready
    if _django_ready:
        return
    keys = (
        "DATABASE_URL",
        "DEBUG",
        "SECRET_KEY",
        "REDIS_URL",
        "SITE_URL",
        "CELERY_QUEUE",
        "EMAIL_URL",
    )
    for key in keys:
        os.environ[key] = env[key]
    os.environ.pop("REQUEST_STATS_FILE", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    _django_ready = True


# --- processes ----------------------------------------------------------------------------


@contextmanager
def process(args: list[str], env: dict, name: str, log_file: Path):
    with open(log_file, "ab") as output:
        child = subprocess.Popen(
            args, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        yield child
    finally:
        if child.poll() is None:
            os.killpg(child.pid, signal.SIGTERM)
            try:
                child.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(child.pid, signal.SIGKILL)
                child.wait()
        log(f"stopped {name} (pid {child.pid})")


def wait_for(port: int, path: str = "/healthz/", timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            connection = HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", path)
            if connection.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"the server on port {port} did not answer within {timeout:.0f} s")


# --- measuring ----------------------------------------------------------------------------


class Client:
    """One keep-alive connection with a session cookie (or headers sent with every request,
    such as an API token's); returns status, body and time."""

    def __init__(self, port: int, cookies: dict[str, str] | None = None, headers=None):
        self.port = port
        self.cookies = dict(cookies or {})
        self.headers = dict(headers or {})
        self.connection = HTTPConnection("127.0.0.1", port, timeout=300)

    def request(self, method: str, path: str, body: bytes | None = None, headers=None):
        bench_id = uuid.uuid4().hex
        headers = {
            "X-Bench-Id": bench_id,
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
            **self.headers,
            **(headers or {}),
        }
        started = time.perf_counter()
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
        except (ConnectionError, OSError):
            self.connection = HTTPConnection("127.0.0.1", self.port, timeout=300)
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
        content = response.read()
        elapsed = (time.perf_counter() - started) * 1000
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        return response.status, content, elapsed, bench_id, dict(response.getheaders())


def read_stats(stats_file: Path) -> dict[str, dict]:
    rows = {}
    if stats_file.exists():
        for line in stats_file.read_text().splitlines():
            row = json.loads(line)
            rows[row["id"]] = row
    return rows


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


def measure(client: Client, path: str, stats_file: Path, warmup: int, repeat: int) -> dict:
    for _ in range(warmup):
        status, *_ = client.request("GET", path)
        if status != 200:
            raise SystemExit(f"{path} answered {status} during the warm-up")
    times, ids = [], []
    for _ in range(repeat):
        status, _content, elapsed, bench_id, _headers = client.request("GET", path)
        if status != 200:
            raise SystemExit(f"{path} answered {status}")
        times.append(elapsed)
        ids.append(bench_id)
    time.sleep(0.2)  # the worker writes the last line after the last byte
    stats = read_stats(stats_file)
    queries = sorted({stats[i]["queries"] for i in ids if i in stats})
    return {
        "queries": queries[-1] if queries else None,
        "queries_varied": queries if len(queries) > 1 else None,
        "p50_ms": round(statistics.median(times), 2),
        "p95_ms": round(percentile(times, 0.95), 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, action="append", help="proposals (repeatable)")
    parser.add_argument("--requests", type=int, default=30, help="measured requests per page")
    parser.add_argument("--warmup", type=int, default=5, help="warm-up requests per page")
    parser.add_argument("--fresh", action="store_true", help="rebuild the databases")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--skip-load", action="store_true", help="pages only")
    args = parser.parse_args()
    sizes = args.size or list(DEFAULT_SIZES)
    if len(sizes) > 1:
        # One process per size: Django is set up once per process, for one database.
        for size in sizes:
            command = [PYTHON, __file__, "--size", str(size), "--requests", str(args.requests)]
            command += ["--warmup", str(args.warmup), "--port", str(args.port)]
            command += ["--fresh"] * args.fresh + ["--skip-load"] * args.skip_load
            subprocess.run(command, check=True)
        from bench.report import print_comparison

        print_comparison(sizes)
        return
    from bench.scenarios import run_size

    run_size(sizes[0], args)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
