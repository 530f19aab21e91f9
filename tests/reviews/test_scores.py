"""Stored review figures (reviews.scores): what the ranked list reads instead of computing.

They must equal the live computation (selectors.ranked_proposals) once the event is refreshed,
keep count, mean, median and spread exact from the moment a review is saved, and say when the
normalised scores are still catching up.
"""

import pytest
from django.db import connection, transaction
from django.db.models import F
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reviews import scores, selectors, services, tasks
from reviews.models import ProposalScore, ReviewerScale, ReviewSettings
from tests.factories import (
    ProposalFactory,
    ReviewerFactory,
    ReviewerTeamFactory,
    SpeakerFactory,
    UserFactory,
)
from tests.helpers import page
from tests.reviews.helpers import give_review

pytestmark = pytest.mark.django_db

FIGURES = ("review_count", "mean_score", "median_score", "score_stddev", "normalised")


def submitted(event, title):
    proposal = ProposalFactory(event=event, title=title)
    proposal.submit(by=proposal.speakers.get())
    return proposal


def figures(queryset):
    return {p.title: tuple(getattr(p, name) for name in FIGURES) for p in queryset}


def stored_figures(event, viewer):
    scores.scores_include_new_proposals(event)  # as the ranked list does first
    return figures(selectors.ranked_scores(event, viewer))


def assert_same(stored: dict, live: dict):
    assert stored.keys() == live.keys()
    for title, row in live.items():
        assert stored[title] == pytest.approx(row, abs=1e-9), title


@pytest.fixture
def harsh_and_lenient(review_event):
    """Three reviewers of different temper over four proposals, one left unreviewed."""
    harsh, lenient, middle = (ReviewerFactory() for _ in range(3))
    ReviewerTeamFactory(event=review_event, members=[harsh, lenient, middle])
    grid = {
        "Alpha": (2, 5, 4),
        "Bravo": (1, 4, 3),
        "Charlie": (3, 5, None),
        "Delta": (1, 3, 2),
        "Unreviewed": (None, None, None),
    }
    for title, values in grid.items():
        proposal = submitted(review_event, title)
        for reviewer, value in zip((harsh, lenient, middle), values, strict=True):
            if value is not None:
                give_review(proposal, reviewer, value)
    return review_event


def test_stored_figures_equal_the_live_ones_after_a_refresh(harsh_and_lenient):
    event, viewer = harsh_and_lenient, SpeakerFactory()

    assert scores.scores_refresh_if_stale(event.pk) is True

    live = figures(selectors.ranked_proposals(event, viewer))
    assert_same(stored_figures(event, viewer), live)
    assert live["Unreviewed"] == (0, None, None, None, None)
    assert ReviewerScale.objects.filter(event=event).count() == 3
    assert event.pk not in scores.stale_event_ids()


def test_a_saved_review_updates_its_proposal_at_once_and_the_scales_later(
    harsh_and_lenient, reviewer
):
    event, viewer = harsh_and_lenient, SpeakerFactory()
    scores.scores_refresh_if_stale(event.pk)
    charlie = event.proposals.get(title="Charlie")

    give_review(charlie, reviewer, 1)  # a fourth review

    stored = stored_figures(event, viewer)["Charlie"]
    live = figures(selectors.ranked_proposals(event, viewer))["Charlie"]
    assert stored[:4] == pytest.approx(live[:4])  # count, mean, median, spread: exact now
    assert stored[:2] == (3, pytest.approx(3.0))
    assert event.pk in scores.stale_event_ids()  # the scales changed: a refresh is due

    assert scores.scores_refresh_if_stale(event.pk) is True
    assert_same(
        stored_figures(event, viewer),
        figures(selectors.ranked_proposals(event, viewer)),
    )
    assert event.pk not in scores.stale_event_ids()


def test_a_refresh_runs_once_however_often_it_is_asked(harsh_and_lenient):
    event = harsh_and_lenient

    assert scores.scores_refresh_if_stale(event.pk) is True
    assert scores.scores_refresh_if_stale(event.pk) is False
    assert tasks.refresh_scores.apply(kwargs={"event_id": event.pk}).get() is False


def test_the_beat_sweep_refreshes_events_whose_task_was_lost(harsh_and_lenient):
    event = harsh_and_lenient
    assert scores.stale_event_ids() == [event.pk]  # on_commit never ran: the task is "lost"

    assert tasks.refresh_stale_scores.apply().get() == 1  # eager: the refresh runs too

    assert scores.stale_event_ids() == []
    settings_row = ReviewSettings.objects.get(event=event)
    assert settings_row.scores_refreshed_version == settings_row.scores_version == 11


