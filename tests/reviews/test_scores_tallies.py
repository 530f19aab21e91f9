"""The dashboard's stored review tallies (reviews.scores: ReviewerTally, TrackTally).

After any sequence of review saves, conflicts (which delete reviews), assignment changes and
proposals leaving review, a refresh makes them equal to the figures counted here from the
rows themselves; each such change marks the event stale so that the refresh runs; and the
dashboard says how old its figures are while a change waits for its refresh.
"""

import contextlib
import math
from collections import Counter

import pytest
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cfp import dashboard as cfp_dashboard
from cfp.models import Proposal
from cfp.models.proposal import TransitionNotAllowed
from reviews import dashboard, scores, selectors, services, tasks
from reviews.models import Assignment, Review, ReviewerTally, TrackTally
from tests.factories import (
    ReviewerFactory,
    ReviewerTeamFactory,
    TrackFactory,
    UserFactory,
)
from tests.reviews.dashboard_world import DASHBOARD, text
from tests.reviews.helpers import give_review, submitted

pytestmark = pytest.mark.django_db

REVIEWERS, PROPOSALS = 3, 4


def rounded(score: float) -> int:
    return math.floor(score + 0.5)


def live_tallies(event, hidden: set[int] = frozenset()) -> dict[int, tuple]:
    """Per reviewer, counted in Python from the rows: (assigned under review, of those
    reviewed, reviews, their total, {rounded score: reviews})."""
    states = {p.pk: p.state for p in Proposal.objects.filter(event=event)}
    reviews = [
        r for r in Review.objects.filter(proposal__event=event) if r.proposal_id not in hidden
    ]
    reviewed = {(r.proposal_id, r.reviewer_id) for r in reviews}
    tallies: dict[int, list] = {}
    for a in Assignment.objects.filter(proposal__event=event):
        if a.proposal_id in hidden or states[a.proposal_id] not in selectors.REVIEWABLE_STATES:
            continue
        row = tallies.setdefault(a.reviewer_id, [0, 0, 0, 0.0, Counter()])
        row[0] += 1
        row[1] += (a.proposal_id, a.reviewer_id) in reviewed
    for r in reviews:
        row = tallies.setdefault(r.reviewer_id, [0, 0, 0, 0.0, Counter()])
        row[2] += 1
        row[3] += r.score
        row[4][rounded(r.score)] += 1
    return {k: (a, d, n, pytest.approx(t), dict(v)) for k, (a, d, n, t, v) in tallies.items()}


def stored_tallies(event) -> dict[int, tuple]:
    return {
        t.reviewer_id: (
            t.assigned,
            t.assigned_done,
            t.reviews,
            t.score_total,
            {int(v): n for v, n in t.by_value.items()},
        )
        for t in ReviewerTally.objects.filter(event=event)
        if t.assigned or t.reviews
    }


def live_tracks(event, hidden: set[int] = frozenset()) -> Counter:
    """(track id, rounded mean, review count) → reviewed proposals under review."""
    counts = Counter()
    for p in Proposal.objects.filter(event=event, state__in=selectors.REVIEWABLE_STATES):
        got = [r.score for r in p.reviews.all()]
        if got and p.pk not in hidden:
            counts[(p.track_id, rounded(sum(got) / len(got)), len(got))] += 1
    return counts


def stored_tracks(event) -> Counter:
    return Counter(
        {
            (t.track_id, t.value, t.review_count): t.proposals
            for t in TrackTally.objects.filter(event=event)
        }
    )


STEPS = st.lists(
    st.one_of(
        st.tuples(
            st.just("review"),
            st.integers(0, REVIEWERS - 1),
            st.integers(0, PROPOSALS - 1),
            st.integers(1, 5),
        ),
        st.tuples(
            st.sampled_from(["assign", "conflict"]),
            st.integers(0, REVIEWERS - 1),
            st.integers(0, PROPOSALS - 1),
        ),
        st.tuples(st.just("unassign"), st.integers(0, 20)),  # one of those there are
        st.tuples(st.just("withdraw"), st.integers(0, PROPOSALS - 1)),
        st.tuples(st.just("run")),
    ),
    min_size=1,
    max_size=12,
)


