"""An email to a group travels through Redis, a real Celery worker and real SMTP: each
recipient gets it once, a speaker on two proposals of the group too."""

from uuid import uuid4

import pytest

from cfp.enums import MessageKind, MessageState, ProposalState
from cfp.mail import group_emails, groups
from cfp.models import Message
from tests.factories import EventFactory, ProposalFactory, SpeakerFactory, UserFactory

pytestmark = pytest.mark.celery


def test_a_sent_group_email_arrives_once_per_recipient(celery_worker_process, smtp_server):
    organizer = UserFactory(is_staff=True)
    event = EventFactory(name="Open Source Summit 2027", organizers=[organizer])
    zoe = SpeakerFactory(email="zoe@summit.test", profile__name="Zoë Ångström")
    bob = SpeakerFactory(email="bob@summit.test", profile__name="Bob Baker")
    accepted = ProposalState.ACCEPTED
    ProposalFactory(event=event, title="東京 🚀", state=accepted, speakers=[zoe])
    ProposalFactory(event=event, title="Borrowing", state=accepted, speakers=[zoe, bob])
    written = group_emails.group_email_create(
        event=event,
        selection=groups.Selection(groups.UNCONFIRMED),
        subject="Please confirm, {speaker_name}",
        body="Hello {speaker_name},\n\nplease confirm your talk at {event_name}.\n",
        token=uuid4(),
        by=organizer,
    )
    assert smtp_server.messages == []  # drafts wait

    batch = group_emails.group_email_send(group_email=written.group_email, by=organizer)

    received = smtp_server.wait_for(2)
    worker_log = celery_worker_process.output()
    assert len(received) == 2, worker_log
    assert sorted(rcpts[0] for rcpts, _ in received) == ["bob@summit.test", "zoe@summit.test"]
    for rcpts, message in received:
        assert len(rcpts) == 1
        body = message.get_body(preferencelist=("plain",)).get_content()
        assert "please confirm your talk at Open Source Summit 2027." in body
    zoe_mail = next(m for rcpts, m in received if rcpts == ["zoe@summit.test"])
    assert zoe_mail["Subject"].lstrip() == "Please confirm, Zoë Ångström"
    assert batch.total == 2
    assert set(Message.objects.filter(kind=MessageKind.GROUP).values_list("state", flat=True)) == {
        MessageState.SENT
    }
    assert "cfp.tasks.release_batch" in worker_log
    assert len(smtp_server.messages) == 2  # every message is sent: none comes again
