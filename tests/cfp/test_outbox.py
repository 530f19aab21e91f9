"""The durable outbox: stored with the change, delivered once, retried, never lost."""

from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.db import transaction
from django.db.models.functions import Now
from django.urls import reverse
from django.utils import timezone

from cfp.enums import MessageKind, MessageState
from cfp.mail import outbox
from cfp.models import Message
from cfp.services import proposal_submit
from tests.factories import ProposalFactory, SpeakerFactory

pytestmark = pytest.mark.django_db


def pending(**extra):
    defaults = {"to": "ada@example.com", "subject": "Hello", "body": "Hi Ada", "kind": "account"}
    return outbox.message_queue(**{**defaults, **extra})


def state_of(message):
    message.refresh_from_db()
    return message.state


def test_queue_stores_the_message_before_anything_is_sent(smtp_server):
    message = pending(subject="Héllo 東京 🚀", body="Line one\n\nhttps://example.com/x <b>")

    assert state_of(message) == MessageState.PENDING
    assert smtp_server.messages == []  # nothing leaves before the commit
    assert message.html == (
        '<p>Line one</p>\n\n<p><a href="https://example.com/x" rel="nofollow">'
        "https://example.com/x</a> &lt;b&gt;</p>"
    )


def test_delivery_runs_after_the_commit(smtp_server, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        message = pending(subject="Héllo 東京 🚀")

    received = smtp_server.wait_for(1, timeout=5)
    assert [rcpts for rcpts, _ in received] == [["ada@example.com"]]
    assert received[0][1]["Subject"].lstrip() == "Héllo 東京 🚀"
    assert received[0][1]["Message-ID"] == message.message_id
    assert state_of(message) == MessageState.SENT


def test_a_rolled_back_change_leaves_no_message(smtp_server, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        pending()
        raise RuntimeError("the change failed")

    assert Message.objects.count() == 0
    assert smtp_server.messages == []


def test_delivering_twice_sends_once(smtp_server):
    message = pending()

    assert outbox.message_deliver(message.pk) == "sent"
    assert outbox.message_deliver(message.pk) == "skipped"

    assert len(smtp_server.wait_for(1, timeout=5)) == 1
    message.refresh_from_db()
    assert (message.state, message.attempts) == (MessageState.SENT, 1)


def test_a_claimed_message_is_not_sent_by_a_second_worker(smtp_server):
    message = pending()
    Message.objects.filter(pk=message.pk).update(
        state=MessageState.SENDING, claimed_at=timezone.now()
    )

    assert outbox.message_deliver(message.pk) == "skipped"
    assert smtp_server.messages == []


def test_451_is_retried_later_then_delivered(smtp_server):
    smtp_server.refusals = ["451 4.3.0 Try again later"]
    message = pending()

    with pytest.raises(outbox.TransientFailure):
        outbox.message_deliver(message.pk)
    message.refresh_from_db()
    assert message.state == MessageState.PENDING
    assert "451" in message.last_error
    assert message.next_attempt_at > timezone.now()
    assert outbox.message_deliver(message.pk) == "skipped"  # not before its time

    # Its time comes on the database's clock, the one claims are read on (Python's clock has
    # microseconds where SQLite's has milliseconds: "now" by Python can be just ahead of it).
    Message.objects.filter(pk=message.pk).update(next_attempt_at=Now())
    assert outbox.message_deliver(message.pk) == "sent"
    assert len(smtp_server.wait_for(1, timeout=5)) == 1
    message.refresh_from_db()
    assert (message.state, message.attempts, message.last_error) == (MessageState.SENT, 2, "")


def test_550_fails_for_good_and_an_organizer_can_retry(smtp_server):
    smtp_server.refusals = ["550 5.1.1 No such user"]
    message = pending()

    assert outbox.message_deliver(message.pk) == "failed"
    message.refresh_from_db()
    assert message.state == MessageState.FAILED
    assert "550" in message.last_error

    assert outbox.messages_release(Message.objects.filter(pk=message.pk)) == 1
    assert outbox.message_deliver(message.pk) == "sent"
    assert len(smtp_server.wait_for(1, timeout=5)) == 1


def test_an_unreachable_server_is_transient(settings):
    settings.EMAIL_BACKEND = "cfp.mail.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    message = pending()

    with pytest.raises(outbox.TransientFailure):
        outbox.message_deliver(message.pk)
    assert state_of(message) == MessageState.PENDING


def test_too_many_transient_failures_end_as_failed(smtp_server):
    message = pending()
    Message.objects.filter(pk=message.pk).update(attempts=outbox.MAX_ATTEMPTS - 1)
    smtp_server.refusals = ["421 4.7.0 Busy"]

    assert outbox.message_deliver(message.pk) == "failed"
    assert state_of(message) == MessageState.FAILED


def test_drafts_wait_and_can_be_released_or_discarded(smtp_server):
    keep, drop = pending(draft=True), pending(draft=True, to="bob@example.com")

    assert outbox.message_deliver(keep.pk) == "skipped"
    assert outbox.messages_discard(Message.objects.filter(pk=drop.pk)) == 1
    assert outbox.messages_release(Message.objects.filter(pk__in=[keep.pk, drop.pk])) == 1
    assert outbox.message_deliver(keep.pk) == "sent"
    assert outbox.message_deliver(drop.pk) == "skipped"
    assert [r for r, _ in smtp_server.wait_for(1, timeout=5)] == [["ada@example.com"]]
    assert (state_of(keep), state_of(drop)) == (MessageState.SENT, MessageState.DISCARDED)


def test_the_sweeper_requeues_lost_tasks_and_dead_claims(smtp_server):
    now = timezone.now()
    lost = pending(to="lost@example.com")
    Message.objects.filter(pk=lost.pk).update(queued_at=now - timedelta(minutes=10))
    dead = pending(to="dead@example.com")
    Message.objects.filter(pk=dead.pk).update(
        state=MessageState.SENDING, claimed_at=now - timedelta(minutes=30)
    )
    fresh = pending(to="fresh@example.com")  # its own task is still on the way

    # Celery runs tasks in-process in the test settings: the sweeper delivers at once.
    assert outbox.messages_requeue_due() == 2

    sent_to = sorted(r[0] for r, _ in smtp_server.wait_for(2, timeout=5))
    assert sent_to == ["dead@example.com", "lost@example.com"]
    assert state_of(fresh) == MessageState.PENDING


def database_now():
    return Message.objects.annotate(now=Now()).values_list("now", flat=True).first()


def test_a_sweeper_whose_clock_is_ahead_leaves_a_live_claim_alone(smtp_server):
    message = pending()
    assert outbox.message_claim(message.pk)  # a worker is sending it now

    # The sweeper runs on a machine whose clock is an hour ahead of everyone else's.
    with time_machine.travel(timezone.now() + timedelta(hours=1)):
        assert outbox.messages_requeue_due() == 0

    assert state_of(message) == MessageState.SENDING
    assert smtp_server.messages == []


def test_a_claim_is_dated_by_the_database_not_the_worker(smtp_server):
    message = pending()

    # The worker runs on a machine whose clock is an hour behind.
    with time_machine.travel(timezone.now() - timedelta(hours=1)):
        assert outbox.message_deliver(message.pk) == "sent"

    message.refresh_from_db()
    assert abs(message.claimed_at - database_now()) < timedelta(minutes=1)
    assert abs(message.sent_at - database_now()) < timedelta(minutes=1)


def test_a_slow_final_reply_is_waited_for(smtp_server, settings):
    settings.EMAIL_TIMEOUT, settings.EMAIL_DATA_REPLY_TIMEOUT = 1, 10
    smtp_server.reply_delay = 2
    message = pending()

    assert outbox.message_deliver(message.pk) == "sent"
    assert len(smtp_server.messages) == 1


def test_no_final_reply_is_unknown_and_not_retried(smtp_server, settings):
    settings.EMAIL_TIMEOUT, settings.EMAIL_DATA_REPLY_TIMEOUT = 1, 1
    smtp_server.reply_delay = 3
    message = pending()

    assert outbox.message_deliver(message.pk) == "unknown"
    assert state_of(message) == MessageState.UNKNOWN
    assert outbox.messages_requeue_due() == 0
    assert outbox.messages_release(Message.objects.filter(pk=message.pk)) == 0  # not a failed one
    assert outbox.message_deliver(message.pk) == "skipped"
    assert len(smtp_server.messages) == 1

    smtp_server.reply_delay = 0
    assert outbox.messages_send_again(Message.objects.filter(pk=message.pk)) == 1
    assert outbox.message_deliver(message.pk) == "sent"
    assert [m["Message-ID"] for _, m in smtp_server.messages] == [message.message_id] * 2


def test_flush_outbox_command_delivers_what_is_pending(smtp_server, capsys):
    pending(to="one@example.com")
    pending(to="two@example.com")

    call_command("flush_outbox")

    assert len(smtp_server.wait_for(2, timeout=5)) == 2
    assert "2 sent" in capsys.readouterr().out
    assert not Message.objects.pending().exists()


def test_submission_received_is_stored_per_speaker(smtp_server, event):
    first, second = SpeakerFactory(), SpeakerFactory()
    proposal = ProposalFactory(event=event, speakers=[first, second])

    proposal_submit(proposal=proposal, by=first)

    rows = Message.objects.filter(proposal=proposal, kind=MessageKind.SUBMISSION_RECEIVED)
    assert sorted(rows.values_list("to", flat=True)) == sorted([first.email, second.email])
    assert set(rows.values_list("state", flat=True)) == {MessageState.PENDING}


def test_account_emails_go_through_the_outbox(client, django_capture_on_commit_callbacks):
    SpeakerFactory(email="ada@example.com")

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(reverse("account_reset_password"), {"email": "ada@example.com"})

    message = Message.objects.get(kind=MessageKind.ACCOUNT)
    assert message.to == "ada@example.com"
    assert "/accounts/password/reset/key/" in message.body
    assert message.state == MessageState.PENDING
    assert len(callbacks) == 1  # the request did not wait on SMTP
