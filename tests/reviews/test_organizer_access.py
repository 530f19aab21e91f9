"""Who gets into the organizers' review pages of the staff panel, and what the others never see."""

import pytest
from django.urls import reverse

from reviews.enums import ConflictSource
from reviews.models import Assignment, Conflict, Review
from tests.factories import UserFactory
from tests.helpers import is_staff_panel_refusal, list_titles, page
from tests.reviews.helpers import with_event

pytestmark = pytest.mark.django_db


SECRETS = ("Secret kernel talk", "Strong accept, unique content", "Programme committee")


PAGES = {
    "ranked list": lambda w: (
        "get",
        with_event(reverse("admin:reviews_rankedproposal_changelist"), w.event),
        None,
    ),
    "proposal reviews": lambda w: (
        "get",
        reverse("admin:reviews_rankedproposal_change", args=[w.proposal.pk]),
        None,
    ),
    "reviewer progress": lambda w: (
        "get",
        with_event(reverse("admin:reviews_rankedproposal_reviewers"), w.event),
        None,
    ),
    "conflict list": lambda w: (
        "get",
        with_event(reverse("admin:reviews_conflict_changelist"), w.event),
        None,
    ),
    "conflict add": lambda w: (
        "post",
        reverse("admin:reviews_conflict_add"),
        {"proposal": w.open_talk.pk, "reviewer": w.reviewer.pk, "reason": "Same lab"},
    ),
    "suggestions": lambda w: (
        "get",
        with_event(reverse("admin:reviews_conflict_suggestions"), w.event),
        None,
    ),
    "suggestion confirm": lambda w: (
        "post",
        with_event(reverse("admin:reviews_conflict_confirm"), w.event),
        {"proposal": w.proposal.pk, "reviewer": w.reviewer.pk},
    ),
    "assignment confirmation": lambda w: (
        "get",
        with_event(reverse("admin:reviews_assignment_run"), w.event),
        None,
    ),
    "assignment run": lambda w: (
        "post",
        with_event(reverse("admin:reviews_assignment_run"), w.event),
        {"k": 2},
    ),
    "assignment list": lambda w: (
        "get",
        with_event(reverse("admin:reviews_assignment_changelist"), w.event),
        None,
    ),
    "team list": lambda w: ("get", reverse("admin:reviews_reviewerteam_changelist"), None),
    "team page": lambda w: (
        "get",
        reverse("admin:reviews_reviewerteam_change", args=[w.team.pk]),
        None,
    ),
    "event review settings": lambda w: (
        "get",
        reverse("admin:cfp_event_change", args=[w.event.pk]),
        None,
    ),
}


# What the event's organizer finds on each page (or in the database after an action).
ALLOWED = {
    "ranked list": lambda w, r: "Secret kernel talk" in page(r) and "4.00" in page(r),
    "proposal reviews": lambda w, r: "Strong accept, unique content" in page(r),
    "reviewer progress": lambda w, r: "Rita Reviewer" in page(r),
    "conflict list": lambda w, r: "Suggested conflicts" in page(r),
    "conflict add": lambda w, r: Conflict.objects.filter(
        proposal=w.open_talk, reviewer=w.reviewer, source=ConflictSource.ORGANIZER
    ).exists(),
    "suggestions": lambda w, r: "Same email domain (kernel.org)" in page(r),
    "suggestion confirm": lambda w, r: Conflict.objects.filter(
        proposal=w.proposal, reviewer=w.reviewer, source=ConflictSource.SUGGESTED
    ).exists(),
    "assignment confirmation": lambda w, r: "Reviewers per proposal" in page(r),
    "assignment run": lambda w, r: Assignment.objects.filter(
        proposal=w.open_talk, reviewer=w.reviewer, automatic=True
    ).exists(),
    "assignment list": lambda w, r: "Secret kernel talk" in page(r),
    "team list": lambda w, r: "Programme committee" in page(r),
    "team page": lambda w, r: "Programme committee" in page(r),
    "event review settings": lambda w, r: (
        "Reviewers per proposal" in page(r) and "Overall" in page(r)
    ),
}


ROLES = {
    "anonymous": lambda w: None,
    "speaker": lambda w: w.speaker,
    "reviewer of this event": lambda w: w.reviewer,
    "reviewer of another event": lambda w: w.other_reviewer,
    "organizer of another event": lambda w: w.other_organizer,
}


def snapshot():
    return (
        list(Conflict.objects.values_list("pk", "source")),
        list(Assignment.objects.values_list("pk", flat=True)),
        list(Review.objects.values_list("pk", flat=True)),
    )


@pytest.mark.parametrize("name", PAGES)
def test_organizer_of_the_event_uses_every_page(client, review_world, name):
    method, url, data = PAGES[name](review_world)
    client.force_login(review_world.organizer)

    response = getattr(client, method)(url, data) if data else getattr(client, method)(url)

    expected = 302 if method == "post" else 200
    assert response.status_code == expected, page(response)[:2000]
    assert ALLOWED[name](review_world, response)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", PAGES)
def test_nobody_else_gets_in(client, review_world, name, role):
    method, url, data = PAGES[name](review_world)
    user = ROLES[role](review_world)
    if user is not None:
        client.force_login(user)
    before = snapshot()

    response = getattr(client, method)(url, data) if data else getattr(client, method)(url)

    assert snapshot() == before, "an action went through"
    if role == "anonymous":
        assert response.status_code == 302 and "/admin/login/" in response.url
        return
    if role == "speaker":
        assert is_staff_panel_refusal(response)
        return
    body = page(response)
    if response.status_code == 302:
        # "Does not exist" for them: back to the index, which shows nothing of the event.
        assert response.url == reverse("admin:index")
        body = page(client.get(response.url))
    elif role == "organizer of another event" and response.status_code == 200:
        # Their own data only: a form that refused the other event's objects, or a list
        # filtered to an event that is not theirs.
        assert "Kernel Summit" not in body
    else:
        assert response.status_code in (403, 404), response.status_code
    for secret in SECRETS:
        assert secret not in body


def test_organizer_of_another_event_sees_only_their_own_ranked_list(client, review_world):
    client.force_login(review_world.other_organizer)

    response = client.get(reverse("admin:reviews_rankedproposal_changelist"))

    assert list_titles(response) == ["Their own talk"]
    assert "Secret kernel talk" not in page(response)


def test_superuser_sees_the_ranked_list_of_any_event(client, review_world):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    response = client.get(
        with_event(reverse("admin:reviews_rankedproposal_changelist"), review_world.event)
    )

    assert set(list_titles(response)) == {
        "Secret kernel talk",
        "Open talk",
    }


def test_reviewer_sees_no_organizer_models_on_the_index(client, review_world):
    client.force_login(review_world.reviewer)

    body = page(client.get(reverse("admin:index")))

    for name in ("Ranked proposals", "Conflicts", "Assignments", "Reviewer teams"):
        assert name not in body
