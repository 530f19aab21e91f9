"""The outbox against real faults: Redis down, a worker killed mid-batch, SMTP saying 451,
the database connection lost mid-send, a server slow to confirm, a worker killed after "250".

Real services throughout: PostgreSQL (in CI), a redis-server of the test's own, real Celery
worker processes, and an aiosmtpd SMTP server on 127.0.0.1. Each test ends by counting what
the SMTP server accepted, per Message-ID: every message exactly once.
"""

import threading
import time
from collections import Counter
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from cfp.enums import MessageState
from cfp.mail import outbox
from cfp.models import Message
from cfp.services import proposal_submit
from tests.factories import EventFactory, ProposalFactory, SpeakerFactory, UserFactory
from tests.helpers import wait_until

pytestmark = pytest.mark.celery


def delivered_ids(inbox) -> Counter:
    return Counter(message["Message-ID"] for _, message in inbox.messages)


def queue_many(count: int) -> list[Message]:
    with transaction.atomic():
        return [
            outbox.message_queue(
                to=f"speaker{i}@example.org",
                subject=f"Décision n° {i} – 東京 🚀",
                body=f"Hello speaker {i},\nyour talk is accepted. שלום\n",
                kind="acceptance",
            )
            for i in range(count)
        ]


def test_redis_down_while_a_proposal_is_submitted(own_redis, make_worker, smtp_server):
    worker = make_worker(own_redis.broker)
    worker.start()
    speakers = [SpeakerFactory(profile__name="Zoë"), SpeakerFactory(profile__name="李")]
    proposal = ProposalFactory(event=EventFactory(), speakers=speakers, title="Ünïcode 🚀")

    own_redis.stop()
    proposal_submit(proposal=proposal, by=speakers[0])  # commits; enqueueing fails quietly

    proposal.refresh_from_db()
    assert proposal.state == "submitted"  # the change is saved
    messages = list(Message.objects.filter(proposal=proposal))
    assert len(messages) == 2
    assert {m.state for m in messages} == {MessageState.PENDING}
    assert smtp_server.messages == []

    own_redis.start()
    # Minutes pass (for the rows: the clock stays), then Celery beat's sweeper runs.
    Message.objects.filter(proposal=proposal).update(
        queued_at=timezone.now() - outbox.STALE_AFTER - timedelta(minutes=1)
    )
    assert outbox.messages_requeue_due() == 2
    assert wait_until(lambda: len(smtp_server.messages) >= 2), worker.output()
    time.sleep(1)  # anything delivered twice would arrive by now
    assert delivered_ids(smtp_server) == Counter({m.message_id: 1 for m in messages})
    assert set(Message.objects.values_list("state", flat=True)) == {MessageState.SENT}
    subjects = {message["Subject"].lstrip() for _, message in smtp_server.messages}
    assert subjects == {f"Proposal received: Ünïcode 🚀 ({proposal.event.name})"}


def test_worker_killed_in_the_middle_of_a_batch(own_redis, make_worker, smtp_server):
    smtp_server.delay = 0.15  # a slow server, so that the kill lands mid-batch
    messages = queue_many(30)
    worker = make_worker(own_redis.broker)
    worker.start()

    assert wait_until(lambda: len(smtp_server.messages) >= 8, step=0.01), worker.output()
    # Kill while the next message is on its way, not in the instant after the server said
    # "250" and before the worker recorded it: that instant is the one window where no
    # outbox can know whether a message went out (the stable Message-ID marks a resend).
    time.sleep(smtp_server.delay / 2)
    worker.kill()  # SIGKILL, mid-send: its claim and its unacknowledged task are left behind
    sent_before = len(smtp_server.messages)
    assert sent_before < 30
    claimed = Message.objects.filter(state=MessageState.SENDING)
    assert claimed.count() <= 1  # the message the worker held when it died

    # Minutes pass: the dead worker's claim grows old (time is moved for the row, not the
    # clock, so that the live worker's fresh claims stay fresh).
    old = timezone.now() - outbox.claim_timeout() - timedelta(minutes=1)
    claimed.update(claimed_at=old)

    replacement = make_worker(own_redis.broker)
    replacement.start()
    outbox.messages_requeue_due()  # the sweeper takes the old claim back and enqueues it again

    assert wait_until(lambda: len(smtp_server.messages) >= 30), replacement.output()
    time.sleep(1.5)
    delivered = delivered_ids(smtp_server)
    expected = {m.message_id for m in messages}
    assert set(delivered) == expected, (set(delivered) ^ expected, replacement.output()[-3000:])
    assert max(delivered.values()) == 1, [k for k, n in delivered.items() if n > 1]
    assert Message.objects.filter(state=MessageState.SENT).count() == 30


