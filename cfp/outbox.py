"""The durable outbox: queue a message with the change that causes it; deliver it once.

queue() writes the row inside the caller's transaction and enqueues delivery on commit.
deliver() claims the row with a conditional update, so a task that runs twice sends once;
transient SMTP trouble puts it back with a later attempt time, permanent refusal marks it
failed for an organizer to see and retry. requeue_due() (Celery beat) re-enqueues whatever
waits too long: Redis was down, or a worker died holding a claim.

Drafts (decision emails) wait for an organizer: send_batch() groups the chosen drafts in a
SendBatch within the request, and the release_batch task releases them in chunks, so that
sending thousands returns at once; batch_progress() counts how far a batch is.
"""

import logging
import smtplib
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.html import escape, linebreaks, urlize
from kombu.exceptions import OperationalError

from cfp.enums import MessageState
from cfp.models import Event, Message, SendBatch

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
# A claim older than this means the worker died mid-send (Celery's hard limit is shorter).
CLAIM_TIMEOUT = timedelta(minutes=5)
# A pending message nobody has tried for this long lost its task (e.g. Redis was down).
STALE_AFTER = timedelta(minutes=2)
# How many drafts of a batch one transaction releases.
RELEASE_CHUNK = 500


def text_to_html(body: str) -> str:
    """The HTML alternative: the plain text, escaped, with paragraphs and links."""
    return linebreaks(urlize(escape(body), nofollow=True), autoescape=False)


def _enqueue(message_ids: list[int]) -> None:
    from cfp import tasks

    for message_id in message_ids:
        try:
            tasks.deliver_message.delay(message_id=message_id)
        except OperationalError:  # the broker is down: the row stays pending for the sweeper
            logger.warning("Could not enqueue message %s; it stays pending", message_id)
            return


def queue(
    *,
    to: str,
    subject: str,
    body: str,
    kind: str,
    event=None,
    proposal=None,
    user=None,
    html: str | None = None,
    draft: bool = False,
) -> Message:
    """Store a message; unless it is a draft, deliver it once the transaction commits."""
    now = timezone.now()
    message = Message.objects.create(
        to=to,
        subject=" ".join(subject.split()),
        body=body,
        html=text_to_html(body) if html is None else html,
        kind=kind,
        event=event,
        proposal=proposal,
        user=user,
        state=MessageState.DRAFT if draft else MessageState.PENDING,
        queued_at=None if draft else now,
    )
    if not draft:
        transaction.on_commit(lambda: _enqueue([message.pk]))
    return message


@transaction.atomic
def release(messages) -> int:
    """Send drafts (or retry failed messages): they become pending and are enqueued."""
    ids = list(
        messages.filter(state__in=(MessageState.DRAFT, MessageState.FAILED)).values_list(
            "pk", flat=True
        )
    )
    updated = Message.objects.filter(
        pk__in=ids, state__in=(MessageState.DRAFT, MessageState.FAILED)
    ).update(state=MessageState.PENDING, queued_at=timezone.now(), next_attempt_at=None)
    transaction.on_commit(lambda: _enqueue(ids))
    return updated


def discard(messages) -> int:
    return messages.filter(state__in=(MessageState.DRAFT, MessageState.FAILED)).update(
        state=MessageState.DISCARDED
    )


class TransientFailure(Exception):
    """Delivery failed in a way that may pass: try again later."""

    def __init__(self, message: str, retry_in: timedelta):
        super().__init__(message)
        self.retry_in = retry_in


