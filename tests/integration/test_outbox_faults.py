"""The outbox against real faults: Redis down, a worker killed mid-batch, SMTP saying 451.

Real services throughout: PostgreSQL (in CI), a redis-server of the test's own, real Celery
worker processes, and an aiosmtpd SMTP server on 127.0.0.1. Each test ends by counting what
the SMTP server accepted, per Message-ID: every message exactly once.
"""

import time
from collections import Counter
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from cfp import outbox
from cfp.enums import MessageState
from cfp.models import Message
from cfp.services import proposal_submit
from tests.factories import EventFactory, ProposalFactory, SpeakerFactory
from tests.helpers import wait_until

pytestmark = pytest.mark.celery


def delivered_ids(inbox) -> Counter:
    return Counter(message["Message-ID"] for _, message in inbox.messages)


def queue_many(count: int) -> list[Message]:
    with transaction.atomic():
        return [
            outbox.queue(
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
    assert outbox.requeue_due() == 2
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
    old = timezone.now() - outbox.CLAIM_TIMEOUT - timedelta(minutes=1)
    claimed.update(claimed_at=old)

    replacement = make_worker(own_redis.broker)
    replacement.start()
    outbox.requeue_due()  # the sweeper takes the old claim back and enqueues it again

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
    decisions.decide(proposal=proposal, by=organizer, accept=True)
    drafts = Message.objects.filter(proposal=proposal, kind="acceptance")
    batch = outbox.send_batch(event=event, messages=drafts, by=organizer)  # enqueue fails

    proposal.refresh_from_db()
    assert proposal.state == "accepted"  # the decision is saved
    assert drafts.count() == 2 and batch.total == 2
    assert smtp_server.messages == []

    own_redis.start()
    SendBatch.objects.filter(pk=batch.pk).update(
        created_at=timezone.now() - outbox.STALE_AFTER - timedelta(minutes=1)
    )
    from cfp import tasks

    tasks.requeue_due_messages()  # what Celery beat runs every minute

    assert wait_until(lambda: len(smtp_server.messages) >= 2), worker.output()
    time.sleep(1)
    assert delivered_ids(smtp_server) == Counter({m.message_id: 1 for m in drafts})
    assert set(drafts.values_list("state", flat=True)) == {MessageState.SENT}
