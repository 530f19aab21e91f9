"""The staff panel's dashboard, read: an organizer's picture of one event (cfp.dashboard's
figures and the review's) and a reviewer's queues. Nothing here writes.

The cost is fixed: every figure is one aggregate query (grouped in the database) or a read of
the stored review figures (reviews.scores), so the page makes the same queries at 2,000 and at
20,000 proposals. What the viewing organizer is conflicted on (a proposal they speak on or
declared a conflict with) counts for nobody in the review figures, as on the reviewers'
progress page.
"""

import math
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import (
    Count,
    Exists,
    F,
    FilteredRelation,
    Max,
    Min,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    Window,
)
from django.db.models.functions import FirstValue, Floor
from django.utils import timezone
from django.utils.translation import gettext as _

from cfp import dashboard as cfp_dashboard
from cfp.enums import SETTLED_STATES, ProposalState
from cfp.models import Event, ProposalSpeaker
from reviews import selectors
from reviews.models import Assignment, Conflict, Criterion, ProposalScore, Review, ReviewSettings
from speakers.models import User

MOST_BINS = 10


# --- the organizer's review figures ---------------------------------------------------------


@dataclass
class ReviewerFigures:
    reviewer: User
    assigned: int = 0
    assigned_done: int = 0
    reviews: int = 0
    total: float = 0.0
    counts: list[int] = field(default_factory=list)
    # Their mean less the event's: below zero harsher than the others, above more lenient.
    difference: float | None = None

    @property
    def mean(self) -> float | None:
        return self.total / self.reviews if self.reviews else None

    @property
    def difference_text(self) -> str:
        """+0.40, −0.75 (a minus sign, not a hyphen); "–" without reviews."""
        if self.difference is None:
            return "–"
        return f"{self.difference:+.2f}".replace("-", "\u2212")

    @property
    def not_started(self) -> bool:
        return self.assigned > 0 and self.reviews == 0

    @property
    def percent_done(self) -> int | None:
        if not self.assigned:
            return None
        return min(100, round(100 * self.assigned_done / self.assigned))


@dataclass
class TrackScores:
    """How the proposals of a track that have a review are scored (their stored means)."""

    label: str
    key: int | None  # the track's id; None: no track
    counts: list[int]
    proposals: int = 0
    total: float = 0.0

    @property
    def mean(self) -> float | None:
        return self.total / self.proposals if self.proposals else None


@dataclass
class ReviewFigures:
    blind: bool
    deadline: datetime | None
    is_open: bool
    per_proposal: int  # reviewers each proposal should get
    bins: list[str]
    needed: int  # assignments of proposals under review
    done: int  # of those, reviewed
    reviewers: list[ReviewerFigures]
    reviewable: int  # proposals under review (submitted or decided)
    reviewed: int  # of those, with a review
    fully_reviewed: int  # with per_proposal reviews or more
    tracks: list[TrackScores]

    @property
    def reviews(self) -> int:
        return sum(r.reviews for r in self.reviewers)

    @property
    def not_started(self) -> list[ReviewerFigures]:
        return [r for r in self.reviewers if r.not_started]

    @property
    def percent_done(self) -> int | None:
        return min(100, round(100 * self.done / self.needed)) if self.needed else None

    @property
    def mean(self) -> float | None:
        reviews = self.reviews
        return sum(r.total for r in self.reviewers) / reviews if reviews else None

    def track_chart(self) -> dict | None:
        shown = [t for t in self.tracks if t.proposals]
        if not shown:
            return None
        return {
            "labels": self.bins,
            "datasets": [{"label": t.label, "counts": t.counts} for t in shown],
            "x_title": _("Mean score of the proposal"),
            "y_title": _("Proposals"),
        }

    def reviewer_chart(self) -> dict | None:
        # Harshest first: the reviewers whose scores the normalised score lifts most.
        shown = sorted((r for r in self.reviewers if r.reviews), key=lambda r: r.mean)
        if not shown:
            return None
        return {
            "labels": [r.reviewer.display_name for r in shown],
            "datasets": [
                {"label": label, "counts": [r.counts[i] for r in shown]}
                for i, label in enumerate(self.bins)
            ],
            "x_title": _("Reviews, by the score given"),
        }


def score_bins(low: int, high: int) -> list[tuple[str, int]]:
    """(label, first value) of the ranges scores are counted in: one per value, or ten."""
    width = math.ceil((high - low + 1) / MOST_BINS)
    return [
        (str(start) if width == 1 else f"{start}–{min(start + width - 1, high)}", start)
        for start in range(low, high + 1, width)
    ]


def _bin_index(value: int, starts: list[int]) -> int:
    return max(0, sum(1 for start in starts if start <= value) - 1)