def _backoff(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min, … up to an hour (the base is OUTBOX_RETRY_BASE_SECONDS)."""
    base = settings.OUTBOX_RETRY_BASE_SECONDS
    return timedelta(seconds=min(base * 2 ** max(0, attempts - 1), 3600))


def _is_transient(exc: Exception) -> bool:
    if isinstance(exc, smtplib.SMTPResponseException):
        return 400 <= exc.smtp_code < 500
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(400 <= code < 500 for code, _ in exc.recipients.values())
    return isinstance(exc, (smtplib.SMTPServerDisconnected, ConnectionError, TimeoutError, OSError))


def deliver(message_id: int) -> str:
    """Send one message if it is still pending; returns what happened."""
    now = timezone.now()
    claimed = Message.objects.filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now),
        pk=message_id,
        state=MessageState.PENDING,
    ).update(state=MessageState.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    if not claimed:
        return "skipped"
    message = Message.objects.get(pk=message_id)
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=message.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.to],
        headers={"Message-ID": message.message_id},
    )
    if message.html:
        email.attach_alternative(message.html, "text/html")
    try:
        with get_connection(fail_silently=False) as connection:
            connection.send_messages([email])
    except Exception as exc:  # noqa: BLE001 (every failure is recorded on the row)
        error = f"{type(exc).__name__}: {exc}"[:2000]
        if _is_transient(exc) and message.attempts < MAX_ATTEMPTS:
            retry_in = _backoff(message.attempts)
            Message.objects.filter(pk=message_id, state=MessageState.SENDING).update(
                state=MessageState.PENDING, last_error=error, next_attempt_at=now + retry_in
            )
            raise TransientFailure(error, retry_in) from exc
        Message.objects.filter(pk=message_id, state=MessageState.SENDING).update(
            state=MessageState.FAILED, last_error=error
        )
        logger.warning("Message %s failed for good: %s", message_id, error)
        return "failed"
    Message.objects.filter(pk=message_id, state=MessageState.SENDING).update(
        state=MessageState.SENT, sent_at=timezone.now(), last_error=""
    )
    return "sent"


def requeue_due(now=None) -> int:
    """Re-enqueue what waits too long; take back claims of workers that died."""
    now = now or timezone.now()
    dead = list(
        Message.objects.filter(
            state=MessageState.SENDING, claimed_at__lt=now - CLAIM_TIMEOUT
        ).values_list("pk", flat=True)
    )
    Message.objects.filter(pk__in=dead, state=MessageState.SENDING).update(
        state=MessageState.PENDING, next_attempt_at=None
    )
    due = Message.objects.filter(state=MessageState.PENDING).filter(
        Q(pk__in=dead)
        | Q(next_attempt_at__lte=now)
        | Q(next_attempt_at__isnull=True, queued_at__lt=now - STALE_AFTER)
    )
    ids = list(due.values_list("pk", flat=True)[:5000])
    Message.objects.filter(pk__in=ids).update(queued_at=now)
    _enqueue(ids)
    return len(ids)


def flush(*, now=None) -> dict[str, int]:
    """Deliver every pending message in this process (the manual flush)."""
    results: dict[str, int] = {}
    for message_id in Message.objects.pending().values_list("pk", flat=True):
        try:
            outcome = deliver(message_id)
        except TransientFailure:
            outcome = "retry later"
        results[outcome] = results.get(outcome, 0) + 1
    return results


# --- drafts: edited, then sent in batches --------------------------------------------------


def edit_draft(*, message: Message, subject: str, body: str) -> bool:
    """Change a draft's text (and its HTML alternative); False if it is no longer a draft."""
    return bool(
        Message.objects.filter(pk=message.pk, state=MessageState.DRAFT).update(
            subject=" ".join(subject.split()), body=body, html=text_to_html(body)
        )
    )


def _enqueue_batch(batch_id: int) -> None:
    from cfp import tasks

    try:
        tasks.release_batch.delay(batch_id=batch_id)
    except OperationalError:  # the broker is down: resume_batches() picks the batch up
        logger.warning("Could not enqueue batch %s; its drafts wait for the sweeper", batch_id)


@transaction.atomic
def send_batch(*, event: Event, messages, by=None) -> SendBatch | None:
    """Send these drafts of the event together; None when none of them is a waiting draft.

    The request only marks the drafts as the batch's (one UPDATE, however many there are);
    the release_batch task releases them after the commit. A draft already in a batch stays
    in it, so sending twice sends once.
    """
    batch = SendBatch.objects.create(event=event, created_by=by)
    # Filtered in place, not through `pk IN (subquery)`: on a table whose statistics lag
    # behind a burst of new drafts, PostgreSQL planned that as a nested loop of seconds.
    batch.total = messages.filter(event=event, state=MessageState.DRAFT, batch__isnull=True).update(
        batch=batch
    )
    if not batch.total:
        batch.delete()
        return None
    batch.save(update_fields=["total"])
    transaction.on_commit(lambda: _enqueue_batch(batch.pk))
    return batch


def release_batch(batch_id: int) -> int:
    """Release the batch's drafts, a chunk per transaction; returns how many were released."""
    released = 0
    while True:
        chunk = list(
            Message.objects.filter(batch_id=batch_id, state=MessageState.DRAFT)
            .order_by("pk")
            .values_list("pk", flat=True)[:RELEASE_CHUNK]
        )
        if not chunk:
            return released
        released += release(Message.objects.filter(pk__in=chunk))


def resume_batches(now=None) -> int:
    """Re-enqueue batches whose drafts wait too long (their task was lost)."""
    now = now or timezone.now()
    batch_ids = list(
        SendBatch.objects.filter(
            created_at__lt=now - STALE_AFTER, messages__state=MessageState.DRAFT
        )
        .values_list("pk", flat=True)
        .distinct()
    )
    for batch_id in batch_ids:
        _enqueue_batch(batch_id)
    return len(batch_ids)


WAITING_STATES = (MessageState.DRAFT, MessageState.PENDING, MessageState.SENDING)


def batch_progress(batch: SendBatch) -> dict:
    """How far the batch is: sent, failed, discarded and still waiting, of its total."""
    counts = dict(
        batch.messages.order_by().values("state").annotate(n=Count("pk")).values_list("state", "n")
    )
    sent = counts.get(MessageState.SENT, 0)
    failed = counts.get(MessageState.FAILED, 0)
    discarded = counts.get(MessageState.DISCARDED, 0)
    waiting = sum(counts.get(state, 0) for state in WAITING_STATES)
    total = batch.total
    finished = sent + failed + discarded
    return {
        "total": total,
        "sent": sent,
        "failed": failed,
        "discarded": discarded,
        "waiting": waiting,
        "done": waiting == 0,
        "percent": 100 if not total else min(100, round(100 * finished / total)),
    }
