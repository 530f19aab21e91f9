"""The co-speaker invitation page for whoever holds its link: what it is about, who invited,
until when; accept (sign up or log in, then back here) or decline (the inviter is told)."""

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cfp.enums import InvitationState, MessageKind
from cfp.models import Invitation, Message
from tests.factories import (
    PASSWORD,
    EventFactory,
    InvitationFactory,
    ProposalFactory,
    ReviewerFactory,
    ReviewerTeamFactory,
    SpeakerFactory,
)
from tests.helpers import page

EXPIRES = datetime(2031, 3, 1, 22, 30, tzinfo=UTC)  # 23:30 in Berlin, 07:30 next day in Tokyo


@pytest.fixture
def inviter(db):
    return SpeakerFactory(email="grace@example.com", profile__name="Grace Hopper")


@pytest.fixture
def invitation(inviter):
    event = EventFactory(name="Compiler Days", timezone="Asia/Tokyo")
    proposal = ProposalFactory(event=event, title="Compilers for everyone", speakers=[inviter])
    return InvitationFactory(
        proposal=proposal, email="alan@example.com", invited_by=inviter, expires_at=EXPIRES
    )


def decline_url(invitation: Invitation) -> str:
    return reverse("cfp:invitation_decline", kwargs={"token": invitation.token})


def test_invitation_page_signed_out_names_the_talk_event_inviter_and_expiry(client, invitation):
    body = page(client.get(invitation.get_absolute_url()))

    assert "Compilers for everyone" in body
    assert "Compiler Days" in body
    assert "<strong>Grace Hopper</strong> invites you" in body
    # In the event's time zone (Tokyo), not the server's (UTC) nor the inviter's.
    assert "valid until March 2, 2031, 7:30 a.m. (Asia/Tokyo)" in body
    assert "alan@example.com" in body
    assert f'action="{decline_url(invitation)}"' in body
    assert "grace@example.com" not in body  # the inviter's address is theirs


def test_invitation_page_links_to_a_prefilled_sign_up_that_comes_back(client, invitation):
    body = page(client.get(invitation.get_absolute_url()))

    path = invitation.get_absolute_url()
    signup = f"{reverse('account_signup')}?email=alan@example.com&amp;next={path}"
    assert signup in body
    assert f"{reverse('account_login')}?next={path}" in body
    form = page(client.get(f"{reverse('account_signup')}?email=alan@example.com&next={path}"))
    assert 'value="alan@example.com"' in form
    assert f'value="{path}"' in form  # the sign-up form carries where to go next


def test_sign_up_with_the_invited_address_lands_back_on_the_invitation(client, invitation):
    path = invitation.get_absolute_url()
    client.get(path)

    response = client.post(
        f"{reverse('account_signup')}?next={path}",
        {"email": "alan@example.com", "password1": PASSWORD, "password2": PASSWORD, "next": path},
    )

    # The link was emailed to this address: no second verification email, straight back.
    assert response.status_code == 302 and response.url == path
    assert "_auth_user_id" in client.session
    body = page(client.get(path))
    assert "Accept the invitation" in body
    accept = client.post(path)
    assert accept.url == invitation.proposal.get_absolute_url()
    assert invitation.proposal.speakers.filter(email="alan@example.com").exists()


def test_sign_up_with_another_address_still_needs_verification(client, invitation, mailoutbox):
    client.get(invitation.get_absolute_url())

    response = client.post(
        reverse("account_signup"),
        {"email": "someone.else@example.com", "password1": PASSWORD, "password2": PASSWORD},
    )

    assert response.url == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session


def test_sign_up_with_the_invited_address_without_the_link_needs_verification(client, invitation):
    response = client.post(
        reverse("account_signup"),
        {"email": "alan@example.com", "password1": PASSWORD, "password2": PASSWORD},
    )

    assert response.url == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session


