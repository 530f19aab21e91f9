import pytest

from reviews import selectors, services
from reviews.models import Assignment
from tests.factories import EventFactory, ReviewerFactory, ReviewerTeamFactory


def give_review(proposal, reviewer, value, **extra):
    """Assign the proposal to the reviewer and save their review through the service."""
    Assignment.objects.get_or_create(proposal=proposal, reviewer=reviewer)
    criteria = selectors.criteria_for(proposal.event)
    values = {c.pk: value for c in criteria} if isinstance(value, int) else value
    return services.review_save(proposal=proposal, reviewer=reviewer, values=values, **extra)


@pytest.fixture
def review_event(db):
    return EventFactory(name="Review Summit")


@pytest.fixture
def reviewer(review_event):
    user = ReviewerFactory(profile__name="Rita Reviewer")
    ReviewerTeamFactory(event=review_event, members=[user])
    return user
