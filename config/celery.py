"""The Celery app, and the one way work is sent to it: durable rows, enqueued, swept.

Durable work is a database row whose state says it is due (an outbox message that is pending,
an event whose scores are stale). The request that makes it due writes the row and sends the
task once its transaction commits (`enqueue_on_commit`). The broker may be down then: the send
is logged and given up, the request still succeeds, and the row stays due. A Celery beat task
(the sweeper) finds the due rows every minute and sends their tasks again (`sweep`). The task
itself claims the row with a conditional update, so that sending it twice does the work once.

Tasks are sent by their registered name ("reviews.tasks.refresh_scores"): a service never
imports a task module, which imports the service. Each task declares its `name=`, so that
the name stays the same when its module moves.
"""

import logging
import os
from collections.abc import Iterable, Mapping

import redis.exceptions
from celery import Celery, Task
from django.db import transaction
from kombu.exceptions import OperationalError

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("config")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# The outbox's delivery tasks (cfp.mail.tasks) and the webhooks' (cfp.webhooks.tasks).
app.autodiscover_tasks(["cfp.mail", "cfp.webhooks"])

logger = logging.getLogger(__name__)

# What sending a task raises when the broker cannot be reached: kombu wraps connection errors
# (a refused or timed-out socket) in its OperationalError once its publish retries are spent;
# Redis's own may come through unwrapped. Not OSError: with CELERY_TASK_ALWAYS_EAGER the task
# runs inside apply_async, and its own errors (smtplib's are OSErrors) must not pass for an
# outage.
BROKER_ERRORS = (OperationalError, redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)


def task_named(name: str) -> Task:
    """The registered task of that name; NotRegistered (a KeyError) for a name nobody defined.

    A web process imports no task module by itself: the first look-up imports them all
    (`app.autodiscover_tasks`, as a worker does when it starts).
    """
    if name not in app.tasks:
        app.loader.import_default_modules()
    return app.tasks[name]


def enqueue(task_name: str, **kwargs) -> bool:
    """Send the task now; True if sent, False if the broker is down (logged; the sweeper will).

    The task is named by its registered name (no import of a task module). It is sent with
    `apply_async`, so that with CELERY_TASK_ALWAYS_EAGER (DEBUG without Redis, the tests) it
    runs here and now (`app.send_task` would not).
    """
    task = task_named(task_name)
    try:
        task.apply_async(kwargs=kwargs)
    except BROKER_ERRORS as exc:
        logger.warning("Could not enqueue %s(%s), its sweeper will: %s", task.name, kwargs, exc)
        return False
    return True


def enqueue_on_commit(task_name: str, **kwargs) -> None:
    """Send the task once the current transaction commits (at once outside a transaction).

    A rolled-back transaction sends nothing; a broker that is down then costs the caller
    nothing either (see `enqueue`): the row the transaction wrote is what the sweeper finds.
    """
    task_named(task_name)  # a misspelt name fails here, in the caller, not after its commit
    transaction.on_commit(lambda: enqueue(task_name, **kwargs))


def sweep(task_name: str, kwargs_iterable: Iterable[Mapping]) -> int:
    """The sweeper's step: send the task again for each due row; returns how many were sent.

    A beat task calls it with the keyword arguments of every row that is due, read from the
    database (`sweep("reviews.tasks.refresh_scores", ({"event_id": pk} for pk in stale))`).
    It stops at the first send that fails: the broker is down, each further try would wait for
    it as long, and the rows stay due for the next sweep.
    """
    sent = 0
    for kwargs in kwargs_iterable:
        if not enqueue(task_name, **kwargs):
            break
        sent += 1
    return sent