def test_a_declared_conflict_takes_the_review_out_of_the_figures(harsh_and_lenient):
    event = harsh_and_lenient
    alpha = event.proposals.get(title="Alpha")
    reviewer = alpha.reviews.order_by("score").first().reviewer  # the harsh one, who gave 2

    services.conflict_add(proposal=alpha, reviewer=reviewer, by=SpeakerFactory())

    row = ProposalScore.objects.get(proposal=alpha)
    assert (row.review_count, row.mean) == (2, pytest.approx(4.5))


@pytest.mark.skipif(connection.vendor != "postgresql", reason="advisory locks: PostgreSQL only")
def test_a_refresh_finds_another_one_running_and_leaves_it_the_work(harsh_and_lenient):
    import psycopg2

    event = harsh_and_lenient
    db = connection.settings_dict
    other = psycopg2.connect(
        dbname=db["NAME"], user=db["USER"], host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432
    )
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s, %s)", [scores.LOCK_NAMESPACE, event.pk])
        assert scores.scores_refresh_if_stale(event.pk) is False
        assert event.pk in scores.stale_event_ids()
        # Released and answered before going on: closing the connection alone returns before
        # the server has ended its session, and a loaded server may still hold the lock.
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [scores.LOCK_NAMESPACE, event.pk])
            assert cursor.fetchone()[0] is True
    finally:
        other.close()
    assert scores.scores_refresh_if_stale(event.pk) is True


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    grid=st.lists(
        st.lists(st.one_of(st.none(), st.integers(1, 5)), min_size=4, max_size=4),
        min_size=1,
        max_size=6,
    )
)
def test_stored_and_live_figures_agree_for_any_scores(review_event, grid):
    with transaction.atomic():  # rolled back: each example starts from the same empty event
        reviewers = [ReviewerFactory() for _ in range(4)]
        ReviewerTeamFactory(event=review_event, members=reviewers)
        for i, row in enumerate(grid):
            proposal = submitted(review_event, f"P{i}")
            for reviewer, value in zip(reviewers, row, strict=True):
                if value is not None:
                    give_review(proposal, reviewer, value)
        scores.scores_refresh_if_stale(review_event.pk)
        viewer = SpeakerFactory()
        assert_same(
            stored_figures(review_event, viewer),
            figures(selectors.ranked_proposals(review_event, viewer)),
        )
        transaction.set_rollback(True)


def test_the_ranked_list_says_when_normalised_scores_are_catching_up(client, harsh_and_lenient):
    event = harsh_and_lenient
    organizer = UserFactory(is_staff=True)
    event.organizers.add(organizer)
    client.force_login(organizer)
    url = reverse("admin:reviews_rankedproposal_changelist")
    notice = "the normalised scores are being recalculated"

    stale = page(client.get(url, {"event": event.pk}))
    scores.scores_refresh_if_stale(event.pk)
    fresh = page(client.get(url, {"event": event.pk}))

    assert notice in stale and notice not in fresh
    assert "Alpha" in fresh and "Unreviewed" in fresh


def test_a_proposal_submitted_after_the_last_refresh_ranks_last_at_once(client, harsh_and_lenient):
    event = harsh_and_lenient
    scores.scores_refresh_if_stale(event.pk)
    late = submitted(event, "Late arrival")
    organizer = UserFactory(is_staff=True)
    event.organizers.add(organizer)
    client.force_login(organizer)

    body = page(client.get(reverse("admin:reviews_rankedproposal_changelist"), {"event": event.pk}))

    assert ProposalScore.objects.get(proposal=late).review_count == 0
    order = [
        p.title
        for p in selectors.ranked_scores(event, organizer).order_by(
            F("normalised").desc(nulls_last=True), "title"
        )
    ]
    assert order[-2:] == ["Late arrival", "Unreviewed"]
    assert body.index("Alpha") < body.index("Late arrival") < body.index("Unreviewed")
    assert scores.scores_include_new_proposals(event) is False  # nothing new: nothing written
    assert ReviewSettings.objects.get(event=event).scores_through_proposal == late.pk


def test_a_proposal_committed_out_of_order_still_gets_its_row(harsh_and_lenient):
    event = harsh_and_lenient
    scores.scores_refresh_if_stale(event.pk)
    alpha = event.proposals.get(title="Alpha")
    # As if Alpha's transaction had committed after the last proposal was already counted.
    ProposalScore.objects.filter(proposal=alpha).delete()
    assert ReviewSettings.objects.get(event=event).scores_through_proposal > alpha.pk

    scores.scores_include_new_proposals(event)

    titles = {p.title for p in selectors.ranked_scores(event, SpeakerFactory())}
    assert "Alpha" in titles
