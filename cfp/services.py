"""Writes of the CfP: every change a speaker makes goes through one of these.

They take values that are already valid (a form's or a serializer's cleaned data), never a
form, so a page and the API make the same change the same way.
"""

from typing import TypedDict
from uuid import UUID

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cfp import access
from cfp.enums import InvitationState, ProposalState
from cfp.fields import PROFILE_FIELDS, event_fields
from cfp.mail import emails
from cfp.models import (
    AccessCode,
    Event,
    Invitation,
    Proposal,
    ProposalSpeaker,
    SubmissionType,
    Track,
    TransitionNotAllowed,
)
from cfp.webhooks import queue as webhooks
from config.values import assign
from speakers.models import User


class ProposalValues(TypedDict, total=False):
    """What a speaker writes on a proposal: any of these; the rest changes by its own service."""

    title: str
    submission_type: SubmissionType | None
    track: Track | None
    experience_level: str
    abstract: str
    audience: str
    benefits: str
    technical_requirements: str
    notes: str


SPEAKER_FIELDS = frozenset(ProposalValues.__annotations__)


class ActionRefused(Exception):
    """A speaker's action that the rules do not allow now; the message says why."""


class AlreadyCreated(ActionRefused):
    """The form that creates a proposal was sent again; `proposal` is the one it created."""

    def __init__(self, proposal: Proposal):
        super().__init__(_("This proposal was already submitted."))
        self.proposal = proposal


def profile_needed(event: Event) -> list[tuple[str, str]]:
    """(field, label) of what a speaker's profile needs to submit to this event: the name
    and biography always, and the affiliation, photo or links where the event requires
    them (cfp.fields)."""
    config = event_fields(event)
    needed = [("name", _("name")), ("biography", _("biography"))]
    needed += [
        (name, config[name].label.lower()) for name in PROFILE_FIELDS if config[name].required
    ]
    return needed


def profile_missing(*, event: Event, user: User) -> list[str]:
    """The labels of what the profile needs for this event and lacks."""
    profile = getattr(user, "profile", None)
    missing = []
    for name, label in profile_needed(event):
        value = getattr(profile, name, None)
        if not (value.strip() if isinstance(value, str) else value):
            missing.append(label)
    return missing


def _joined(words: list[str]) -> str:
    """ "name", "name and biography", "name, biography and photo"."""
    if len(words) < 2:
        return "".join(words)
    return _("%(first)s and %(last)s") % {"first": ", ".join(words[:-1]), "last": words[-1]}


def _ensure_can_submit(*, proposal: Proposal, by: User) -> None:
    if profile_missing(event=proposal.event, user=by):
        needed = [label for _name, label in profile_needed(proposal.event)]
        raise ActionRefused(
            _("Please complete your profile (%(needed)s) before you submit.")
            % {"needed": _joined(needed)}
        )
    if not proposal.is_editable():
        raise ActionRefused("The call for papers is closed: the deadline has passed.")


@transaction.atomic
def proposal_create(
    *,
    event: Event,
    by: User,
    values: ProposalValues,
    submit: bool,
    token: UUID | None = None,
    access_code: AccessCode | None = None,
) -> Proposal:
    """A new proposal with these values, with `by` as its speaker.

    `token` is the form's one-time token: the same form sent again (the back button, a retry,
    a double click) raises AlreadyCreated with the proposal it created, even when both
    requests run at once (the unique column decides; the loser waits for the winner).

    `access_code` (of the event) opens what it opens (cfp.access) and counts the proposal as
    one of its uses: it is read again under a lock, so two speakers at once cannot use it
    beyond its maximum.
    """
    if token is not None:
        existing = Proposal.objects.for_speaker(by).created_with(token).first()
        if existing is not None:
            raise AlreadyCreated(existing)
    if access_code is not None:
        access_code = (
            AccessCode.objects.select_for_update()
            .select_related("event")
            .get(pk=access_code.pk, event=event)
        )
        problem = access.code_problem(access_code)
        if problem:
            raise ActionRefused(problem)
    if not access.form_is_open(event.cfp, access_code):
        raise ActionRefused(_("The call for papers is not open."))
    try:
        access.ensure_code_opens(
            code=access_code,
            track=values.get("track"),
            submission_type=values.get("submission_type"),
        )
    except access.CodeRefused as exc:
        raise ActionRefused(str(exc)) from None
    proposal = Proposal(event=event, creation_token=token, access_code=access_code)
    assign(proposal, values, SPEAKER_FIELDS)
    try:
        with transaction.atomic():
            proposal.save()
    except IntegrityError:
        existing = Proposal.objects.created_with(token)
        mine = existing.for_speaker(by).first()
        if mine is not None:
            raise AlreadyCreated(mine) from None
        if existing.exists():  # someone else's token: never say whose, nor what it made
            raise ActionRefused(
                _("This form cannot be sent again. Please open a new proposal form.")
            ) from None
        raise
    proposal.add_speaker(by)
    if submit:
        proposal_submit(proposal=proposal, by=by)
    return proposal


