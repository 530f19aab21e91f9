"""Stored review figures: what the ranked list and a proposal's reviews page read.

The normalised score needs every review of the event (each reviewer's scale over all their
reviews), so computing it on each page view costs what the event has: a second per page at
20,000 proposals. Instead the figures are stored (ProposalScore, ReviewerScale):

- a change to a review updates its proposal's row in the same transaction: count, mean, median
  and spread exactly, the normalised score with the stored scales;
- and adds one to the event's `scores_version`; after commit a Celery task recomputes every
  reviewer's scale and every proposal's normalised score in one pass, once for however many
  changes came in meanwhile. The beat sweep starts it again for an event whose task was lost.

The same pass stores what the staff dashboard shows of the review (ReviewerTally: each
reviewer's assignments, reviews and scores by value; TrackTally: the reviewed proposals of each
track by rounded mean), so that the dashboard reads a hundred rows, not the event. These lag a
change until its refresh has run (the dashboard says so), and assignment changes and a
proposal leaving or re-entering review (scores_mark_event_stale) start the refresh too.

`selectors.ranked_proposals` computes the same figures live; the tests hold the two equal.
"""

from itertools import islice

from django.db import connection, transaction
from django.db.models import Avg, Count, Exists, F, Max, OuterRef, Q, QuerySet, Sum, Value
from django.db.models.functions import Floor
from django.utils import timezone

from cfp.models import Event, Proposal
from config.celery import enqueue_on_commit
from reviews import selectors
from reviews.expressions import ReviewMedian, population_stddev
from reviews.models import (
    Assignment,
    ProposalScore,
    Review,
    ReviewerScale,
    ReviewerTally,
    ReviewSettings,
    TrackTally,
)

# The task that runs refresh_if_stale (reviews.tasks): sent by name, this module imports no task.
REFRESH_TASK = "reviews.tasks.refresh_scores"
FIELDS = ("review_count", "mean", "median", "stddev", "normalised")
BATCH = 2000
LOOKBACK_IDS = 1000
# The first key of PostgreSQL's two-key advisory locks: "one refresh per event at a time".
LOCK_NAMESPACE = 0x4C53  # "LS"


def scores_mark_stale(*, proposal: Proposal) -> None:
    """Call inside the transaction that created, changed or deleted a review of `proposal`."""
    ReviewSettings.objects.get_or_create(event_id=proposal.event_id)
    # The scales of this proposal's reviewers only: a save reads what it needs, not the event.
    scales = stored_scales(
        proposal.event_id, Review.objects.filter(proposal=proposal).values("reviewer_id")
    )
    _store(_figures(Proposal.objects.filter(pk=proposal.pk), scales))
    # The event's row last: locks are always taken score rows first, then this row (see
    # refresh_if_stale), so two transactions never wait on each other in a circle.
    ReviewSettings.objects.filter(event_id=proposal.event_id).update(
        scores_version=F("scores_version") + 1
    )
    # With the broker down the review is saved all the same: its event stays stale, and the
    # beat sweeper (reviews.tasks.refresh_stale_scores) starts the refresh later.
    enqueue_on_commit(REFRESH_TASK, event_id=proposal.event_id)


def scores_mark_event_stale(*, event_id: int) -> None:
    """Call inside the transaction that changed the event's assignments, or moved a reviewed or
    assigned proposal into or out of review: the stored tallies are recomputed after commit."""
    ReviewSettings.objects.get_or_create(event_id=event_id)
    ReviewSettings.objects.filter(event_id=event_id).update(scores_version=F("scores_version") + 1)
    enqueue_on_commit(REFRESH_TASK, event_id=event_id)


def stored_scales(event_id: int, reviewer_ids=None) -> dict[int, selectors.Scale]:
    rows = ReviewerScale.objects.filter(event_id=event_id)
    if reviewer_ids is not None:
        rows = rows.filter(reviewer_id__in=reviewer_ids)
    return {
        reviewer: selectors.Scale(factor, offset)
        for reviewer, factor, offset in rows.values_list("reviewer_id", "factor", "offset")
    }


