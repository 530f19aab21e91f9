"""Decisions from the organizers' ranked list: accept or reject selected proposals, one
proposal from its reviews page, or the top N of a track by the list's ranking.

The decisions themselves (and their draft emails) are cfp.decisions'; this module passes in
the ranking, which only review knows.
"""

from urllib.parse import urlencode

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import F
from django.http import HttpResponseRedirect
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from cfp import decisions, selectors
from cfp.enums import DECIDED_STATES, MessageState, ProposalState
from cfp.models import Track
from cfp.services import ActionRefused
from reviews.admin.organizer_scope import EVENT_PARAM, chosen_event, page

# What the list (short) and a proposal's page (long) say of its decision emails; the least
# advanced one counts.
MAIL_LABELS = {
    MessageState.DRAFT: ("draft", "draft, not sent yet"),
    MessageState.FAILED: ("failed", "failed; retry it from the outbox"),
    MessageState.PENDING: ("sending", "being sent"),
    MessageState.SENDING: ("sending", "being sent"),
    MessageState.UNKNOWN: ("unknown", "delivery unknown; see the outbox"),
    MessageState.SENT: ("sent", "sent"),
}

# The buttons of a proposal's reviews page, by the decision each posts.
DECISIONS = {
    "accept": "Accept",
    "reject": "Reject",
    "undo": "Undo the decision",
    "cancel": "Cancel the talk",
}


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def decision_panel(proposal) -> dict:
    """What the reviews page shows of the decision, and which buttons it offers."""
    mail_state, released = selectors.decision_mail(proposal)
    state = proposal.state
    buttons = []
    if state == ProposalState.SUBMITTED:
        buttons = ["accept", "reject"]
    elif state in DECIDED_STATES and not released:
        buttons = ["reject" if state == ProposalState.ACCEPTED else "accept", "undo"]
    elif state == ProposalState.CONFIRMED:
        buttons = ["cancel"]
    return {
        "state": proposal.get_state_display(),
        "mail": MAIL_LABELS.get(mail_state, (None, None))[1],
        "final": state in DECIDED_STATES and released,
        # Only an email not yet released can still wait (a confirmed talk's was sent long ago).
        "waiting": mail_state is not None and not released,
        "buttons": [(name, DECISIONS[name]) for name in buttons],
    }


def ranking_url(event, **params) -> str:
    url = reverse("admin:reviews_rankedproposal_changelist")
    return f"{url}?{urlencode({EVENT_PARAM: event.pk, **params})}"


