"""Every list of proposals costs the same number of queries however many proposals it shows
(and at most 15): per role, with and without everything nested (`?expand=`)."""

import pytest

from cfp.enums import QuestionKind, QuestionTarget
from cfp.models import Tag
from reviews.models import Assignment, ReviewSettings
from tests.api.helpers import assert_matches_schema, client_for
from tests.factories import (
    AnswerFactory,
    EventFactory,
    ProposalFactory,
    QuestionFactory,
    QuestionOptionFactory,
    ReviewerFactory,
    ReviewerTeamFactory,
    SpeakerFactory,
    SubmissionTypeFactory,
    TrackFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

EVERYTHING = "speakers,answers,tags,history"
# role, ?expand=, queries: 2 for the token (its user, its last use), the event, the caller's
# standing (organized events for staff; their teams of the event unless they organize it),
# the page; then the speakers (1), answers and their options (2), tags (1) and history (1),
# as far as the role sees them.
COUNTS = [
    ("organizer", "", 5),
    ("organizer", EVERYTHING, 10),
    ("reviewer", "", 6),
    ("reviewer", EVERYTHING, 10),
    ("speaker", "", 5),
    ("speaker", EVERYTHING, 9),  # no tags
]


class World:
    def __init__(self):
        self.organizer = UserFactory(is_staff=True)
        self.event = EventFactory(slug="counted", organizers=[self.organizer])
        self.kind = SubmissionTypeFactory(event=self.event)
        self.track = TrackFactory(event=self.event)
        self.reviewer = ReviewerFactory()
        ReviewerTeamFactory(event=self.event, members=[self.reviewer])
        self.speaker = SpeakerFactory()
        self.tags = [
            Tag.objects.create(event=self.event, name="seen", visible_to_reviewers=True),
            Tag.objects.create(event=self.event, name="organizers'"),
        ]
        self.text = QuestionFactory(event=self.event)
        self.choice = QuestionFactory(event=self.event, kind=QuestionKind.CHOICE)
        self.option = QuestionOptionFactory(question=self.choice)
        self.about = QuestionFactory(event=self.event, target=QuestionTarget.SPEAKER)
        self.count = 0

    def add(self, n: int) -> None:
        """n more submitted proposals, each with two speakers, answers, tags, a review
        assignment and a history."""
        for _ in range(n):
            co = SpeakerFactory()
            proposal = ProposalFactory(
                event=self.event,
                submission_type=self.kind,
                track=self.track,
                speakers=[self.speaker, co],
            )
            proposal.submit(by=self.speaker)
            proposal.tags.add(*self.tags)
            AnswerFactory(question=self.text, proposal=proposal)
            AnswerFactory(question=self.choice, proposal=proposal, value="", options=[self.option])
            AnswerFactory(question=self.about, speaker=co)
            Assignment.objects.create(proposal=proposal, reviewer=self.reviewer)
        self.count += n


@pytest.fixture
def world(db):
    world = World()
    AnswerFactory(question=world.about, speaker=world.speaker)
    return world


@pytest.mark.parametrize(("role", "expand", "queries"), COUNTS)
def test_proposal_list_queries_do_not_grow(world, django_assert_num_queries, role, expand, queries):
    client = client_for(getattr(world, role))
    address = f"/api/v1/events/counted/proposals/?page_size=200&expand={expand}"
    seen = []
    for size in (2, 9):
        world.add(size - world.count)
        with django_assert_num_queries(queries):
            response = client.get(address)
        assert response.status_code == 200
        seen.append(len(response.json()["results"]))
        assert_matches_schema(response)

    assert seen == [2, 9]
    assert queries <= 15


def test_blind_reviewer_list_queries_do_not_grow(world, django_assert_num_queries):
    ReviewSettings.objects.filter(event=world.event).update(blind=True)
    client = client_for(world.reviewer)
    address = f"/api/v1/events/counted/proposals/?expand={EVERYTHING}"
    for size in (2, 9):
        world.add(size - world.count)
        with django_assert_num_queries(10):
            response = client.get(address)
        assert len(response.json()["results"]) == size
        assert all("speakers" not in item for item in response.json()["results"])
