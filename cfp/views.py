from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from cfp import decisions, services
from cfp.adapters import remember_invitation
from cfp.enums import InvitationState, ProposalState
from cfp.forms import InvitationForm, MarkdownPreviewForm, ProposalForm
from cfp.markdown import render_markdown
from cfp.models import Event, Invitation, Proposal, ProposalSpeaker
from cfp.services import ActionRefused
from speakers.services import profile_for


def _get_event(request, slug: str) -> Event:
    """A public event, or a hidden one for its organizers; anything else is a 404."""
    event = get_object_or_404(Event.objects.select_related("cfp"), slug=slug)
    if not hasattr(event, "cfp"):
        raise Http404("This event has no call for papers.")
    if not event.is_public and not event.is_organizer(request.user):
        raise Http404("No such event.")
    return event


def _get_own_proposal(request, event_slug: str, code: str) -> Proposal:
    """A proposal the user speaks on. Everyone else gets a 404, never its content."""
    return get_object_or_404(
        Proposal.objects.for_speaker(request.user).with_listing(),
        event__slug=event_slug,
        code=code,
    )


def home(request):
    events = Event.objects.public().select_related("cfp").filter(cfp__isnull=False)
    return render(request, "cfp/home.html", {"events": events})


def event_cfp(request, event: str):
    event = _get_event(request, event)
    own = []
    if request.user.is_authenticated:
        own = list(Proposal.objects.for_speaker(request.user).for_event(event).with_listing())
    # COUNT(*) on (event, state): an index-only scan, where COUNT(pk) read every row.
    counts = {"submitted": event.proposals.exclude(state=ProposalState.DRAFT).count()}
    context = {
        "event": event,
        "cfp": event.cfp,
        "status": event.cfp.status(),
        "submission_types": event.submission_types.all(),
        "tracks": event.tracks.all(),
        "own_proposals": own,
        "counts": counts,
    }
    return render(request, "cfp/event_cfp.html", context)


def _profile_warning(request, profile) -> None:
    if not profile.is_complete:
        messages.warning(
            request,
            "Your profile needs a name and a biography before you can submit; you can save a "
            "draft meanwhile.",
        )


SPEAKER_MOVES = {"up": -1, "down": 1}
NOT_SAVED = "Your proposal was not saved: please correct the fields marked below."
KEEP_A_COPY = "Nothing was saved; your text is still below so you can keep a copy."


def _form_page(request, form, event, proposal=None):
    context = {
        "form": form,
        "event": event,
        "proposal": proposal,
        "profile": profile_for(request.user),
    }
    return render(request, "cfp/proposal_form.html", context)


@login_required
def proposal_create(request, event: str):
    event = _get_event(request, event)
    if request.method != "POST":
        if not event.cfp.is_open():
            messages.error(request, "The call for papers is not open, so no new proposals for now.")
            return redirect(event)
        _profile_warning(request, profile_for(request.user))
        return _form_page(request, ProposalForm(event=event), event)
    submitting = "submit" in request.POST
    form = ProposalForm(request.POST, event=event, submitting=submitting)
    if not event.cfp.is_open():
        # The deadline may pass while someone types: refuse, but give the text back.
        messages.error(request, f"The call for papers is not open. {KEEP_A_COPY}")
    elif form.is_valid():
        try:
            proposal = services.proposal_create(
                event=event, by=request.user, form=form, submit=False
            )
        except ActionRefused as exc:
            messages.error(request, f"{exc} {KEEP_A_COPY}")
        else:
            return _after_save(request, proposal, submitting)
    else:
        messages.error(request, NOT_SAVED)
    return _form_page(request, form, event)


def _after_save(request, proposal: Proposal, submitting: bool):
    """Submit if asked; a refused submission leaves a saved draft and says why."""
    if not submitting or proposal.state != ProposalState.DRAFT:
        messages.success(request, f"“{proposal.title}” is saved.")
        return redirect(proposal)
    try:
        services.proposal_submit(proposal=proposal, by=request.user)
    except ActionRefused as exc:
        messages.warning(
            request, f"“{proposal.title}” is saved as a draft but not submitted: {exc}"
        )
        if "profile" in str(exc):
            return redirect(f"{reverse('speakers:profile')}?next={proposal.get_absolute_url()}")
        return redirect(proposal)
    messages.success(
        request, f"“{proposal.title}” is submitted. We have sent a confirmation by email."
    )
    return redirect(proposal)


