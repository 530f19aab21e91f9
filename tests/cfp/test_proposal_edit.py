"""A proposal's page, its history and its edit form: who sees and changes what, and until when."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cfp import decisions
from cfp.enums import MessageState, ProposalState
from cfp.mail import outbox
from cfp.models import Message
from tests.cfp.speaker_pages import close_cfp, login_url, proposal_url, submitted
from tests.factories import EventFactory, SpeakerFactory
from tests.helpers import complete_data, page

pytestmark = pytest.mark.django_db


def test_proposal_detail_shows_the_proposal_to_its_speaker(speaker_client, speaker, proposal):
    response = speaker_client.get(proposal.get_absolute_url())

    body = page(response)
    assert response.status_code == 200
    assert proposal.title in body
    assert speaker.profile.name in body
    assert "Draft" in body
    assert proposal_url("proposal_edit", proposal) in body
    assert proposal_url("proposal_delete", proposal) in body
    assert proposal_url("proposal_withdraw", proposal) not in body  # only for submitted


def test_proposal_detail_anonymous_is_redirected_to_login(client, proposal):
    url = proposal.get_absolute_url()

    response = client.get(url)

    assert response.url == login_url(url)


def test_proposal_detail_co_speaker_can_view(client, proposal, co_speaker):
    client.force_login(co_speaker)

    response = client.get(proposal.get_absolute_url())

    body = page(response)
    assert response.status_code == 200
    assert proposal.title in body
    assert co_speaker.profile.name in body


@pytest.mark.parametrize("who", ["other_speaker", "other_organizer"])
def test_proposal_detail_is_404_for_others(client, proposal, who, request):
    client.force_login(request.getfixturevalue(who))

    response = client.get(proposal.get_absolute_url())

    assert response.status_code == 404
    assert proposal.title not in page(response)


def test_proposal_detail_under_another_events_slug_is_404(speaker_client, proposal):
    other_event = EventFactory()
    url = reverse("cfp:proposal", kwargs={"event": other_event.slug, "code": proposal.code})

    response = speaker_client.get(url)

    assert response.status_code == 404
    assert proposal.title not in page(response)


def history_of(body: str) -> str:
    return body[body.index(">History<") : body.index("Co-speaker invitations")]


@pytest.mark.parametrize("accept", [False, True])
def test_proposal_history_names_the_organizers_never_the_organizer_who_decided(
    speaker_client, speaker, proposal, mailoutbox, django_capture_on_commit_callbacks, accept
):
    olivia = SpeakerFactory(
        email="olivia.organizer@organizers.test", profile__name="Olivia Organizer", is_staff=True
    )
    proposal.event.organizers.add(olivia)
    submitted(proposal)
    decisions.proposal_decide(proposal=proposal, by=olivia, accept=accept)
    with django_capture_on_commit_callbacks(execute=True):
        outbox.messages_release(Message.objects.filter(proposal=proposal, state=MessageState.DRAFT))
    if accept:
        decisions.proposal_confirm(proposal=proposal, by=speaker)
        decisions.proposal_cancel(proposal=proposal, by=olivia)

    body = page(speaker_client.get(proposal.get_absolute_url()))

    history = history_of(body)
    assert f"Draft → Submitted by {speaker.display_name}" in history
    if accept:
        assert "Submitted → Accepted by the organizers" in history
        assert f"Accepted → Confirmed by {speaker.display_name}" in history
        assert "Confirmed → Canceled by the organizers" in history
    else:
        assert "Submitted → Rejected by the organizers" in history
    for seen in [body, *(m.body for m in mailoutbox), *(m.subject for m in mailoutbox)]:
        assert "Olivia" not in seen
        assert olivia.email not in seen


def test_proposal_history_shows_a_co_speakers_action_by_name(client, proposal, co_speaker):
    submitted(proposal)
    proposal.withdraw(by=co_speaker)
    client.force_login(proposal.speakers.exclude(pk=co_speaker.pk).get())

    history = history_of(page(client.get(proposal.get_absolute_url())))

    assert f"Submitted → Withdrawn by {co_speaker.display_name}" in history


def test_proposal_edit_anonymous_is_redirected_to_login(client, proposal):
    url = proposal_url("proposal_edit", proposal)
    old_title = proposal.title

    get_response = client.get(url)
    post_response = client.post(url, {"title": "Hijacked", "draft": "1"})

    assert get_response.url == login_url(url)
    assert post_response.url == login_url(url)
    proposal.refresh_from_db()
    assert proposal.title == old_title


def test_proposal_edit_shows_the_current_values(speaker_client, proposal):
    response = speaker_client.get(proposal_url("proposal_edit", proposal))

    body = page(response)
    assert "Edit your proposal" in body
    assert f'value="{proposal.title}"' in body
    assert proposal.abstract in body


def test_proposal_edit_saves_the_changes(speaker_client, proposal):
    data = complete_data(proposal.event, title="A better title", abstract="New *abstract*.")

    response = speaker_client.post(
        proposal_url("proposal_edit", proposal), {**data, "draft": "1"}, follow=True
    )

    assert response.redirect_chain == [(proposal.get_absolute_url(), 302)]
    proposal.refresh_from_db()
    assert proposal.title == "A better title"
    assert proposal.abstract == "New *abstract*."
    assert proposal.state == ProposalState.DRAFT
    body = page(response)
    assert "“A better title” is saved." in body
    assert "<em>abstract</em>" in body


def test_proposal_edit_co_speaker_can_edit(client, proposal, co_speaker):
    client.force_login(co_speaker)

    client.post(proposal_url("proposal_edit", proposal), {"title": "Co-written", "draft": "1"})

    proposal.refresh_from_db()
    assert proposal.title == "Co-written"


@pytest.mark.parametrize("who", ["other_speaker", "other_organizer"])
def test_proposal_edit_is_404_for_others_and_changes_nothing(client, proposal, who, request):
    client.force_login(request.getfixturevalue(who))
    old_title = proposal.title
    url = proposal_url("proposal_edit", proposal)

    get_response = client.get(url)
    post_response = client.post(url, {"title": "Hijacked", "draft": "1"})

    assert get_response.status_code == 404
    assert post_response.status_code == 404
    assert old_title not in page(get_response)
    proposal.refresh_from_db()
    assert proposal.title == old_title


def test_proposal_edit_submitted_proposal_keeps_its_required_fields(speaker_client, proposal):
    submitted(proposal)
    old_abstract = proposal.abstract

    response = speaker_client.post(
        proposal_url("proposal_edit", proposal),
        {
            "title": "Still here",
            "submission_type": proposal.submission_type_id,
            "experience_level": "beginner",
            "abstract": "",
            "save": "1",
        },
    )

    body = page(response)
    assert "Your changes were not saved" in body
    assert 'id="error_1_id_abstract"' in body
    proposal.refresh_from_db()
    assert proposal.abstract == old_abstract
    assert proposal.title != "Still here"
    assert proposal.state == ProposalState.SUBMITTED


def test_proposal_edit_submitted_proposal_saves_changes_and_stays_submitted(
    speaker_client, proposal, mailoutbox, django_capture_on_commit_callbacks
):
    submitted(proposal)
    data = complete_data(proposal.event, title="Revised title")

    with django_capture_on_commit_callbacks(execute=True):
        response = speaker_client.post(
            proposal_url("proposal_edit", proposal), {**data, "save": "1"}
        )

    assert response.url == proposal.get_absolute_url()
    proposal.refresh_from_db()
    assert proposal.title == "Revised title"
    assert proposal.state == ProposalState.SUBMITTED
    assert mailoutbox == []  # no second confirmation for an edit


def test_proposal_edit_form_of_submitted_proposal_has_no_draft_button(speaker_client, proposal):
    submitted(proposal)

    response = speaker_client.get(proposal_url("proposal_edit", proposal))

    body = page(response)
    assert 'name="save" value="1"' in body
    assert 'name="draft"' not in body


def test_proposal_edit_with_submit_submits_the_draft(
    speaker_client, speaker, proposal, mailoutbox, django_capture_on_commit_callbacks
):
    data = complete_data(proposal.event, title="Ready now")

    with django_capture_on_commit_callbacks(execute=True):
        speaker_client.post(proposal_url("proposal_edit", proposal), {**data, "submit": "1"})

    proposal.refresh_from_db()
    assert proposal.state == ProposalState.SUBMITTED
    assert [m.to for m in mailoutbox] == [[speaker.email]]
    assert mailoutbox[0].subject == f"Proposal received: Ready now ({proposal.event.name})"


def test_proposal_edit_is_refused_after_the_deadline(speaker_client, proposal):
    close_cfp(proposal.event)
    old_title = proposal.title
    url = proposal_url("proposal_edit", proposal)

    get_response = speaker_client.get(url, follow=True)
    post_response = speaker_client.post(url, {"title": "Too late", "draft": "1"})

    assert get_response.redirect_chain == [(proposal.get_absolute_url(), 302)]
    body = page(get_response)
    assert "This proposal can no longer be edited." in body
    assert "The deadline has passed: this proposal can no longer be edited." in body
    assert url not in body  # no Edit button
    assert "This proposal can no longer be edited. Nothing was saved" in page(post_response)
    assert 'value="Too late"' in page(post_response)  # the typed text is given back
    proposal.refresh_from_db()
    assert proposal.title == old_title


def test_proposal_edit_is_allowed_after_the_deadline_with_an_extension(speaker_client, proposal):
    close_cfp(proposal.event)
    proposal.deadline_extension = timezone.now() + timedelta(days=2)
    proposal.save()
    url = proposal_url("proposal_edit", proposal)

    get_response = speaker_client.get(url)
    post_response = speaker_client.post(url, {"title": "Extended", "draft": "1"})

    assert get_response.status_code == 200
    assert "Edit your proposal" in page(get_response)
    assert post_response.url == proposal.get_absolute_url()
    proposal.refresh_from_db()
    assert proposal.title == "Extended"


def test_proposal_edit_is_refused_when_the_extension_has_also_passed(speaker_client, proposal):
    close_cfp(proposal.event)
    proposal.deadline_extension = timezone.now() - timedelta(minutes=1)
    proposal.save()
    old_title = proposal.title

    response = speaker_client.post(
        proposal_url("proposal_edit", proposal), {"title": "Too late", "draft": "1"}
    )

    assert "This proposal can no longer be edited." in page(response)
    proposal.refresh_from_db()
    assert proposal.title == old_title


def test_proposal_edit_withdrawn_proposal_is_refused(speaker_client, speaker, proposal):
    submitted(proposal).withdraw(by=speaker)
    old_title = proposal.title

    response = speaker_client.post(
        proposal_url("proposal_edit", proposal), {"title": "Back again", "save": "1"}, follow=True
    )

    assert "This proposal can no longer be edited." in page(response)
    proposal.refresh_from_db()
    assert proposal.title == old_title
