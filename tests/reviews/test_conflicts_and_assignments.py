"""Conflicts of interest and reviewer assignments as organizers manage them in the staff panel."""

import pytest
from django.urls import reverse

from reviews import selectors, services
from reviews.enums import ConflictSource
from reviews.models import Assignment, Conflict, Review
from tests.factories import ReviewerFactory
from tests.helpers import form_errors, input_value, list_rows, page, table
from tests.reviews.helpers import with_event

pytestmark = pytest.mark.django_db


def test_organizer_adds_a_conflict_which_removes_assignment_and_review(client, review_world):
    client.force_login(review_world.organizer)

    response = client.post(
        reverse("admin:reviews_conflict_add"),
        {
            "proposal": review_world.proposal.pk,
            "reviewer": review_world.reviewer.pk,
            "reason": "Same lab",
        },
    )

    assert response.status_code == 302
    conflict = Conflict.objects.get(proposal=review_world.proposal, reviewer=review_world.reviewer)
    assert (conflict.source, conflict.reason) == (ConflictSource.ORGANIZER, "Same lab")
    assert conflict.created_by == review_world.organizer
    assert not Assignment.objects.filter(
        proposal=review_world.proposal, reviewer=review_world.reviewer
    ).exists()
    assert not Review.objects.filter(proposal=review_world.proposal).exists()
    listing = page(client.get(reverse("admin:reviews_conflict_changelist")))
    assert "Same lab" in listing and "Added by an organizer" in listing


def test_conflict_needs_a_reviewer_of_the_event(client, review_world):
    client.force_login(review_world.organizer)

    response = client.post(
        reverse("admin:reviews_conflict_add"),
        {
            "proposal": review_world.proposal.pk,
            "reviewer": review_world.other_reviewer.pk,
            "reason": "",
        },
    )

    assert response.status_code == 200
    assert "reviewer" in form_errors(response)
    assert not Conflict.objects.exists()


def test_declared_conflict_stays_but_organizers_remove_their_own(client, review_world):
    declared = services.conflict_declare(
        proposal=review_world.proposal, reviewer=review_world.reviewer
    )
    added = services.conflict_add(
        proposal=review_world.open_talk, reviewer=review_world.reviewer, by=review_world.organizer
    )
    client.force_login(review_world.organizer)

    refused = client.post(
        reverse("admin:reviews_conflict_delete", args=[declared.pk]), {"post": "yes"}
    )
    removed = client.post(
        reverse("admin:reviews_conflict_delete", args=[added.pk]), {"post": "yes"}
    )

    assert refused.status_code == 403
    assert removed.status_code == 302
    assert list(Conflict.objects.all()) == [declared]


def test_organizer_confirms_a_suggested_conflict(client, review_world):
    client.force_login(review_world.organizer)
    url = with_event(reverse("admin:reviews_conflict_suggestions"), review_world.event)
    before = client.get(url)
    _, *suggestions = table(before, "1 suggestion")
    assert [(row[0], row[1]) for row in suggestions] == [
        ("Rita Reviewer rita@kernel.org Reviewers", "Secret kernel talk")
    ]

    response = client.post(
        with_event(reverse("admin:reviews_conflict_confirm"), review_world.event),
        {"proposal": review_world.proposal.pk, "reviewer": review_world.reviewer.pk},
        follow=True,
    )

    conflict = Conflict.objects.get()
    assert (conflict.source, conflict.reason) == (
        ConflictSource.SUGGESTED,
        "Same email domain (kernel.org)",
    )
    assert conflict.created_by == review_world.organizer
    assert "No suggestions: nobody in Kernel Summit" in page(response)
    assert "will not review “Secret kernel talk”" in page(response)


def test_confirming_a_pair_that_is_no_suggestion_changes_nothing(client, review_world):
    client.force_login(review_world.organizer)

    response = client.post(
        with_event(reverse("admin:reviews_conflict_confirm"), review_world.event),
        {"proposal": review_world.open_talk.pk, "reviewer": review_world.reviewer.pk},
        follow=True,
    )

    assert not Conflict.objects.exists()
    assert "not open any more" in page(response)


def test_suggestion_confirm_wants_post(client, review_world):
    client.force_login(review_world.organizer)

    response = client.get(with_event(reverse("admin:reviews_conflict_confirm"), review_world.event))

    assert response.status_code == 405


def test_assignment_confirmation_shows_k_and_runs_with_the_chosen_k(client, review_world):
    second = ReviewerFactory(profile__affiliation="Second lab")
    review_world.team.members.add(second)
    selectors.settings_for(review_world.event)
    review_world.event.review_settings.reviews_per_proposal = 1
    review_world.event.review_settings.save()
    client.force_login(review_world.organizer)
    url = with_event(reverse("admin:reviews_assignment_run"), review_world.event)

    confirmation = client.get(url)
    run = client.post(url, {"k": 2}, follow=True)
    again = client.post(url, {"k": 2}, follow=True)

    assert input_value(confirmation, "k") == "1"
    assert "2 submitted proposals; 1 has fewer than 1 reviewer" in page(confirmation)
    assert "3 assignments created." in page(run)
    assert "0 assignments created." in page(again)
    pairs = set(Assignment.objects.filter(proposal__event=review_world.event).values_list(
        "proposal__title", "reviewer__email"
    ))  # fmt: skip
    assert pairs == {
        ("Secret kernel talk", review_world.reviewer.email),
        ("Secret kernel talk", second.email),
        ("Open talk", review_world.reviewer.email),
        ("Open talk", second.email),
    }


def test_assignment_run_refuses_a_k_out_of_range(client, review_world):
    client.force_login(review_world.organizer)

    response = client.post(
        with_event(reverse("admin:reviews_assignment_run"), review_world.event), {"k": 0}
    )

    assert response.status_code == 200
    assert form_errors(response) == {"k": ["Ensure this value is greater than or equal to 1."]}
    assert Assignment.objects.count() == 1


def test_organizer_assigns_and_unassigns_by_hand(client, review_world):
    client.force_login(review_world.organizer)

    added = client.post(
        reverse("admin:reviews_assignment_add"),
        {"proposal": review_world.open_talk.pk, "reviewer": review_world.reviewer.pk},
    )
    assignment = Assignment.objects.get(proposal=review_world.open_talk)
    removed = client.post(
        reverse("admin:reviews_assignment_delete", args=[assignment.pk]), {"post": "yes"}
    )

    assert added.status_code == 302 and removed.status_code == 302
    assert assignment.automatic is False
    assert not Assignment.objects.filter(proposal=review_world.open_talk).exists()


def test_manual_assignment_respects_conflicts(client, review_world):
    review_world.team.members.add(review_world.speaker)
    client.force_login(review_world.organizer)

    response = client.post(
        reverse("admin:reviews_assignment_add"),
        {"proposal": review_world.proposal.pk, "reviewer": review_world.speaker.pk},
    )

    assert response.status_code == 200
    assert form_errors(response) == {
        "reviewer": [
            f"{review_world.speaker.email} has a conflict of interest with “Secret kernel talk”."
        ]
    }
    assert not Assignment.objects.filter(reviewer=review_world.speaker).exists()


def test_assignment_list_shows_whether_reviewed(client, review_world):
    Assignment.objects.create(proposal=review_world.open_talk, reviewer=review_world.reviewer)
    client.force_login(review_world.organizer)

    response = client.get(reverse("admin:reviews_assignment_changelist"))

    reviewed = {row["proposal_title"]: row["reviewed"] for row in list_rows(response)}
    assert reviewed == {"Secret kernel talk": "True", "Open talk": "False"}
