"""The home page, an event's CfP page and a speaker's list of proposals: who sees what."""

import pytest
from django.urls import reverse

from tests.cfp.speaker_pages import event_url, login_url, submitted
from tests.factories import EventFactory, ProfileFactory, ProposalFactory, SpeakerFactory
from tests.helpers import page

pytestmark = pytest.mark.django_db


def test_home_lists_public_events_and_not_hidden_ones(client):
    public = EventFactory(name="Public Conf")
    hidden = EventFactory(name="Secret Conf", is_public=False)

    response = client.get(reverse("cfp:home"))

    body = page(response)
    assert public.name in body
    assert public.get_absolute_url() in body
    assert hidden.name not in body
    assert hidden.get_absolute_url() not in body


def test_event_page_shows_the_cfp_to_anonymous_users(client, event):
    response = client.get(event.get_absolute_url())

    body = page(response)
    assert response.status_code == 200
    assert event.name in body
    assert "CfP open" in body
    assert event_url("proposal_create", event) in body
    assert "Your proposals for this event" not in body


def test_event_page_lists_only_the_users_own_proposals(speaker_client, proposal, other_speaker):
    other = ProposalFactory(event=proposal.event, speakers=[other_speaker], title="Not yours")

    response = speaker_client.get(proposal.event.get_absolute_url())

    body = page(response)
    assert "Your proposals for this event" in body
    assert proposal.title in body
    assert other.title not in body
    assert other.code not in body


def test_event_page_counts_submitted_proposals_but_not_drafts(client, event):
    submitted(ProposalFactory(event=event))
    ProposalFactory(event=event)  # a draft

    response = client.get(event.get_absolute_url())

    assert "1 proposal so far." in page(response)


def test_event_page_unknown_slug_is_404(client, db):
    response = client.get(reverse("cfp:event", kwargs={"event": "no-such-event"}))

    assert response.status_code == 404


def test_event_page_event_without_cfp_is_404(client, db):
    event = EventFactory(cfp=None, name="No CfP Conf")

    response = client.get(event.get_absolute_url())

    assert response.status_code == 404
    assert event.name not in page(response)


@pytest.mark.parametrize("who", ["anonymous", "speaker", "other_organizer"])
def test_event_page_hidden_event_is_404_for_non_organizers(client, who, other_organizer):
    event = EventFactory(is_public=False, name="Secret Conf")
    if who == "speaker":
        client.force_login(SpeakerFactory())
    elif who == "other_organizer":
        client.force_login(other_organizer)

    response = client.get(event.get_absolute_url())

    assert response.status_code == 404
    assert event.name not in page(response)


def test_event_page_hidden_event_is_shown_to_its_organizer(client):
    organizer = SpeakerFactory(is_staff=True)  # organizers are staff accounts
    event = EventFactory(is_public=False, name="Secret Conf", organizers=[organizer])
    client.force_login(organizer)

    response = client.get(event.get_absolute_url())

    body = page(response)
    assert response.status_code == 200
    assert event.name in body
    assert "This event is hidden: only its organizers see this page." in body


def test_my_proposals_anonymous_is_redirected_to_login(client):
    url = reverse("cfp:my_proposals")

    response = client.get(url)

    assert response.status_code == 302
    assert response.url == login_url(url)


def test_my_proposals_lists_own_and_co_spoken_proposals_only(
    speaker_client, speaker, proposal, other_speaker
):
    co_spoken = ProposalFactory(speakers=[other_speaker, speaker], title="Shared talk")
    foreign = ProposalFactory(speakers=[other_speaker], title="Somebody else's talk")

    response = speaker_client.get(reverse("cfp:my_proposals"))

    body = page(response)
    assert proposal.title in body
    assert co_spoken.title in body
    assert foreign.code not in body
    assert "Somebody else" not in body
    assert "Complete <a" not in body  # the profile is complete: no hint


def test_my_proposals_organizer_of_another_event_sees_no_foreign_proposals(
    client, proposal, other_organizer
):
    client.force_login(other_organizer)

    response = client.get(reverse("cfp:my_proposals"))

    body = page(response)
    assert "You have no proposals yet." in body
    assert proposal.title not in body


def test_my_proposals_incomplete_profile_shows_a_hint(client):
    user = ProfileFactory(biography="").user
    client.force_login(user)

    response = client.get(reverse("cfp:my_proposals"))

    assert "(name and biography) before you submit" in page(response)
