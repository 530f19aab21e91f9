"""The dashboard costs the same queries however big the event: at 5 proposals and at 30 (with
their reviews, reviewers, placed talks and emails), for the organizer and for the reviewer."""

from datetime import UTC, datetime, time

import pytest

from cfp.enums import MessageKind, MessageState, ProposalState
from cfp.models import Message, Proposal, ScheduleVersion
from tests.factories import (
    EventFactory,
    ProposalFactory,
    ReviewerFactory,
    ReviewerTeamFactory,
    RoomFactory,
    TalkSlotFactory,
    TrackFactory,
    UserFactory,
)
from tests.reviews.dashboard_world import DASHBOARD, text
from tests.reviews.helpers import add_reviewed_proposals, count_queries

pytestmark = pytest.mark.django_db

MOST_QUERIES = 15  # 14 for an organizer without a conflict, 6 for a reviewer


def grow(event, reviewers, room, upto: int) -> None:
    """Bring the event up to `upto` reviewed proposals, a third of them accepted and placed,
    each with an email in the outbox, and a draft besides."""
    have = Proposal.objects.filter(event=event).exclude(state=ProposalState.DRAFT).count()
    add_reviewed_proposals(event, reviewers, upto - have)
    TrackFactory(event=event)
    ProposalFactory(event=event)  # a draft
    new = Proposal.objects.filter(event=event, state=ProposalState.SUBMITTED, slot__isnull=True)
    for n, proposal in enumerate(new.order_by("pk")):
        Message.objects.create(
            event=event, proposal=proposal, kind=MessageKind.ACCEPTANCE, to="x@example.com",
            subject="s", body="b", state=(MessageState.DRAFT, MessageState.SENT)[n % 2],
        )  # fmt: skip
        if n % 3 == 0:
            Proposal.objects.filter(pk=proposal.pk).update(state=ProposalState.ACCEPTED)
            start = datetime.combine(event.start_date, time(8 + n % 8), tzinfo=UTC)
            TalkSlotFactory(proposal=proposal, room=room, start=start)
    ScheduleVersion.objects.create(event=event, name=f"v{upto}")


def test_the_organizers_and_the_reviewers_dashboards_cost_the_same_at_two_sizes(client):
    organizer = UserFactory(is_staff=True)
    event = EventFactory(organizers=[organizer])
    reviewers = [ReviewerFactory() for _ in range(3)]
    ReviewerTeamFactory(event=event, members=reviewers)
    room = RoomFactory(event=event)
    counts = {"organizer": [], "reviewer": []}
    for size in (5, 30):
        grow(event, reviewers, room, size)
        more = [ReviewerFactory() for _ in range(size // 5)]  # reviewers who have not started
        ReviewerTeamFactory(event=event, members=more)
        for role, user in (("organizer", organizer), ("reviewer", reviewers[0])):
            client.force_login(user)
            queries, response = count_queries(client, DASHBOARD)
            counts[role].append(queries)
            words = text(response)
            if role == "organizer":
                assert f"{size} proposals" in words
            else:  # accepted proposals are read-only for review: out of the count
                left = Proposal.objects.filter(event=event, state=ProposalState.SUBMITTED)
                assert f"{left.count()} of {left.count()} reviewed" in words

    assert counts["organizer"][0] == counts["organizer"][1], counts
    assert counts["reviewer"][0] == counts["reviewer"][1], counts
    assert max(counts["organizer"] + counts["reviewer"]) < MOST_QUERIES, counts


def test_a_reviewer_in_several_events_costs_the_same_as_in_one(client):
    reviewer = ReviewerFactory()
    counts = []
    for n in range(2):
        event = EventFactory()
        ReviewerTeamFactory(event=event, members=[reviewer])
        add_reviewed_proposals(event, [reviewer], 3)
        client.force_login(reviewer)
        queries, response = count_queries(client, DASHBOARD)
        counts.append(queries)
        assert text(response).count("3 of 3 reviewed") == n + 1

    assert counts[0] == counts[1], counts
