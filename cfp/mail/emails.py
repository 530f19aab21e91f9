"""The emails of the CfP: per-event texts with placeholders, one message per recipient,
each stored in the outbox with the change that causes it."""

from django.conf import settings

from cfp import moments
from cfp.enums import MessageKind
from cfp.mail import outbox, texts
from cfp.models import Event, Invitation, Message, Proposal


def absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def when(value, event: Event) -> str:
    """A moment as the event's people read it: "April 16, 2027, 1:50 p.m. (Europe/Berlin)"."""
    return moments.moment(value, event)


def proposal_values(proposal: Proposal, speaker) -> dict[str, str]:
    event = proposal.event
    return {
        "event_name": event.name,
        "event_url": absolute(event.get_absolute_url()),
        "speaker_name": speaker.display_name,
        "proposal_title": proposal.title,
        "proposal_url": absolute(proposal.get_absolute_url()),
        "speakers": ", ".join(s.display_name for s in proposal.speakers_in_order()),
        "deadline": when(proposal.edit_deadline(), event),
    }


def speaker_email_queue(
    proposal: Proposal, kind: str, extra: dict | None = None, *, draft: bool = False
) -> list[Message]:
    """One message of this kind to each speaker of the proposal (no address sees another)."""
    messages = []
    for speaker in proposal.speakers_in_order():
        values = {**proposal_values(proposal, speaker), **(extra or {})}
        subject, body = texts.render(kind, values, proposal.event)
        messages.append(
            outbox.message_queue(
                to=speaker.email,
                subject=subject,
                body=body,
                kind=kind,
                event=proposal.event,
                proposal=proposal,
                user=speaker,
                draft=draft,
            )
        )
    return messages


def submission_received_email_queue(proposal: Proposal) -> list[Message]:
    return speaker_email_queue(proposal, MessageKind.SUBMISSION_RECEIVED)


def invitation_declined_email_queue(invitation: Invitation) -> Message | None:
    """Tell whoever invited that the invitation was declined (nobody, if they are gone)."""
    inviter = invitation.invited_by
    if inviter is None:
        return None
    proposal = invitation.proposal
    event = proposal.event
    values = {
        "event_name": event.name,
        "event_url": absolute(event.get_absolute_url()),
        "inviter_name": inviter.display_name,
        "invitee_email": invitation.email,
        "proposal_title": proposal.title,
        "proposal_url": absolute(proposal.get_absolute_url()),
    }
    subject, body = texts.render(MessageKind.INVITATION_DECLINED, values, event)
    return outbox.message_queue(
        to=inviter.email,
        subject=subject,
        body=body,
        kind=MessageKind.INVITATION_DECLINED,
        event=event,
        proposal=proposal,
        user=inviter,
    )


def invitation_email_queue(invitation: Invitation) -> Message:
    proposal = invitation.proposal
    event = proposal.event
    inviter = invitation.invited_by
    values = {
        "event_name": event.name,
        "event_url": absolute(event.get_absolute_url()),
        "inviter_name": inviter.display_name if inviter else "A speaker",
        "proposal_title": proposal.title,
        "invitation_url": absolute(invitation.get_absolute_url()),
        "expires": when(invitation.expires_at, event),
    }
    subject, body = texts.render(MessageKind.INVITATION, values, event)
    return outbox.message_queue(
        to=invitation.email,
        subject=subject,
        body=body,
        kind=MessageKind.INVITATION,
        event=event,
        proposal=proposal,
    )
