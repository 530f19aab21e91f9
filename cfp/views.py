from urllib.parse import urlencode
from uuid import uuid4

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from cfp import access, answers, availability, decisions, selectors, services
from cfp.adapters import remember_invitation
from cfp.enums import ACCEPTED_STATES, InvitationState, ProposalState
from cfp.fields import event_fields
from cfp.forms import InvitationForm, MarkdownPreviewForm, ProposalForm
from cfp.markdown import render_markdown
from cfp.models import Answer, Event, Invitation, Proposal, ProposalSpeaker
from cfp.questions import proposal_questions
from cfp.rules import is_proposal_speaker
from cfp.services import ActionRefused, AlreadyCreated
from speakers.services import profile_for


def _get_event(request, slug: str) -> Event:
    """A public event, or a hidden one for its organizers; anything else is a 404."""
    event = get_object_or_404(Event.objects.select_related("cfp"), slug=slug)
    if not hasattr(event, "cfp"):
        raise Http404("This event has no call for papers.")
    if not request.user.has_perm("cfp.view_event", event):
        raise Http404("No such event.")
    return event


def _get_own_proposal(request, event_slug: str, code: str) -> Proposal:
    """A proposal the user speaks on. Everyone else gets a 404, never its content."""
    return get_object_or_404(
        selectors.listed_proposals(Proposal.objects.for_speaker(request.user)),
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
        own = list(
            selectors.listed_proposals(Proposal.objects.for_speaker(request.user).for_event(event))
        )
    # COUNT(*) on (event, state): an index-only scan, where COUNT(pk) read every row.
    counts = {"submitted": event.proposals.exclude(state=ProposalState.DRAFT).count()}
    code = _access_code(request, event) if request.GET.get("access_code") else None
    context = {
        "access_code": code,
        "code_opens_form": code is not None and access.form_is_open(event.cfp, code),
        "event": event,
        "cfp": event.cfp,
        "status": event.cfp.status(),
        # What the public form offers: a code's own tracks and types stay its holders'.
        "submission_types": access.offered_types(event, code),
        "tracks": access.offered_tracks(event, code),
        "own_proposals": own,
        "counts": counts,
    }
    return render(request, "cfp/event_cfp.html", context)


NOT_SAVED = gettext_lazy("Your proposal was not saved: please correct the fields marked below.")
KEEP_A_COPY = gettext_lazy("Nothing was saved; your text is still below so you can keep a copy.")


def _form_page(request, form, event, proposal=None, sent=None, questions=None, access_code=None):
    """The proposal form; once editing has ended, the same page as a read-only record
    that says so, without buttons that would only be refused."""
    open_ = access.form_is_open(event.cfp, access_code) if proposal is None else None
    editable = proposal.is_editable() if proposal else open_
    if not editable:
        # Unbound: what was typed is shown as it came, without validation errors beside it.
        form = ProposalForm(
            instance=form.instance,
            initial=form.data.dict() if form.is_bound else None,
            event=event,
            read_only=True,
            access_code=access_code,
        )
        questions = proposal_questions(
            event=event, proposal=proposal, speaker=request.user, read_only=True
        )
    elif questions is None:
        questions = proposal_questions(
            event=event, proposal=proposal, speaker=request.user, submitting=form.submitting
        )
    context = {
        "access_code": access_code,
        "edit_until": proposal.edit_deadline()
        if proposal
        else access.deadline(event.cfp, access_code),
        "form": form,
        "questions": questions,
        "event": event,
        "proposal": proposal,
        "sent": sent,  # the proposal this new-proposal form already created, if any
        "editable": editable,
        "cfp_status": event.cfp.status(),
        "profile": profile_for(request.user),
    }
    return render(request, "cfp/proposal_form.html", context)


SPEAKER_MOVES = {"up": -1, "down": 1}


def _form_token(request):
    """The new-proposal form's one-time token: from the form, else from the address."""
    raw = request.POST.get("creation_token") or request.GET.get("form")
    try:
        return ProposalForm.base_fields["creation_token"].clean(raw) if raw else None
    except ValidationError:
        return None  # not one of ours: nothing to recognise the form by


def _access_code(request, event: Event):
    """The access code given with the form (the link's `?access_code=`, or the form's hidden
    field): usable, or None after a message saying why not."""
    given = request.POST.get("access_code") or request.GET.get("access_code")
    check = access.access_code_check(event, given)
    if check.error:
        messages.error(request, check.error)
    return check.code


def _with_code(url: str, code) -> str:
    return f"{url}&{urlencode({'access_code': code.code})}" if code is not None else url


@login_required
def proposal_create(request, event: str):
    event = _get_event(request, event)
    token = _form_token(request)
    code = _access_code(request, event)
    if request.method != "POST":
        if not access.form_is_open(event.cfp, code):
            messages.error(
                request, _("The call for papers is not open, so no new proposals for now.")
            )
            return redirect(event)
        if token is None:
            # The token goes into the address too: the back button reloads this very form
            # (browsers often fetch it again), so a second "Submit" is recognised.
            return redirect(_with_code(f"{request.path}?form={uuid4()}", code))
        sent = Proposal.objects.created_with(token).first()
        if sent is not None and not sent.speakers.filter(pk=request.user.pk).exists():
            # Someone else's form (a shared address): a new one, and not a word about theirs.
            return redirect(_with_code(f"{request.path}?form={uuid4()}", code))
        form = ProposalForm(event=event, initial={"creation_token": token}, access_code=code)
        return _form_page(request, form, event, sent=sent, access_code=code)
    submitting = "submit" in request.POST
    again = Proposal.objects.for_speaker(request.user).created_with(token).first()
    if again is not None:
        return _posted_again(request, again, submitting)
    form = ProposalForm(request.POST, event=event, submitting=submitting, access_code=code)
    questions = proposal_questions(
        request.POST,
        request.FILES,
        event=event,
        proposal=None,
        speaker=request.user,
        submitting=submitting,
    )
    if not access.form_is_open(event.cfp, code):
        # The deadline may pass while someone types: refuse, but give the text back.
        messages.error(request, f"{_('The call for papers is not open.')} {KEEP_A_COPY}")
    elif all([form.is_valid(), questions.is_valid()]):
        try:
            with transaction.atomic():
                proposal = services.proposal_create(
                    event=event,
                    by=request.user,
                    values=form.values(),
                    submit=False,
                    token=token,
                    access_code=code,
                )
                questions.save(proposal=proposal, speaker=request.user)
        except AlreadyCreated as exc:
            return _posted_again(request, exc.proposal, submitting)
        except ActionRefused as exc:
            messages.error(request, f"{exc} {KEEP_A_COPY}")
        else:
            return _after_save(request, proposal, submitting)
    else:
        messages.error(request, NOT_SAVED)
    return _form_page(request, form, event, questions=questions, access_code=code)


def _posted_again(request, proposal: Proposal, submitting: bool):
    """The new-proposal form sent a second time (the back button, a retry): the proposal it
    created is there already. A draft takes the form's values ("Save draft", back,
    "Submit"); anything further along stays as it is, and nothing is sent twice."""
    if proposal.state == ProposalState.DRAFT and proposal.is_editable():
        return _save_changes(request, proposal, submitting)
    messages.info(
        request,
        _("This proposal was already submitted; sending the form again changed nothing."),
    )
    return redirect(proposal)


def _after_save(request, proposal: Proposal, submitting: bool):
    """Submit if asked; a refused submission leaves a saved draft and says why."""
    if not submitting or proposal.state != ProposalState.DRAFT:
        messages.success(request, _("“%(title)s” is saved.") % {"title": proposal.title})
        return redirect(proposal)
    try:
        services.proposal_submit(proposal=proposal, by=request.user)
    except ActionRefused as exc:
        messages.warning(
            request,
            _("“%(title)s” is saved as a draft but not submitted: %(reason)s")
            % {"title": proposal.title, "reason": exc},
        )
        if "profile" in str(exc):
            return redirect(f"{reverse('speakers:profile')}?next={proposal.get_absolute_url()}")
        return redirect(proposal)
    messages.success(
        request,
        _("“%(title)s” is submitted. We have sent a confirmation by email.")
        % {"title": proposal.title},
    )
    return redirect(proposal)


@login_required
def proposal_edit(request, event: str, code: str):
    proposal = _get_own_proposal(request, event, code)
    if request.method != "POST":
        if not proposal.is_editable():
            messages.error(request, _("This proposal can no longer be edited."))
            return redirect(proposal)
        is_draft = proposal.state == ProposalState.DRAFT
        form = ProposalForm(instance=proposal, event=proposal.event, submitting=not is_draft)
        return _form_page(request, form, proposal.event, proposal)
    return _save_changes(request, proposal, submitting="submit" in request.POST)


def _save_changes(request, proposal: Proposal, submitting: bool):
    is_draft = proposal.state == ProposalState.DRAFT
    form = ProposalForm(
        request.POST, instance=proposal, event=proposal.event, submitting=submitting or not is_draft
    )
    questions = proposal_questions(
        request.POST,
        request.FILES,
        event=proposal.event,
        proposal=proposal,
        speaker=request.user,
        submitting=submitting or not is_draft,
    )
    if not proposal.is_editable():
        messages.error(request, f"{_('This proposal can no longer be edited.')} {KEEP_A_COPY}")
    elif all([form.is_valid(), questions.is_valid()]):
        try:
            with transaction.atomic():
                proposal = services.proposal_update(
                    proposal=proposal, by=request.user, values=form.values(), submit=False
                )
                questions.save(proposal=proposal, speaker=request.user)
        except ActionRefused as exc:
            messages.error(request, f"{exc} {KEEP_A_COPY}")
        else:
            return _after_save(request, proposal, submitting)
    else:
        messages.error(
            request, _("Your changes were not saved: please correct the fields marked below.")
        )
    return _form_page(request, form, proposal.event, proposal, questions=questions)


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
        "fields": event_fields(proposal.event),
        "transitions": proposal.speaker_history(proposal.transitions.select_related("by__profile")),
        "answers": answers.proposal_answers(
            [proposal],
            answers.Viewer(answers.SPEAKER, user_id=request.user.pk),
            event=proposal.event,
        )[proposal.pk],
    }
    if availability.asks(proposal) and proposal.speaker_state in ACCEPTED_STATES:
        spans = availability.spans_of(proposal.event, [request.user.pk])[request.user.pk]
        context["availability"] = {
            "lines": availability.describe(proposal.event, spans),
            "can_change": availability.may_give(proposal, request.user),
        }
    return render(request, "cfp/proposal_detail.html", context)


