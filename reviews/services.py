"""Writes of review: every review, conflict and assignment goes through one of these."""

from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from cfp.enums import ProposalState
from cfp.models import Event, Proposal
from cfp.webhooks import queue as webhooks
from reviews import assignment, scores, selectors
from reviews import questions as reviewer_questions
from reviews.enums import ConflictSource
from reviews.models import (
    Assignment,
    Conflict,
    Criterion,
    Review,
    ReviewAnswer,
    ReviewerTeam,
    ReviewSettings,
    Score,
)
from speakers.models import User


class ReviewRefused(Exception):
    """A review action the rules do not allow; the message says why."""


def decided_message(proposal: Proposal) -> str:
    return _("“%(title)s” is decided (%(state)s): its reviews are read-only.") % {
        "title": proposal.title,
        "state": proposal.get_state_display(),
    }


@transaction.atomic
def review_defaults_create(*, event: Event) -> None:
    """Give the event what its review starts from: its settings row and, while it has no
    criteria, the default one ("Overall", 1–5). What exists already stays as it is.

    Runs when an event is created (reviews.apps), so that reading them never has to write.
    """
    ReviewSettings.objects.get_or_create(event=event)
    if not event.review_criteria.exists():
        Criterion.objects.get_or_create(
            event=event,
            name=selectors.DEFAULT_CRITERION["name"],
            defaults=selectors.DEFAULT_CRITERION,
        )


def _weighted_score(criteria: list[Criterion], values: dict[int, int]) -> float:
    total_weight = sum((c.weight for c in criteria), Decimal(0))
    if total_weight <= 0:
        return float(sum(values[c.pk] for c in criteria) / len(criteria))
    return float(sum(c.weight * values[c.pk] for c in criteria) / total_weight)


@transaction.atomic
def review_save(
    *,
    proposal: Proposal,
    reviewer: User,
    values: dict[int, int],
    comment: str = "",
    feedback: str = "",
    answers: dict[int, tuple[str, list[int]] | None] | None = None,
) -> Review:
    """Create or update the reviewer's review of the proposal, with one score per criterion
    and its answers to the event's questions to reviewers ({question id: (value, option
    ids)}, None for no answer: reviews.questions stores values so; a question left out
    keeps its answer)."""
    if not selectors.reviewable_proposals(reviewer, proposal.event).filter(pk=proposal.pk).exists():
        raise ReviewRefused("You cannot review this proposal.")
    if not selectors.is_open_for_review(proposal):
        raise ReviewRefused(decided_message(proposal))
    if not selectors.settings_for(proposal.event).is_open():
        raise ReviewRefused("The review deadline has passed: reviews are read-only now.")
    criteria = selectors.criteria_for(proposal.event)
    for criterion in criteria:
        value = values.get(criterion.pk)
        if value is None:
            raise ReviewRefused(f"Please score “{criterion.name}”.")
        if not criterion.min_score <= value <= criterion.max_score:
            raise ReviewRefused(
                f"“{criterion.name}” is scored from {criterion.min_score} to {criterion.max_score}."
            )
    review, _ = Review.objects.update_or_create(
        proposal=proposal,
        reviewer=reviewer,
        defaults={
            "score": _weighted_score(criteria, values),
            "comment": comment,
            "feedback": feedback,
        },
    )
    for criterion in criteria:
        Score.objects.update_or_create(
            review=review, criterion=criterion, defaults={"value": values[criterion.pk]}
        )
    _review_answers_save(review, proposal.event, answers or {})
    scores.scores_mark_stale(proposal=proposal)
    webhooks.review_saved(review, criteria=criteria, values=values)
    return review


def _review_answers_save(review: Review, event: Event, answers: dict) -> None:
    asked = {q.pk: q for q in reviewer_questions.reviewer_questions(event)}
    kept = set(review.answers.values_list("question_id", flat=True))
    for question in asked.values():
        given = answers.get(question.pk, "kept" if question.pk in kept else None)
        if question.required and given is None:
            raise ReviewRefused(f"Please answer “{question.question}”.")
    for question_id, given in answers.items():
        question = asked.get(question_id)
        if question is None:
            raise ReviewRefused("This question is not asked of reviewers.")
        if given is None:
            ReviewAnswer.objects.filter(review=review, question=question).delete()
            continue
        value, option_ids = given
        allowed = {option.pk for option in question.option_list}
        if not set(option_ids) <= allowed:
            raise ReviewRefused(f"Please choose one of the choices of “{question.question}”.")
        answer, _ = ReviewAnswer.objects.update_or_create(
            review=review, question=question, defaults={"value": value}
        )
        answer.options.set(option_ids)


@transaction.atomic
def conflict_declare(*, proposal: Proposal, reviewer: User, reason: str = "") -> Conflict:
    """A reviewer says "I know this speaker": the proposal leaves their queue for good."""
    if not selectors.reviewable_proposals(reviewer, proposal.event).filter(pk=proposal.pk).exists():
        raise ReviewRefused("This proposal is not in your queue.")
    return _conflict(proposal, reviewer, ConflictSource.DECLARED, reason, created_by=reviewer)


