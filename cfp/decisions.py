"""Decisions on proposals and the speakers' answers: every change goes through one of these.

A decision writes its emails as drafts, one per speaker, in the same transaction; an
organizer previews and sends them from the outbox. Until one of them is released the
decision may change, and a change discards the drafts of the old one, so that speakers
never get two emails that contradict each other. Once released, it is final.

cfp knows nothing of reviews: whoever ranks proposals (the reviews app) passes the ranking in.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from cfp import selectors
from cfp.enums import DECIDED_STATES, DECISION_KINDS, MessageKind, MessageState, ProposalState
from cfp.mail import emails
from cfp.models import Event, Message, Proposal, Track, TransitionNotAllowed
from cfp.selectors import RELEASED_MAIL_STATES
from cfp.services import ActionRefused
from cfp.webhooks import queue as webhooks
from speakers.models import User

# Reminders not yet on their way are dropped once the speaker has answered.
DROPPABLE_STATES = (MessageState.DRAFT, MessageState.PENDING, MessageState.FAILED)


def _locked(proposal: Proposal) -> Proposal:
    """The proposal's row, locked for this transaction: decisions on it happen one at a time."""
    locked = Proposal.objects.select_for_update(of=("self",)).select_related("event")
    return locked.get(pk=proposal.pk)


def _change(transition, *, by: User) -> None:
    try:
        change = transition(by=by)
    except TransitionNotAllowed as exc:
        raise ActionRefused(str(exc)) from exc
    webhooks.proposal_changed(change.proposal, from_state=change.from_state)


def _ensure_organizer(event: Event, by: User) -> None:
    if not by.has_perm("cfp.organize_event", event):
        raise ActionRefused(f"Only the organizers of {event.name} decide on its proposals.")


def _ensure_speaker(proposal: Proposal, by: User) -> None:
    if not by.is_authenticated or not proposal.speakers.filter(pk=by.pk).exists():
        raise ActionRefused("Only the speakers of a proposal can answer its acceptance.")


def _decision_mails(proposal: Proposal) -> QuerySet[Message]:
    return Message.objects.filter(proposal=proposal, kind__in=DECISION_KINDS)


def _ensure_changeable(proposal: Proposal) -> None:
    """Refuse to change a decision whose email has been released.

    The rows are locked first: a concurrent "send" of the drafts either went through before
    (and is seen here) or waits, and then finds the drafts discarded.
    """
    states = set(_decision_mails(proposal).select_for_update().values_list("state", flat=True))
    if states & set(RELEASED_MAIL_STATES):
        raise ActionRefused(
            f"The decision on “{proposal.title}” has been emailed to its speakers; it can no "
            "longer be changed."
        )


def _take_back(proposal: Proposal, *, by: User) -> None:
    """Undo the current decision and discard its unsent emails."""
    _ensure_changeable(proposal)
    _decision_mails(proposal).filter(state__in=(MessageState.DRAFT, MessageState.FAILED)).update(
        state=MessageState.DISCARDED
    )
    _change(proposal.undo, by=by)


def _confirm_url(proposal: Proposal) -> str:
    return emails.absolute(proposal.get_absolute_url())


@transaction.atomic
def proposal_decide(*, proposal: Proposal, by: User, accept: bool) -> Proposal:
    """Accept or reject; a proposal decided otherwise before is changed (if it still may be)."""
    proposal = _locked(proposal)
    _ensure_organizer(proposal.event, by)
    wanted = ProposalState.ACCEPTED if accept else ProposalState.REJECTED
    if proposal.state == wanted:
        raise ActionRefused(f"“{proposal.title}” is already {wanted.label.lower()}.")
    if proposal.state in DECIDED_STATES:
        _take_back(proposal, by=by)
    _change(proposal.accept if accept else proposal.reject, by=by)
    kind = MessageKind.ACCEPTANCE if accept else MessageKind.REJECTION
    emails.speaker_email_queue(proposal, kind, {"confirm_url": _confirm_url(proposal)}, draft=True)
    return proposal


@transaction.atomic
def decision_undo(*, proposal: Proposal, by: User) -> Proposal:
    """Back to submitted, while the decision email has not been sent."""
    proposal = _locked(proposal)
    _ensure_organizer(proposal.event, by)
    if proposal.state not in DECIDED_STATES:
        raise ActionRefused(
            f"“{proposal.title}” is {proposal.get_state_display().lower()}: there is no "
            "decision to undo."
        )
    _take_back(proposal, by=by)
    return proposal


def _answer(proposal: Proposal, by: User, transition: str) -> Proposal:
    proposal = _locked(proposal)
    _ensure_speaker(proposal, by)
    selectors.decision_mail(proposal)  # what the speakers know of the decision
    # An acceptance whose email is still a draft may change: speakers cannot see it yet.
    if proposal.speaker_state != ProposalState.ACCEPTED:
        verb = "confirmed" if transition == "confirm" else "declined"
        raise ActionRefused(f"Only an accepted proposal can be {verb}.")
    _change(getattr(proposal, transition), by=by)
    Message.objects.filter(
        proposal=proposal,
        kind=MessageKind.CONFIRMATION_REMINDER,
        state__in=DROPPABLE_STATES,
    ).update(state=MessageState.DISCARDED)
    return proposal


