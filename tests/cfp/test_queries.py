"""Pages cost the same number of queries however many proposals there are."""

import re
from uuid import uuid4

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cfp.models import Proposal
from tests.factories import (
    EventFactory,
    InvitationFactory,
    ProposalFactory,
    SpeakerFactory,
    SubmissionTypeFactory,
    TrackFactory,
)


def _make_proposals(speaker, count):
    events = [EventFactory(), EventFactory()]
    for i in range(count):
        event = events[i % 2]
        co_speaker = SpeakerFactory()
        proposal = ProposalFactory(
            event=event, speakers=[speaker, co_speaker], track=TrackFactory(event=event)
        )
        proposal.submit(by=speaker)
        InvitationFactory(proposal=proposal)
    return events


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), response


@pytest.mark.django_db
@pytest.mark.parametrize("sizes", [(1, 20)])
def test_my_proposals_query_count_does_not_grow(client, sizes):
    counts = []
    for size in sizes:
        speaker = SpeakerFactory()
        _make_proposals(speaker, size)
        client.force_login(speaker)
        queries, response = _count(client, reverse("cfp:my_proposals"))
        html = response.content.decode()
        own = Proposal.objects.filter(speakers=speaker)
        assert own.count() == size
        shown = set(re.findall(r'href="(/[^"]+/proposals/\w+/)"', html))
        assert shown == {p.get_absolute_url() for p in own}
        counts.append(queries)
    assert counts[0] == counts[1], counts


@pytest.mark.django_db
def test_cfp_page_query_count_does_not_grow(client):
    counts = []
    for size in (1, 20):
        speaker = SpeakerFactory()
        event = _make_proposals(speaker, size * 2)[0]
        client.force_login(speaker)
        queries, response = _count(client, reverse("cfp:event", kwargs={"event": event.slug}))
        assert f"{size} proposal" in response.content.decode()
        counts.append(queries)
    assert counts[0] == counts[1], counts


@pytest.mark.django_db
def test_proposal_page_query_count_does_not_grow_with_speakers(client):
    counts = []
    for extra in (0, 10):
        speaker = SpeakerFactory()
        proposal = ProposalFactory(speakers=[speaker, *(SpeakerFactory() for _ in range(extra))])
        for _ in range(extra):
            InvitationFactory(proposal=proposal)
        client.force_login(speaker)
        queries, _ = _count(client, proposal.get_absolute_url())
        counts.append(queries)
    assert counts[0] == counts[1], counts


@pytest.mark.django_db
def test_submission_form_query_count_does_not_grow(client):
    counts = []
    for size in (1, 15):
        event = EventFactory()
        for i in range(size):
            SubmissionTypeFactory(event=event, name=f"Type {i}")
            TrackFactory(event=event, name=f"Track {i}")
        speaker = SpeakerFactory()
        _make_proposals(speaker, size)  # drafts and submissions elsewhere change nothing
        client.force_login(speaker)
        address = reverse("cfp:proposal_create", kwargs={"event": event.slug}) + f"?form={uuid4()}"
        queries, response = _count(client, address)
        assert response.content.decode().count("Track ") >= size
        counts.append(queries)
    assert counts[0] == counts[1], counts
