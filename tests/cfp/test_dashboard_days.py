"""The dashboard's submissions per day: a proposal counts on the day of the event's zone it
was submitted (or made, when it has no submission time), zones a quarter of an hour off
UTC included."""

from datetime import UTC, date, datetime

import pytest

from cfp import dashboard
from cfp.enums import ProposalState
from cfp.models import Proposal
from tests.factories import EventFactory, ProposalFactory

pytestmark = pytest.mark.django_db


def deadline(event, when):
    """A deadline on the last day with a submission: the days shown end there."""
    event.cfp.deadline = when
    event.cfp.save()


def submitted(event, *moments):
    for when in moments:
        made = ProposalFactory(event=event, state=ProposalState.SUBMITTED)
        Proposal.objects.filter(pk=made.pk).update(submitted_at=when)


def days(event) -> list[tuple[date, int]]:
    return dashboard.submissions_per_day(event, dashboard.cfp_state(event)).days


def test_days_end_at_midnight_in_a_zone_a_quarter_of_an_hour_off():
    event = EventFactory(timezone="Asia/Kathmandu")  # UTC+05:45
    deadline(event, datetime(2025, 3, 2, 18, 0, tzinfo=UTC))
    submitted(
        event,
        datetime(2025, 3, 1, 18, 14, 59, tzinfo=UTC),  # 23:59:59 on March 1 in Kathmandu
        datetime(2025, 3, 1, 18, 15, tzinfo=UTC),  # midnight: March 2
        datetime(2025, 3, 2, 18, 0, tzinfo=UTC),  # 23:45 on March 2
    )

    assert days(event) == [(date(2025, 3, 1), 1), (date(2025, 3, 2), 2)]


def test_days_follow_a_change_of_offset_and_count_a_proposal_without_submission_time():
    event = EventFactory(timezone="Pacific/Chatham")  # UTC+13:45, +12:45 from April 6, 2025
    deadline(event, datetime(2025, 4, 6, 11, 15, tzinfo=UTC))
    submitted(
        event,
        datetime(2025, 4, 5, 10, 15, tzinfo=UTC),  # 00:00 on April 6 (+13:45)
        datetime(2025, 4, 6, 11, 0, tzinfo=UTC),  # 23:45 on April 6 (+12:45)
        datetime(2025, 4, 6, 11, 15, tzinfo=UTC),  # 00:00 on April 7
    )
    undated = ProposalFactory(event=event, state=ProposalState.SUBMITTED)
    Proposal.objects.filter(pk=undated.pk).update(
        submitted_at=None,
        created_at=datetime(2025, 4, 5, 10, 14, tzinfo=UTC),  # April 5
    )

    assert days(event) == [(date(2025, 4, 5), 1), (date(2025, 4, 6), 2), (date(2025, 4, 7), 1)]