@transaction.atomic
def proposal_update(
    *, proposal: Proposal, by: User, values: ProposalValues, submit: bool
) -> Proposal:
    """Write these values (only these) on the proposal, read again under a lock: a
    submission or a decision that happened meanwhile stays."""
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    if not proposal.is_editable():
        raise ActionRefused("This proposal can no longer be edited.")
    # A track or type that only a code opens: the code the proposal was made with, if any.
    changed = {
        name: values[name]
        for name in ("track", "submission_type")
        if name in values and getattr(values[name], "pk", None) != getattr(proposal, f"{name}_id")
    }
    if changed:
        try:
            access.ensure_code_opens(code=proposal.access_code, **changed)
        except access.CodeRefused as exc:
            raise ActionRefused(str(exc)) from None
    proposal.save(update_fields=[*assign(proposal, values, SPEAKER_FIELDS), "updated_at"])
    if submit and proposal.state == ProposalState.DRAFT:
        proposal_submit(proposal=proposal, by=by)
    return proposal


@transaction.atomic
def proposal_submit(*, proposal: Proposal, by: User) -> Proposal:
    """Submit a draft and queue the "received" email. Submitting a proposal that is already
    submitted does nothing: two requests at once (a form sent twice) submit it once."""
    proposal.state = (
        Proposal.objects.select_for_update().values_list("state", flat=True).get(pk=proposal.pk)
    )
    if proposal.state == ProposalState.SUBMITTED:
        return proposal
    _ensure_can_submit(proposal=proposal, by=by)
    try:
        proposal.submit(by=by)
    except TransitionNotAllowed as exc:
        raise ActionRefused(str(exc)) from exc
    emails.submission_received_email_queue(proposal)
    webhooks.proposal_changed(proposal, from_state=ProposalState.DRAFT)
    return proposal


@transaction.atomic
def proposal_withdraw(*, proposal: Proposal, by: User) -> Proposal:
    try:
        proposal.withdraw(by=by)
    except TransitionNotAllowed as exc:
        raise ActionRefused(str(exc)) from exc
    webhooks.proposal_changed(proposal, from_state=ProposalState.SUBMITTED)
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
    if not by.has_perm("cfp.order_speakers", proposal):
        raise ActionRefused(_("Only the speakers and organizers can reorder the speakers."))
    try:
        return proposal.move_speaker(speaker, offset)
    except ProposalSpeaker.DoesNotExist:
        raise ActionRefused(_("This person is not a speaker of the proposal.")) from None


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
    emails.invitation_email_queue(invitation)
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
        raise ActionRefused(_("This invitation has been used or retracted."))
    if invitation.is_expired():
        raise ActionRefused(_("This invitation has expired."))
    if user is not None and user.is_authenticated and not invitation.is_for(user):
        raise ActionRefused(_("This invitation is for %(email)s.") % {"email": invitation.email})
    invitation.state = InvitationState.DECLINED
    invitation.responded_at = timezone.now()
    invitation.save(update_fields=["state", "responded_at"])
    emails.invitation_declined_email_queue(invitation)
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