def scores_include_new_proposals(event: Event) -> bool:
    """Rows for the event's proposals created since the last time; True while catching up.

    The ranked list calls this first: it reads the rows, so a proposal submitted a second
    ago must have one (unreviewed, it ranks last). Ids only grow, so finding them costs what
    is new, not what the event has; the last LOOKBACK_IDS are looked at again, for a proposal
    whose transaction committed after a later one's. Also answers whether the normalised scores
    are still catching up (the event is among stale_event_ids()), from the same read.
    """
    state = (
        ReviewSettings.objects.filter(event=event)
        .values_list("scores_version", "scores_refreshed_version", "scores_through_proposal")
        .first()
    )
    version, refreshed, through = state or (0, 0, 0)
    since = max(0, through - LOOKBACK_IDS)
    recent = event.proposals.filter(pk__gt=since).order_by()
    # The range of primary keys on both sides (NOT IN a hashed list of the rows' ids): only
    # what is missing comes back, usually nothing (as a join PostgreSQL read every row).
    have = ProposalScore.objects.filter(proposal_id__gt=since, event=event).values("proposal_id")
    # One read for both answers (how many lack a row, the newest id); the ids of those that
    # lack one are read only when there are some, which is rare.
    found = recent.aggregate(latest=Max("pk"), missing=Count("pk", filter=~Q(pk__in=have)))
    if found["missing"]:
        new = recent.exclude(pk__in=have).values_list("pk", flat=True)
        ProposalScore.objects.bulk_create(
            [ProposalScore(proposal_id=pk, event=event) for pk in new], ignore_conflicts=True
        )
    latest = found["latest"]
    if latest is not None and latest > through:
        _through(event, latest)
    return version != refreshed


def scores_refresh(event: Event) -> int:
    """Recompute every reviewer's scale and every proposal's figures; returns the proposals."""
    stored, through = _refresh(event)
    _through(event, through)
    ReviewSettings.objects.filter(event=event).update(scores_refreshed_at=timezone.now())
    return stored


def scores_refresh_if_stale(event_id: int) -> bool:
    """The Celery task's work: refresh the event once if reviews changed since the last time.

    Running it twice, or in two workers at once, refreshes once: the second finds the lock
    taken (the first looks again when done) or the version already caught up.
    """
    with transaction.atomic():
        if not _try_lock(event_id):
            return False
        versions = (
            ReviewSettings.objects.filter(event_id=event_id)
            .values_list("scores_version", "scores_refreshed_version")
            .first()
        )
        if versions is None or versions[0] == versions[1]:
            return False
        # The version read now only claims reviews committed by now; a later one raises it
        # again, and its own task (or the look below) refreshes once more.
        event = Event.objects.get(pk=event_id)
        _, through = _refresh(event)
    # The event's row only once the figures are committed: review_save writes a score row and
    # then this row, so taking this row while holding every score row could deadlock.
    ReviewSettings.objects.filter(
        event_id=event_id, scores_refreshed_version__lt=versions[0]
    ).update(scores_refreshed_version=versions[0], scores_refreshed_at=timezone.now())
    _through(event, through)
    if ReviewSettings.objects.filter(event_id=event_id, scores_version__gt=versions[0]).exists():
        enqueue_on_commit(REFRESH_TASK, event_id=event_id)  # their task found the lock taken
    return True


def stale_event_ids() -> list[int]:
    return list(
        ReviewSettings.objects.exclude(scores_version=F("scores_refreshed_version")).values_list(
            "event_id", flat=True
        )
    )


@transaction.atomic
def _refresh(event: Event) -> tuple[int, int]:
    """Write every scale and every proposal's row; touches no ReviewSettings row."""
    through = event.proposals.aggregate(last=Max("pk"))["last"] or 0
    scales = selectors.reviewer_scales(event)
    ReviewerScale.objects.filter(event=event).delete()
    ReviewerScale.objects.bulk_create(
        ReviewerScale(event=event, reviewer_id=reviewer, factor=s.factor, offset=s.offset)
        for reviewer, s in scales.items()
    )
    rows = _figures(Proposal.objects.filter(event=event).order_by("pk"), scales)
    stored = 0
    rows = rows.iterator(chunk_size=BATCH)
    while batch := list(islice(rows, BATCH)):
        stored += _store(batch)
    ReviewerTally.objects.filter(event=event).delete()
    ReviewerTally.objects.bulk_create(reviewer_tallies(event), batch_size=BATCH)
    TrackTally.objects.filter(event=event).delete()
    TrackTally.objects.bulk_create(track_tallies(event), batch_size=BATCH)
    return stored, through


