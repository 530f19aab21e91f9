"""Durable delivery, the one mechanism behind the email outbox and webhooks.

A row is written in the same transaction as the change that causes it (state "pending"), and
its delivery task is sent once the transaction commits. The task claims the row with a
conditional update (pending → sending), so that a task that runs twice delivers once. The
outcome is recorded on the claimed row, on a new database connection if the old one broke.
A transient failure puts the row back with a later attempt time (exponential backoff); the
sweeper (Celery beat) re-enqueues rows whose time has come, rows whose task was lost (the
broker was down), and takes back the claims of workers that died. Claims and their ages are
read on the database's clock, the one clock every worker and the sweeper share.

`DurableQueue` describes one such table; each kind of delivery keeps its own outcomes
(what a failure means for an email or for an HTTP request) and uses these steps.
"""

import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta

from django.db import InterfaceError, OperationalError, connection, transaction
from django.db.models import F, Model, Q
from django.db.models.functions import Now

from config.celery import sweep

logger = logging.getLogger(__name__)

# Seconds between attempts to record a delivery's outcome when the database connection broke.
RECORD_RETRY_DELAYS = (0.2, 0.5, 1, 2, 4, 8)
# How many due rows one sweep re-enqueues (the rest wait for the next minute).
SWEEP_LIMIT = 5000


class TransientFailure(Exception):
    """Delivery failed in a way that may pass: try again later."""

    def __init__(self, message: str, retry_in: timedelta):
        super().__init__(message)
        self.retry_in = retry_in


def backoff(attempts: int, *, base: float, cap: float = 3600) -> timedelta:
    """The wait after the n-th failed attempt: base, 2×base, 4×base, … up to `cap` seconds."""
    return timedelta(seconds=min(base * 2 ** max(0, attempts - 1), cap))


@dataclass(frozen=True)
class DurableQueue:
    """One table of durable deliveries: its model, states, task and timings.

    The model has `state`, `attempts`, `queued_at`, `next_attempt_at` and `claimed_at`.
    """

    model: type[Model]
    pending: str
    sending: str
    task: str  # the delivery task's registered name
    id_kwarg: str  # the task's keyword argument that names the row
    claim_timeout: Callable[[], timedelta]  # a claim older than this is a dead worker's
    stale_after: timedelta  # a pending row nobody tried for this long lost its task
    label: str  # for the logs: "message", "webhook delivery"

    def deliver_on_commit(self, ids: Iterable) -> None:
        """Send the delivery tasks once the transaction commits; with the broker down the rows
        stay pending, and requeue_due() sends them."""
        ids = list(ids)
        transaction.on_commit(lambda: sweep(self.task, ({self.id_kwarg: pk} for pk in ids)))

    def claim(self, pk) -> bool:
        """Take a pending row for delivery; of workers that try at once, one gets it."""
        return bool(
            self.model.objects.filter(
                Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=Now()),
                pk=pk,
                state=self.pending,
            ).update(state=self.sending, claimed_at=Now(), attempts=F("attempts") + 1)
        )

    def record(self, pk, **outcome) -> int:
        """Write a delivery's outcome on its claimed row, on a new connection if the old one
        broke.

        The delivery is out (or refused) by now: an outcome lost with a broken connection would
        leave the row "sending", and the sweeper would deliver it again. The update is
        conditional, so one that reached the database before its connection broke is not
        applied twice.
        """
        claimed = self.model.objects.filter(pk=pk, state=self.sending)
        for delay in RECORD_RETRY_DELAYS:
            try:
                return claimed.update(**outcome)
            except (OperationalError, InterfaceError) as exc:
                if connection.in_atomic_block:  # a caller's transaction is lost anyway
                    raise
                logger.warning("Recording %s %s failed (%s); reconnecting", self.label, pk, exc)
                connection.close()  # the next query opens a new connection
                time.sleep(delay)
        return claimed.update(**outcome)  # the last try; if it fails, the sweeper finds the row

    def retry_later(self, pk, retry_in: timedelta, **outcome) -> int:
        """Put a claimed row back, due after `retry_in` (on the database's clock)."""
        return self.record(pk, state=self.pending, next_attempt_at=Now() + retry_in, **outcome)

    def requeue_due(self) -> int:
        """Re-enqueue what waits too long; take back claims of workers that died."""
        model, pending, sending = self.model, self.pending, self.sending
        old_claim = Now() - self.claim_timeout()
        dead = list(
            model.objects.filter(state=sending, claimed_at__lt=old_claim).values_list(
                "pk", flat=True
            )
        )
        model.objects.filter(pk__in=dead, state=sending, claimed_at__lt=old_claim).update(
            state=pending, next_attempt_at=None
        )
        due = model.objects.filter(state=pending).filter(
            Q(pk__in=dead)
            | Q(next_attempt_at__lte=Now())
            | Q(next_attempt_at__isnull=True, queued_at__lt=Now() - self.stale_after)
        )
        ids = list(due.values_list("pk", flat=True)[:SWEEP_LIMIT])
        model.objects.filter(pk__in=ids).update(queued_at=Now())
        sweep(self.task, ({self.id_kwarg: pk} for pk in ids))
        return len(ids)
