"""The durable outbox: queue a message with the change that causes it; deliver it once.

message_queue() writes the row inside the caller's transaction and enqueues delivery on commit.
message_deliver() claims the row with a conditional update, so a task that runs twice sends once;
transient SMTP trouble puts it back with a later attempt time, permanent refusal marks it
failed for an organizer to see and retry. A server that took the whole message but never
answered it leaves the outcome unknown: that message is not retried unless an organizer
chooses to send it again. messages_requeue_due() (Celery beat) re-enqueues whatever waits too long:
Redis was down, or a worker died holding a claim. Claims and their ages are read on the
database's clock, the one clock every worker and the sweeper share.

Drafts (decision emails) wait for an organizer: batch_send() groups the chosen drafts in a
SendBatch within the request, and the release_batch task releases them in chunks, so that
sending thousands returns at once; batch_progress() counts how far a batch is.
"""

import logging
import smtplib
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import Count
from django.db.models.functions import Now
from django.utils import timezone
from django.utils.html import escape, linebreaks, urlize

from cfp.delivery import DurableQueue, TransientFailure, backoff
from cfp.enums import WAITING_STATES, MessageState
from cfp.mail.smtp import DeliveryUnknown
from cfp.models import Event, Message, SendBatch
from config.celery import enqueue_on_commit, sweep

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
# A pending message nobody has tried for this long lost its task (e.g. Redis was down).
STALE_AFTER = timedelta(minutes=2)
# How many drafts of a batch one transaction releases.
RELEASE_CHUNK = 500


def claim_timeout() -> timedelta:
    """A claim older than this is a dead worker's: a live one is stopped by its time limit."""
    return timedelta(seconds=settings.OUTBOX_DELIVERY_TIME_LIMIT) + timedelta(minutes=2)


def text_to_html(body: str) -> str:
    """The HTML alternative: the plain text, escaped, with paragraphs and links."""
    return linebreaks(urlize(escape(body), nofollow=True), autoescape=False)


# The tasks, by their registered names (config.celery): this module never imports cfp.mail.tasks.
DELIVER_TASK = "cfp.tasks.deliver_message"
RELEASE_BATCH_TASK = "cfp.tasks.release_batch"


# The outbox's table in the shared durable delivery (cfp.delivery): claim, record, sweep.
MESSAGES = DurableQueue(
    model=Message,
    pending=MessageState.PENDING,
    sending=MessageState.SENDING,
    task=DELIVER_TASK,
    id_kwarg="message_id",
    claim_timeout=claim_timeout,
    stale_after=STALE_AFTER,
    label="message",
)


def _deliver_on_commit(message_ids: list[int]) -> None:
    """Send the delivery tasks once the transaction commits; with the broker down the rows
    stay pending, and messages_requeue_due() sends them."""
    MESSAGES.deliver_on_commit(message_ids)


