"""Automatic assignment: the pure planner (property tests) and the service on the database."""

import itertools
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cfp.enums import ProposalState
from reviews import selectors, services
from reviews.assignment import Problem, plan
from reviews.models import Assignment, Conflict
from tests.factories import (
    EventFactory,
    ProposalFactory,
    ReviewerFactory,
    ReviewerTeamFactory,
    SpeakerFactory,
    TrackFactory,
    UserFactory,
)

# --- the planner ------------------------------------------------------------------------


@st.composite
def problems(draw, max_proposals=8, max_reviewers=6, max_k=4, constrained=True):
    """A random event: who may review what, and what is assigned already."""
    reviewers = list(range(100, 100 + draw(st.integers(0, max_reviewers))))
    proposals = list(range(1, 1 + draw(st.integers(0, max_proposals))))
    k = draw(st.integers(1, max_k))
    if not constrained:
        return Problem(k=k, eligible={p: set(reviewers) for p in proposals}, reviewers=reviewers)
    if not reviewers:
        return Problem(k=k, eligible={p: set() for p in proposals})
    eligible = {p: draw(st.sets(st.sampled_from(reviewers))) for p in proposals}
    # Existing assignments may include reviewers who are not (or no longer) eligible, such as
    # an organizer's pick outside the team's tracks, and proposals that are not open any more
    # (ids past the last one): both count towards the reviewers' loads.
    pairs = [(p, r) for p in range(1, len(proposals) + 3) for r in reviewers]
    existing = draw(st.sets(st.sampled_from(pairs))) if pairs else set()
    return Problem(k=k, eligible=eligible, existing=existing, reviewers=reviewers)


def loads(problem, new):
    counts = Counter(dict.fromkeys(problem.reviewers, 0))
    counts.update(r for _, r in problem.existing | new)
    return counts


def wanted(problem, proposal):
    """How many new reviewers the proposal should get: up to k, counting existing ones."""
    have = {r for p, r in problem.existing if p == proposal}
    candidates = problem.eligible[proposal] - have
    return min(max(0, problem.k - len(have)), len(candidates)), candidates


def squares(counts):
    return sum(n * n for n in counts.values())


@settings(max_examples=300, deadline=None)
@given(problems())
def test_plan_fills_each_proposal_with_eligible_reviewers_only(problem):
    new = plan(problem)

    assert not new & problem.existing, "an existing assignment planned again"
    for proposal in problem.eligible:
        added = {r for p, r in new if p == proposal}
        count, candidates = wanted(problem, proposal)
        assert added <= candidates, "an ineligible reviewer"
        assert len(added) == count, (proposal, added, count)
    assert {p for p, _ in new} <= set(problem.eligible)


@settings(max_examples=200, deadline=None)
@given(problems(max_proposals=12, max_reviewers=7, constrained=False))
def test_plan_without_constraints_balances_to_within_one(problem):
    new = plan(problem)

    counts = loads(problem, new)
    assert len(new) == len(problem.eligible) * min(problem.k, len(problem.reviewers))
    if counts:
        assert max(counts.values()) - min(counts.values()) <= 1, counts


def brute_force_minimum(problem):
    """The least sum of squared loads over every way to fill the proposals."""
    options = []
    for proposal in sorted(problem.eligible):
        count, candidates = wanted(problem, proposal)
        options.append(
            [
                {(proposal, r) for r in chosen}
                for chosen in itertools.combinations(candidates, count)
            ]
        )
    return min(
        squares(loads(problem, set().union(*choice))) for choice in itertools.product(*options)
    )


@settings(max_examples=250, deadline=None)
@given(problems(max_proposals=5, max_reviewers=4, max_k=2))
def test_plan_minimises_the_sum_of_squared_loads(problem):
    """'Loads differ by at most one where the constraints allow', made precise."""
    new = plan(problem)

    assert squares(loads(problem, new)) == brute_force_minimum(problem)


@settings(max_examples=200, deadline=None)
@given(problems())
def test_planning_again_adds_nothing(problem):
    new = plan(problem)

    again = Problem(
        k=problem.k,
        eligible=problem.eligible,
        existing=problem.existing | new,
        reviewers=problem.reviewers,
    )
    assert plan(again) == set()


def test_plan_hands_work_to_the_idle_reviewer_through_a_chain():
    """Only a transfer along a path balances this: c can take p2 only, which b holds."""
    problem = Problem(
        k=1,
        eligible={1: {"a", "b"}, 2: {"b", "c"}, 3: {"a"}},
        existing={(4, "a")},
        reviewers=["a", "b", "c"],
    )

    new = plan(problem)

    assert new == {(1, "b"), (2, "c"), (3, "a")}


# --- the service, on the database -------------------------------------------------------


def submitted(event, title, **kwargs):
    proposal = ProposalFactory(event=event, title=title, **kwargs)
    proposal.submit(by=proposal.speakers.first())
    return proposal


def assigned(event):
    return set(
        Assignment.objects.filter(proposal__event=event).values_list(
            "proposal__title", "reviewer__email"
        )
    )


