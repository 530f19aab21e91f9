"""The "submission received" email travels through Redis, a Celery worker and real SMTP."""

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
    celery_worker_process.log.seek(0)
    worker_log = celery_worker_process.log.read()
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