def answer_file(request, event: str, pk: int):
    """An answer's file, for the organizers, the proposal's speakers (or the speaker who
    gave it); everyone else gets a 404, never the file or its name. Reviewers open the
    files they may open from their review page (reviews.admin.reviewer)."""
    answer = get_object_or_404(
        Answer.objects.select_related("question__event", "proposal"),
        pk=pk,
        question__event__slug=event,
    )
    user = request.user
    if user.has_perm("cfp.organize_event", answer.question.event):
        viewer = answers.Viewer(answers.ORGANIZER, user_id=user.pk)
    elif (answer.proposal is not None and is_proposal_speaker(user, answer.proposal)) or (
        user.is_authenticated and answer.speaker_id == user.pk
    ):
        viewer = answers.Viewer(answers.SPEAKER, user_id=user.pk)
    else:
        raise Http404("No such file.")
    if not answer.file or not answers.may_open_file(
        answer.question, viewer, speaker_id=answer.speaker_id
    ):
        raise Http404("No such file.")
    return answers.file_response(answer)


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
def proposal_confirm(request, event: str, code: str):
    """Confirm an accepted talk; when the CfP asks, with the times the speaker can speak."""
    proposal = _get_own_proposal(request, event, code)
    asks = availability.asks(proposal)
    form = None
    if asks:
        form = availability.AvailabilityForm(
            request.POST if request.method == "POST" else None,
            event=proposal.event,
            spans=availability.spans_of(proposal.event, [request.user.pk])[request.user.pk],
        )
    if request.method == "POST" and (form is None or form.is_valid()):
        try:
            with transaction.atomic():
                decisions.proposal_confirm(proposal=proposal, by=request.user)
                if form is not None:
                    availability.availability_replace(
                        event=proposal.event, speaker=request.user, spans=form.spans()
                    )
        except ActionRefused as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request, f"Thank you! You confirmed “{proposal.title}” for {proposal.event.name}."
            )
        return redirect(proposal)
    if proposal.speaker_state != ProposalState.ACCEPTED:
        messages.error(request, _("Only an accepted proposal can be confirmed."))
        return redirect(proposal)
    context = {"proposal": proposal, "event": proposal.event, "form": form}
    return render(request, "cfp/proposal_confirm.html", context)


