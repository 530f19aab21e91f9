"""The emails of the CfP: rendered from templates, one message per recipient, via the outbox."""

from django.conf import settings
from django.template.loader import render_to_string

from cfp import outbox
from cfp.enums import MessageKind
from cfp.models import Invitation, Message, Proposal


def absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _render(template: str, context: dict) -> tuple[str, str]:
    subject = render_to_string(f"cfp/emails/{template}_subject.txt", context)
    body = render_to_string(f"cfp/emails/{template}.txt", context)
    return " ".join(subject.split()), body


def queue_submission_received(proposal: Proposal) -> list[Message]:
    """One "submission received" message for each speaker, in the caller's transaction."""
    url = absolute(proposal.get_absolute_url())
    messages = []
    for speaker in proposal.speakers.select_related("profile"):
        context = {"proposal": proposal, "event": proposal.event, "speaker": speaker, "url": url}
        subject, body = _render("submission_received", context)
        messages.append(
            outbox.queue(
                to=speaker.email,
                subject=subject,
                body=body,
                kind=MessageKind.SUBMISSION_RECEIVED,
                event=proposal.event,
                proposal=proposal,
                user=speaker,
            )
        )
    return messages


def queue_invitation(invitation: Invitation) -> Message:
    proposal = invitation.proposal
    context = {
        "invitation": invitation,
        "proposal": proposal,
        "event": proposal.event,
        "inviter": invitation.invited_by,
        "url": absolute(invitation.get_absolute_url()),
    }
    subject, body = _render("invitation", context)
    return outbox.queue(
        to=invitation.email,
        subject=subject,
        body=body,
        kind=MessageKind.INVITATION,
        event=proposal.event,
        proposal=proposal,
    )
