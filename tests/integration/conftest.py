"""Real services for integration tests: a Redis broker, a Celery worker process, an SMTP server.

A missing service is a failure, never a skip: CI must run these.
"""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis
from django.db import connection

from config.celery import app as celery_app

ROOT = Path(__file__).resolve().parents[2]
TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


class Broker(str):
    queue: str


@pytest.fixture
def redis_broker():
    client = redis.Redis.from_url(TEST_REDIS_URL)
    try:
        client.ping()
    except redis.ConnectionError as exc:
        pytest.fail(f"Redis is required at {TEST_REDIS_URL} for the Celery tests: {exc}")
    # A queue of this run's own: test runs side by side must not take each other's tasks.
    queue = f"lectern-test-{os.getpid()}"
    keys = ("broker_url", "task_always_eager", "task_default_queue")
    previous = {k: celery_app.conf[k] for k in keys}
    celery_app.conf.update(
        broker_url=TEST_REDIS_URL, task_always_eager=False, task_default_queue=queue
    )
    _drop_broker_connections()
    broker = Broker(TEST_REDIS_URL)
    broker.queue = queue
    yield broker
    celery_app.conf.update(previous)
    _drop_broker_connections()
    client.delete(queue)


def _drop_broker_connections() -> None:
    # Celery caches its connection pool on first use (with the in-process memory:// broker
    # in earlier tests); drop it, as Celery itself does after a fork, to use the new broker.
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


def _database_url() -> str:
    db = connection.settings_dict
    if db["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{db['NAME']}"
    user = db.get("USER") or ""
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    auth = f"{user}{password}@" if user else ""
    return f"postgres://{auth}{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"


@pytest.fixture
def celery_worker_process(transactional_db, redis_broker, smtp_server, tmp_path):
    """A real `celery -A config worker` process, on the test database, mailing to smtp_server."""
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "SECRET_KEY": "worker-test-secret",
        "SECURE_HTTPS": "0",
        "REDIS_URL": redis_broker,
        "DATABASE_URL": _database_url(),
        "EMAIL_URL": smtp_server.url,
        "DATABASE_CONN_MAX_AGE": "0",
    }
    log = open(tmp_path / "worker.log", "w+")  # noqa: SIM115 (closed below)
    worker = subprocess.Popen(
        [
            sys.executable, "-m", "celery", "-A", "config", "worker",
            "--pool=solo", "--without-gossip", "--without-mingle", "--without-heartbeat",
            "--loglevel=INFO", f"--hostname=test-{os.getpid()}@%h", "-Q", redis_broker.queue,
        ],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        log.seek(0)
        if "ready." in log.read():
            break
        if worker.poll() is not None:
            break
        time.sleep(0.2)
    else:
        worker.kill()
    log.seek(0)
    output = log.read()
    if "ready." not in output:
        worker.kill()
        pytest.fail(f"The Celery worker did not start:\n{output}")
    worker.log = log
    yield worker
    worker.terminate()
    try:
        worker.wait(timeout=20)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait()
    log.close()