@login_required
def proposal_availability(request, event: str, code: str):
    """The speaker changes the times they can speak, until the event starts."""
    proposal = _get_own_proposal(request, event, code)
    if not availability.may_give(proposal, request.user):
        messages.error(request, _("You cannot change your times for this event now."))
        return redirect(proposal)
    form = availability.AvailabilityForm(
        request.POST if request.method == "POST" else None,
        event=proposal.event,
        spans=availability.spans_of(proposal.event, [request.user.pk])[request.user.pk],
    )
    if request.method == "POST" and form.is_valid():
        availability.availability_give(proposal=proposal, by=request.user, spans=form.spans())
        messages.success(
            request, _("Your times for %(event)s are saved.") % {"event": proposal.event.name}
        )
        return redirect(proposal)
    context = {"proposal": proposal, "event": proposal.event, "form": form}
    return render(request, "cfp/proposal_availability.html", context)


@login_required
def proposal_decline(request, event: str, code: str):
    proposal = _get_own_proposal(request, event, code)
    if request.method == "POST":
        try:
            decisions.proposal_decline(proposal=proposal, by=request.user)
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
        selectors.listed_proposals(Proposal.objects.for_speaker(request.user)).order_by(
            "-event__start_date", "-created_at"
        )
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
        messages.error(request, _("Choose to move the speaker up or down."))
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
            _("You declined the invitation. We let %(name)s know.")
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
        return HttpResponse(
            format_html('<p class="text-danger">{}</p>', _("The text is too long to preview."))
        )
    text = form.cleaned_data["abstract"]
    if not text.strip():
        return HttpResponse(
            format_html(
                '<span class="text-body-secondary">{}</span>',
                _("Start typing to see the preview."),
            )
        )
    return HttpResponse(render_markdown(text))