class AcceptTopForm(forms.Form):
    track = forms.ModelChoiceField(
        label=_("Track"),
        queryset=Track.objects.none(),
        required=False,
        empty_label=_("All tracks"),
    )
    n = forms.IntegerField(
        label="How many",
        min_value=1,
        max_value=1000,
        help_text="The best this many by normalised score; those accepted before count, "
        "rejected and unreviewed proposals are left out.",
    )

    def __init__(self, *args, event, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["track"].queryset = event.tracks.all()


class DecisionAdminMixin:
    """The decision actions of RankedProposalAdmin (see organizer_ranking.py)."""

    actions = ["accept_selected", "reject_selected"]

    def has_decide_permission(self, request, obj=None) -> bool:
        return self._is_organizer(request, obj)

    # --- the list ----------------------------------------------------------------------

    @admin.display(description="email")
    def decision_email(self, obj):
        """The decision email's progress, in a narrow column."""
        if obj.decision_mail_state not in MAIL_LABELS:
            return None
        short, long = MAIL_LABELS[obj.decision_mail_state]
        return format_html(
            '<span class="lectern-mail lectern-mail-{}" title="Decision email: {}">{}</span>',
            short,
            long,
            short,
        )

    def ranked_for_decisions(self, request, event):
        """The list's ranking, best normalised score first, of reviewed proposals only.

        Computed live, not read from the stored figures: a decision never waits on Celery.
        """
        return (
            self._ranked(request, event, live=True)
            .filter(normalised__isnull=False)
            .order_by(F("normalised").desc(nulls_last=True), "title", "pk")
        )

    # --- actions on the selected proposals ------------------------------------------------

    @admin.action(description="Accept selected proposals", permissions=["decide"])
    def accept_selected(self, request, queryset):
        return self._decide_selected(request, queryset, accept=True)

    @admin.action(description="Reject selected proposals", permissions=["decide"])
    def reject_selected(self, request, queryset):
        return self._decide_selected(request, queryset, accept=False)

    def _decide_selected(self, request, queryset, *, accept: bool):
        proposals = list(queryset.order_by("title", "pk"))
        verb = "accept" if accept else "reject"
        if request.POST.get("post") == "yes":
            done, refused = [], []
            for proposal in proposals:
                try:
                    decisions.proposal_decide(proposal=proposal, by=request.user, accept=accept)
                except ActionRefused as exc:
                    refused.append(str(exc))
                else:
                    done.append(proposal)
            if done:
                self.message_user(
                    request,
                    f"{plural(len(done), 'proposal')} {verb}ed; their emails wait as drafts "
                    "in the outbox.",
                    messages.SUCCESS,
                )
            for reason in refused:
                self.message_user(request, reason, messages.WARNING)
            return None
        wanted = ProposalState.ACCEPTED if accept else ProposalState.REJECTED
        rows = [{"proposal": p, "outcome": self._outcome(p, wanted, verb)} for p in proposals]
        return page(
            self,
            request,
            "decide_selected.html",
            f"{verb.capitalize()} {plural(len(proposals), 'proposal')}?",
            chosen_event(request),
            rows=rows,
            action=f"{verb}_selected",
            verb=verb,
            selected=[p.pk for p in proposals],
            checkbox_name=helpers.ACTION_CHECKBOX_NAME,
            will_change=sum(1 for row in rows if row["outcome"][0]),
        )

    @staticmethod
    def _outcome(proposal, wanted, verb: str) -> tuple[bool, str]:
        """(whether it will change, what the confirmation page says of it)."""
        _, released = selectors.decision_mail(proposal)
        state = proposal.state
        if state == wanted:
            return False, f"already {wanted.label.lower()}: unchanged"
        if state in DECIDED_STATES and released:
            return False, "its decision has been emailed: unchanged"
        if state in DECIDED_STATES:
            now = ProposalState(state).label.lower()
            return True, f"{now} now: will be {verb}ed, its unsent emails discarded"
        if state == ProposalState.SUBMITTED:
            return True, f"will be {verb}ed"
        return False, f"{proposal.get_state_display().lower()}: unchanged"

    # --- one proposal, from its reviews page ---------------------------------------------

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "accept-top/",
                view(self.accept_top_view),
                name="reviews_rankedproposal_accept_top",
            ),
            path(
                "<path:object_id>/decide/",
                view(self.decide_view),
                name="reviews_rankedproposal_decide",
            ),
            *super().get_urls(),
        ]

    def decide_view(self, request, object_id):
        if not self.has_decide_permission(request):
            raise PermissionDenied
        proposal = self.get_object(request, unquote(object_id))
        if proposal is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        decision = request.POST.get("decision") or request.GET.get("decision")
        if decision not in DECISIONS:
            raise PermissionDenied
        reviews_url = reverse("admin:reviews_rankedproposal_change", args=[proposal.pk])
        if request.method != "POST":
            return page(
                self,
                request,
                "decide_one.html",
                f"{DECISIONS[decision]}: {proposal.title}",
                proposal.event,
                proposal=proposal,
                decision=decision,
                label=DECISIONS[decision],
                back=reviews_url,
            )
        try:
            self._decide_one(request, proposal, decision)
        except ActionRefused as exc:
            self.message_user(request, str(exc), messages.ERROR)
        if decision == "cancel":
            return HttpResponseRedirect(ranking_url(proposal.event))
        return HttpResponseRedirect(reviews_url)

    def _decide_one(self, request, proposal, decision: str) -> None:
        by = request.user
        title = proposal.title
        if decision == "undo":
            decisions.decision_undo(proposal=proposal, by=by)
            text = f"The decision on “{title}” is undone; its unsent emails are discarded."
        elif decision == "cancel":
            decisions.proposal_cancel(proposal=proposal, by=by)
            text = f"“{title}” is canceled."
        else:
            accept = decision == "accept"
            decisions.proposal_decide(proposal=proposal, by=by, accept=accept)
            text = (
                f"“{title}” is {'accepted' if accept else 'rejected'}; the email to its "
                "speakers waits as a draft in the outbox."
            )
        self.message_user(request, text, messages.SUCCESS)

    # --- the top N of a track ----------------------------------------------------------

    def accept_top_view(self, request):
        event = self.organizer_event(request)
        if not self.has_decide_permission(request):
            raise PermissionDenied
        form = AcceptTopForm(request.POST or None, event=event, initial=request.GET.dict())
        context = {"form": form, "preview": None}
        if request.method == "POST" and form.is_valid():
            track, n = form.cleaned_data["track"], form.cleaned_data["n"]
            ranked = self.ranked_for_decisions(request, event)
            if "confirm" in request.POST:
                return self._accept_top(request, event, track, n, ranked)
            top = decisions.top_of_track(event=event, track=track, n=n + 1, ranked_queryset=ranked)
            context["preview"] = self._preview(top, n)
        return page(
            self,
            request,
            "accept_top.html",
            _("Accept the top of a track"),
            event,
            **context,
        )

    def _accept_top(self, request, event, track, n, ranked):
        try:
            result = decisions.proposals_accept_top(
                event=event, track=track, n=n, by=request.user, ranked_queryset=ranked
            )
        except ActionRefused as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())
        where = track.name if track else _("all tracks")
        total = len(result.accepted) + len(result.already)
        text = f"{plural(len(result.accepted), 'proposal')} of {where} accepted"
        if result.already:
            text += f" ({len(result.already)} of the top {total} had been accepted before)"
        self.message_user(request, text + ".", messages.SUCCESS)
        if total < n:
            self.message_user(
                request,
                f"Only {plural(total, 'proposal')} of {where} with reviews and not rejected: "
                f"fewer than {n}.",
                messages.WARNING,
            )
        return HttpResponseRedirect(ranking_url(event, **({"track": track.pk} if track else {})))

    @staticmethod
    def _preview(top: list, n: int) -> dict:
        """The top n, and whether the first one left out has the same score as the last in."""
        rows, runner_up = top[:n], top[n:]
        tie = None
        if rows and runner_up and f"{rows[-1].normalised:.2f}" == f"{runner_up[0].normalised:.2f}":
            tie = {"last": rows[-1], "next": runner_up[0], "score": f"{rows[-1].normalised:.2f}"}
        return {
            "rows": [
                {
                    "proposal": p,
                    "score": f"{p.normalised:.2f}",
                    "outcome": "will be accepted"
                    if p.state == ProposalState.SUBMITTED
                    else f"{p.get_state_display().lower()} already",
                }
                for p in rows
            ],
            "tie": tie,
            "will_accept": sum(1 for p in rows if p.state == ProposalState.SUBMITTED),
        }