def test_decline_signed_out_marks_it_declined_and_tells_the_inviter(
    client, invitation, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(decline_url(invitation), follow=True)

    invitation.refresh_from_db()
    assert invitation.state == InvitationState.DECLINED
    assert invitation.responded_at is not None
    body = page(response)
    assert "You declined the invitation. We let Grace Hopper know." in body
    assert "This invitation has been declined." in body
    assert "Compilers for everyone" not in body
    message = Message.objects.get(kind=MessageKind.INVITATION_DECLINED)
    assert message.to == "grace@example.com"
    [sent] = mailoutbox
    assert sent.to == ["grace@example.com"]
    assert sent.subject == "alan@example.com declined your invitation (Compilers for everyone)"
    assert "alan@example.com has declined your invitation to be a co-speaker" in sent.body
    assert invitation.proposal.get_absolute_url() in sent.body
    assert not invitation.proposal.speakers.filter(email="alan@example.com").exists()


def test_declined_invitation_can_no_longer_be_accepted(client, invitation):
    client.post(decline_url(invitation))
    alan = SpeakerFactory(email="alan@example.com")
    client.force_login(alan)

    response = client.post(invitation.get_absolute_url(), follow=True)

    assert "This invitation has been used or retracted." in page(response)
    assert not invitation.proposal.speakers.filter(pk=alan.pk).exists()


def test_invited_address_signed_in_can_decline(client, invitation):
    client.force_login(SpeakerFactory(email="alan@example.com"))
    body = page(client.get(invitation.get_absolute_url()))
    assert "Accept the invitation" in body and f'action="{decline_url(invitation)}"' in body

    client.post(decline_url(invitation))

    invitation.refresh_from_db()
    assert invitation.state == InvitationState.DECLINED


def test_another_account_neither_sees_nor_declines_the_invitation(client, invitation):
    client.force_login(SpeakerFactory(email="mallory@example.com"))

    body = page(client.get(invitation.get_absolute_url()))
    response = client.post(decline_url(invitation), follow=True)

    assert "Compilers for everyone" not in body and "Grace Hopper" not in body
    assert "This invitation is for alan@example.com." in page(response)
    invitation.refresh_from_db()
    assert invitation.state == InvitationState.PENDING
    assert not Message.objects.filter(kind=MessageKind.INVITATION_DECLINED).exists()


def test_reviewer_in_blind_review_learns_nothing_new_from_an_invitation(client, invitation):
    from reviews.models import ReviewSettings

    event = invitation.proposal.event
    ReviewSettings.objects.filter(event=event).update(blind=True)
    reviewer = ReviewerFactory(email="rita@example.com")
    ReviewerTeamFactory(event=event, members=[reviewer])
    client.force_login(reviewer)

    body = page(client.get(invitation.get_absolute_url()))

    assert "Grace Hopper" not in body and "Compilers for everyone" not in body
    assert "This invitation is for another email address" in body


def test_expired_invitation_says_when_and_offers_nothing(client, invitation):
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(hours=1)
    )

    body = page(client.get(invitation.get_absolute_url()))
    response = client.post(decline_url(invitation), follow=True)

    assert "This invitation has expired. It was valid until" in body
    assert "(Asia/Tokyo)" in body
    assert reverse("account_signup") not in body.split("</nav>", 1)[-1]
    assert f'action="{decline_url(invitation)}"' not in body
    assert "This invitation has expired." in page(response)
    invitation.refresh_from_db()
    assert invitation.state == InvitationState.PENDING


def test_decline_is_a_post_and_an_unknown_token_is_404(client, invitation):
    assert client.get(decline_url(invitation)).status_code == 405
    assert client.post(reverse("cfp:invitation_decline", kwargs={"token": "nope"})).status_code == (
        404
    )
    invitation.refresh_from_db()
    assert invitation.state == InvitationState.PENDING


def test_retracted_invitation_names_no_talk(client, invitation):
    Invitation.objects.filter(pk=invitation.pk).update(state=InvitationState.RETRACTED)

    body = page(client.get(invitation.get_absolute_url()))

    assert "This invitation has been retracted." in body
    assert "Compilers for everyone" not in body and "Grace Hopper" not in body
