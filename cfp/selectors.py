"""Reads of proposals that several pages share: querysets and values, never a write.

A decision is announced to the speakers once its email has left; until then they read their
proposal as "submitted" (Proposal.speaker_state). How far the decision emails have got is
read here, from the outbox, and handed to the proposal as two values: `decision_mail_state`
(the least advanced of its decision emails, None without any) and `decision_mail_released`
(one of them has been released to the speakers).
"""

from django.db.models import (
    Case,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)

from cfp.enums import DECIDED_STATES, DECISION_KINDS, MessageState, ProposalState
from cfp.models import Message, Proposal
from cfp.models.proposal import speakers_in_order

# A decision email in one of these states has left (or is leaving, or may have left) for the
# speakers: the decision is announced and can no longer change.
RELEASED_MAIL_STATES = (
    MessageState.PENDING,
    MessageState.SENDING,
    MessageState.UNKNOWN,
    MessageState.SENT,
)
# How far a decision email has got; a proposal's emails are summed up by the least advanced.
MAIL_PROGRESS = (
    MessageState.DRAFT,
    MessageState.FAILED,
    MessageState.PENDING,
    MessageState.SENDING,
    MessageState.UNKNOWN,
    MessageState.SENT,
)


def with_decision_mail(queryset: QuerySet[Proposal]) -> QuerySet[Proposal]:
    """The proposals with where their decision emails are, in the same query."""
    mails = Message.objects.filter(proposal_id=OuterRef("pk"), kind__in=DECISION_KINDS).exclude(
        state=MessageState.DISCARDED
    )
    progress = Case(
        *(When(state=state, then=Value(i)) for i, state in enumerate(MAIL_PROGRESS)),
        default=Value(len(MAIL_PROGRESS)),
        output_field=IntegerField(),
    )
    return queryset.annotate(
        decision_mail_state=Subquery(
            mails.annotate(progress=progress).order_by("progress", "pk").values("state")[:1]
        ),
        decision_mail_released=Exists(mails.filter(state__in=RELEASED_MAIL_STATES)),
    )


def listed_proposals(queryset: QuerySet[Proposal]) -> QuerySet[Proposal]:
    """Everything a list of proposals shows, in a fixed number of queries."""
    return (
        with_decision_mail(queryset)
        .select_related("event", "event__cfp", "submission_type", "track", "access_code")
        .prefetch_related(speakers_in_order())
    )


def decision_mail(proposal: Proposal) -> tuple[str | None, bool]:
    """(least advanced state of the decision emails, whether one has been released).

    From with_decision_mail() when the proposal was fetched with it, else one query, whose
    answer the proposal keeps.
    """
    if not hasattr(proposal, "decision_mail_state"):
        row = (
            with_decision_mail(Proposal.objects.filter(pk=proposal.pk))
            .values_list("decision_mail_state", "decision_mail_released")
            .first()
        )
        proposal.decision_mail_state, proposal.decision_mail_released = row or (None, False)
    return proposal.decision_mail_state, proposal.decision_mail_released


def in_speaker_state(queryset: QuerySet[Proposal], state: str) -> QuerySet[Proposal]:
    """The proposals whose speakers know them to be in `state` (Proposal.speaker_state): a
    decision whose email is still a draft reads "submitted", in the same query."""
    if state not in DECIDED_STATES and state != ProposalState.SUBMITTED:
        return queryset.filter(state=state)
    unannounced = Q(
        state__in=DECIDED_STATES,
        decision_mail_released=False,
        decision_mail_state=MessageState.DRAFT,
    )
    if state == ProposalState.SUBMITTED:
        return with_decision_mail(queryset).filter(Q(state=state) | unannounced)
    not_draft = [s for s in MessageState if s != MessageState.DRAFT]
    announced = (
        Q(decision_mail_released=True)
        | Q(decision_mail_state__isnull=True)
        | Q(decision_mail_state__in=not_draft)
    )
    return with_decision_mail(queryset).filter(Q(state=state) & announced)
