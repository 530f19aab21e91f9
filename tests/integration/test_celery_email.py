"""The "submission received" email travels through Redis, a Celery worker and real SMTP."""

import time

import pytest

from cfp import services
from tests.factories import EventFactory, ProposalFactory, SpeakerFactory

pytestmark = pytest.mark.celery

TITLE = "Café – 東京 🚀 עברית العربية"


def test_submission_received_is_delivered_by_a_real_worker(celery_worker_process, smtp_server):
    first = SpeakerFactory(profile__name="Zoë Ångström")
    second = SpeakerFactory(profile__name="李小龙")
    event = EventFactory(name="Open Source Summit 2027")
    proposal = ProposalFactory(event=event, title=TITLE, speakers=[first, second])

    services.proposal_submit(proposal=proposal, by=first)

    received = smtp_server.wait_for(2)
    worker_log = celery_worker_process.output()
    assert len(received) == 2, worker_log
    assert sorted(rcpt for rcpts, _ in received for rcpt in rcpts) == sorted(
        [first.email, second.email]
    )
    for rcpts, message in received:
        assert len(rcpts) == 1  # one message per speaker: no address sees another
        # Django 5.2 folds long encoded subjects after "Subject:"; the fold is not content.
        subject = message["Subject"].lstrip()
        assert subject == f"Proposal received: {TITLE} (Open Source Summit 2027)"
        body = message.get_body(preferencelist=("plain",)).get_content()
        assert f"“{TITLE}”" in body
        assert proposal.get_absolute_url() in body
    names = {
        m.get_body(preferencelist=("plain",)).get_content().splitlines()[0] for _, m in received
    }
    assert names == {"Hello Zoë Ångström,", "Hello 李小龙,"}
    assert "cfp.tasks.deliver_message" in worker_log


def test_submit_accept_and_send_the_outbox_through_a_real_worker(
    celery_worker_process, smtp_server
):
    from cfp import decisions
    from cfp.enums import MessageKind, MessageState
    from cfp.mail import outbox
    from cfp.models import Message
    from tests.factories import UserFactory

    organizer = UserFactory(is_staff=True)
    event = EventFactory(name="Open Source Summit 2027", organizers=[organizer])
    first = SpeakerFactory(profile__name="Zoë Ångström")
    second = SpeakerFactory(profile__name="李小龙")
    proposal = ProposalFactory(event=event, title=TITLE, speakers=[first, second])
    services.proposal_submit(proposal=proposal, by=first)
    assert len(smtp_server.wait_for(2)) == 2, celery_worker_process.output()

    decisions.proposal_decide(proposal=proposal, by=organizer, accept=True)
    drafts = Message.objects.filter(proposal=proposal, kind=MessageKind.ACCEPTANCE)
    assert set(drafts.values_list("state", flat=True)) == {MessageState.DRAFT}
    assert len(smtp_server.messages) == 2  # decision emails wait for the organizer

    batch = outbox.batch_send(event=event, messages=drafts, by=organizer)

    received = smtp_server.wait_for(4)
    assert len(received) == 4, celery_worker_process.output()
    acceptances = [
        (rcpts, m) for rcpts, m in received if m["Subject"].lstrip().startswith("Accepted")
    ]
    assert sorted(r for rcpts, _ in acceptances for r in rcpts) == sorted(
        [first.email, second.email]
    )
    for rcpts, message in acceptances:
        assert len(rcpts) == 1
        assert message["Subject"].lstrip() == f"Accepted: {TITLE} (Open Source Summit 2027)"
        body = message.get_body(preferencelist=("plain",)).get_content()
        assert f"“{TITLE}” has been accepted for Open Source Summit 2027" in body
        assert proposal.get_absolute_url() in body
    greetings = {
        m.get_body(preferencelist=("plain",)).get_content().splitlines()[0] for _, m in acceptances
    }
    assert greetings == {"Hello Zoë Ångström,", "Hello 李小龙,"}
    assert outbox.batch_progress(batch) | {"percent": 100} == {
        "total": 2,
        "sent": 2,
        "failed": 0,
        "discarded": 0,
        "unknown": 0,
        "waiting": 0,
        "done": True,
        "percent": 100,
    }
    time.sleep(1)
    assert len(smtp_server.messages) == 4  # exactly one message per speaker, each time