@login_required
def proposal_edit(request, event: str, code: str):
    proposal = _get_own_proposal(request, event, code)
    is_draft = proposal.state == ProposalState.DRAFT
    if request.method != "POST":
        if not proposal.is_editable():
            messages.error(request, "This proposal can no longer be edited.")
            return redirect(proposal)
        form = ProposalForm(instance=proposal, event=proposal.event, submitting=not is_draft)
        return _form_page(request, form, proposal.event, proposal)
    submitting = "submit" in request.POST
    form = ProposalForm(
        request.POST, instance=proposal, event=proposal.event, submitting=submitting or not is_draft
    )
    if not proposal.is_editable():
        messages.error(request, f"This proposal can no longer be edited. {KEEP_A_COPY}")
    elif form.is_valid():
        try:
            services.proposal_update(proposal=proposal, by=request.user, form=form, submit=False)
        except ActionRefused as exc:
            messages.error(request, f"{exc} {KEEP_A_COPY}")
        else:
            return _after_save(request, proposal, submitting)
    else:
        messages.error(
            request, "Your changes were not saved: please correct the fields marked below."
        )
    return _form_page(request, form, proposal.event, proposal)


@login_required
def proposal_detail(request, event: str, code: str):
    proposal = _get_own_proposal(request, event, code)
    invitations = list(proposal.invitations.select_related("invited_by__profile"))
    context = {
        "proposal": proposal,
        "event": proposal.event,
        "invitations": invitations,
        "invitation_form": InvitationForm(),
        "editable": proposal.is_editable(),
        "transitions": proposal.speaker_history(proposal.transitions.select_related("by__profile")),
    }
    return render(request, "cfp/proposal_detail.html", context)


@login_required
@require_POST
def proposal_submit(request, event: str, code: str):
    proposal = _get_own_proposal(request, event, code)
    return _after_save(request, proposal, submitting=True)


@login_required
def proposal_withdraw(request, event: str, code: str):
    proposal = _get_own_proposal(request, event, code)
    if proposal.speaker_state != proposal.state:
        # A decision not announced yet: say that it exists, never which it is.
        messages.error(
            request,
            "This proposal can no longer be withdrawn; you will hear from the organizers shortly.",
        )
        return redirect(proposal)
    if request.method == "POST":
        try:
            services.proposal_withdraw(proposal=proposal, by=request.user)
        except ActionRefused as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"“{proposal.title}” is withdrawn.")
        return redirect(proposal)
    if proposal.state != ProposalState.SUBMITTED:
        messages.error(request, "Only a submitted proposal can be withdrawn.")
        return redirect(proposal)
    return render(
        request, "cfp/proposal_withdraw.html", {"proposal": proposal, "event": proposal.event}
    )


@login_required
@require_POST
def proposal_confirm(request, event: str, code: str):
    proposal = _get_own_proposal(request, event, code)
    try:
        decisions.speaker_confirm(proposal=proposal, by=request.user)
    except ActionRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, f"Thank you! You confirmed “{proposal.title}” for {proposal.event.name}."
        )
    return redirect(proposal)


@login_required
def proposal_decline(request, event: str, code: str):
    proposal = _get_own_proposal(request, event, code)
    if request.method == "POST":
        try:
            decisions.speaker_decline(proposal=proposal, by=request.user)
        except ActionRefused as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"You declined “{proposal.title}”. Thank you for telling us.")
        return redirect(proposal)
    if proposal.speaker_state != ProposalState.ACCEPTED:
        messages.error(request, "Only an accepted proposal can be declined.")
        return redirect(proposal)
    return render(
        request, "cfp/proposal_decline.html", {"proposal": proposal, "event": proposal.event}
    )


@login_required
def proposal_delete(request, event: str, code: str):
    proposal = _get_own_proposal(request, event, code)
    if request.method == "POST":
        title = proposal.title
        try:
            services.proposal_delete_draft(proposal=proposal, by=request.user)
        except ActionRefused as exc:
            messages.error(request, str(exc))
            return redirect(proposal)
        messages.success(request, f"The draft “{title}” is deleted.")
        return redirect("cfp:my_proposals")
    if proposal.state != ProposalState.DRAFT:
        messages.error(request, "Only drafts can be deleted.")
        return redirect(proposal)
    return render(
        request, "cfp/proposal_delete.html", {"proposal": proposal, "event": proposal.event}
    )