@transaction.atomic
def conflict_add(
    *, proposal: Proposal, reviewer: User, by: User, reason: str = "", suggested: bool = False
) -> Conflict:
    source = ConflictSource.SUGGESTED if suggested else ConflictSource.ORGANIZER
    return _conflict(proposal, reviewer, source, reason, created_by=by)


def _conflict(proposal, reviewer, source, reason, *, created_by) -> Conflict:
    try:
        with transaction.atomic():
            conflict = Conflict.objects.create(
                proposal=proposal,
                reviewer=reviewer,
                source=source,
                reason=reason[:300],
                created_by=created_by,
            )
    except IntegrityError:
        return Conflict.objects.get(proposal=proposal, reviewer=reviewer)
    # A conflicted reviewer keeps no assignment and no review of the proposal.
    unassigned = Assignment.objects.filter(proposal=proposal, reviewer=reviewer).delete()[0]
    if Review.objects.filter(proposal=proposal, reviewer=reviewer).delete()[0]:
        scores.scores_mark_stale(proposal=proposal)
    elif unassigned:
        scores.scores_mark_event_stale(event_id=proposal.event_id)
    return conflict


@transaction.atomic
def team_save_members(*, team: ReviewerTeam) -> None:
    """Reviewers work in the staff panel: make every member a staff user (nothing more)."""
    team.members.filter(is_staff=False).update(is_staff=True)


@transaction.atomic
def assignment_run(*, event: Event, by: User, k: int | None = None) -> int:
    """Give each submitted proposal k reviewers, balanced; existing assignments stay."""
    k = k or selectors.settings_for(event).reviews_per_proposal
    eligible, blocked, reviewers = selectors.eligibility(event)
    existing = set(
        Assignment.objects.filter(proposal__event=event).values_list("proposal_id", "reviewer_id")
    )
    existing -= blocked
    problem = assignment.Problem(k=k, eligible=eligible, existing=existing, reviewers=reviewers)
    new = assignment.plan(problem)
    Assignment.objects.bulk_create(
        [Assignment(proposal_id=p, reviewer_id=r, automatic=True) for p, r in sorted(new)]
    )
    if new:
        scores.scores_mark_event_stale(event_id=event.pk)
    return len(new)


def assignment_check(*, proposal: Proposal, reviewer: User) -> None:
    """Raise ReviewRefused unless the reviewer may be given the proposal by hand.

    An organizer may look past team tracks, never past a conflict of interest.
    """
    if not ReviewerTeam.objects.filter(event=proposal.event_id, members=reviewer).exists():
        raise ReviewRefused(f"{reviewer} reviews for no team of {proposal.event}.")
    if Proposal.objects.filter(pk=proposal.pk).filter(selectors.conflicted(reviewer)).exists():
        raise ReviewRefused(f"{reviewer} has a conflict of interest with “{proposal}”.")


@transaction.atomic
def assignment_add(*, proposal: Proposal, reviewer: User) -> Assignment:
    """An organizer gives a proposal to a reviewer by hand (an existing assignment stays)."""
    assignment_check(proposal=proposal, reviewer=reviewer)
    assignment, created = Assignment.objects.get_or_create(proposal=proposal, reviewer=reviewer)
    if created:
        scores.scores_mark_event_stale(event_id=proposal.event_id)
    return assignment


@transaction.atomic
def assignments_delete(*, assignments: QuerySet[Assignment]) -> int:
    """An organizer takes proposals back from reviewers (their reviews stay)."""
    events = set(assignments.values_list("proposal__event_id", flat=True))
    deleted = assignments.delete()[0]
    for event_id in sorted(events):
        scores.scores_mark_event_stale(event_id=event_id)
    return deleted


def proposal_track_changed(*, proposal: Proposal) -> None:
    """A proposal changed track (in the transaction that saved it): if it is under review and
    has reviews or assignments, the event's stored figures per track are refreshed."""
    if proposal.state not in selectors.REVIEWABLE_STATES:
        return
    if (
        Assignment.objects.filter(proposal=proposal).exists()
        or Review.objects.filter(proposal=proposal).exists()
    ):
        scores.scores_mark_event_stale(event_id=proposal.event_id)


def proposal_moved(*, proposal: Proposal, from_state: str, to_state: str) -> None:
    """A proposal changed state (cfp's transition, in its transaction). Leaving review or
    coming back changes what its assignments and stored means count for: the event's tallies
    are refreshed if it has any."""
    reviewable = selectors.REVIEWABLE_STATES
    # A draft has nothing to review yet: a submission costs no query here.
    if from_state == ProposalState.DRAFT or (from_state in reviewable) == (to_state in reviewable):
        return
    if (
        Assignment.objects.filter(proposal=proposal).exists()
        or Review.objects.filter(proposal=proposal).exists()
    ):
        scores.scores_mark_event_stale(event_id=proposal.event_id)