def test_smtp_451_is_retried_then_delivered(redis_broker, make_worker, smtp_server):
    smtp_server.refusals = ["451 4.3.0 Please try again later", "451 4.3.0 Still busy"]
    worker = make_worker(redis_broker, OUTBOX_RETRY_BASE_SECONDS="1")
    worker.start()

    (message,) = queue_many(1)

    assert wait_until(lambda: len(smtp_server.messages) == 1, timeout=30), worker.output()
    message.refresh_from_db()
    assert message.state == MessageState.SENT
    assert message.attempts == 3  # two refusals, then the delivery
    assert smtp_server.refusals == []
    time.sleep(1)
    assert delivered_ids(smtp_server) == Counter({message.message_id: 1})
    assert "Retry in" in worker.output()


def test_redis_down_while_a_decision_is_made_and_sent(own_redis, make_worker, smtp_server):
    from cfp import decisions
    from cfp.models import SendBatch
    from tests.factories import UserFactory

    worker = make_worker(own_redis.broker)
    worker.start()
    organizer = UserFactory(is_staff=True)
    event = EventFactory(organizers=[organizer])
    speakers = [SpeakerFactory(profile__name="Zoë"), SpeakerFactory(profile__name="李")]
    proposal = ProposalFactory(event=event, speakers=speakers, title="Ünïcode 🚀")
    proposal.submit(by=speakers[0])

    own_redis.stop()
    decisions.proposal_decide(proposal=proposal, by=organizer, accept=True)
    drafts = Message.objects.filter(proposal=proposal, kind="acceptance")
    batch = outbox.batch_send(event=event, messages=drafts, by=organizer)  # enqueue fails

    proposal.refresh_from_db()
    assert proposal.state == "accepted"  # the decision is saved
    assert drafts.count() == 2 and batch.total == 2
    assert smtp_server.messages == []

    own_redis.start()
    SendBatch.objects.filter(pk=batch.pk).update(
        created_at=timezone.now() - outbox.STALE_AFTER - timedelta(minutes=1)
    )
    from cfp.mail import tasks

    tasks.requeue_due_messages()  # what Celery beat runs every minute

    assert wait_until(lambda: len(smtp_server.messages) >= 2), worker.output()
    time.sleep(1)
    assert delivered_ids(smtp_server) == Counter({m.message_id: 1 for m in drafts})
    assert set(drafts.values_list("state", flat=True)) == {MessageState.SENT}


# --- the outcome of a delivery is recorded once, and never doubled -------------------------


def state_of(message: Message) -> str:
    return Message.objects.values_list("state", flat=True).get(pk=message.pk)


def age_claims() -> None:
    """Minutes pass for the rows: any claim left behind is now old enough to be a dead one."""
    Message.objects.filter(state=MessageState.SENDING).update(
        claimed_at=timezone.now() - outbox.claim_timeout() - timedelta(minutes=1)
    )


def test_database_connection_lost_while_sending_is_recorded_once(
    redis_broker, make_worker, smtp_server
):
    if connection.vendor != "postgresql":
        pytest.skip("ends the worker's session with PostgreSQL's pg_terminate_backend")
    smtp_server.data_gate = threading.Event()
    worker = make_worker(redis_broker)
    worker.start()
    (message,) = queue_many(1)

    assert smtp_server.held["data"].wait(30), worker.output()
    with connection.cursor() as cursor:  # the worker's session ends under it, mid-send
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        assert cursor.fetchall(), "the worker had no session to end"
    smtp_server.data_gate.set()  # the server says "250"

    assert wait_until(lambda: state_of(message) == MessageState.SENT, timeout=30), worker.output()
    assert "reconnecting" in worker.output()
    age_claims()
    assert outbox.messages_requeue_due() == 0  # nothing left for the sweeper to send again
    time.sleep(1)
    assert delivered_ids(smtp_server) == Counter({message.message_id: 1})


