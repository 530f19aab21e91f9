"""Reads of review: the event's settings and criteria, who sees which proposals, and the
aggregates organizers rank by. Nothing here writes."""

from dataclasses import dataclass

from django.db.models import (
    Avg,
    Case,
    Count,
    Exists,
    F,
    FloatField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce

from cfp.enums import ACTIVE_STATES, SETTLED_STATES, ProposalState
from cfp.models import Event, Proposal
from cfp.models.proposal import speakers_in_order
from reviews.enums import QueueMode
from reviews.expressions import ReviewMedian, population_stddev
from reviews.models import Assignment, Conflict, Criterion, Review, ReviewerTeam, ReviewSettings
from speakers.models import User

# Listed for review: the queue, the ranked list and the stored scores keep decided proposals,
# whose reviews still count.
REVIEWABLE_STATES = ACTIVE_STATES
# Open for review: what a reviewer may still score. A decided proposal stays listed, read-only,
# and out of the "N of M reviewed" figures and the offers of what to review next.
OPEN_FOR_REVIEW_STATES = tuple(s for s in REVIEWABLE_STATES if s not in SETTLED_STATES)
OPEN_FOR_REVIEW = Q(state__in=OPEN_FOR_REVIEW_STATES)
MIN_REVIEWS_TO_NORMALISE = 3
# What every event starts with (services.review_defaults_create); migration 0005 copies it.
DEFAULT_CRITERION = {
    "name": "Overall",
    "min_score": 1,
    "max_score": 5,
    "labels": "1 = Poor\n2 = Weak\n3 = Fair\n4 = Good\n5 = Excellent",
}


def settings_for(event: Event) -> ReviewSettings:
    """The event's review settings.

    Every event gets its row when it is created (and older ones from migration 0005). An
    event that lacks it anyway (made around the app: bulk_create, raw fixtures) reads as the
    defaults, unsaved: a read never writes. Whoever changes them saves the row.
    """
    found = ReviewSettings.objects.filter(event=event).first()
    # event_id, not event: an unsaved row must not stay cached on the caller's event.
    return found if found is not None else ReviewSettings(event_id=event.pk)


def criteria_for(event: Event) -> list[Criterion]:
    """The event's criteria, in order.

    An event without any (see settings_for) reads as the default criterion, "Overall", 1–5,
    unsaved (its pk is None: no score refers to it). The staff panel creates it, with the
    settings row, when a review is saved (services.review_defaults_create).
    """
    return list(event.review_criteria.all()) or [default_criterion(event)]


def default_criterion(event: Event) -> Criterion:
    """The criterion an event starts with, unsaved."""
    return Criterion(event=event, **DEFAULT_CRITERION)


def is_open_for_review(proposal: Proposal) -> bool:
    """Whether reviews of the proposal may still be written (OPEN_FOR_REVIEW, in Python)."""
    return proposal.state in OPEN_FOR_REVIEW_STATES


def conflicted(user) -> Q:
    """Proposals the user speaks on or declared a conflict with: never theirs to judge."""
    speaks, declared = _conflict_sources(user)
    return Q(Exists(speaks)) | Q(Exists(declared))


def not_conflicted(user) -> Q:
    """The other proposals: NOT EXISTS twice (two anti-joins), not NOT (EXISTS OR EXISTS).

    Said this way PostgreSQL knows how few rows the test removes, and reads the ranked list's
    first page from its index instead of sorting every proposal of the event. (The queue keeps
    exclude(conflicted()): there the plan starts from the reviewer's assignments anyway.)
    """
    speaks, declared = _conflict_sources(user)
    return ~Q(Exists(speaks)) & ~Q(Exists(declared))


def _conflict_sources(user):
    speaks = Proposal.speakers.through.objects.filter(proposal_id=OuterRef("pk"), user_id=user.pk)
    declared = Conflict.objects.filter(proposal_id=OuterRef("pk"), reviewer_id=user.pk)
    return speaks, declared


def is_reviewer(user, event: Event) -> bool:
    return user.is_authenticated and event.reviewer_teams.filter(members=user).exists()


def reviewer_teams(
    user, event: Event | None = None, *, tracks_if_needed: bool = False
) -> list[ReviewerTeam]:
    """The user's reviewer teams with their tracks and their event's review settings.

    `tracks_if_needed`: read the teams' tracks only when an event of theirs builds its queue
    from tracks (QueueMode.TRACKS), the one use reviewable_proposals makes of them; with
    assigned queues the query is saved.
    """
    teams = (
        ReviewerTeam.objects.filter(members=user)
        .select_related("event", "event__review_settings")
        .order_by("event__name", "pk")
    )
    if event is not None:
        teams = teams.filter(event=event)
    if not tracks_if_needed:
        return list(teams.prefetch_related("tracks"))
    teams = list(teams)
    if any(_queue_mode(team) == QueueMode.TRACKS for team in teams):
        prefetch_related_objects(teams, "tracks")
    return teams


def _queue_mode(team: ReviewerTeam) -> str:
    settings = getattr(team.event, "review_settings", None)
    return settings.queue if settings else QueueMode.ASSIGNED


def reviewable_proposals(
    user, event: Event | None = None, *, teams: list[ReviewerTeam] | None = None
) -> QuerySet[Proposal]:
    """Every proposal the user may review: assigned (or in their tracks), never conflicted.

    `teams`: the user's teams as reviewer_teams() reads them, when the caller has them already.
    """
    if not user.is_authenticated or not user.is_staff:
        return Proposal.objects.none()
    if teams is None:
        teams = reviewer_teams(user, event)
    elif event is not None:
        teams = [team for team in teams if team.event_id == event.pk]
    by_event: dict[int, list[ReviewerTeam]] = {}
    for team in teams:
        by_event.setdefault(team.event_id, []).append(team)
    if not by_event:
        return Proposal.objects.none()
    modes = {team.event_id: _queue_mode(team) for team in teams}
    # A semi-join from the reviewer's own assignments (an index on reviewer): the queue costs
    # what the reviewer has, not what the event has (EXISTS per proposal read every proposal).
    assigned = Q(pk__in=Assignment.objects.filter(reviewer_id=user.pk).values("proposal_id"))
    visible = Q()
    for event_id, event_teams in by_event.items():
        rule = assigned
        if modes.get(event_id, QueueMode.ASSIGNED) == QueueMode.TRACKS:
            if any(not team.tracks.all() for team in event_teams):
                rule = Q()  # a team without tracks covers the whole event
            else:
                tracks = {t.pk for team in event_teams for t in team.tracks.all()}
                rule |= Q(track_id__in=tracks)
        visible |= Q(event_id=event_id) & rule
    return Proposal.objects.filter(visible, state__in=REVIEWABLE_STATES).exclude(conflicted(user))


def own_score(user) -> Subquery:
    """The user's own score of each proposal (None before they review it)."""
    own = Review.objects.filter(proposal_id=OuterRef("pk"), reviewer_id=user.pk)
    return Subquery(own.values("score")[:1])


def review_count() -> Coalesce:
    """How many reviews each proposal has."""
    counts = (
        Review.objects.filter(proposal_id=OuterRef("pk"))
        .order_by()
        .values("proposal_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counts), 0)


def review_queue(user, event: Event | None = None, *, teams=None) -> QuerySet[Proposal]:
    """The reviewer's queue with their own score and each proposal's review count."""
    return (
        reviewable_proposals(user, event, teams=teams)
        # The event's CfP says which fields the review page shows (cfp.fields).
        .select_related("event", "event__cfp", "submission_type", "track")
        .annotate(own_score=own_score(user), review_count=review_count())
    )


@dataclass(frozen=True)
class Scale:
    """How one reviewer's scores map onto the event's scale (identity if not normalisable)."""

    factor: float = 1.0
    offset: float = 0.0


def reviewer_scales(event: Event) -> dict[int, Scale]:
    """Per reviewer: score → event mean + event spread × z-score over their own reviews.

    A reviewer with fewer than three reviews, or who gave every proposal the same score,
    counts with their raw scores.
    """
    reviews = Review.objects.filter(proposal__event=event)
    overall = reviews.aggregate(mean=Avg("score"), sd=population_stddev("score"))
    scales = {}
    rows = (
        reviews.order_by()
        .values("reviewer_id")
        .annotate(n=Count("pk"), mean=Avg("score"), sd=population_stddev("score"))
    )
    for row in rows:
        if row["n"] >= MIN_REVIEWS_TO_NORMALISE and row["sd"] and row["sd"] > 1e-9:
            factor = (overall["sd"] or 0.0) / row["sd"]
            scales[row["reviewer_id"]] = Scale(factor, overall["mean"] - factor * row["mean"])
    return scales


def normalised_score(scales: dict[int, Scale], prefix: str = "reviews__") -> Avg:
    score = F(f"{prefix}score")
    whens = [
        When(**{f"{prefix}reviewer_id": reviewer}, then=score * Value(s.factor) + Value(s.offset))
        for reviewer, s in sorted(scales.items())
    ]
    if not whens:
        return Avg(score, output_field=FloatField())
    return Avg(Case(*whens, default=score, output_field=FloatField()))


def ranked_proposals(
    event: Event, viewer, *, queryset: QuerySet[Proposal] | None = None
) -> QuerySet[Proposal]:
    """The event's proposals with review aggregates; what the viewer is conflicted on is left out.

    One query (plus two small ones for the reviewers' scales): count, mean, median and spread
    of the weighted scores, and the normalised score. `queryset` is where to start from, such
    as a proxy model's manager (the staff panel's RankedProposal).
    """
    proposals = Proposal.objects.all() if queryset is None else queryset
    return (
        proposals.filter(event=event, state__in=REVIEWABLE_STATES)
        .filter(not_conflicted(viewer))
        .annotate(
            review_count=Count("reviews"),
            mean_score=Avg("reviews__score"),
            median_score=ReviewMedian(),
            score_stddev=population_stddev("reviews__score"),
            normalised=normalised_score(reviewer_scales(event)),
        )
    )


def ranked_scores(
    event: Event, viewer, *, queryset: QuerySet[Proposal] | None = None
) -> QuerySet[Proposal]:
    """What ranked_proposals computes, read from the stored figures (reviews.scores).

    The staff panel's ranked list and a proposal's reviews page read these: a page costs what
    it shows, however many reviews the event has. Only proposals with a row are listed (every
    proposal once scores.scores_include_new_proposals has run); the join on the row's event lets the
    database read the best first from one index and stop after a page.
    """
    proposals = Proposal.objects.all() if queryset is None else queryset
    return (
        proposals.filter(event=event, score__event=event, state__in=REVIEWABLE_STATES)
        .filter(not_conflicted(viewer))
        .annotate(
            review_count=F("score__review_count"),
            mean_score=F("score__mean"),
            median_score=F("score__median"),
            score_stddev=F("score__stddev"),
            normalised=F("score__normalised"),
        )
    )


def conflicted_count(event: Event, viewer, **narrowing) -> int:
    # A union of two index lookups, rather than two EXISTS tests on every proposal.
    proposals = Proposal.objects.filter(event=event, state__in=REVIEWABLE_STATES, **narrowing)
    speaks = proposals.filter(speakers=viewer).order_by().values("pk")
    declared = proposals.filter(conflicts__reviewer=viewer).order_by().values("pk")
    return speaks.union(declared).count()


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


def reviewer_progress(event: Event, viewer: User | None = None) -> list[dict]:
    """Per reviewer: assigned, reviewed, and how their scores spread (three queries).

    With a viewer, the proposals they are conflicted on count for nobody: an organizer who
    speaks on a proposal learns nothing of its reviews from the reviewers' figures.
    """
    members = User.objects.filter(review_teams__event=event).distinct().select_related("profile")
    assignments = Assignment.objects.filter(proposal__event=event)
    reviews = Review.objects.filter(proposal__event=event)
    if viewer is not None:
        hidden = Proposal.objects.filter(event=event).filter(conflicted(viewer))
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
    proposals = Proposal.objects.filter(event=event, state__in=REVIEWABLE_STATES).prefetch_related(
        speakers_in_order()
    )
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
