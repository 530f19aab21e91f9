"""Writes of review: every review, conflict and assignment goes through one of these."""

from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Count

from cfp.enums import ProposalState
from cfp.models import Event, Proposal
from cfp.models.proposal import speakers_in_order
from reviews import assignment, scores, selectors
from reviews.enums import ConflictSource
from reviews.models import (
    Assignment,
    Conflict,
    Criterion,
    Review,
    ReviewerTeam,
    ReviewSettings,
    Score,
)
from speakers.models import User


class ReviewRefused(Exception):
    """A review action the rules do not allow; the message says why."""


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


def weighted_score(criteria: list[Criterion], values: dict[int, int]) -> float:
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
) -> Review:
    """Create or update the reviewer's review of the proposal, with one score per criterion."""
    if not selectors.reviewable_proposals(reviewer, proposal.event).filter(pk=proposal.pk).exists():
        raise ReviewRefused("You cannot review this proposal.")
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
            "score": weighted_score(criteria, values),
            "comment": comment,
            "feedback": feedback,
        },
    )
    for criterion in criteria:
        Score.objects.update_or_create(
            review=review, criterion=criterion, defaults={"value": values[criterion.pk]}
        )
    scores.review_changed(proposal=proposal)
    return review


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
    Assignment.objects.filter(proposal=proposal, reviewer=reviewer).delete()
    if Review.objects.filter(proposal=proposal, reviewer=reviewer).delete()[0]:
        scores.review_changed(proposal=proposal)
    return conflict


@transaction.atomic
def team_save_members(*, team: ReviewerTeam) -> None:
    """Reviewers work in the staff panel: make every member a staff user (nothing more)."""
    team.members.filter(is_staff=False).update(is_staff=True)


def eligibility(event: Event) -> tuple[dict[int, set[int]], set[tuple[int, int]], set[int]]:
    """Who may review what: team tracks, minus speakers and conflicts. Five queries."""
    teams = list(event.reviewer_teams.prefetch_related("members", "tracks"))
    reviewers = {m.pk for team in teams for m in team.members.all()}
    proposals = list(
        Proposal.objects.filter(event=event, state=ProposalState.SUBMITTED).values_list(
            "pk", "track_id"
        )
    )
    blocked = set(
        Conflict.objects.filter(proposal__event=event).values_list("proposal_id", "reviewer_id")
    )
    blocked |= set(
        Proposal.speakers.through.objects.filter(
            proposal__event=event, user_id__in=reviewers
        ).values_list("proposal_id", "user_id")
    )
    eligible: dict[int, set[int]] = {}
    for proposal_id, track_id in proposals:
        allowed = set()
        for team in teams:
            tracks = {t.pk for t in team.tracks.all()}
            if not tracks or track_id in tracks:
                allowed |= {m.pk for m in team.members.all()}
        eligible[proposal_id] = {r for r in allowed if (proposal_id, r) not in blocked}
    return eligible, blocked, reviewers


@transaction.atomic
def assignment_run(*, event: Event, by: User, k: int | None = None) -> int:
    """Give each submitted proposal k reviewers, balanced; existing assignments stay."""
    k = k or selectors.settings_for(event).reviews_per_proposal
    eligible, blocked, reviewers = eligibility(event)
    existing = set(
        Assignment.objects.filter(proposal__event=event).values_list("proposal_id", "reviewer_id")
    )
    existing -= blocked
    problem = assignment.Problem(k=k, eligible=eligible, existing=existing, reviewers=reviewers)
    new = assignment.plan(problem)
    Assignment.objects.bulk_create(
        [Assignment(proposal_id=p, reviewer_id=r, automatic=True) for p, r in sorted(new)]
    )
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
    assignment, _ = Assignment.objects.get_or_create(proposal=proposal, reviewer=reviewer)
    return assignment


def reviewer_progress(event: Event, viewer: User | None = None) -> list[dict]:
    """Per reviewer: assigned, reviewed, and how their scores spread (three queries).

    With a viewer, the proposals they are conflicted on count for nobody: an organizer who
    speaks on a proposal learns nothing of its reviews from the reviewers' figures.
    """
    members = User.objects.filter(review_teams__event=event).distinct().select_related("profile")
    assignments = Assignment.objects.filter(proposal__event=event)
    reviews = Review.objects.filter(proposal__event=event)
    if viewer is not None:
        hidden = Proposal.objects.filter(event=event).filter(selectors.conflicted(viewer))
        assignments = assignments.exclude(proposal__in=hidden)
        reviews = reviews.exclude(proposal__in=hidden)
    assigned = dict(
        assignments.values("reviewer_id").annotate(n=Count("pk")).values_list("reviewer_id", "n")
    )
    rows = {}
    for review in reviews.values("reviewer_id", "score"):
        rows.setdefault(review["reviewer_id"], []).append(review["score"])
    result = []
    for member in members:
        scores = rows.get(member.pk, [])
        result.append(
            {
                "reviewer": member,
                "assigned": assigned.get(member.pk, 0),
                "reviewed": len(scores),
                "scores": scores,
            }
        )
    return result


def suggested_conflicts(event: Event) -> list[tuple[User, Proposal, str]]:
    """Reviewer–proposal pairs that look like a conflict: a shared email domain or affiliation."""
    reviewers = list(
        User.objects.filter(review_teams__event=event).distinct().select_related("profile")
    )
    existing = set(
        Conflict.objects.filter(proposal__event=event).values_list("proposal_id", "reviewer_id")
    )
    proposals = Proposal.objects.filter(
        event=event, state__in=selectors.REVIEWABLE_STATES
    ).prefetch_related(speakers_in_order())
    suggestions = []
    for proposal in proposals.order_by("title"):
        for reviewer in reviewers:
            if (proposal.pk, reviewer.pk) in existing:
                continue
            reason = _shared_ground(reviewer, proposal.speakers.all())
            if reason:
                suggestions.append((reviewer, proposal, reason))
    return suggestions


# Addresses at these providers say nothing about where someone works.
FREE_MAIL_DOMAINS = {
    "gmail.com", "googlemail.com", "outlook.com", "hotmail.com", "live.com", "yahoo.com",
    "icloud.com", "me.com", "proton.me", "protonmail.com", "gmx.de", "gmx.net", "web.de",
    "mail.ru", "yandex.ru", "qq.com", "163.com", "aol.com", "fastmail.com", "posteo.de",
    "example.com", "example.org",
}  # fmt: skip


def _domain(email: str) -> str:
    return email.rsplit("@", 1)[-1].lower()


def _affiliation(user: User) -> str:
    profile = getattr(user, "profile", None)
    return " ".join((profile.affiliation if profile else "").casefold().split())


def _shared_ground(reviewer: User, speakers) -> str:
    for speaker in speakers:
        if speaker.pk == reviewer.pk:
            continue
        domain = _domain(reviewer.email)
        if domain not in FREE_MAIL_DOMAINS and domain == _domain(speaker.email):
            return f"Same email domain ({domain})"
        affiliation = _affiliation(reviewer)
        if affiliation and affiliation == _affiliation(speaker):
            return "Same affiliation"
    return ""