@transaction.atomic
def proposal_confirm(*, proposal: Proposal, by: User) -> Proposal:
    """A speaker says they will give the talk (any one of its speakers may)."""
    return _answer(proposal, by, "confirm")


@transaction.atomic
def proposal_decline(*, proposal: Proposal, by: User) -> Proposal:
    return _answer(proposal, by, "decline")


@transaction.atomic
def proposal_cancel(*, proposal: Proposal, by: User) -> Proposal:
    """A confirmed talk will not take place after all."""
    proposal = _locked(proposal)
    _ensure_organizer(proposal.event, by)
    _change(proposal.cancel, by=by)
    return proposal


# --- accepting the best of a track --------------------------------------------------------


def top_of_track(
    *, event: Event, track: Track | None, n: int, ranked_queryset: QuerySet[Proposal]
) -> list[Proposal]:
    """The first `n` of the ranking in the track (all tracks for None), rejected ones left out.

    `ranked_queryset` holds the proposals that may be ranked, best first.
    """
    ranked = ranked_queryset.filter(event=event).exclude(state=ProposalState.REJECTED)
    if track is not None:
        ranked = ranked.filter(track=track)
    return list(ranked[:n])


@dataclass
class TopAccepted:
    accepted: list[Proposal] = field(default_factory=list)
    already: list[Proposal] = field(default_factory=list)  # accepted or confirmed before


@transaction.atomic
def proposals_accept_top(
    *,
    event: Event,
    track: Track | None,
    n: int,
    by: User,
    ranked_queryset: QuerySet[Proposal],
) -> TopAccepted:
    """Accept the top `n` of a track by the caller's ranking; those accepted before count.

    Running it twice accepts nothing more; a proposal rejected on purpose is not overruled.
    """
    _ensure_organizer(event, by)
    if n < 1:
        raise ActionRefused("Accept at least one proposal.")
    if track is not None and track.event_id != event.pk:
        raise ActionRefused(f"{track.name} is not a track of {event.name}.")
    result = TopAccepted()
    for proposal in top_of_track(event=event, track=track, n=n, ranked_queryset=ranked_queryset):
        if proposal.state == ProposalState.SUBMITTED:
            result.accepted.append(proposal_decide(proposal=proposal, by=by, accept=True))
        else:
            result.already.append(proposal)
    return result


# --- reminding speakers who have not confirmed ---------------------------------------------


def _acceptance_sent_at(proposal: Proposal) -> datetime | None:
    """When the first speaker was sent the acceptance (None: not sent yet)."""
    return (
        Message.objects.filter(
            proposal=proposal, kind=MessageKind.ACCEPTANCE, state=MessageState.SENT
        )
        .order_by("sent_at")
        .values_list("sent_at", flat=True)
        .first()
    )


def _remind(proposal_id: int, now: datetime) -> int:
    """Queue one reminder per speaker, unless the proposal has one already."""
    with transaction.atomic():
        # The lock makes the check and the insert one step: a second run waits, then sees
        # the reminders of the first.
        locked = Proposal.objects.select_for_update(of=("self",)).select_related("event__cfp")
        proposal = locked.filter(pk=proposal_id, state=ProposalState.ACCEPTED).first()
        if proposal is None:
            return 0
        if proposal.messages.filter(kind=MessageKind.CONFIRMATION_REMINDER).exists():
            return 0
        days = proposal.event.cfp.confirmation_reminder_days
        sent_at = _acceptance_sent_at(proposal)
        if not days or sent_at is None or sent_at > now - timedelta(days=days):
            return 0
        messages = emails.speaker_email_queue(
            proposal, MessageKind.CONFIRMATION_REMINDER, {"confirm_url": _confirm_url(proposal)}
        )
        return len(messages)


def confirmation_reminders_send(*, now: datetime | None = None) -> int:
    """Remind the speakers of accepted talks not confirmed `confirmation_reminder_days`
    after the acceptance was sent (0: never); one reminder per proposal. Returns how many
    emails were queued."""
    now = now or timezone.now()
    reminded = Message.objects.filter(
        proposal_id=OuterRef("pk"), kind=MessageKind.CONFIRMATION_REMINDER
    )
    sent = Message.objects.filter(
        proposal_id=OuterRef("pk"), kind=MessageKind.ACCEPTANCE, state=MessageState.SENT
    )
    candidates = (
        Proposal.objects.filter(
            state=ProposalState.ACCEPTED, event__cfp__confirmation_reminder_days__gt=0
        )
        .filter(Exists(sent))
        .exclude(Exists(reminded))
        .values_list("pk", flat=True)
    )
    return sum(_remind(proposal_id, now) for proposal_id in candidates)
