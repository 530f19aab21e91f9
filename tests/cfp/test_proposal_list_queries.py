"""The organizer's proposal list costs the same queries however big the event: on its last
page, filtered by state, and searched (bench/ measures the same three at 2,000 and 20,000
proposals; the first page's test is in test_admin.py)."""

import math

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cfp.admin.proposals import ProposalAdmin
from cfp.enums import ProposalState
from tests.factories import (
    EventFactory,
    ProposalFactory,
    SpeakerFactory,
    SubmissionTypeFactory,
    TrackFactory,
    UserFactory,
)
from tests.helpers import list_rows

pytestmark = pytest.mark.django_db

PER_PAGE = ProposalAdmin.list_per_page
SIZES = (PER_PAGE + 10, 2 * PER_PAGE + 10)  # two pages, then three
TERM = "WebAssembly"


def grow(event, upto: int) -> None:
    """Proposals up to `upto`: every third with the search term in its title, every fourth
    withdrawn, the rest submitted."""
    kind, track = SubmissionTypeFactory(event=event), TrackFactory(event=event)
    speaker = SpeakerFactory()
    for n in range(event.proposals.count(), upto):
        ProposalFactory(
            event=event, submission_type=kind, track=track, speakers=[speaker],
            title=f"{TERM} in practice {n}" if n % 3 == 0 else f"Another talk {n}",
            state=ProposalState.WITHDRAWN if n % 4 == 0 else ProposalState.SUBMITTED,
        )  # fmt: skip


def last_page(event) -> dict:
    return {"p": math.ceil(event.proposals.count() / PER_PAGE)}


def by_state(event) -> dict:
    return {"state__exact": ProposalState.WITHDRAWN}


def searched(event) -> dict:
    return {"q": TERM}


def expected_rows(event, params: dict) -> int:
    if "p" in params:
        return event.proposals.count() - PER_PAGE * (params["p"] - 1)
    if "q" in params:
        return event.proposals.filter(title__contains=TERM).count()
    return event.proposals.filter(state=ProposalState.WITHDRAWN).count()


@pytest.mark.parametrize("view", [last_page, by_state, searched])
def test_the_proposal_list_costs_the_same_queries_at_two_sizes(client, view):
    organizer = UserFactory(is_staff=True)
    event = EventFactory(organizers=[organizer])
    client.force_login(organizer)
    url = reverse("admin:cfp_proposal_changelist")
    counts = []
    for size in SIZES:
        grow(event, size)
        params = {"event__id__exact": event.pk, **view(event)}
        client.get(url, params)  # the session and the caches warm
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, params)

        assert response.status_code == 200
        assert len(list_rows(response)) == expected_rows(event, params)
        counts.append(len(queries))

    assert counts[0] == counts[1], counts