def _hidden_from(viewer: User) -> tuple:
    """The viewer's conflicts as two small id lists (NOT IN a subquery each): what they
    speak on, and what they declared."""
    speaks = ProposalSpeaker.objects.filter(user_id=viewer.pk).values("proposal_id")
    declared = Conflict.objects.filter(reviewer_id=viewer.pk).values("proposal_id")
    return speaks, declared


def _review_setup(event: Event) -> tuple[ReviewSettings, int, int]:
    """The event's review settings and its criteria's lowest and highest score: one query
    (two for an event made around the app, without its settings row or criteria)."""
    criteria = Criterion.objects.filter(event_id=OuterRef("event_id")).order_by().values("event_id")
    found = (
        ReviewSettings.objects.filter(event=event)
        .annotate(
            low=Subquery(criteria.annotate(v=Min("min_score")).values("v")),
            high=Subquery(criteria.annotate(v=Max("max_score")).values("v")),
        )
        .first()
    )
    if found is not None and found.low is not None:
        return found, found.low, found.high
    criteria = selectors.criteria_for(event)
    low, high = min(c.min_score for c in criteria), max(c.max_score for c in criteria)
    return found or selectors.settings_for(event), low, high


def review_figures(
    event: Event, viewer: User, proposals: cfp_dashboard.ProposalCounts
) -> ReviewFigures:
    """Five queries: the settings with the criteria's scale, the reviewers, assignments per
    reviewer, each reviewer's scores by value, and the stored mean scores by track and value."""
    review_settings, low, high = _review_setup(event)
    bins = score_bins(low, high)
    starts = [start for _label, start in bins]
    speaks, declared = _hidden_from(viewer)
    k = review_settings.reviews_per_proposal

    reviewers = {
        user.pk: ReviewerFigures(user, counts=[0] * len(bins))
        for user in User.objects.filter(review_teams__event=event)
        .distinct()
        .select_related("profile")
    }
    done = Review.objects.filter(
        proposal_id=OuterRef("proposal_id"), reviewer_id=OuterRef("reviewer_id")
    )
    assigned = (
        Assignment.objects.filter(
            proposal__event=event, proposal__state__in=selectors.REVIEWABLE_STATES
        )
        .exclude(proposal_id__in=speaks)
        .exclude(proposal_id__in=declared)
        .annotate(is_done=Exists(done))
        .order_by()
        .values("reviewer_id")
        .annotate(n=Count("pk"), done=Count("pk", filter=Q(is_done=True)))
        .values_list("reviewer_id", "n", "done")
    )
    needed = finished = 0
    for reviewer_id, n, n_done in assigned:
        needed, finished = needed + n, finished + n_done
        if reviewer_id in reviewers:
            reviewers[reviewer_id].assigned, reviewers[reviewer_id].assigned_done = n, n_done
    given = (
        Review.objects.filter(proposal__event=event)
        .exclude(proposal_id__in=speaks)
        .exclude(proposal_id__in=declared)
        .order_by()
        .annotate(value=Floor(F("score") + Value(0.5)))
        .values("reviewer_id", "value")
        .annotate(n=Count("pk"), total=Sum("score"))
        .values_list("reviewer_id", "value", "n", "total")
    )
    for reviewer_id, value, n, total in given:
        row = reviewers.get(reviewer_id)
        if row is None:
            # Left the event's teams: out of the table, as on the reviewers' progress page
            # (their reviews still count in the ranked list).
            continue
        row.reviews += n
        row.total += total
        row.counts[_bin_index(int(value), starts)] += n

    stored = (
        ProposalScore.objects.filter(
            event=event, proposal__state__in=selectors.REVIEWABLE_STATES, review_count__gt=0
        )
        .exclude(proposal_id__in=speaks)
        .exclude(proposal_id__in=declared)
        .order_by()
        .annotate(value=Floor(F("mean") + Value(0.5)))
        .values("proposal__track_id", "value")
        .annotate(n=Count("pk"), enough=Count("pk", filter=Q(review_count__gte=k)))
        .annotate(total=Sum("mean"))
        .values_list("proposal__track_id", "value", "n", "enough", "total")
    )
    scored = {t.key: TrackScores(t.label, t.key, [0] * len(bins)) for t in proposals.by_track}
    reviewed = fully = 0
    for track_id, value, n, enough, total in stored:
        reviewed, fully = reviewed + n, fully + enough
        track = scored.setdefault(track_id, TrackScores(_("No track"), None, [0] * len(bins)))
        track.counts[_bin_index(int(value), starts)] += n
        track.proposals += n
        track.total += total
    rows = sorted(reviewers.values(), key=lambda r: r.reviewer.display_name.casefold())
    given_total = sum(r.reviews for r in rows)
    if given_total:
        event_mean = sum(r.total for r in rows) / given_total
        for row in rows:
            row.difference = None if row.mean is None else row.mean - event_mean
    return ReviewFigures(
        blind=review_settings.blind,
        deadline=review_settings.deadline,
        is_open=review_settings.is_open(),
        per_proposal=k,
        bins=[label for label, _start in bins],
        needed=needed,
        done=finished,
        reviewers=rows,
        reviewable=proposals.count(*selectors.REVIEWABLE_STATES),
        reviewed=reviewed,
        fully_reviewed=fully,
        tracks=list(scored.values()),
    )


