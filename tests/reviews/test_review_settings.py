"""Reviewer teams and an event's review settings and criteria in the staff panel."""

from datetime import datetime

import pytest
from django.urls import reverse

from reviews import selectors
from reviews.models import ReviewerTeam
from tests.factories import EventFactory, TrackFactory, UserFactory
from tests.helpers import FormData, choices, form_errors, page

pytestmark = pytest.mark.django_db


def test_organizer_makes_a_team_whose_members_become_staff(client, review_world):
    track = TrackFactory(event=review_world.event, name="Kernel")
    newcomer = UserFactory(email="Nina@Lectern.test")
    client.force_login(review_world.organizer)

    response = client.post(
        reverse("admin:reviews_reviewerteam_add"),
        {
            "event": review_world.event.pk,
            "name": "Track chairs",
            "members": [review_world.speaker.pk],
            "add_by_email": "nina@lectern.test",
            "tracks": [track.pk],
        },
    )

    assert response.status_code == 302, form_errors(response)
    team = ReviewerTeam.objects.get(name="Track chairs")
    assert set(team.members.all()) == {review_world.speaker, newcomer}
    assert list(team.tracks.all()) == [track]
    assert all(u.is_staff for u in team.members.all())


def test_team_members_are_picked_from_the_organizers_events_only(client, review_world):
    stranger = UserFactory(email="stranger@lectern.test")
    client.force_login(review_world.organizer)

    form = client.get(reverse("admin:reviews_reviewerteam_add"))
    refused = client.post(
        reverse("admin:reviews_reviewerteam_add"),
        {"event": review_world.event.pk, "name": "T", "add_by_email": "nobody@lectern.test"},
    )

    candidates = set(choices(form, "members"))
    wanted = {review_world.reviewer, review_world.speaker, review_world.organizer}
    assert {str(user.pk) for user in wanted} <= candidates
    assert {str(stranger.pk), str(review_world.other_reviewer.pk)}.isdisjoint(candidates)
    assert "No account has the address nobody@lectern.test" in str(form_errors(refused))


def test_team_tracks_belong_to_the_teams_event(client, review_world):
    second = EventFactory(name="Second Summit", organizers=[review_world.organizer])
    foreign = TrackFactory(event=second, name="Foreign")
    own = TrackFactory(event=review_world.event, name="Own")
    client.force_login(review_world.organizer)

    change = client.get(reverse("admin:reviews_reviewerteam_change", args=[review_world.team.pk]))
    added = client.post(
        reverse("admin:reviews_reviewerteam_add"),
        {"event": review_world.event.pk, "name": "Mixed", "tracks": [foreign.pk]},
    )

    assert choices(change, "tracks") == {str(own.pk): "Kernel Summit: Own"}
    assert "is a track of another event" in str(form_errors(added))
    assert not ReviewerTeam.objects.filter(name="Mixed").exists()


def test_event_page_edits_review_settings_in_the_event_timezone(client, review_world):
    client.force_login(review_world.organizer)
    url = reverse("admin:cfp_event_change", args=[review_world.event.pk])
    data = FormData(page(client.get(url)), "event_form").data
    data.update(
        {
            "review_settings-0-blind": ["on"],
            "review_settings-0-deadline_0": ["2030-03-01"],
            "review_settings-0-deadline_1": ["18:00:00"],
            "review_settings-0-reviews_per_proposal": ["2"],
            "review_criteria-0-name": ["Content"],
            "review_criteria-0-weight": ["3"],
            "review_criteria-TOTAL_FORMS": ["2"],
            "review_criteria-1-name": ["Delivery"],
            "review_criteria-1-min_score": ["0"],
            "review_criteria-1-max_score": ["10"],
            "review_criteria-1-labels": ["0 = None at all\n10 = Brilliant"],
            "review_criteria-1-weight": ["1"],
            "review_criteria-1-position": ["1"],
        }
    )

    response = client.post(url, data)

    assert response.status_code == 302, form_errors(response)
    settings = selectors.settings_for(review_world.event)
    assert settings.blind and settings.reviews_per_proposal == 2
    # Typed in the event's time zone (Europe/Berlin, winter: UTC+1).
    assert settings.deadline == datetime(2030, 3, 1, 18, 0, tzinfo=review_world.event.tz)
    criteria = [
        (c.name, c.min_score, c.max_score, c.weight)
        for c in selectors.criteria_for(review_world.event)
    ]
    assert criteria == [("Content", 1, 5, 3), ("Delivery", 0, 10, 1)]


def test_event_page_refuses_a_criterion_without_a_scale(client, review_world):
    client.force_login(review_world.organizer)
    url = reverse("admin:cfp_event_change", args=[review_world.event.pk])
    data = FormData(page(client.get(url)), "event_form").data
    data["review_criteria-0-max_score"] = ["1"]

    response = client.post(url, data)

    assert response.status_code == 200
    assert "The highest score must be above the lowest." in page(response)
    assert selectors.criteria_for(review_world.event)[0].max_score == 5


def test_new_event_form_still_works_without_review_inlines(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    response = client.get(reverse("admin:cfp_event_add"))

    assert response.status_code == 200
    assert "review_settings-TOTAL_FORMS" not in page(response)
