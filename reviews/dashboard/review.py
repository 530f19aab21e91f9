"""The organizer's review figures of one event, read from the stored tallies
(reviews.scores), less the share of what the viewing organizer is conflicted on."""

from django.db.models import (
    Exists,
    FloatField,
    Max,
    Min,
    OuterRef,
    Q,
    Subquery,
    Value,
)
from django.utils.translation import gettext as _

from cfp import dashboard as cfp_dashboard
from cfp.models import Event, ProposalSpeaker
from reviews import scores, selectors
from reviews.dashboard.figures import (
    Reviewer,
    ReviewerFigures,
    ReviewFigures,
    TrackScores,
    bin_index,
    score_bins,
)
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

# The kinds of row in _hidden_share.
ASSIGNED, GIVEN, MEANS = 1, 2, 3


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


def _review_setup(event: Event, viewer: User) -> tuple[ReviewSettings, int, int, bool]:
    """The event's review settings, its criteria's lowest and highest score, and whether the
    viewer has a conflict in the event (they speak on or declared one): one query (two for an
    event made around the app, without its settings row or criteria; the conflict then
    counts as possible)."""
    criteria = Criterion.objects.filter(event_id=OuterRef("event_id")).order_by().values("event_id")
    in_event = {"proposal__event_id": OuterRef("event_id")}
    found = (
        ReviewSettings.objects.filter(event=event)
        .annotate(
            low=Subquery(criteria.annotate(v=Min("min_score")).values("v")),
            high=Subquery(criteria.annotate(v=Max("max_score")).values("v")),
            speaks=Exists(ProposalSpeaker.objects.filter(user_id=viewer.pk, **in_event)),
            declared=Exists(Conflict.objects.filter(reviewer_id=viewer.pk, **in_event)),
        )
        .first()
    )
    if found is not None and found.low is not None:
        return found, found.low, found.high, found.speaks or found.declared
    criteria = selectors.criteria_for(event)
    low, high = min(c.min_score for c in criteria), max(c.max_score for c in criteria)
    return found or selectors.settings_for(event), low, high, True


def review_figures(
    event: Event, viewer: User, proposals: cfp_dashboard.ProposalCounts
) -> ReviewFigures:
    """Four or five queries, none over the event's reviews: the settings with the criteria's
    scale, the reviewers, their stored tallies, the stored means by track, and, when the
    viewer has a conflict in the event, its share in those (reviews.scores stores them; they
    lag a change until its refresh has run)."""
    review_settings, low, high, conflicted = _review_setup(event, viewer)
    bins = score_bins(low, high)
    starts = [start for _label, start in bins]
    k = review_settings.reviews_per_proposal

    reviewers = {
        pk: ReviewerFigures(Reviewer(pk, email, name or ""), counts=[0] * len(bins))
        for pk, email, name in User.objects.filter(review_teams__event=event)
        .distinct()
        .values_list("pk", "email", "profile__name")
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
    # the live one may differ: no figure goes below zero meanwhile. Most organizers have none:
    # then the share is neither read nor built (its query takes longer to build than to run).
    for kind, key, value, n, extra, total in _hidden_share(event, viewer) if conflicted else ():
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
            row.counts[bin_index(value, starts)] += max(count, 0)

    scored = {t.key: TrackScores(t.label, t.key, [0] * len(bins)) for t in proposals.by_track}
    reviewed = fully = 0
    for (track_id, value, count), (n, total) in tracks.items():
        if n <= 0:
            continue
        reviewed += n
        fully += n if count >= k else 0
        track = scored.setdefault(track_id, TrackScores(_("No track"), None, [0] * len(bins)))
        track.counts[bin_index(value, starts)] += n
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
