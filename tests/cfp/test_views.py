"""The speaker-facing pages of the CfP: who sees what, and what each action changes."""

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from cfp import decisions
from cfp.enums import InvitationState, MessageState, ProposalState
from cfp.mail import outbox
from cfp.models import Invitation, Message, Proposal, ProposalTransition
from tests.factories import (
    EventFactory,
    InvitationFactory,
    ProfileFactory,
    ProposalFactory,
    SpeakerFactory,
    SubmissionTypeFactory,
    TrackFactory,
    UserFactory,
)
from tests.helpers import complete_data, page

pytestmark = pytest.mark.django_db


# --- helpers ----------------------------------------------------------------------------


def login_url(next_path: str) -> str:
    return f"{reverse('account_login')}?next={next_path}"


def proposal_url(name: str, proposal: Proposal, **extra) -> str:
    return reverse(
        f"cfp:{name}", kwargs={"event": proposal.event.slug, "code": proposal.code, **extra}
    )


def event_url(name: str, event) -> str:
    return reverse(f"cfp:{name}", kwargs={"event": event.slug})


def submitted(proposal: Proposal) -> Proposal:
    proposal.submit(by=proposal.speakers.first())
    return proposal


def close_cfp(event) -> None:
    event.cfp.deadline = timezone.now() - timedelta(hours=1)
    event.cfp.opens_at = timezone.now() - timedelta(days=30)
    event.cfp.save()


@pytest.fixture
def other_speaker(db):
    return SpeakerFactory()


@pytest.fixture
def co_speaker(proposal):
    user = SpeakerFactory()
    proposal.speakers.add(user)
    return user


@pytest.fixture
def other_organizer(db):
    user = SpeakerFactory()
    EventFactory(organizers=[user])
    return user


# --- home and event page ----------------------------------------------------------------


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


# --- my proposals -----------------------------------------------------------------------


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


# --- create -----------------------------------------------------------------------------


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
    assert body.count("This field is required.") == 3
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


# --- detail -----------------------------------------------------------------------------


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


# --- edit -------------------------------------------------------------------------------


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


# --- submit -----------------------------------------------------------------------------


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


# --- withdraw ---------------------------------------------------------------------------


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


# --- delete -----------------------------------------------------------------------------


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


# --- invitations: create and retract -----------------------------------------------------


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


# --- invitations: the invitee's page ------------------------------------------------------


@pytest.fixture
def invitation(proposal):
    return InvitationFactory(proposal=proposal, email="invitee@example.com")


@pytest.fixture
def invitee(db):
    return SpeakerFactory(email="invitee@example.com")


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


# --- Markdown preview -------------------------------------------------------------------


MALICIOUS_MARKDOWN = (
    "**bold** text\n\n"
    "<script>alert('xss')</script>\n\n"
    '<img src="x" onerror="alert(1)">\n\n'
    "[click me](javascript:alert(1))\n\n"
    '<a href="javascript:alert(2)">raw link</a>\n\n'
    '<p onclick="alert(3)" style="color:red">styled</p>\n'
)


def test_markdown_preview_renders_markdown(speaker_client):
    response = speaker_client.post(
        reverse("cfp:markdown_preview"), {"abstract": "Some **bold** and *italic* text."}
    )

    assert page(response) == "<p>Some <strong>bold</strong> and <em>italic</em> text.</p>"


def test_markdown_preview_sanitises_the_html(speaker_client):
    response = speaker_client.post(
        reverse("cfp:markdown_preview"), {"abstract": MALICIOUS_MARKDOWN}
    )

    # Raw HTML is the author's text, shown escaped; the unsafe link keeps its words only.
    assert page(response).split("\n") == [
        "<p><strong>bold</strong> text</p>",
        "<p>&lt;script&gt;alert('xss')&lt;/script&gt;</p>",
        '<p>&lt;img src="x" onerror="alert(1)"&gt;</p>',
        "<p>click me</p>",
        '<p>&lt;a href="javascript:alert(2)"&gt;raw link&lt;/a&gt;</p>',
        '<p>&lt;p onclick="alert(3)" style="color:red"&gt;styled&lt;/p&gt;</p>',
    ]


def test_markdown_preview_empty_text_shows_the_placeholder(speaker_client):
    response = speaker_client.post(reverse("cfp:markdown_preview"), {"abstract": "  "})

    assert "Start typing to see the preview." in page(response)


def test_markdown_preview_too_long_text_is_not_rendered(speaker_client):
    response = speaker_client.post(reverse("cfp:markdown_preview"), {"abstract": "**x** " * 5000})

    body = page(response)
    assert "The text is too long to preview." in body
    assert "<strong>" not in body


def test_markdown_preview_anonymous_is_redirected_to_login(client):
    url = reverse("cfp:markdown_preview")

    response = client.post(url, {"abstract": "**hi**"})

    assert response.url == login_url(url)
    assert "<strong>" not in page(response)


def test_markdown_preview_get_is_not_allowed(speaker_client):
    response = speaker_client.get(reverse("cfp:markdown_preview"), {"abstract": "**hi**"})

    assert response.status_code == 405
    assert "<strong>" not in page(response)


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
