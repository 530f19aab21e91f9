"""The staff panel's dashboard, read: an organizer's picture of one event (cfp.dashboard's
figures and the review's) and a reviewer's queues. Nothing here writes.

The cost is fixed: every figure is one aggregate query (grouped in the database, read from an
index of the event's proposals) or a read of the stored review figures (reviews.scores: a row
per reviewer and per track and score, never the event's reviews), so the page makes the same
queries at 2,000 and at 20,000 proposals, and takes nearly the same time. What the viewing
organizer is conflicted on (a proposal they speak on or declared a conflict with) counts for
nobody in the review figures, as on the reviewers' progress page: its share is taken out of
the stored tallies by a query over just those proposals.
"""

import math
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import (
    Count,
    F,
    FilteredRelation,
    FloatField,
    Max,
    Min,
    OuterRef,
    Q,
    Subquery,
    Value,
    Window,
)
from django.db.models.functions import FirstValue
from django.utils import timezone
from django.utils.translation import gettext as _

from cfp import dashboard as cfp_dashboard
from cfp.enums import SETTLED_STATES, ProposalState
from cfp.models import Event, ProposalSpeaker
from reviews import scores, selectors
from reviews.models import (
    Assignment,
    Conflict,
    Criterion,
    ProposalScore,
    Review,
    ReviewerTally,
    ReviewSettings,
    TrackTally,
)
from speakers.models import User

MOST_BINS = 10
# The kinds of row in _hidden_share.
ASSIGNED, GIVEN, MEANS = 1, 2, 3


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
    # When the stored tallies were computed, and whether a change waits for its refresh.
    refreshed_at: datetime | None = None
    catching_up: bool = False

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


def _hidden(event: Event, viewer: User) -> Q:
    """The viewer's conflicts in the event: what they speak on and what they declared, one
    small id list (a UNION: PostgreSQL starts from it, where an OR of two would read every
    row of the event to test each)."""
    speaks = ProposalSpeaker.objects.filter(user_id=viewer.pk).order_by().values("proposal_id")
    declared = Conflict.objects.filter(reviewer_id=viewer.pk).order_by().values("proposal_id")
    return Q(proposal__event=event, proposal_id__in=speaks.union(declared, all=True))


def _hidden_share(event: Event, viewer: User):
    """What the stored tallies count of the viewer's conflicts, to take out: one query over
    just those proposals, rows of (kind, reviewer or track id, value, n, done or review
    count, total)."""
    hidden = _hidden(event, viewer)
    zero = Value(0.0, output_field=FloatField())
    assigned = (
        scores.assigned_per_reviewer(Assignment.objects.filter(hidden))
        .annotate(kind=Value(ASSIGNED), value=zero, total=zero)
        .values_list("kind", "reviewer_id", "value", "n", "done", "total")
    )
    given = (
        scores.reviews_by_value(Review.objects.filter(hidden))
        .annotate(kind=Value(GIVEN), done=Value(0))
        .values_list("kind", "reviewer_id", "value", "n", "done", "total")
    )
    means = (
        scores.means_by_track(ProposalScore.objects.filter(hidden))
        .annotate(kind=Value(MEANS))
        .values_list("kind", "proposal__track_id", "value", "n", "review_count", "total")
    )
    return assigned.union(given, means, all=True)


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
    """Five queries, none over the event's reviews: the settings with the criteria's scale,
    the reviewers, their stored tallies, the stored means by track, and the share of the
    viewer's conflicts in those (reviews.scores stores them; they lag a change until its
    refresh has run)."""
    review_settings, low, high = _review_setup(event)
    bins = score_bins(low, high)
    starts = [start for _label, start in bins]
    k = review_settings.reviews_per_proposal

    reviewers = {
        user.pk: ReviewerFigures(user, counts=[0] * len(bins))
        for user in User.objects.filter(review_teams__event=event)
        .distinct()
        .select_related("profile")
    }
    tallies = {
        reviewer_id: [assigned, done, n, total, {int(v): c for v, c in by_value.items()}]
        for reviewer_id, assigned, done, n, total, by_value in ReviewerTally.objects.filter(
            event=event
        ).values_list(
            "reviewer_id", "assigned", "assigned_done", "reviews", "score_total", "by_value"
        )
    }
    tracks: dict[tuple, list] = {}
    for track_id, value, count, n, total in TrackTally.objects.filter(event=event).values_list(
        "track_id", "value", "review_count", "proposals", "mean_total"
    ):
        tracks[(track_id, value, count)] = [n, total]
    # Take out the viewer's conflicts. Between a change and its refresh the stored share and
    # the live one may differ: no figure goes below zero meanwhile.
    for kind, key, value, n, extra, total in _hidden_share(event, viewer):
        if kind == MEANS:
            row = tracks.setdefault((key, int(value), extra), [0, 0.0])
            row[0], row[1] = row[0] - n, row[1] - total
            continue
        tally = tallies.setdefault(key, [0, 0, 0, 0.0, {}])
        if kind == ASSIGNED:
            tally[0], tally[1] = tally[0] - n, tally[1] - extra
        else:
            tally[2], tally[3] = tally[2] - n, tally[3] - total
            tally[4][int(value)] = tally[4].get(int(value), 0) - n

    needed = finished = 0
    for reviewer_id, (assigned, done, n, total, by_value) in tallies.items():
        assigned, done, n = max(assigned, 0), max(done, 0), max(n, 0)
        needed, finished = needed + assigned, finished + done
        row = reviewers.get(reviewer_id)
        if row is None:
            # Left the event's teams: out of the table, as on the reviewers' progress page
            # (their reviews still count in the ranked list).
            continue
        row.assigned, row.assigned_done = assigned, done
        row.reviews, row.total = n, total if n else 0.0
        for value, count in by_value.items():
            row.counts[_bin_index(value, starts)] += max(count, 0)

    scored = {t.key: TrackScores(t.label, t.key, [0] * len(bins)) for t in proposals.by_track}
    reviewed = fully = 0
    for (track_id, value, count), (n, total) in tracks.items():
        if n <= 0:
            continue
        reviewed += n
        fully += n if count >= k else 0
        track = scored.setdefault(track_id, TrackScores(_("No track"), None, [0] * len(bins)))
        track.counts[_bin_index(value, starts)] += n
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
        refreshed_at=review_settings.scores_refreshed_at,
        catching_up=review_settings.scores_version != review_settings.scores_refreshed_version,
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
