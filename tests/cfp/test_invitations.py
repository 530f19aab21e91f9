"""Co-speaker invitations: sending and retracting one, and the invitee's page and answer."""

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from cfp.enums import InvitationState
from cfp.models import Invitation
from tests.cfp.speaker_pages import close_cfp, login_url, proposal_url, submitted
from tests.factories import InvitationFactory, ProposalFactory, SpeakerFactory
from tests.helpers import page

pytestmark = pytest.mark.django_db


def test_invitation_create_anonymous_is_redirected_to_login(client, proposal, mailoutbox):
    url = proposal_url("invitation_create", proposal)

    response = client.post(url, {"email": "friend@example.com"})

    assert response.url == login_url(url)
    assert not Invitation.objects.exists()
    assert mailoutbox == []


def test_invitation_create_get_is_not_allowed(speaker_client, proposal):
    response = speaker_client.get(proposal_url("invitation_create", proposal))

    assert response.status_code == 405


def test_invitation_create_sends_the_link_to_the_invitee(
    speaker_client, speaker, proposal, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = speaker_client.post(
            proposal_url("invitation_create", proposal),
            {"email": "Friend@Example.com"},
            follow=True,
        )

    invitation = Invitation.objects.get()
    assert response.redirect_chain == [(proposal.get_absolute_url(), 302)]
    assert invitation.proposal == proposal
    assert invitation.email == "friend@example.com"
    assert invitation.invited_by == speaker
    assert invitation.state == InvitationState.PENDING
    body = page(response)
    assert "An invitation is on its way to friend@example.com." in body
    assert "friend@example.com" in body  # listed under the invitations
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["friend@example.com"]
    assert message.subject == f"You are invited to speak at {proposal.event.name}"
    assert settings.SITE_URL + f"/invitations/{invitation.token}/" in message.body
    assert f"“{proposal.title}”" in message.body
    assert speaker.profile.name in message.body


def test_invitation_create_duplicate_is_refused(
    speaker_client, proposal, mailoutbox, django_capture_on_commit_callbacks
):
    url = proposal_url("invitation_create", proposal)
    with django_capture_on_commit_callbacks(execute=True):
        speaker_client.post(url, {"email": "friend@example.com"})

    with django_capture_on_commit_callbacks(execute=True):
        response = speaker_client.post(url, {"email": "FRIEND@example.com"}, follow=True)

    assert "friend@example.com has already been invited." in page(response)
    assert Invitation.objects.count() == 1
    assert len(mailoutbox) == 1


def test_invitation_create_can_invite_again_after_a_retraction(
    speaker_client, proposal, mailoutbox, django_capture_on_commit_callbacks
):
    InvitationFactory(proposal=proposal, email="friend@example.com", state="retracted")

    with django_capture_on_commit_callbacks(execute=True):
        speaker_client.post(
            proposal_url("invitation_create", proposal), {"email": "friend@example.com"}
        )

    assert Invitation.objects.filter(state=InvitationState.PENDING).count() == 1
    assert [m.to for m in mailoutbox] == [["friend@example.com"]]


def test_invitation_create_existing_speaker_is_refused(
    speaker_client, proposal, co_speaker, mailoutbox
):
    response = speaker_client.post(
        proposal_url("invitation_create", proposal), {"email": co_speaker.email}, follow=True
    )

    assert f"{co_speaker.email} is already a speaker of this proposal." in page(response)
    assert not Invitation.objects.exists()
    assert mailoutbox == []


def test_invitation_create_invalid_address_is_refused(speaker_client, proposal, mailoutbox):
    response = speaker_client.post(
        proposal_url("invitation_create", proposal), {"email": "not an address"}, follow=True
    )

    assert "Please enter a valid email address to invite a co-speaker." in page(response)
    assert not Invitation.objects.exists()
    assert mailoutbox == []


def test_invitation_create_after_the_deadline_is_refused(speaker_client, proposal, mailoutbox):
    close_cfp(proposal.event)

    response = speaker_client.post(
        proposal_url("invitation_create", proposal), {"email": "late@example.com"}, follow=True
    )

    assert "Co-speakers can be invited only while the proposal can be edited." in page(response)
    assert not Invitation.objects.exists()
    assert mailoutbox == []


@pytest.mark.parametrize("who", ["other_speaker", "other_organizer"])
def test_invitation_create_is_404_for_others(client, proposal, who, request, mailoutbox):
    client.force_login(request.getfixturevalue(who))

    response = client.post(
        proposal_url("invitation_create", proposal), {"email": "accomplice@example.com"}
    )

    assert response.status_code == 404
    assert not Invitation.objects.exists()
    assert mailoutbox == []


def test_invitation_retract_retracts_and_the_link_stops_working(speaker_client, client, proposal):
    invitation = InvitationFactory(proposal=proposal)

    response = speaker_client.post(
        proposal_url("invitation_retract", proposal, pk=invitation.pk), follow=True
    )

    assert response.redirect_chain == [(proposal.get_absolute_url(), 302)]
    assert f"The invitation to {invitation.email} is retracted." in page(response)
    invitation.refresh_from_db()
    assert invitation.state == InvitationState.RETRACTED
    assert invitation.responded_at is not None

    invitee = SpeakerFactory(email=invitation.email)
    client.force_login(invitee)
    accept = client.post(invitation.get_absolute_url(), follow=True)
    assert "This invitation has been used or retracted." in page(accept)
    assert not proposal.speakers.filter(pk=invitee.pk).exists()


def test_invitation_retract_twice_says_it_is_no_longer_pending(speaker_client, proposal):
    invitation = InvitationFactory(proposal=proposal, state=InvitationState.ACCEPTED)

    response = speaker_client.post(
        proposal_url("invitation_retract", proposal, pk=invitation.pk), follow=True
    )

    assert "This invitation is no longer pending." in page(response)
    invitation.refresh_from_db()
    assert invitation.state == InvitationState.ACCEPTED


def test_invitation_retract_anonymous_is_redirected_to_login(client, proposal):
    invitation = InvitationFactory(proposal=proposal)
    url = proposal_url("invitation_retract", proposal, pk=invitation.pk)

    response = client.post(url)

    assert response.url == login_url(url)
    invitation.refresh_from_db()
    assert invitation.state == InvitationState.PENDING


@pytest.mark.parametrize("who", ["other_speaker", "other_organizer"])
def test_invitation_retract_is_404_for_others(client, proposal, who, request):
    invitation = InvitationFactory(proposal=proposal)
    client.force_login(request.getfixturevalue(who))

    response = client.post(proposal_url("invitation_retract", proposal, pk=invitation.pk))

    assert response.status_code == 404
    invitation.refresh_from_db()
    assert invitation.state == InvitationState.PENDING


def test_invitation_retract_of_another_proposals_invitation_is_404(
    speaker_client, proposal, other_speaker
):
    foreign = InvitationFactory(proposal=ProposalFactory(speakers=[other_speaker]))

    response = speaker_client.post(proposal_url("invitation_retract", proposal, pk=foreign.pk))

    assert response.status_code == 404
    foreign.refresh_from_db()
    assert foreign.state == InvitationState.PENDING


def test_invitation_detail_invitee_sees_the_proposal_and_the_accept_button(
    client, invitation, invitee
):
    client.force_login(invitee)

    response = client.get(invitation.get_absolute_url())

    body = page(response)
    assert invitation.proposal.title in body
    assert "Accept the invitation" in body


def test_invitation_detail_other_user_does_not_see_the_proposal(client, invitation, other_speaker):
    client.force_login(other_speaker)

    response = client.get(invitation.get_absolute_url())

    body = page(response)
    assert "This invitation is for another email address" in body
    assert invitation.proposal.title not in body
    assert "Accept the invitation" not in body


def test_invitation_accept_by_the_invited_address_adds_the_co_speaker(client, invitation, invitee):
    proposal = invitation.proposal
    client.force_login(invitee)
    assert client.get(proposal.get_absolute_url()).status_code == 404  # not yet a speaker

    response = client.post(invitation.get_absolute_url(), follow=True)

    assert response.redirect_chain == [(proposal.get_absolute_url(), 302)]
    invitation.refresh_from_db()
    assert invitation.state == InvitationState.ACCEPTED
    assert invitation.responded_at is not None
    assert proposal.speakers.filter(pk=invitee.pk).exists()
    body = page(response)
    assert f"You are now a speaker of “{proposal.title}”." in body
    assert proposal.title in page(client.get(proposal.get_absolute_url()))
    assert proposal.title in page(client.get(reverse("cfp:my_proposals")))


def test_invitation_accept_matches_the_address_case_insensitively(client, proposal):
    invitation = InvitationFactory(proposal=proposal, email="Mixed.Case@Example.com")
    user = SpeakerFactory(email="mixed.case@example.com")
    client.force_login(user)

    client.post(invitation.get_absolute_url())

    assert proposal.speakers.filter(pk=user.pk).exists()


def test_invitation_accept_by_another_user_is_refused(client, invitation, other_speaker):
    client.force_login(other_speaker)

    response = client.post(invitation.get_absolute_url(), follow=True)

    assert response.redirect_chain == [(invitation.get_absolute_url(), 302)]
    assert "This invitation is for invitee@example.com. Please log in with that address." in page(
        response
    )
    assert invitation.proposal.title not in page(response)
    invitation.refresh_from_db()
    assert invitation.state == InvitationState.PENDING
    assert not invitation.proposal.speakers.filter(pk=other_speaker.pk).exists()


def test_invitation_accept_anonymous_is_sent_to_login(client, invitation):
    response = client.post(invitation.get_absolute_url())

    assert response.url == login_url(invitation.get_absolute_url())
    invitation.refresh_from_db()
    assert invitation.state == InvitationState.PENDING


def test_invitation_accept_expired_is_refused(client, invitation, invitee):
    invitation.expires_at = timezone.now() - timedelta(minutes=1)
    invitation.save()
    client.force_login(invitee)

    get_response = client.get(invitation.get_absolute_url())
    post_response = client.post(invitation.get_absolute_url(), follow=True)

    assert "This invitation has expired." in page(get_response)
    assert "Accept the invitation" not in page(get_response)
    assert "This invitation has expired. Ask the speaker to invite you again." in page(
        post_response
    )
    invitation.refresh_from_db()
    assert invitation.state == InvitationState.PENDING
    assert not invitation.proposal.speakers.filter(pk=invitee.pk).exists()


def test_invitation_accept_twice_is_refused(client, invitation, invitee):
    client.force_login(invitee)
    client.post(invitation.get_absolute_url())

    response = client.post(invitation.get_absolute_url(), follow=True)

    assert "This invitation has been used or retracted." in page(response)
    assert invitation.proposal.speakers.filter(pk=invitee.pk).count() == 1


def test_invitation_accept_of_a_withdrawn_proposal_is_refused(client, speaker, invitation, invitee):
    submitted(invitation.proposal).withdraw(by=speaker)
    client.force_login(invitee)

    response = client.post(invitation.get_absolute_url(), follow=True)

    assert "This proposal has been withdrawn." in page(response)
    assert not invitation.proposal.speakers.filter(pk=invitee.pk).exists()


def test_invitation_detail_unknown_token_is_404(client, db):
    response = client.get(reverse("cfp:invitation", kwargs={"token": "x" * 40}))

    assert response.status_code == 404


def test_invitee_without_an_account_signs_up_and_lands_back_on_the_invitation(
    client, invitation, mailoutbox, django_capture_on_commit_callbacks
):
    invitation_url = invitation.get_absolute_url()
    signup = f"{reverse('account_signup')}?next={invitation_url}"

    secret = "a long passphrase"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(signup, {"email": invitation.email, "password1": secret, "password2": secret})
    confirm_url = re.search(r"https?://\S+(/accounts/confirm-email/\S+)", mailoutbox[-1].body)[1]
    response = client.post(confirm_url)

    assert response.status_code == 302
    assert response.url == invitation_url
    accept = client.post(invitation_url)
    assert accept.url == invitation.proposal.get_absolute_url()
    assert invitation.proposal.speakers.filter(email=invitation.email).exists()