def test_a_final_reply_slower_than_the_command_timeout_is_waited_for(
    redis_broker, make_worker, smtp_server
):
    smtp_server.reply_delay = 4  # twice the commands' timeout, far within the data's
    worker = make_worker(
        redis_broker,
        EMAIL_URL=f"{smtp_server.url}?timeout=2",
        EMAIL_DATA_REPLY_TIMEOUT="30",
        OUTBOX_RETRY_BASE_SECONDS="1",
    )
    worker.start()
    (message,) = queue_many(1)

    assert wait_until(lambda: state_of(message) == MessageState.SENT, timeout=40), worker.output()
    time.sleep(3)  # a retry would have come by now
    assert delivered_ids(smtp_server) == Counter({message.message_id: 1})
    message.refresh_from_db()
    assert (message.attempts, message.last_error) == (1, "")


def test_no_final_reply_leaves_the_delivery_unknown_until_an_organizer_sends_again(
    client, redis_broker, make_worker, smtp_server
):
    smtp_server.reply_delay = 8  # longer than the data's timeout: the server never confirms
    worker = make_worker(
        redis_broker,
        EMAIL_URL=f"{smtp_server.url}?timeout=2",
        EMAIL_DATA_REPLY_TIMEOUT="3",
        OUTBOX_RETRY_BASE_SECONDS="1",
    )
    worker.start()
    organizer = UserFactory(is_staff=True)
    event = EventFactory(organizers=[organizer])
    with transaction.atomic():
        message = outbox.message_queue(
            to="zoe@example.org", subject="Décision 🚀", body="Bonjour", kind="acceptance",
            event=event,
        )  # fmt: skip

    assert wait_until(lambda: state_of(message) == MessageState.UNKNOWN, timeout=40), (
        worker.output()
    )
    message.refresh_from_db()
    assert "DeliveryUnknown" in message.last_error
    # Neither a retry nor the sweeper sends it again, however long it waits.
    Message.objects.filter(pk=message.pk).update(
        queued_at=timezone.now() - timedelta(hours=1),
        claimed_at=timezone.now() - timedelta(hours=1),
    )
    assert outbox.messages_requeue_due() == 0
    time.sleep(4)
    assert delivered_ids(smtp_server) == Counter({message.message_id: 1})
    assert state_of(message) == MessageState.UNKNOWN

    # The organizer sees why, and chooses to send it again.
    smtp_server.reply_delay = 0
    client.force_login(organizer)
    listing = client.get(reverse("admin:cfp_message_changelist")).content.decode()
    assert "The delivery of 1 email is unknown" in listing
    detail = client.get(reverse("admin:cfp_message_change", args=[message.pk])).content.decode()
    assert "never confirmed it" in detail and "Send again" in detail
    response = client.post(reverse("admin:cfp_message_send_again", args=[message.pk]))
    assert response.status_code == 302

    assert wait_until(lambda: state_of(message) == MessageState.SENT, timeout=30), worker.output()
    # The copy carries the original Message-ID, so the recipient's system can drop it.
    assert delivered_ids(smtp_server) == Counter({message.message_id: 2})


def test_a_message_is_marked_sent_before_the_connection_is_closed(
    own_redis, make_worker, smtp_server
):
    smtp_server.quit_gate = threading.Event()
    worker = make_worker(own_redis.broker)
    worker.start()
    (message,) = queue_many(1)

    assert smtp_server.held["quit"].wait(30), worker.output()
    assert state_of(message) == MessageState.SENT  # recorded before QUIT
    worker.kill()  # dies before the server answers QUIT
    smtp_server.quit_gate.set()

    age_claims()
    assert outbox.messages_requeue_due() == 0
    replacement = make_worker(own_redis.broker)
    replacement.start()
    time.sleep(2)
    assert delivered_ids(smtp_server) == Counter({message.message_id: 1})


def test_a_worker_killed_before_the_final_reply_resends_with_the_same_message_id(
    own_redis, make_worker, smtp_server
):
    smtp_server.data_gate = threading.Event()
    worker = make_worker(own_redis.broker)
    worker.start()
    (message,) = queue_many(1)

    assert smtp_server.held["data"].wait(30), worker.output()
    worker.kill()  # after the data went out, before the "250" came back: the window left
    smtp_server.data_gate.set()
    assert state_of(message) == MessageState.SENDING

    replacement = make_worker(own_redis.broker)
    replacement.start()
    age_claims()
    assert (
        outbox.messages_requeue_due() == 1
    )  # the dead worker's claim is taken back and sent again

    assert wait_until(lambda: state_of(message) == MessageState.SENT), replacement.output()
    time.sleep(1)
    assert delivered_ids(smtp_server) == Counter({message.message_id: 2})
    copies = {m["Subject"].lstrip() for _, m in smtp_server.messages}
    assert copies == {"Décision n° 0 – 東京 🚀"}
