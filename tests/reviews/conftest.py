"""Events, people and proposals the reviews tests share."""

from types import SimpleNamespace

import pytest

from tests.factories import (
    EventFactory,
    ReviewerFactory,
    ReviewerTeamFactory,
    SpeakerFactory,
    UserFactory,
)
from tests.reviews.helpers import give_review, submitted
from tests.reviews.reviewer_pages import submitted_for


@pytest.fixture
def review_event(db):
    return EventFactory(name="Review Summit")


@pytest.fixture
def reviewer(review_event):
    user = ReviewerFactory(profile__name="Rita Reviewer")
    ReviewerTeamFactory(event=review_event, members=[user])
    return user


@pytest.fixture
def review_world(db):
    """An event with an organizer, a reviewer, a reviewed proposal; another event beside it."""
    organizer = UserFactory(is_staff=True, email="olivia@lectern.test")
    event = EventFactory(name="Kernel Summit", organizers=[organizer])
    speaker = SpeakerFactory(email="sam@kernel.org", profile__affiliation="Kernel Org")
    reviewer = ReviewerFactory(
        email="rita@kernel.org", profile__name="Rita Reviewer", profile__affiliation="Reviewers"
    )
    team = ReviewerTeamFactory(event=event, name="Programme committee", members=[reviewer])
    proposal = submitted(event, "Secret kernel talk", speakers=[speaker])
    give_review(proposal, reviewer, 4, comment="Strong accept, unique content")
    open_talk = submitted(event, "Open talk", speakers=[SpeakerFactory(email="ann@other.test")])
    other_organizer = UserFactory(is_staff=True, email="otto@lectern.test")
    other_event = EventFactory(name="Other Summit", organizers=[other_organizer])
    other_reviewer = ReviewerFactory(profile__affiliation="Elsewhere")
    ReviewerTeamFactory(event=other_event, name="Other committee", members=[other_reviewer])
    submitted(other_event, "Their own talk")
    return SimpleNamespace(
        organizer=organizer,
        event=event,
        speaker=speaker,
        reviewer=reviewer,
        team=team,
        proposal=proposal,
        open_talk=open_talk,
        other_organizer=other_organizer,
        other_event=other_event,
        other_reviewer=other_reviewer,
    )


@pytest.fixture
def organizer(db):
    return UserFactory(is_staff=True, email="orga@lectern.test")


@pytest.fixture
def ranking(organizer):
    """Five proposals whose aggregates order differently by each column.

    Alpha 5,5,5,4 · Bravo 1,4,4 · Charlie 2,5 · Echo 1 · Delta no reviews.
    """
    event = EventFactory(name="Ranking Summit", organizers=[organizer])
    reviewers = [ReviewerFactory(profile__affiliation=f"Lab {i}") for i in range(4)]
    ReviewerTeamFactory(event=event, members=reviewers)
    plan = {"Alpha": [5, 5, 5, 4], "Bravo": [1, 4, 4], "Charlie": [2, 5], "Echo": [1], "Delta": []}
    proposals = {}
    for title, values in plan.items():
        proposals[title] = submitted(event, title)
        for reviewer, value in zip(reviewers, values, strict=False):
            give_review(proposals[title], reviewer, value)
    return SimpleNamespace(event=event, reviewers=reviewers, proposals=proposals)


@pytest.fixture
def talk(review_event, reviewer):
    return submitted_for(review_event, "Reproducible builds for everyone", reviewer)