@login_required
def my_proposals(request):
    proposals = list(
        Proposal.objects.for_speaker(request.user)
        .with_listing()
        .order_by("-event__start_date", "-created_at")
    )
    return render(
        request,
        "cfp/my_proposals.html",
        {"proposals": proposals, "profile": profile_for(request.user), "now": timezone.now()},
    )


@login_required
@require_POST
def speaker_move(request, event: str, code: str, pk: int):
    """Move a speaker up or down the proposal's list (a plain form: no script needed)."""
    proposal = _get_own_proposal(request, event, code)
    link = get_object_or_404(
        ProposalSpeaker.objects.select_related("user"), proposal=proposal, user_id=pk
    )
    offset = SPEAKER_MOVES.get(request.POST.get("direction", ""))
    if offset is None:
        messages.error(request, gettext("Choose to move the speaker up or down."))
        return redirect(proposal)
    try:
        services.speaker_move(proposal=proposal, speaker=link.user, by=request.user, offset=offset)
    except ActionRefused as exc:
        messages.error(request, str(exc))
    return redirect(f"{proposal.get_absolute_url()}#speakers")


@login_required
@require_POST
def invitation_create(request, event: str, code: str):
    proposal = _get_own_proposal(request, event, code)
    form = InvitationForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Please enter a valid email address to invite a co-speaker.")
        return redirect(proposal)
    try:
        invitation = services.invitation_create(
            proposal=proposal, email=form.cleaned_data["email"], by=request.user
        )
    except ActionRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"An invitation is on its way to {invitation.email}.")
    return redirect(proposal)


@login_required
@require_POST
def invitation_retract(request, event: str, code: str, pk: int):
    proposal = _get_own_proposal(request, event, code)
    invitation = get_object_or_404(Invitation, pk=pk, proposal=proposal)
    try:
        services.invitation_retract(invitation=invitation, by=request.user)
    except ActionRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"The invitation to {invitation.email} is retracted.")
    return redirect(proposal)


def _get_invitation(token: str) -> Invitation:
    return get_object_or_404(
        Invitation.objects.select_related("proposal__event", "invited_by__profile"), token=token
    )


def invitation_detail(request, token: str):
    """The invited person's page: the holder of the link (signed out, or signed in with the
    invited address) sees the talk, the event, who invited and until when; someone signed
    in with another address sees none of it."""
    invitation = _get_invitation(token)
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"{reverse('account_login')}?next={request.path}")
        try:
            proposal = services.invitation_accept(invitation=invitation, user=request.user)
        except ActionRefused as exc:
            messages.error(request, str(exc))
            return redirect(request.path)
        messages.success(request, f"You are now a speaker of “{proposal.title}”.")
        return redirect(proposal)
    signed_out = not request.user.is_authenticated
    email_matches = invitation.is_for(request.user)
    expired = invitation.is_expired()
    open_ = invitation.state == InvitationState.PENDING and not expired
    if signed_out and open_:
        remember_invitation(request, invitation)
    shown = (signed_out or email_matches) and invitation.state == InvitationState.PENDING
    next_query = urlencode({"next": request.path}, safe="/")
    context = {
        "invitation": invitation,
        "event": invitation.proposal.event,
        "email_matches": email_matches,
        "expired": expired,
        "open": open_,
        # Only the holder of the link, or the invited address, sees what the proposal is.
        "proposal": invitation.proposal if shown else None,
        "inviter_name": invitation.invited_by.display_name if invitation.invited_by else "",
        "login_url": f"{reverse('account_login')}?{next_query}",
        "signup_url": f"{reverse('account_signup')}?"
        + urlencode({"email": invitation.email, "next": request.path}, safe="/@"),
    }
    return render(request, "cfp/invitation.html", context)


@require_POST
def invitation_decline(request, token: str):
    invitation = _get_invitation(token)
    try:
        services.invitation_decline(invitation=invitation, user=request.user)
    except ActionRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            gettext("You declined the invitation. We let %(name)s know.")
            % {
                "name": invitation.invited_by.display_name
                if invitation.invited_by
                else "the speaker"
            },
        )
    return redirect(invitation)


@login_required
@require_POST
def markdown_preview(request):
    form = MarkdownPreviewForm(request.POST)
    if not form.is_valid():
        return HttpResponse('<p class="text-danger">The text is too long to preview.</p>')
    text = form.cleaned_data["abstract"]
    if not text.strip():
        return HttpResponse(
            '<span class="text-body-secondary">Start typing to see the preview.</span>'
        )
    return HttpResponse(render_markdown(text))
