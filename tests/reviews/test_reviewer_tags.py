"""Reviewers see a proposal's tags only when the organizers mark the tag visible to reviewers:
on their queue and their review page (page source included), never the others."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cfp.enums import ProposalState
from cfp.models import Tag
from reviews.models import Assignment
from tests.factories import ProposalFactory
from tests.helpers import assigned_review_form, list_rows, page

pytestmark = pytest.mark.django_db

QUEUE = reverse("admin:reviews_reviewqueueitem_changelist")


@pytest.fixture
def tagged():
    event, reviewer, proposal, url, _scores = assigned_review_form()
    shown = Tag.objects.create(
        event=event, name="Shortlist", colour="#ffd700", visible_to_reviewers=True
    )
    hidden = Tag.objects.create(event=event, name="Sponsor-pushed", colour="#123456")
    proposal.tags.add(shown, hidden)
    return event, reviewer, proposal, url


def test_review_page_shows_only_visible_tags(client, tagged):
    _event, reviewer, _proposal, url = tagged
    client.force_login(reviewer)

    body = page(client.get(url))

    assert "Shortlist" in body
    assert "Sponsor-pushed" not in body  # not in the page source either


def test_queue_shows_only_visible_tags(client, tagged):
    _event, reviewer, _proposal, _url = tagged
    client.force_login(reviewer)

    response = client.get(QUEUE)

    (row,) = list_rows(response)
    assert row["tags"] == "Shortlist"
    assert "Sponsor-pushed" not in page(response)


def test_no_visible_tag_no_tag_shown(client, tagged):
    event, reviewer, _proposal, url = tagged
    Tag.objects.filter(event=event).update(visible_to_reviewers=False)
    client.force_login(reviewer)

    for address in (url, QUEUE):
        body = page(client.get(address))
        assert "Shortlist" not in body and "Sponsor-pushed" not in body


def test_a_hidden_tag_cannot_be_filtered_on_by_a_reviewer(client, tagged):
    _event, reviewer, _proposal, _url = tagged
    client.force_login(reviewer)
    hidden = Tag.objects.get(name="Sponsor-pushed")

    response = client.get(QUEUE, {"tag": hidden.pk})

    assert response.status_code == 400  # the queue offers no tag filter: nothing to probe


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_queue_and_review_page_cost_the_same_with_many_tags(client, tagged):
    event, reviewer, proposal, url = tagged
    client.force_login(reviewer)
    client.get(QUEUE)  # warm the queue's filter cache, as a second visit finds it
    few = (_count(client, QUEUE), _count(client, url))

    tags = [
        Tag.objects.create(event=event, name=f"Visible {i}", visible_to_reviewers=i % 2 == 0)
        for i in range(8)
    ]
    proposal.tags.add(*tags)
    for i in range(15):
        more = ProposalFactory(event=event, title=f"More {i}", state=ProposalState.SUBMITTED)
        Assignment.objects.create(proposal=more, reviewer=reviewer)
        more.tags.add(*tags)
    client.get(QUEUE)
    many = (_count(client, QUEUE), _count(client, url))

    assert few == many
    assert max(many) <= 25
