"""Who gets into the reviewers' pages of the staff panel, and what each role may do there."""

import pytest
from django.urls import reverse

from reviews.models import Conflict, Review
from tests.factories import EventFactory, ReviewerFactory, ReviewerTeamFactory, UserFactory
from tests.helpers import is_staff_panel_refusal, page
from tests.reviews.reviewer_pages import (
    QUEUE_URL,
    conflict_url,
    queue_titles,
    review_url,
    score_data,
    submitted_for,
)

pytestmark = pytest.mark.django_db


ROLES = [
    "anonymous",
    "speaker",
    "reviewer_here",
    "reviewer_elsewhere",
    "organizer_here",
    "organizer_elsewhere",
]


def log_in_as(client, role: str, event, talk):
    """Log in as someone in the given role towards `talk` of `event`; None for anonymous."""
    if role == "anonymous":
        return None
    if role == "speaker":
        user = talk.speakers.get()
    elif role == "reviewer_here":
        user = talk.review_assignments.get().reviewer
    elif role == "reviewer_elsewhere":
        user = ReviewerFactory()
        elsewhere = EventFactory(name="Elsewhere Con")
        ReviewerTeamFactory(event=elsewhere, members=[user])
        submitted_for(elsewhere, "Their own queue item", user)
    elif role == "organizer_here":
        user = UserFactory(is_staff=True)
        event.organizers.add(user)
    else:
        user = UserFactory(is_staff=True)
        EventFactory(organizers=[user])
    client.force_login(user)
    return user


def perform(client, action: str, talk):
    if action == "queue":
        return client.get(QUEUE_URL)
    if action == "review_get":
        return client.get(review_url(talk))
    if action == "review_post":
        return client.post(review_url(talk), score_data(talk.event, 4, comment="Solid."))
    if action == "skip":
        return client.post(review_url(talk), {"_skip": "Skip"})
    if action == "conflict_get":
        return client.get(conflict_url(talk))
    if action == "conflict_post":
        return client.post(conflict_url(talk), {"reason": "We work together."})
    raise AssertionError(action)


ACTIONS = ["queue", "review_get", "review_post", "skip", "conflict_get", "conflict_post"]


# What each role gets for each action; "ok" is the reviewer's happy path.
EXPECTED = {
    "anonymous": dict.fromkeys(ACTIONS, "login"),
    "speaker": dict.fromkeys(ACTIONS, "no staff access"),
    "reviewer_here": dict.fromkeys(ACTIONS, "ok"),
    "reviewer_elsewhere": {**dict.fromkeys(ACTIONS, 404), "queue": "own queue"},
    "organizer_here": dict.fromkeys(ACTIONS, 403),
    "organizer_elsewhere": dict.fromkeys(ACTIONS, 403),
}


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(client, review_event, talk, role, action):
    log_in_as(client, role, review_event, talk)

    response = perform(client, action, talk)

    expected = EXPECTED[role][action]
    body = page(response)
    if expected == "login":
        assert response.status_code == 302
        assert response.url.startswith(reverse("admin:login"))
    elif expected == "no staff access":
        assert is_staff_panel_refusal(response)
    elif expected in (403, 404):
        assert response.status_code == expected
        # An error page, not the proposal: no title, no abstract.
        assert talk.title not in body
        assert talk.abstract not in body
    elif expected == "own queue":
        assert response.status_code == 200
        assert queue_titles(response) == ["Their own queue item"]
        assert talk.title not in body
    elif action in ("queue", "review_get", "conflict_get"):
        assert response.status_code == 200
        assert talk.title in body
    else:
        # Saving stays on the page; skipping and declaring go back to the (then empty) queue.
        assert response.status_code == 302
        assert response.url == (review_url(talk) if action == "review_post" else QUEUE_URL)
    saved = Review.objects.filter(proposal=talk).exists()
    conflicted = Conflict.objects.filter(proposal=talk).exists()
    assert saved == (expected == "ok" and action == "review_post")
    assert conflicted == (expected == "ok" and action == "conflict_post")


def test_reviewer_sees_the_queue_on_the_index_and_organizers_do_not(client, review_event, talk):
    organizer = UserFactory(is_staff=True)
    review_event.organizers.add(organizer)
    reviewer = talk.review_assignments.get().reviewer

    client.force_login(reviewer)
    reviewer_index = page(client.get(reverse("admin:index")))
    client.force_login(organizer)
    organizer_index = page(client.get(reverse("admin:index")))

    assert "Proposals to review" in reviewer_index
    assert QUEUE_URL in reviewer_index
    assert "Proposals to review" not in organizer_index


def test_organizer_who_also_reviews_sees_the_queue(client, review_event, reviewer, talk):
    review_event.organizers.add(reviewer)
    client.force_login(reviewer)

    response = client.get(QUEUE_URL)

    assert queue_titles(response) == [talk.title]


def test_reviewers_cannot_add_delete_or_see_history(client, reviewer, talk):
    client.force_login(reviewer)
    opts = "admin:reviews_reviewqueueitem"

    add = client.get(reverse(f"{opts}_add"))
    delete = client.post(reverse(f"{opts}_delete", args=[talk.pk]), {"post": "yes"})
    history = client.get(reverse(f"{opts}_history", args=[talk.pk]))

    assert add.status_code == 403
    assert delete.status_code == 403
    assert history.status_code == 404
    assert talk.title not in page(history)
    talk.refresh_from_db()  # still there
    assert 'name="action"' not in page(client.get(QUEUE_URL))  # no bulk actions at all