def apply(step, event, reviewers, proposals, organizer) -> None:
    kind, *args = step
    if kind == "review":
        reviewer, proposal, value = reviewers[args[0]], proposals[args[1]], args[2]
        # Refused when withdrawn or conflicted, as in the staff panel (and rolled back).
        with contextlib.suppress(services.ReviewRefused), transaction.atomic():
            give_review(proposal, reviewer, value)
    elif kind == "assign":
        with contextlib.suppress(services.ReviewRefused):
            services.assignment_add(proposal=proposals[args[1]], reviewer=reviewers[args[0]])
    elif kind == "unassign":
        there = list(Assignment.objects.filter(proposal__event=event).order_by("pk"))
        if there:
            chosen = there[args[0] % len(there)]
            services.assignments_delete(assignments=Assignment.objects.filter(pk=chosen.pk))
    elif kind == "conflict":
        services.conflict_add(
            proposal=proposals[args[1]], reviewer=reviewers[args[0]], by=organizer
        )
    elif kind == "withdraw":
        proposal = Proposal.objects.get(pk=proposals[args[0]].pk)
        with contextlib.suppress(TransitionNotAllowed):
            proposal.withdraw(by=proposal.speakers.first())
    else:
        services.assignment_run(event=event, by=organizer, k=2)


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(steps=STEPS, checks=st.lists(st.booleans(), min_size=12, max_size=12))
def test_stored_tallies_equal_the_rows_after_any_changes_and_a_refresh(review_event, steps, checks):
    with transaction.atomic():  # rolled back: each example starts from the same empty event
        organizer = UserFactory(is_staff=True)
        review_event.organizers.add(organizer)
        reviewers = [ReviewerFactory() for _ in range(REVIEWERS)]
        ReviewerTeamFactory(event=review_event, members=reviewers)
        tracks = [TrackFactory(event=review_event), TrackFactory(event=review_event)]
        proposals = [
            submitted(review_event, f"P{i}", track=tracks[i % 2]) for i in range(PROPOSALS)
        ]
        proposals[0].add_speaker(organizer)  # what the organizer sees of it counts for nobody
        for step, check in zip(steps, checks, strict=False):
            apply(step, review_event, reviewers, proposals, organizer)
            if check:  # the refresh runs now and then; only if the change marked the event
                scores.scores_refresh_if_stale(review_event.pk)
                assert stored_tallies(review_event) == live_tallies(review_event), step
                assert stored_tracks(review_event) == live_tracks(review_event), step

        scores.scores_refresh_if_stale(review_event.pk)

        assert review_event.pk not in scores.stale_event_ids()
        assert stored_tallies(review_event) == live_tallies(review_event)
        assert stored_tracks(review_event) == live_tracks(review_event)
        # The dashboard: the stored tallies less the organizer's own proposal.
        figures = dashboard.review_figures(
            review_event, organizer, cfp_dashboard.proposal_counts(review_event)
        )
        hidden = live_tallies(review_event, hidden={proposals[0].pk})
        for row in figures.reviewers:
            a, d, n, total, by_value = hidden.get(row.reviewer.pk, (0, 0, 0, 0.0, {}))
            assert (row.assigned, row.assigned_done, row.reviews) == (a, d, n)
            assert row.counts == [by_value.get(v, 0) for v in range(1, 6)]
        tracks_seen = live_tracks(review_event, hidden={proposals[0].pk})
        assert figures.reviewed == sum(tracks_seen.values())
        assert figures.needed == sum(a for a, *_ in hidden.values())
        assert not figures.catching_up
        transaction.set_rollback(True)


# --- what marks the event stale --------------------------------------------------------------


@pytest.fixture
def fresh(review_event, reviewer):
    """A proposal assigned to and reviewed by `reviewer`, another one not; refreshed."""
    reviewed = submitted(review_event, "Reviewed")
    give_review(reviewed, reviewer, 4)
    other = submitted(review_event, "Other")
    scores.scores_refresh_if_stale(review_event.pk)
    assert review_event.pk not in scores.stale_event_ids()
    return reviewed, other


def tally(event, reviewer) -> tuple:
    row = ReviewerTally.objects.get(event=event, reviewer=reviewer)
    return row.assigned, row.assigned_done, row.reviews


def test_assigning_by_hand_marks_the_figures_stale_and_the_sweeper_refreshes_them(
    review_event, reviewer, fresh
):
    _, other = fresh

    services.assignment_add(proposal=other, reviewer=reviewer)

    assert scores.stale_event_ids() == [review_event.pk]  # on_commit never ran: the task is lost
    assert tally(review_event, reviewer) == (1, 1, 1)  # the stored figures lag meanwhile
    assert tasks.refresh_stale_scores.apply().get() == 1
    assert tally(review_event, reviewer) == (2, 1, 1)
    assert scores.stale_event_ids() == []


