"""Writes of the CfP: every change a speaker makes goes through one of these."""

import rules
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from cfp import emails
from cfp.enums import InvitationState, ProposalState
from cfp.models import Event, Invitation, Proposal, ProposalSpeaker, TransitionNotAllowed
from speakers.models import User


class ActionRefused(Exception):
    """A speaker's action that the rules do not allow now; the message says why."""


def _ensure_can_submit(*, proposal: Proposal, by: User) -> None:
    profile = getattr(by, "profile", None)
    if profile is None or not profile.is_complete:
        raise ActionRefused("Please complete your profile (name and biography) before you submit.")
    if not proposal.is_editable():
        raise ActionRefused("The call for papers is closed: the deadline has passed.")


@transaction.atomic
def proposal_create(*, event: Event, by: User, form, submit: bool) -> Proposal:
    if not event.cfp.is_open():
        raise ActionRefused("The call for papers is not open.")
    proposal = form.save(commit=False)
    proposal.event = event
    proposal.save()
    proposal.add_speaker(by)
    if submit:
        proposal_submit(proposal=proposal, by=by)
    return proposal


@transaction.atomic
def proposal_update(*, proposal: Proposal, by: User, form, submit: bool) -> Proposal:
    locked = Proposal.objects.select_for_update().get(pk=proposal.pk)
    if not locked.is_editable():
        raise ActionRefused("This proposal can no longer be edited.")
    proposal = form.save()
    if submit and proposal.state == ProposalState.DRAFT:
        proposal_submit(proposal=proposal, by=by)
    return proposal


@transaction.atomic
def proposal_submit(*, proposal: Proposal, by: User) -> Proposal:
    _ensure_can_submit(proposal=proposal, by=by)
    try:
        proposal.submit(by=by)
    except TransitionNotAllowed as exc:
        raise ActionRefused(str(exc)) from exc
    emails.queue_submission_received(proposal)
    return proposal


@transaction.atomic
def proposal_withdraw(*, proposal: Proposal, by: User) -> Proposal:
    try:
        proposal.withdraw(by=by)
    except TransitionNotAllowed as exc:
        raise ActionRefused(str(exc)) from exc
    return proposal


@transaction.atomic
def proposal_delete_draft(*, proposal: Proposal, by: User) -> None:
    if proposal.state != ProposalState.DRAFT:
        raise ActionRefused("Only drafts can be deleted; withdraw a submitted proposal instead.")
    proposal.delete()


@transaction.atomic
def speaker_move(*, proposal: Proposal, speaker: User, by: User, offset: int) -> bool:
    """Move a speaker up (-1) or down (1) the proposal's list: the order of the public pages,
    the schedule and the exports. The proposal's speakers and its event's organizers may."""
    if not rules.test_rule("cfp.order_speakers", by, proposal):
        raise ActionRefused(gettext("Only the speakers and organizers can reorder the speakers."))
    try:
        return proposal.move_speaker(speaker, offset)
    except ProposalSpeaker.DoesNotExist:
        raise ActionRefused(gettext("This person is not a speaker of the proposal.")) from None


@transaction.atomic
def invitation_create(*, proposal: Proposal, email: str, by: User) -> Invitation:
    email = email.strip().lower()
    if not proposal.is_editable():
        raise ActionRefused("Co-speakers can be invited only while the proposal can be edited.")
    if proposal.speakers.filter(email__iexact=email).exists():
        raise ActionRefused(f"{email} is already a speaker of this proposal.")
    try:
        with transaction.atomic():
            invitation = Invitation.objects.create(proposal=proposal, email=email, invited_by=by)
    except IntegrityError:
        raise ActionRefused(f"{email} has already been invited.") from None
    emails.queue_invitation(invitation)
    return invitation


@transaction.atomic
def invitation_retract(*, invitation: Invitation, by: User) -> Invitation:
    updated = Invitation.objects.filter(pk=invitation.pk, state=InvitationState.PENDING).update(
        state=InvitationState.RETRACTED, responded_at=timezone.now()
    )
    if not updated:
        raise ActionRefused("This invitation is no longer pending.")
    invitation.refresh_from_db()
    return invitation


@transaction.atomic
def invitation_decline(*, invitation: Invitation, user: User | None = None) -> Invitation:
    """The invited person says no (signed in with the invited address, or signed out with
    the link); whoever invited is told by email."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.state != InvitationState.PENDING:
        raise ActionRefused(gettext("This invitation has been used or retracted."))
    if invitation.is_expired():
        raise ActionRefused(gettext("This invitation has expired."))
    if user is not None and user.is_authenticated and not invitation.is_for(user):
        raise ActionRefused(
            gettext("This invitation is for %(email)s.") % {"email": invitation.email}
        )
    invitation.state = InvitationState.DECLINED
    invitation.responded_at = timezone.now()
    invitation.save(update_fields=["state", "responded_at"])
    emails.queue_invitation_declined(invitation)
    return invitation


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user: User) -> Proposal:
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.state != InvitationState.PENDING:
        raise ActionRefused("This invitation has been used or retracted.")
    if invitation.is_expired():
        raise ActionRefused("This invitation has expired. Ask the speaker to invite you again.")
    if invitation.proposal.state == ProposalState.WITHDRAWN:
        raise ActionRefused("This proposal has been withdrawn.")
    if not invitation.is_for(user):
        raise ActionRefused(
            f"This invitation is for {invitation.email}. Please log in with that address."
        )
    invitation.state = InvitationState.ACCEPTED
    invitation.responded_at = timezone.now()
    invitation.save(update_fields=["state", "responded_at"])
    invitation.proposal.add_speaker(user)  # co-speakers join last
    return invitation.proposal
