"""Real services for integration tests: a Redis broker, a Celery worker process, an SMTP server.

A missing service is a failure, never a skip: CI must run these.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis
from django.db import connection

from tests.helpers import celery_conf
from tests.services import RedisServer, ServiceError

ROOT = Path(__file__).resolve().parents[2]


class Broker(str):
    queue: str


def _use_broker(url: str):
    """This process's Celery app on a real broker, on a queue of this run's own."""
    broker = Broker(url)
    broker.queue = f"lectern-test-{os.getpid()}"
    return broker, celery_conf(
        broker_url=url, task_always_eager=False, task_default_queue=broker.queue
    )


@pytest.fixture
def redis_broker(test_redis_url):
    """Redis at TEST_REDIS_URL (or this run's throwaway one), on a queue of this run's own."""
    broker, conf = _use_broker(test_redis_url)
    with conf:
        yield broker
    client = redis.Redis.from_url(test_redis_url)
    client.delete(broker.queue)
    client.close()


@pytest.fixture
def own_redis(tmp_path):
    """A redis-server of the test's own, on a free port, that the test may stop and start."""
    try:
        server = RedisServer(tmp_path)
        server.start()
    except ServiceError as exc:
        pytest.fail(f"The outbox fault tests need a redis-server of their own: {exc}")
    server.broker, conf = _use_broker(server.url)
    with conf:
        yield server
    server.stop()


def _database_url() -> str:
    db = connection.settings_dict
    if db["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{db['NAME']}"
    user = db.get("USER") or ""
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    auth = f"{user}{password}@" if user else ""
    return f"postgres://{auth}{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"


class Worker:
    """A real `celery -A config worker` process on the test database, mailing to smtp_server."""

    def __init__(self, broker: Broker, smtp_url: str, tmp_path: Path, **env):
        self.broker = broker
        self.env = {
            **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "SECRET_KEY": "worker-test-secret",
            "SECURE_HTTPS": "0",
            "REDIS_URL": broker,
            "DATABASE_URL": _database_url(),
            "EMAIL_URL": smtp_url,
            "DATABASE_CONN_MAX_AGE": "0",
            "CELERY_QUEUE": broker.queue,  # tasks the worker itself sends stay on this queue
            **env,
        }
        self.tmp_path = tmp_path
        self.process = None
        self.runs = 0

    def start(self) -> None:
        self.runs += 1
        self.log_path = self.tmp_path / f"worker-{self.runs}.log"
        self.log = open(self.log_path, "w+")  # noqa: SIM115 (closed in stop/kill)
        self.process = subprocess.Popen(
            [
                sys.executable, "-m", "celery", "-A", "config", "worker",
                "--pool=solo", "--without-gossip", "--without-mingle", "--without-heartbeat",
                "--loglevel=INFO", f"--hostname=test-{os.getpid()}-{self.runs}@%h",
                "-Q", self.broker.queue,
            ],
            cwd=ROOT, env=self.env, stdout=self.log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and self.process.poll() is None:
            if "ready." in self.output():
                return
            time.sleep(0.2)
        self.kill()
        pytest.fail(f"The Celery worker did not start:\n{self.output()}")

    def output(self) -> str:
        return self.log_path.read_text()

    def kill(self) -> None:
        """SIGKILL: the worker dies at once, mid-task, acknowledging nothing."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=20)
        self.log.close()

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if not self.log.closed:
            self.log.close()


@pytest.fixture
def celery_worker_process(transactional_db, redis_broker, smtp_server, tmp_path):
    worker = Worker(redis_broker, smtp_server.url, tmp_path)
    worker.start()
    yield worker
    worker.stop()


@pytest.fixture
def make_worker(transactional_db, smtp_server, tmp_path):
    """Start workers on a broker of the test's choosing; all are stopped at the end."""
    workers = []

    def make(broker: Broker, **env) -> Worker:
        worker = Worker(broker, smtp_server.url, tmp_path, **env)
        workers.append(worker)
        return worker

    yield make
    for worker in workers:
        worker.stop()
