"""The review pages' moments on the event's clock, with the zone (cfp.moments)."""

from datetime import UTC, datetime

import pytest
from django.urls import reverse

from cfp.models import Event
from reviews.models import Review, ReviewSettings
from tests.helpers import page
from tests.reviews.helpers import give_review

pytestmark = pytest.mark.django_db

AT = datetime(2027, 3, 1, 17, 0, tzinfo=UTC)  # 2 a.m. the next day in Tokyo
TOKYO = "March 2, 2027, 2 a.m."


def tokyo(event: Event) -> Event:
    Event.objects.filter(pk=event.pk).update(timezone="Asia/Tokyo")
    event.refresh_from_db()
    return event


def test_the_reviews_page_shows_when_on_the_events_clock(client, review_world):
    tokyo(review_world.event)
    Review.objects.filter(proposal=review_world.proposal).update(updated_at=AT)
    client.force_login(review_world.organizer)

    url = reverse("admin:reviews_rankedproposal_change", args=[review_world.proposal.pk])
    body = page(client.get(f"{url}?event={review_world.event.pk}"))
    assert '<th scope="row">When (Asia/Tokyo)</th>' in body
    assert f"<td>{TOKYO}</td>" in body


def test_the_reviewers_deadline_is_on_the_events_clock(client, review_world):
    tokyo(review_world.event)
    ReviewSettings.objects.filter(event=review_world.event).update(
        deadline=datetime(2099, 3, 1, 17, 0, tzinfo=UTC)
    )
    give_review(review_world.open_talk, review_world.reviewer, 3)
    client.force_login(review_world.reviewer)

    url = reverse("admin:reviews_reviewqueueitem_change", args=[review_world.open_talk.pk])
    body = page(client.get(url))
    assert "You can change your review until March 2, 2099, 2 a.m. (Asia/Tokyo)." in body