def reviewer_tallies(event: Event) -> list[ReviewerTally]:
    """Each reviewer's figures in the event, computed from its every review and assignment
    (two queries). What the dashboard reads is what this returned at the last refresh."""
    tallies: dict[int, ReviewerTally] = {}

    def tally(reviewer_id: int) -> ReviewerTally:
        if reviewer_id not in tallies:
            tallies[reviewer_id] = ReviewerTally(event=event, reviewer_id=reviewer_id, by_value={})
        return tallies[reviewer_id]

    for reviewer_id, n, done in assigned_per_reviewer(
        Assignment.objects.filter(proposal__event=event)
    ):
        row = tally(reviewer_id)
        row.assigned, row.assigned_done = n, done
    for reviewer_id, value, n, total in reviews_by_value(
        Review.objects.filter(proposal__event=event)
    ):
        row = tally(reviewer_id)
        row.reviews += n
        row.score_total += total
        row.by_value[str(int(value))] = n
    return list(tallies.values())


def assigned_per_reviewer(assignments: QuerySet[Assignment]):
    """(reviewer id, assigned, of those reviewed) of the proposals under review."""
    done = Review.objects.filter(
        proposal_id=OuterRef("proposal_id"), reviewer_id=OuterRef("reviewer_id")
    )
    return (
        assignments.filter(proposal__state__in=selectors.REVIEWABLE_STATES)
        .annotate(is_done=Exists(done))
        .order_by()
        .values("reviewer_id")
        .annotate(n=Count("pk"), done=Count("pk", filter=Q(is_done=True)))
        .values_list("reviewer_id", "n", "done")
    )


def reviews_by_value(reviews: QuerySet[Review]):
    """(reviewer id, score rounded half up, reviews, their scores' sum)."""
    return (
        reviews.order_by()
        .annotate(value=Floor(F("score") + Value(0.5)))
        .values("reviewer_id", "value")
        .annotate(n=Count("pk"), total=Sum("score"))
        .values_list("reviewer_id", "value", "n", "total")
    )


def track_tallies(event: Event) -> list[TrackTally]:
    """The event's reviewed proposals under review by track, rounded mean and review count,
    from their stored means (one query)."""
    return [
        TrackTally(
            event=event,
            track_id=track_id,
            value=int(value),
            review_count=count,
            proposals=n,
            mean_total=total,
        )
        for track_id, value, count, n, total in means_by_track(
            ProposalScore.objects.filter(event=event)
        )
    ]


def means_by_track(rows: QuerySet[ProposalScore]):
    """(track id, mean rounded half up, review count, proposals, their means' sum) of the
    reviewed proposals under review among `rows`."""
    return (
        rows.filter(proposal__state__in=selectors.REVIEWABLE_STATES, review_count__gt=0)
        .order_by()
        .annotate(value=Floor(F("mean") + Value(0.5)))
        .values("proposal__track_id", "value", "review_count")
        .annotate(n=Count("pk"), total=Sum("mean"))
        .values_list("proposal__track_id", "value", "review_count", "n", "total")
    )


def _figures(proposals: QuerySet[Proposal], scales: dict[int, selectors.Scale]) -> QuerySet:
    return proposals.annotate(
        review_count=Count("reviews"),
        mean=Avg("reviews__score"),
        median=ReviewMedian(),
        stddev=population_stddev("reviews__score"),
        normalised=selectors.normalised_score(scales),
    ).values_list("pk", "event_id", *FIELDS)


def _store(rows) -> int:
    objects = [
        ProposalScore(proposal_id=pk, event_id=event_id, **dict(zip(FIELDS, figures, strict=True)))
        for pk, event_id, *figures in rows
    ]
    ProposalScore.objects.bulk_create(
        objects, update_conflicts=True, unique_fields=["proposal"], update_fields=list(FIELDS)
    )
    return len(objects)


def _through(event: Event, last: int) -> None:
    ReviewSettings.objects.get_or_create(event=event)
    ReviewSettings.objects.filter(event=event, scores_through_proposal__lt=last).update(
        scores_through_proposal=last
    )


def _try_lock(event_id: int) -> bool:
    """A lock for the rest of the transaction, or False if another refresh holds it."""
    if connection.vendor != "postgresql":
        return True  # SQLite writes one at a time anyway
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s, %s)", [LOCK_NAMESPACE, event_id])
        return cursor.fetchone()[0]