# --- the organizer's picture of one event ---------------------------------------------------


@dataclass
class OrganizerDashboard:
    event: Event
    cfp: cfp_dashboard.CfPState
    proposals: cfp_dashboard.ProposalCounts
    submissions: cfp_dashboard.Submissions
    outbox: cfp_dashboard.Outbox
    schedule: cfp_dashboard.ScheduleState
    review: ReviewFigures

    @property
    def decided(self) -> int:
        return self.proposals.count(
            ProposalState.ACCEPTED,
            ProposalState.REJECTED,
            ProposalState.CONFIRMED,
            ProposalState.DECLINED,
            ProposalState.CANCELED,
        )

    @property
    def confirmed(self) -> int:
        return self.proposals.count(ProposalState.CONFIRMED)

    @property
    def unconfirmed(self) -> int:
        """Accepted talks whose speakers have neither confirmed nor declined yet."""
        return self.proposals.count(ProposalState.ACCEPTED)


def organizer_dashboard(event: Event, viewer: User) -> OrganizerDashboard:
    """Everything the organizer's dashboard shows of one event: eleven queries."""
    state = cfp_dashboard.cfp_state(event)
    proposals = cfp_dashboard.proposal_counts(event)
    return OrganizerDashboard(
        event=event,
        cfp=state,
        proposals=proposals,
        submissions=cfp_dashboard.submissions_per_day(event, state),
        outbox=cfp_dashboard.outbox_counts(event),
        schedule=cfp_dashboard.schedule_state(event, proposals),
        review=review_figures(event, viewer, proposals),
    )


# --- the reviewer's queues ------------------------------------------------------------------


@dataclass
class Queue:
    """A reviewer's queue in one event: no speaker in it, so blind review holds."""

    event: Event
    total: int = 0
    reviewed: int = 0
    deadline: datetime | None = None
    is_open: bool = True
    next_id: int | None = None
    next_title: str = ""

    @property
    def left(self) -> int:
        return max(self.total - self.reviewed, 0)

    @property
    def percent_done(self) -> int | None:
        return min(100, round(100 * self.reviewed / self.total)) if self.total else None


def reviewer_queues(user: User) -> list[Queue]:
    """The user's queue per event they review in: four queries (their teams with tracks,
    the counts per event, the first unreviewed proposal per event in the queue's order)."""
    teams = selectors.reviewer_teams(user)
    if not teams:
        return []
    now = timezone.now()
    queues: dict[int, Queue] = {}
    for team in teams:
        if team.event_id in queues:
            continue
        review_settings = getattr(team.event, "review_settings", None)
        deadline = review_settings.deadline if review_settings else None
        queues[team.event_id] = Queue(
            team.event, deadline=deadline, is_open=deadline is None or now < deadline
        )
    mine = FilteredRelation("reviews", condition=Q(reviews__reviewer_id=user.pk))
    # Decided proposals are read-only for review: neither counted nor offered (as the queue).
    queue = (
        selectors.reviewable_proposals(user, teams=teams)
        .exclude(state__in=SETTLED_STATES)
        .annotate(mine=mine)
        .order_by()
    )
    counts = queue.values("event_id").annotate(
        total=Count("pk"), reviewed=Count("mine__reviewer_id")
    )
    for row in counts.values_list("event_id", "total", "reviewed"):
        queues[row[0]].total, queues[row[0]].reviewed = row[1], row[2]
    # The reviewer's list starts with titles A to Z: "continue" opens the first one left.
    in_order = {"partition_by": [F("event_id")], "order_by": [F("title").asc(), F("pk").asc()]}
    first = (
        queue.filter(mine__reviewer_id__isnull=True)
        .annotate(
            first_id=Window(FirstValue("pk"), **in_order),
            first_title=Window(FirstValue("title"), **in_order),
        )
        .values_list("event_id", "first_id", "first_title")
        .distinct()
    )
    for event_id, pk, title in first:
        queues[event_id].next_id, queues[event_id].next_title = pk, title
    return list(queues.values())
