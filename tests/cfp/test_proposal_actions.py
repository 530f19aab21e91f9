"""Submitting, withdrawing and deleting a proposal from its page: who may, and what it changes."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from cfp.enums import ProposalState
from cfp.models import Proposal, ProposalTransition
from tests.cfp.speaker_pages import close_cfp, login_url, proposal_url, submitted
from tests.factories import ProposalFactory
from tests.helpers import page

pytestmark = pytest.mark.django_db


def test_proposal_submit_anonymous_is_redirected_to_login(client, proposal, mailoutbox):
    url = proposal_url("proposal_submit", proposal)

    response = client.post(url)

    assert response.url == login_url(url)
    proposal.refresh_from_db()
    assert proposal.state == ProposalState.DRAFT
    assert mailoutbox == []


def test_proposal_submit_get_is_not_allowed(speaker_client, proposal):
    response = speaker_client.get(proposal_url("proposal_submit", proposal))

    assert response.status_code == 405
    proposal.refresh_from_db()
    assert proposal.state == ProposalState.DRAFT


def test_proposal_submit_sends_one_email_to_each_speaker(
    speaker_client, speaker, proposal, co_speaker, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = speaker_client.post(proposal_url("proposal_submit", proposal), follow=True)

    assert response.redirect_chain == [(proposal.get_absolute_url(), 302)]
    proposal.refresh_from_db()
    assert proposal.state == ProposalState.SUBMITTED
    assert "is submitted. We have sent a confirmation by email." in page(response)
    assert len(mailoutbox) == 2
    assert sorted(m.to[0] for m in mailoutbox) == sorted([speaker.email, co_speaker.email])
    for message in mailoutbox:
        assert len(message.to) == 1
        assert message.cc == []
        assert message.bcc == []
        assert message.subject == f"Proposal received: {proposal.title} ({proposal.event.name})"
        assert f"“{proposal.title}”" in message.body
        assert settings.SITE_URL + proposal.get_absolute_url() in message.body
    greetings = {m.to[0]: m.body.splitlines()[0] for m in mailoutbox}
    assert greetings[speaker.email] == f"Hello {speaker.profile.name},"
    assert greetings[co_speaker.email] == f"Hello {co_speaker.profile.name},"


def test_proposal_submit_incomplete_draft_is_refused_and_says_what_is_missing(
    speaker_client, speaker, mailoutbox, django_capture_on_commit_callbacks
):
    proposal = ProposalFactory(speakers=[speaker], submission_type=None, abstract="")

    with django_capture_on_commit_callbacks(execute=True):
        response = speaker_client.post(proposal_url("proposal_submit", proposal), follow=True)

    assert "is saved as a draft but not submitted: Please fill in: Submission type, Abstract." in (
        page(response)
    )
    proposal.refresh_from_db()
    assert proposal.state == ProposalState.DRAFT
    assert mailoutbox == []


@pytest.mark.parametrize("who", ["other_speaker", "other_organizer"])
def test_proposal_submit_is_404_for_others(client, proposal, who, request, mailoutbox):
    client.force_login(request.getfixturevalue(who))

    response = client.post(proposal_url("proposal_submit", proposal))

    assert response.status_code == 404
    proposal.refresh_from_db()
    assert proposal.state == ProposalState.DRAFT
    assert mailoutbox == []


def test_proposal_submit_after_the_deadline_is_refused(
    speaker_client, proposal, mailoutbox, django_capture_on_commit_callbacks
):
    close_cfp(proposal.event)

    with django_capture_on_commit_callbacks(execute=True):
        response = speaker_client.post(proposal_url("proposal_submit", proposal), follow=True)

    assert "The call for papers is closed: the deadline has passed." in page(response)
    proposal.refresh_from_db()
    assert proposal.state == ProposalState.DRAFT
    assert mailoutbox == []


def test_proposal_submit_after_the_deadline_with_an_extension_succeeds(
    speaker_client, proposal, mailoutbox, django_capture_on_commit_callbacks
):
    close_cfp(proposal.event)
    proposal.deadline_extension = timezone.now() + timedelta(hours=3)
    proposal.save()

    with django_capture_on_commit_callbacks(execute=True):
        speaker_client.post(proposal_url("proposal_submit", proposal))

    proposal.refresh_from_db()
    assert proposal.state == ProposalState.SUBMITTED
    assert len(mailoutbox) == 1


def test_proposal_withdraw_anonymous_is_redirected_to_login(client, proposal):
    submitted(proposal)
    url = proposal_url("proposal_withdraw", proposal)

    get_response = client.get(url)
    post_response = client.post(url)

    assert get_response.url == login_url(url)
    assert post_response.url == login_url(url)
    proposal.refresh_from_db()
    assert proposal.state == ProposalState.SUBMITTED


def test_proposal_withdraw_get_asks_for_confirmation_and_changes_nothing(speaker_client, proposal):
    submitted(proposal)
    transitions = ProposalTransition.objects.count()

    response = speaker_client.get(proposal_url("proposal_withdraw", proposal))

    body = page(response)
    assert response.status_code == 200
    assert f"Withdraw “{proposal.title}”?" in body
    assert "Yes, withdraw it" in body
    proposal.refresh_from_db()
    assert proposal.state == ProposalState.SUBMITTED
    assert ProposalTransition.objects.count() == transitions


def test_proposal_withdraw_post_withdraws(speaker_client, speaker, proposal):
    submitted(proposal)

    response = speaker_client.post(proposal_url("proposal_withdraw", proposal), follow=True)

    assert response.redirect_chain == [(proposal.get_absolute_url(), 302)]
    proposal.refresh_from_db()
    assert proposal.state == ProposalState.WITHDRAWN
    assert ProposalTransition.objects.filter(
        proposal=proposal, from_state="submitted", to_state="withdrawn", by=speaker
    ).exists()
    assert f"“{proposal.title}” is withdrawn." in page(response)


def test_proposal_withdraw_co_speaker_can_withdraw(client, proposal, co_speaker):
    submitted(proposal)
    client.force_login(co_speaker)

    client.post(proposal_url("proposal_withdraw", proposal))

    proposal.refresh_from_db()
    assert proposal.state == ProposalState.WITHDRAWN


def test_proposal_withdraw_a_draft_is_refused(speaker_client, proposal):
    url = proposal_url("proposal_withdraw", proposal)

    get_response = speaker_client.get(url, follow=True)
    post_response = speaker_client.post(url, follow=True)

    assert "Only a submitted proposal can be withdrawn." in page(get_response)
    assert "A draft proposal cannot become withdrawn." in page(post_response)
    proposal.refresh_from_db()
    assert proposal.state == ProposalState.DRAFT
    assert not ProposalTransition.objects.exists()


@pytest.mark.parametrize("who", ["other_speaker", "other_organizer"])
def test_proposal_withdraw_is_404_for_others(client, proposal, who, request):
    submitted(proposal)
    client.force_login(request.getfixturevalue(who))
    url = proposal_url("proposal_withdraw", proposal)

    get_response = client.get(url)
    post_response = client.post(url)

    assert get_response.status_code == 404
    assert post_response.status_code == 404
    assert proposal.title not in page(get_response)
    proposal.refresh_from_db()
    assert proposal.state == ProposalState.SUBMITTED


def test_proposal_delete_anonymous_is_redirected_to_login(client, proposal):
    url = proposal_url("proposal_delete", proposal)

    response = client.post(url)

    assert response.url == login_url(url)
    assert Proposal.objects.filter(pk=proposal.pk).exists()


def test_proposal_delete_get_asks_for_confirmation_and_deletes_nothing(speaker_client, proposal):
    response = speaker_client.get(proposal_url("proposal_delete", proposal))

    body = page(response)
    assert f"Delete the draft “{proposal.title}”?" in body
    assert "Yes, delete the draft" in body
    assert Proposal.objects.filter(pk=proposal.pk).exists()


def test_proposal_delete_post_deletes_the_draft(speaker_client, proposal):
    title = proposal.title

    response = speaker_client.post(proposal_url("proposal_delete", proposal), follow=True)

    assert response.redirect_chain == [(reverse("cfp:my_proposals"), 302)]
    assert not Proposal.objects.filter(pk=proposal.pk).exists()
    assert f"The draft “{title}” is deleted." in page(response)


def test_proposal_delete_submitted_proposal_is_refused(speaker_client, proposal):
    submitted(proposal)
    url = proposal_url("proposal_delete", proposal)

    get_response = speaker_client.get(url, follow=True)
    post_response = speaker_client.post(url, follow=True)

    assert "Only drafts can be deleted." in page(get_response)
    assert "Only drafts can be deleted; withdraw a submitted proposal instead." in page(
        post_response
    )
    proposal.refresh_from_db()
    assert proposal.state == ProposalState.SUBMITTED


@pytest.mark.parametrize("who", ["other_speaker", "other_organizer"])
def test_proposal_delete_is_404_for_others(client, proposal, who, request):
    client.force_login(request.getfixturevalue(who))
    url = proposal_url("proposal_delete", proposal)

    get_response = client.get(url)
    post_response = client.post(url)

    assert get_response.status_code == 404
    assert post_response.status_code == 404
    assert proposal.title not in page(get_response)
    assert Proposal.objects.filter(pk=proposal.pk).exists()
