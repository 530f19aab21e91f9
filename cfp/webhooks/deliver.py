"""Delivering webhooks: one attempt at a time, at least once, each recorded.

The rows are delivered by the shared durable mechanism (cfp.delivery), as the outbox's emails
are: a task claims a pending row with a conditional update, POSTs it (cfp.webhooks.sender)
signed with a fresh timestamp, and records the answer's code and the start of its body. A 2xx
is delivered. A 5xx, a 408 or 429, a timeout or a broken connection is tried again later,
with backoff, up to MAX_ATTEMPTS; any other answer (a 4xx, a redirect) and a URL that is not
allowed fail at once. A worker that dies mid-request leaves its claim, which the sweeper takes
back: the receiver may then get the delivery twice, with the same X-Lectern-Delivery id. An
organizer may redeliver a delivery: the same id and body, a new timestamp and signature.

Where Celery runs tasks in-process (`make run`, no REDIS_URL), a delivery would hold the
request that caused it for as long as the receiver takes: there the deliveries of a commit
run in a background thread instead, and what fails waits for the sweeper or an organizer.
"""

import logging
import threading
import time
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models.functions import Now

from cfp.delivery import DurableQueue, TransientFailure, backoff
from cfp.models import WebhookDelivery
from cfp.webhooks import sender, signing
from cfp.webhooks.kinds import DeliveryState
from config.celery import app, sweep

logger = logging.getLogger(__name__)

# The tasks, by their registered names (config.celery): this module never imports the tasks.
DELIVER_TASK = "cfp.tasks.deliver_webhook"
MAX_ATTEMPTS = 8  # with the default base of 30 s: the last try about an hour after the first
STALE_AFTER = timedelta(minutes=2)
RETRY_STATUSES = frozenset({408, 429})


def claim_timeout() -> timedelta:
    """A claim older than this is a dead worker's: a live one is stopped by its time limit."""
    return timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT) + timedelta(minutes=2)


DELIVERIES = DurableQueue(
    model=WebhookDelivery,
    pending=DeliveryState.PENDING,
    sending=DeliveryState.SENDING,
    task=DELIVER_TASK,
    id_kwarg="delivery_pk",
    claim_timeout=claim_timeout,
    stale_after=STALE_AFTER,
    label="webhook delivery",
)


def deliver_on_commit(pks: list[int]) -> None:
    """Deliver these rows once the transaction commits: by the Celery workers, or, where
    tasks run in-process, by a thread of this process that the request does not wait for."""
    pks = list(pks)
    transaction.on_commit(lambda: _start(pks))


def _start(pks: list[int]) -> None:
    if app.conf.task_always_eager:
        threading.Thread(target=_deliver_here, args=(pks,), daemon=True, name="webhooks").start()
    else:
        sweep(DELIVER_TASK, ({"delivery_pk": pk} for pk in pks))


def _deliver_here(pks: list[int]) -> None:
    try:
        for pk in pks:
            try:
                delivery_attempt(pk)
            except TransientFailure:
                pass  # the row is pending again, due later: the sweeper or an organizer
            except Exception:
                logger.exception("Webhook delivery %s failed in the background", pk)
    finally:
        connection.close()  # this thread's own connection


def _retry_in(attempts: int) -> timedelta:
    return backoff(attempts, base=settings.WEBHOOK_RETRY_BASE_SECONDS)


def _failed(delivery: WebhookDelivery, error: str, *, transient: bool, **outcome) -> str:
    error = error[:2000]
    if transient and delivery.attempts < MAX_ATTEMPTS:
        retry_in = _retry_in(delivery.attempts)
        DELIVERIES.retry_later(delivery.pk, retry_in, last_error=error, **outcome)
        raise TransientFailure(error, retry_in)
    DELIVERIES.record(delivery.pk, state=DeliveryState.FAILED, last_error=error, **outcome)
    logger.warning("Webhook delivery %s failed for good: %s", delivery.delivery_id, error)
    return "failed"


def delivery_attempt(pk: int) -> str:
    """POST one delivery if it is still pending; returns what happened ("delivered",
    "failed", "skipped"); raises TransientFailure when it will be tried again."""
    if not DELIVERIES.claim(pk):
        return "skipped"
    delivery = WebhookDelivery.objects.select_related("endpoint").get(pk=pk)
    endpoint = delivery.endpoint
    if not endpoint.active:
        return _failed(delivery, "The endpoint is inactive.", transient=False)
    timestamp = int(time.time())
    headers = signing.headers(
        delivery_id=delivery.delivery_id,
        kind=delivery.kind,
        secret=endpoint.secret,
        timestamp=timestamp,
        body=delivery.body,
    )
    try:
        response = sender.post(endpoint.url, delivery.body.encode(), headers)
    except sender.Refused as exc:
        return _failed(delivery, f"Refused: {exc}", transient=False, response_code=None)
    except sender.SendError as exc:
        return _failed(delivery, str(exc), transient=True, response_code=None)
    answer = {"response_code": response.status, "response_excerpt": response.excerpt}
    if 200 <= response.status < 300:
        DELIVERIES.record(
            pk, state=DeliveryState.DELIVERED, delivered_at=Now(), last_error="", **answer
        )
        return "delivered"
    retry = response.status >= 500 or response.status in RETRY_STATUSES
    return _failed(delivery, f"HTTP {response.status}", transient=retry, **answer)


@transaction.atomic
def delivery_redeliver(*, delivery: WebhookDelivery) -> bool:
    """Send a delivery again (an organizer's choice): the same id and body, a new timestamp
    and signature, tried afresh. False if it is being sent right now."""
    again = WebhookDelivery.objects.filter(
        pk=delivery.pk,
        state__in=(DeliveryState.PENDING, DeliveryState.DELIVERED, DeliveryState.FAILED),
    ).update(
        state=DeliveryState.PENDING,
        attempts=0,
        next_attempt_at=None,
        queued_at=Now(),
        last_error="",
    )
    if again:
        deliver_on_commit([delivery.pk])
    return bool(again)


def deliveries_requeue_due() -> int:
    """The sweeper: re-enqueue deliveries that wait too long; take back dead workers' claims."""
    return DELIVERIES.requeue_due()
