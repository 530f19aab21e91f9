"""Drafts, addresses and steps the outbox page tests share."""

from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from cfp.enums import MessageKind, MessageState
from cfp.mail import emails
from cfp.models import Message

CONFIRM = {"confirm_url": "https://lectern.test/confirm/"}


def decision_drafts(proposal, kind=MessageKind.ACCEPTANCE) -> list[Message]:
    return emails.speaker_email_queue(proposal, kind, CONFIRM, draft=True)


def states(messages) -> list[str]:
    return [Message.objects.get(pk=m.pk).state for m in messages]


def changelist() -> str:
    return reverse("admin:cfp_message_changelist")


def action(name, messages, **extra) -> dict:
    return {"action": name, ACTION_CHECKBOX_NAME: [m.pk for m in messages], **extra}


def send_all_url(event) -> str:
    return f"{reverse('admin:cfp_message_send_drafts')}?event={event.pk}"


def run(callbacks, capture, *, execute=True):
    """Run captured on-commit callbacks; what they register is captured (and run) in turn."""
    with capture(execute=execute) as more:
        for callback in callbacks:
            callback()
    return more


def unknown_of(outbox_world) -> Message:
    """A message the server took but never confirmed."""
    message = outbox_world.drafts[2]
    Message.objects.filter(pk=message.pk).update(
        state=MessageState.UNKNOWN, last_error="DeliveryUnknown: Secret failure"
    )
    return message
