"""The staff panel's dashboard, read: an organizer's picture of one event (cfp.dashboard's
figures and the review's) and a reviewer's queues. Nothing here writes.

The cost is fixed: every figure is one aggregate query (grouped in the database, read from an
index of the event's proposals) or a read of the stored review figures (reviews.scores: a row
per reviewer and per track and score, never the event's reviews), so the page makes the same
queries at 2,000 and at 20,000 proposals, and takes nearly the same time. What the viewing
organizer is conflicted on (a proposal they speak on or declared a conflict with) counts for
nobody in the review figures, as on the reviewers' progress page: its share is taken out of
the stored tallies by a query over just those proposals.

By concern: figures (what the review figures hold, the score ranges, the charts' data),
review (reading them), organizer (the whole picture of one event), queues (the reviewer's).
The names here are the ones the staff pages and the tests use.
"""

from reviews.dashboard.figures import (
    MOST_BINS,
    Reviewer,
    ReviewerFigures,
    ReviewFigures,
    TrackScores,
    score_bins,
)
from reviews.dashboard.organizer import OrganizerDashboard, organizer_dashboard
from reviews.dashboard.queues import Queue, reviewer_queues
from reviews.dashboard.review import review_figures

__all__ = [
    "MOST_BINS",
    "OrganizerDashboard",
    "Queue",
    "ReviewFigures",
    "Reviewer",
    "ReviewerFigures",
    "TrackScores",
    "organizer_dashboard",
    "review_figures",
    "reviewer_queues",
    "score_bins",
]
