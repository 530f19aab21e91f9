"""The organizer's review figures, as the dashboard shows them: per reviewer, per track, and
the score ranges they are counted in, with the data of the two review charts."""

import math
from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import datetime

from django.utils.translation import gettext as _

MOST_BINS = 10


@dataclass(frozen=True)
class Reviewer:
    """A reviewer as the dashboard names them, read as three values: a hundred users with
    their profiles, as model instances, took three times as long to read."""

    pk: int
    email: str
    name: str  # the name in their profile; may be empty

    @property
    def display_name(self) -> str:
        """As User.display_name: the name they gave, else their email address."""
        return self.name or self.email


@dataclass
class ReviewerFigures:
    reviewer: Reviewer
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


def bin_index(value: int, starts: list[int]) -> int:
    """Which range `value` is counted in: `starts` are the ranges' first values, ascending."""
    return max(0, bisect_right(starts, value) - 1)
