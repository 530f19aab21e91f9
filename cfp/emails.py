"""The emails of the CfP, one message per recipient. (The durable outbox comes later.)"""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string

from cfp.enums import InvitationState, ProposalState
from cfp.models import Invitation, Proposal


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _message(template: str, context: dict, to: str) -> EmailMessage:
    subject = render_to_string(f"cfp/emails/{template}_subject.txt", context)
    body = render_to_string(f"cfp/emails/{template}.txt", context)
    return EmailMessage(subject=" ".join(subject.split()), body=body, to=[to])


def send_submission_received(*, proposal_id: int) -> int:
    proposal = (
        Proposal.objects.with_listing()
        .filter(pk=proposal_id, state=ProposalState.SUBMITTED)
        .first()
    )
    if proposal is None:
        return 0
    url = _absolute(proposal.get_absolute_url())
    sent = 0
    for speaker in proposal.speakers.all():
        context = {"proposal": proposal, "event": proposal.event, "speaker": speaker, "url": url}
        sent += _message("submission_received", context, speaker.email).send()
    return sent


def send_invitation(*, invitation_id: int) -> int:
    invitation = (
        Invitation.objects.select_related("proposal__event", "invited_by__profile")
        .filter(pk=invitation_id, state=InvitationState.PENDING)
        .first()
    )
    if invitation is None:
        return 0
    context = {
        "invitation": invitation,
        "proposal": invitation.proposal,
        "event": invitation.proposal.event,
        "inviter": invitation.invited_by,
        "url": _absolute(invitation.get_absolute_url()),
    }
    return _message("invitation", context, invitation.email).send()