@pytest.fixture
def organizer(db):
    return UserFactory(is_staff=True)


def test_assignment_run_keeps_teams_to_their_tracks(organizer):
    event = EventFactory(organizers=[organizer])
    dev, ops = TrackFactory(event=event, name="Dev"), TrackFactory(event=event, name="Ops")
    dev_reviewer = ReviewerFactory(email="dev@lectern.test")
    anyone = ReviewerFactory(email="any@lectern.test")
    ReviewerTeamFactory(event=event, members=[dev_reviewer], tracks=[dev])
    ReviewerTeamFactory(event=event, members=[anyone])  # no tracks: every track
    submitted(event, "Dev talk", track=dev)
    submitted(event, "Ops talk", track=ops)

    created = services.assignment_run(event=event, by=organizer, k=2)

    assert created == 3
    assert assigned(event) == {
        ("Dev talk", "dev@lectern.test"),
        ("Dev talk", "any@lectern.test"),
        ("Ops talk", "any@lectern.test"),
    }
    assert Assignment.objects.filter(automatic=False).count() == 0


def test_assignment_run_respects_declared_conflicts_and_speakers(organizer):
    event = EventFactory(organizers=[organizer])
    speaking = ReviewerFactory(email="speaking@lectern.test")
    declared = ReviewerFactory(email="declared@lectern.test")
    free = ReviewerFactory(email="free@lectern.test")
    ReviewerTeamFactory(event=event, members=[speaking, declared, free])
    own = submitted(event, "Own talk", speakers=[speaking])
    other = submitted(event, "Other talk")
    Conflict.objects.create(proposal=other, reviewer=declared, source="declared")

    services.assignment_run(event=event, by=organizer, k=3)

    assert assigned(event) == {
        ("Own talk", "declared@lectern.test"),
        ("Own talk", "free@lectern.test"),
        ("Other talk", "speaking@lectern.test"),
        ("Other talk", "free@lectern.test"),
    }
    assert not Assignment.objects.filter(proposal=own, reviewer=speaking).exists()


def test_assignment_run_again_only_fills_gaps(organizer):
    event = EventFactory(organizers=[organizer])
    reviewers = [ReviewerFactory() for _ in range(4)]
    team = ReviewerTeamFactory(event=event, members=reviewers[:2])
    first = submitted(event, "First")
    manual = Assignment.objects.create(proposal=first, reviewer=reviewers[0])

    assert services.assignment_run(event=event, by=organizer, k=2) == 1
    before = set(Assignment.objects.values_list("pk", "proposal_id", "reviewer_id"))
    assert services.assignment_run(event=event, by=organizer, k=2) == 0
    submitted(event, "Second")
    team.members.add(*reviewers[2:])
    assert services.assignment_run(event=event, by=organizer, k=2) == 2

    after = set(Assignment.objects.values_list("pk", "proposal_id", "reviewer_id"))
    assert before <= after, "an assignment was replaced"
    assert Assignment.objects.get(pk=manual.pk).automatic is False
    # The newcomers get the new proposal: loads end up 1, 1, 1, 1.
    loads = Counter(Assignment.objects.values_list("reviewer_id", flat=True))
    assert sorted(loads.values()) == [1, 1, 1, 1]


def test_assignment_run_uses_the_events_k_by_default(organizer):
    event = EventFactory(organizers=[organizer])
    ReviewerTeamFactory(event=event, members=[ReviewerFactory() for _ in range(3)])
    selectors.settings_for(event)
    event.review_settings.reviews_per_proposal = 2
    event.review_settings.save()
    proposal = submitted(event, "Talk")

    services.assignment_run(event=event, by=organizer)

    assert proposal.review_assignments.count() == 2


def test_assignment_run_gives_drafts_withdrawn_and_decided_proposals_nobody(organizer):
    event = EventFactory(organizers=[organizer])
    ReviewerTeamFactory(event=event, members=[ReviewerFactory(), ReviewerFactory()])
    ProposalFactory(event=event, title="Draft")
    withdrawn = submitted(event, "Withdrawn")
    withdrawn.withdraw(by=withdrawn.speakers.first())
    ProposalFactory(event=event, title="Accepted", state=ProposalState.ACCEPTED)
    submitted(event, "Open")

    services.assignment_run(event=event, by=organizer, k=2)

    assert {title for title, _ in assigned(event)} == {"Open"}


def test_assignment_run_leaves_other_events_alone(organizer):
    event, other = EventFactory(organizers=[organizer]), EventFactory()
    reviewer = ReviewerFactory()
    ReviewerTeamFactory(event=event, members=[reviewer])
    ReviewerTeamFactory(event=other, members=[reviewer])
    submitted(event, "Here")
    submitted(other, "There")

    services.assignment_run(event=event, by=organizer, k=1)

    assert assigned(other) == set()
    assert {title for title, _ in assigned(event)} == {"Here"}


def test_assignment_run_without_reviewers_creates_nothing(organizer):
    event = EventFactory(organizers=[organizer])
    submitted(event, "Lonely", speakers=[SpeakerFactory()])

    assert services.assignment_run(event=event, by=organizer, k=3) == 0