def test_automatic_assignment_marks_the_figures_stale(review_event, reviewer, fresh):
    services.assignment_run(event=review_event, by=UserFactory(), k=1)

    assert scores.stale_event_ids() == [review_event.pk]
    scores.scores_refresh_if_stale(review_event.pk)
    assert tally(review_event, reviewer) == (2, 1, 1)


def test_an_assignment_deleted_in_the_staff_panel_marks_the_figures_stale(
    client, review_event, reviewer, fresh
):
    _, other = fresh
    services.assignment_add(proposal=other, reviewer=reviewer)
    scores.scores_refresh_if_stale(review_event.pk)
    organizer = UserFactory(is_staff=True)
    review_event.organizers.add(organizer)
    client.force_login(organizer)
    assignment = Assignment.objects.get(proposal=other, reviewer=reviewer)

    response = client.post(
        reverse("admin:reviews_assignment_delete", args=[assignment.pk]), {"post": "yes"}
    )

    assert response.status_code == 302
    assert not Assignment.objects.filter(pk=assignment.pk).exists()
    assert scores.stale_event_ids() == [review_event.pk]
    scores.scores_refresh_if_stale(review_event.pk)
    assert tally(review_event, reviewer) == (1, 1, 1)


def test_a_conflict_that_takes_an_assignment_away_marks_the_figures_stale(
    review_event, reviewer, fresh
):
    _, other = fresh
    services.assignment_add(proposal=other, reviewer=reviewer)
    scores.scores_refresh_if_stale(review_event.pk)

    services.conflict_add(proposal=other, reviewer=reviewer, by=UserFactory())

    assert scores.stale_event_ids() == [review_event.pk]
    scores.scores_refresh_if_stale(review_event.pk)
    assert tally(review_event, reviewer) == (1, 1, 1)


def test_a_reviewed_proposal_withdrawn_marks_the_figures_stale_a_submission_does_not(
    review_event, reviewer, fresh
):
    reviewed, _ = fresh
    submitted(review_event, "Late")  # a submission: nothing to review yet
    assert scores.stale_event_ids() == []

    reviewed.withdraw(by=reviewed.speakers.first())

    assert scores.stale_event_ids() == [review_event.pk]
    scores.scores_refresh_if_stale(review_event.pk)
    assert tally(review_event, reviewer) == (0, 0, 1)  # their review still counts as given
    assert not TrackTally.objects.filter(event=review_event).exists()


def test_a_reviewed_proposal_moved_to_another_track_marks_the_figures_stale(
    review_event, reviewer, fresh
):
    reviewed, other = fresh
    elsewhere = TrackFactory(event=review_event, name="Elsewhere")
    before = stored_tracks(review_event)

    unreviewed = Proposal.objects.get(pk=other.pk)  # read and saved, as a page does
    unreviewed.track = elsewhere
    unreviewed.save()
    assert scores.stale_event_ids() == []  # nothing of it is counted per track
    moved = Proposal.objects.get(pk=reviewed.pk)
    moved.title = "Reviewed, retitled"
    moved.save()
    assert scores.stale_event_ids() == []  # saved, but on the same track
    moved.track = elsewhere
    moved.save()

    assert scores.stale_event_ids() == [review_event.pk]
    scores.scores_refresh_if_stale(review_event.pk)
    assert stored_tracks(review_event) == live_tracks(review_event)
    assert stored_tracks(review_event) != before
    assert (elsewhere.pk, 4, 1) in stored_tracks(review_event)


def test_the_dashboard_says_when_its_review_figures_lag(client, review_event, reviewer, fresh):
    _, other = fresh
    organizer = UserFactory(is_staff=True)
    review_event.organizers.add(organizer)
    client.force_login(organizer)
    notice = "the latest changes are being counted"

    assert notice not in text(client.get(DASHBOARD))
    services.assignment_add(proposal=other, reviewer=reviewer)
    lagging = text(client.get(DASHBOARD))
    scores.scores_refresh_if_stale(review_event.pk)
    fresh_words = text(client.get(DASHBOARD))

    assert notice in lagging and "Review figures as of" in lagging
    assert "1 of 1 reviews done" in lagging
    assert notice not in fresh_words and "1 of 2 reviews done" in fresh_words