def message_queue(
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
        _deliver_on_commit([message.pk])
    return message


@transaction.atomic
def messages_release(messages, states=(MessageState.DRAFT, MessageState.FAILED)) -> int:
    """Send drafts (or retry failed messages): they become pending and are enqueued."""
    ids = list(messages.filter(state__in=states).values_list("pk", flat=True))
    updated = Message.objects.filter(pk__in=ids, state__in=states).update(
        state=MessageState.PENDING, queued_at=Now(), next_attempt_at=None
    )
    _deliver_on_commit(ids)
    return updated


def messages_send_again(messages) -> int:
    """Send once more the messages whose delivery is unknown: an organizer's explicit choice.

    The server may have taken them, so the recipient may get them twice; the Message-ID is the
    same, which lets their mail system recognise the copy.
    """
    return messages_release(messages, states=(MessageState.UNKNOWN,))


def messages_discard(messages) -> int:
    return messages.filter(state__in=(MessageState.DRAFT, MessageState.FAILED)).update(
        state=MessageState.DISCARDED
    )


def _backoff(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min, … up to an hour (the base is OUTBOX_RETRY_BASE_SECONDS)."""
    return backoff(attempts, base=settings.OUTBOX_RETRY_BASE_SECONDS)


def _is_transient(exc: Exception) -> bool:
    if isinstance(exc, smtplib.SMTPResponseException):
        return 400 <= exc.smtp_code < 500
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(400 <= code < 500 for code, _ in exc.recipients.values())
    return isinstance(exc, (smtplib.SMTPServerDisconnected, ConnectionError, TimeoutError, OSError))


def message_claim(message_id: int) -> bool:
    """Take a pending message for sending; of workers that try at once, one gets it."""
    return MESSAGES.claim(message_id)


def _record(message_id: int, **outcome) -> int:
    """Write a delivery's outcome on its claimed row (cfp.delivery: robust to a broken
    connection, and never applied twice)."""
    return MESSAGES.record(message_id, **outcome)


def _close(mail_connection) -> None:
    try:
        mail_connection.close()
    except Exception as exc:  # noqa: BLE001 (the outcome is recorded; a failed QUIT changes nothing)
        logger.info("Closing the SMTP connection failed: %s", exc)


def _failed(message: Message, exc: Exception) -> str:
    """Record a delivery that did not end with "250"; raises TransientFailure to retry."""
    error = f"{type(exc).__name__}: {exc}"[:2000]
    if isinstance(exc, DeliveryUnknown):  # the server may have it: never again by itself
        _record(message.pk, state=MessageState.UNKNOWN, last_error=error)
        logger.warning("Message %s: delivery unknown: %s", message.pk, error)
        return "unknown"
    if _is_transient(exc) and message.attempts < MAX_ATTEMPTS:
        retry_in = _backoff(message.attempts)
        _record(
            message.pk,
            state=MessageState.PENDING,
            last_error=error,
            next_attempt_at=Now() + retry_in,
        )
        raise TransientFailure(error, retry_in) from exc
    _record(message.pk, state=MessageState.FAILED, last_error=error)
    logger.warning("Message %s failed for good: %s", message.pk, error)
    return "failed"


def message_deliver(message_id: int) -> str:
    """Send one message if it is still pending; returns what happened."""
    if not message_claim(message_id):
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
    mail_connection = get_connection(fail_silently=False)
    try:
        try:
            mail_connection.open()
            mail_connection.send_messages([email])
        except Exception as exc:  # noqa: BLE001 (every failure is recorded on the row)
            return _failed(message, exc)
        # The server said "250" to the data: record it before QUIT, so that the time in which
        # a worker's death leaves a delivered message "sending" is as short as can be.
        _record(message_id, state=MessageState.SENT, sent_at=Now(), last_error="")
        return "sent"
    finally:
        _close(mail_connection)


def messages_requeue_due() -> int:
    """Re-enqueue what waits too long; take back claims of workers that died."""
    return MESSAGES.requeue_due()


def outbox_flush(*, now=None) -> dict[str, int]:
    """Deliver every pending message in this process (the manual flush)."""
    results: dict[str, int] = {}
    for message_id in Message.objects.pending().values_list("pk", flat=True):
        try:
            outcome = message_deliver(message_id)
        except TransientFailure:
            outcome = "retry later"
        results[outcome] = results.get(outcome, 0) + 1
    return results


# --- drafts: edited, then sent in batches --------------------------------------------------


def drafts_create(messages: list[Message]) -> list[Message]:
    """Store many drafts in a few INSERTs (an email to a group of thousands): each unsaved
    Message gets its one-line subject, its HTML alternative and the draft state. Nothing is
    delivered until an organizer sends them (batch_send)."""
    for message in messages:
        message.subject = " ".join(message.subject.split())
        message.html = text_to_html(message.body)
        message.state = MessageState.DRAFT
        message.queued_at = None
    return Message.objects.bulk_create(messages, batch_size=500)


def draft_edit(*, message: Message, subject: str, body: str) -> bool:
    """Change a draft's text (and its HTML alternative); False if it is no longer a draft."""
    return bool(
        Message.objects.filter(pk=message.pk, state=MessageState.DRAFT).update(
            subject=" ".join(subject.split()), body=body, html=text_to_html(body)
        )
    )


@transaction.atomic
def batch_send(*, event: Event, messages, by=None) -> SendBatch | None:
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
    enqueue_on_commit(RELEASE_BATCH_TASK, batch_id=batch.pk)  # if lost, batches_resume()
    return batch


def batch_release(batch_id: int) -> int:
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
        released += messages_release(Message.objects.filter(pk__in=chunk))


def batches_resume(now=None) -> int:
    """Re-enqueue batches whose drafts wait too long (their task was lost)."""
    now = now or timezone.now()
    batch_ids = list(
        SendBatch.objects.filter(
            created_at__lt=now - STALE_AFTER, messages__state=MessageState.DRAFT
        )
        .values_list("pk", flat=True)
        .distinct()
    )
    sweep(RELEASE_BATCH_TASK, ({"batch_id": pk} for pk in batch_ids))
    return len(batch_ids)


def batch_progress(batch: SendBatch) -> dict:
    """How far the batch is: sent, failed, discarded, unknown and still waiting, of its total."""
    counts = dict(
        batch.messages.order_by().values("state").annotate(n=Count("pk")).values_list("state", "n")
    )
    sent = counts.get(MessageState.SENT, 0)
    failed = counts.get(MessageState.FAILED, 0)
    discarded = counts.get(MessageState.DISCARDED, 0)
    unknown = counts.get(MessageState.UNKNOWN, 0)
    waiting = sum(counts.get(state, 0) for state in WAITING_STATES)
    total = batch.total
    finished = sent + failed + discarded + unknown
    return {
        "total": total,
        "sent": sent,
        "failed": failed,
        "discarded": discarded,
        "unknown": unknown,
        "waiting": waiting,
        "done": waiting == 0,
        "percent": 100 if not total else min(100, round(100 * finished / total)),
    }
