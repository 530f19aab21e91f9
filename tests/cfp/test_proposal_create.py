"""Writing a new proposal: drafts, submission, the deadline and who may write one."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from cfp.enums import ProposalState
from cfp.models import Proposal, ProposalTransition
from tests.cfp.speaker_pages import close_cfp, event_url, login_url
from tests.factories import (
    EventFactory,
    ProfileFactory,
    SpeakerFactory,
    SubmissionTypeFactory,
    TrackFactory,
    UserFactory,
)
from tests.helpers import complete_data, page

pytestmark = pytest.mark.django_db


def test_proposal_create_anonymous_is_redirected_to_login_and_nothing_is_saved(client, event):
    url = event_url("proposal_create", event)

    get_response = client.get(url)
    post_response = client.post(url, {"title": "Sneaky", "draft": "1"})

    assert get_response.url == login_url(url)
    assert post_response.url == login_url(url)
    assert Proposal.objects.count() == 0


def test_proposal_create_form_shows_submit_and_draft_buttons(speaker_client, event):
    SubmissionTypeFactory(event=event, name="Lightning talk", default_duration=5)

    response = speaker_client.get(event_url("proposal_create", event), follow=True)

    body = page(response)
    assert f"Submit a proposal to {event.name}" in body
    assert 'name="submit" value="1"' in body
    assert 'name="draft" value="1"' in body
    assert "Lightning talk (5 min)" in body
    assert "complete your profile" not in body


def test_proposal_create_form_does_not_offer_another_events_types(speaker_client, event):
    SubmissionTypeFactory(event=EventFactory(), name="Foreign workshop")

    response = speaker_client.get(event_url("proposal_create", event), follow=True)

    assert "Foreign workshop" not in page(response)


def test_proposal_create_save_draft_needs_only_a_title(speaker_client, speaker, event):
    response = speaker_client.post(
        event_url("proposal_create", event), {"title": "Just an idea", "draft": "1"}, follow=True
    )

    proposal = Proposal.objects.get()
    assert response.redirect_chain == [(proposal.get_absolute_url(), 302)]
    assert proposal.title == "Just an idea"
    assert proposal.state == ProposalState.DRAFT
    assert proposal.event == event
    assert list(proposal.speakers.all()) == [speaker]
    assert proposal.submission_type is None
    assert proposal.abstract == ""
    assert "“Just an idea” is saved." in page(response)


def test_proposal_create_save_draft_without_title_is_refused(speaker_client, event):
    response = speaker_client.post(
        event_url("proposal_create", event), {"title": "   ", "abstract": "Text", "draft": "1"}
    )

    body = page(response)
    assert response.status_code == 200
    assert "Your proposal was not saved" in body
    assert "This field is required." in body
    assert Proposal.objects.count() == 0


def test_proposal_create_submit_requires_the_required_fields(
    speaker_client, event, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = speaker_client.post(
            event_url("proposal_create", event), {"title": "Only a title", "submit": "1"}
        )

    body = page(response)
    assert response.status_code == 200
    assert "Your proposal was not saved" in body
    for field in ("submission_type", "experience_level", "abstract"):
        assert f'id="error_1_id_{field}"' in body
    # Each beside its field, and again in the list of errors at the top of the page.
    assert body.count("This field is required.") == 2 * 3
    assert body.count('class="alert-link"') == 3
    assert Proposal.objects.count() == 0
    assert mailoutbox == []


def test_proposal_create_submit_requires_a_category_when_the_event_has_tracks(
    speaker_client, event
):
    TrackFactory(event=event, name="Security")

    response = speaker_client.post(
        event_url("proposal_create", event), {**complete_data(event), "submit": "1"}
    )

    body = page(response)
    assert 'id="error_1_id_track"' in body
    assert "This field is required." in body
    assert Proposal.objects.count() == 0


def test_proposal_create_submit_submits_and_sends_the_confirmation(
    speaker_client, speaker, event, mailoutbox, django_capture_on_commit_callbacks
):
    data = complete_data(event)

    with django_capture_on_commit_callbacks(execute=True):
        response = speaker_client.post(
            event_url("proposal_create", event), {**data, "submit": "1"}, follow=True
        )

    proposal = Proposal.objects.get()
    assert response.redirect_chain == [(proposal.get_absolute_url(), 302)]
    assert proposal.state == ProposalState.SUBMITTED
    assert proposal.submitted_at is not None
    assert proposal.title == data["title"]
    assert proposal.abstract == data["abstract"]
    assert proposal.notes == data["notes"]
    assert ProposalTransition.objects.filter(
        proposal=proposal, from_state="draft", to_state="submitted", by=speaker
    ).exists()
    assert "is submitted. We have sent a confirmation by email." in page(response)
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == [speaker.email]
    assert message.subject == f"Proposal received: {data['title']} ({event.name})"
    assert f"we have received the proposal “{data['title']}” for {event.name}." in message.body
    assert f"Hello {speaker.profile.name}," in message.body
    assert settings.SITE_URL + proposal.get_absolute_url() in message.body


def test_proposal_create_incomplete_profile_saves_a_draft_warns_and_redirects_to_profile(
    client, event, mailoutbox, django_capture_on_commit_callbacks
):
    user = ProfileFactory(biography="").user
    client.force_login(user)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            event_url("proposal_create", event),
            {**complete_data(event), "submit": "1"},
            follow=True,
        )

    proposal = Proposal.objects.get()
    profile_url = f"{reverse('speakers:profile')}?next={proposal.get_absolute_url()}"
    assert response.redirect_chain == [(profile_url, 302)]
    assert proposal.state == ProposalState.DRAFT
    assert list(proposal.speakers.all()) == [user]
    body = page(response)
    assert "is saved as a draft but not submitted" in body
    assert "Please complete your profile (name and biography) before you submit." in body
    assert f'name="next" value="{proposal.get_absolute_url()}"' in body
    assert mailoutbox == []


def test_proposal_create_user_without_profile_is_prompted_once_on_the_form(client, event):
    client.force_login(UserFactory())

    response = client.get(event_url("proposal_create", event), follow=True)

    body = page(response)
    assert "complete your profile</a> with your name and biography" in body
    assert f'href="{reverse("speakers:profile")}?next=' in body
    # Once: not also as a message above the page (it said the same thing twice).
    assert body.count("biography") == 1


def test_proposal_create_hidden_event_is_404_for_a_speaker(speaker_client):
    event = EventFactory(is_public=False)

    get_response = speaker_client.get(event_url("proposal_create", event))
    post_response = speaker_client.post(
        event_url("proposal_create", event), {"title": "Sneaky", "draft": "1"}
    )

    assert get_response.status_code == 404
    assert post_response.status_code == 404
    assert Proposal.objects.count() == 0


def test_proposal_create_hidden_event_is_open_to_its_organizer(client):
    organizer = SpeakerFactory(is_staff=True)  # organizers are staff accounts
    event = EventFactory(is_public=False, organizers=[organizer])
    client.force_login(organizer)

    response = client.post(event_url("proposal_create", event), {"title": "Dry run", "draft": "1"})

    proposal = Proposal.objects.get()
    assert response.url == proposal.get_absolute_url()
    assert proposal.event == event


def test_proposal_create_after_the_deadline_is_refused(speaker_client, event):
    close_cfp(event)
    data = {**complete_data(event), "title": "Typed while the clock ran out", "submit": "1"}

    response = speaker_client.post(event_url("proposal_create", event), data)

    body = page(response)
    assert response.status_code == 200
    assert "The call for papers is not open. Nothing was saved" in body
    assert 'value="Typed while the clock ran out"' in body  # the text is given back
    assert Proposal.objects.count() == 0


def test_proposal_create_page_after_the_deadline_redirects_to_the_cfp(speaker_client, event):
    close_cfp(event)

    response = speaker_client.get(event_url("proposal_create", event), follow=True)

    assert response.redirect_chain == [(event.get_absolute_url(), 302)]
    assert "The call for papers is not open, so no new proposals for now." in page(response)


def test_proposal_create_before_the_opening_is_refused(speaker_client, event):
    event.cfp.opens_at = timezone.now() + timedelta(days=1)
    event.cfp.save()

    response = speaker_client.post(
        event_url("proposal_create", event), {"title": "Early bird", "draft": "1"}
    )

    assert "The call for papers is not open" in page(response)
    assert Proposal.objects.count() == 0
