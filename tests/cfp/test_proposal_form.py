"""The proposal form: sent twice, after the deadline, and with too much text."""

import re
import threading
import time
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cfp.enums import MessageKind, ProposalState
from cfp.models import Message, Proposal
from cfp.models.proposal import ABSTRACT_MAX
from speakers.models import User
from tests.factories import ProposalFactory, SpeakerFactory
from tests.helpers import complete_data, page

pytestmark = pytest.mark.django_db


def create_url(event) -> str:
    return reverse("cfp:proposal_create", kwargs={"event": event.slug})


def edit_url(proposal) -> str:
    return reverse(
        "cfp:proposal_edit", kwargs={"event": proposal.event.slug, "code": proposal.code}
    )


def form_token(response) -> str:
    """The one-time token in a rendered new-proposal form (follow the redirect to it)."""
    found = re.search(r'name="creation_token" value="([0-9a-f-]{36})"', page(response))
    assert found, "the form has no creation token"
    return found.group(1)


def received(user) -> int:
    return Message.objects.filter(kind=MessageKind.SUBMISSION_RECEIVED, to=user.email).count()


def close_cfp(event) -> None:
    event.cfp.opens_at = timezone.now() - timedelta(days=30)
    event.cfp.deadline = timezone.now() - timedelta(hours=1)
    event.cfp.save()


# --- sent twice (the back button, a retry) --------------------------------------------------


def test_proposal_form_tokens_differ_between_new_forms(speaker_client, event):
    first = speaker_client.get(create_url(event), follow=True)
    second = speaker_client.get(create_url(event), follow=True)

    assert form_token(first) != form_token(second)
    # The token is in the address too, so that the back button brings back this very form.
    assert first.redirect_chain == [(f"{create_url(event)}?form={form_token(first)}", 302)]


def test_proposal_form_opened_again_says_it_was_already_sent(speaker_client, speaker, event):
    response = speaker_client.get(create_url(event), follow=True)
    address, token = response.redirect_chain[0][0], form_token(response)
    data = {**complete_data(event), "creation_token": token, "submit": "1"}
    speaker_client.post(address, data)
    proposal = Proposal.objects.get()

    again = speaker_client.get(address)  # what the back button shows

    body = page(again)
    assert form_token(again) == token
    assert "This proposal was already submitted" in body
    assert proposal.get_absolute_url() in body
    assert "Start a new proposal" in body


def test_proposal_form_sent_twice_creates_one_proposal_and_one_email(
    speaker_client, speaker, event, django_capture_on_commit_callbacks
):
    token = form_token(speaker_client.get(create_url(event), follow=True))
    data = {**complete_data(event), "creation_token": token, "submit": "1"}

    with django_capture_on_commit_callbacks(execute=True):
        first = speaker_client.post(create_url(event), data)
        second = speaker_client.post(create_url(event), data, follow=True)

    proposal = Proposal.objects.get()
    assert proposal.state == ProposalState.SUBMITTED
    assert first.url == proposal.get_absolute_url()
    assert second.redirect_chain == [(proposal.get_absolute_url(), 302)]
    assert "This proposal was already submitted" in page(second)
    assert received(speaker) == 1


def test_proposal_form_saved_as_draft_then_submitted_again_submits_that_draft(
    speaker_client, speaker, event, django_capture_on_commit_callbacks
):
    token = form_token(speaker_client.get(create_url(event), follow=True))
    data = {**complete_data(event), "creation_token": token}

    with django_capture_on_commit_callbacks(execute=True):
        speaker_client.post(create_url(event), {**data, "draft": "1"})
        response = speaker_client.post(
            create_url(event), {**data, "title": "Now final", "submit": "1"}
        )

    proposal = Proposal.objects.get()
    assert response.url == proposal.get_absolute_url()
    assert (proposal.title, proposal.state) == ("Now final", ProposalState.SUBMITTED)
    assert received(speaker) == 1


def test_proposal_form_token_of_another_speaker_reveals_nothing(client, speaker, event):
    """A token is only ever matched among the sender's own proposals."""
    token = form_token(client_for(client, speaker).get(create_url(event), follow=True))
    client.post(create_url(event), {**complete_data(event), "creation_token": token, "draft": "1"})
    theirs = Proposal.objects.get()
    other = SpeakerFactory()
    client.force_login(other)

    response = client.post(
        create_url(event), {**complete_data(event), "creation_token": token, "draft": "1"}
    )

    assert response.status_code == 200
    assert theirs.code not in page(response)
    assert "Nothing was saved" in page(response)
    assert list(Proposal.objects.filter(speakers=other)) == []


def test_proposal_form_address_of_another_speakers_form_opens_a_new_form(client, speaker, event):
    first = client_for(client, speaker).get(create_url(event), follow=True)
    address, token = first.redirect_chain[0][0], form_token(first)
    client.post(
        address, {**complete_data(event), "creation_token": token, "draft": "1"}, follow=True
    )
    theirs = Proposal.objects.get()
    client.force_login(SpeakerFactory())

    response = client.get(address, follow=True)

    assert form_token(response) != token
    assert theirs.code not in page(response) and theirs.title not in page(response)


def client_for(client, user):
    client.force_login(user)
    return client


@pytest.mark.skipif(connection.vendor != "postgresql", reason="two writers at once need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_proposal_form_sent_twice_at_once_creates_one_proposal(event):
    """Both requests pass the "already created?" check before either commits: the unique
    token column holds, the second waits for the first and then finds its proposal."""
    speaker = SpeakerFactory()
    clients = [Client(), Client()]
    for client in clients:
        client.force_login(speaker)
    token = form_token(clients[0].get(create_url(event), follow=True))
    data = {**complete_data(event), "creation_token": token, "submit": "1"}
    responses = {}

    def post(i: int) -> None:
        try:
            responses[i] = clients[i].post(create_url(event), data)
        finally:
            from django.db import connections

            connections.close_all()

    threads = [threading.Thread(target=post, args=(i,)) for i in range(2)]
    with transaction.atomic():
        # Holding the speaker's row keeps the first request from finishing (it links the
        # speaker to the proposal it inserted); the second then inserts the same token.
        User.objects.select_for_update().get(pk=speaker.pk)
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 20
        while waiting_on_locks() < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert waiting_on_locks() == 2, "the two requests never overlapped"
    for thread in threads:
        thread.join(30)

    proposal = Proposal.objects.get()
    assert proposal.state == ProposalState.SUBMITTED
    assert sorted(r.status_code for r in responses.values()) == [302, 302]
    assert {r.url for r in responses.values()} == {proposal.get_absolute_url()}
    assert received(speaker) == 1


def waiting_on_locks() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")  # else frozen for the transaction
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0]


# --- after the deadline ---------------------------------------------------------------------


def test_proposal_form_after_the_deadline_is_read_only_without_save_buttons(
    speaker_client, speaker, event
):
    proposal = ProposalFactory(event=event, speakers=[speaker], title="Old title")
    close_cfp(event)

    response = speaker_client.post(edit_url(proposal), {"title": "Too late", "submit": "1"})

    body = page(response)
    assert "Editing ended on" in body
    assert "You can edit until" not in body
    assert 'name="submit"' not in body and 'name="draft"' not in body
    assert 'name="save"' not in body
    assert re.search(r'<input[^>]*name="title"[^>]*readonly', body)
    assert re.search(r'<select[^>]*name="submission_type"[^>]*disabled', body)
    assert 'value="Too late"' in body  # still there to copy
    proposal.refresh_from_db()
    assert proposal.title == "Old title"


def test_proposal_form_new_after_the_deadline_says_the_cfp_closed(speaker_client, event):
    close_cfp(event)

    response = speaker_client.post(
        create_url(event), {**complete_data(event), "title": "Late", "submit": "1"}
    )

    body = page(response)
    deadline = timezone.localtime(event.cfp.deadline, event.tz)
    assert f"The call for papers closed on {deadline:%B} {deadline.day}, {deadline.year}" in body
    assert "You can edit until" not in body
    assert 'name="submit"' not in body and 'name="draft"' not in body
    assert "Back to the call for papers" in body
    assert Proposal.objects.count() == 0


def test_proposal_form_with_an_extension_still_offers_saving(speaker_client, speaker, event):
    proposal = ProposalFactory(event=event, speakers=[speaker])
    close_cfp(event)
    proposal.deadline_extension = timezone.now() + timedelta(days=1)
    proposal.save()

    body = page(speaker_client.get(edit_url(proposal)))

    assert "You can edit until" in body
    assert 'name="submit"' in body and "readonly" not in body


# --- length limits ---------------------------------------------------------------------------


def test_proposal_form_too_long_abstract_is_refused_naming_limit_and_length(
    speaker_client, speaker, event
):
    data = {**complete_data(event), "abstract": "x" * 100_000, "submit": "1"}

    response = speaker_client.post(create_url(event), data)

    body = page(response)
    assert "This text has 100,000 characters; at most 3,000 are allowed." in body
    assert "Please shorten it by 97,000." in body
    assert "x" * 100_000 in body  # given back whole, never cut
    assert Proposal.objects.count() == 0


def test_proposal_form_abstract_at_the_limit_is_saved_whole(speaker_client, speaker, event):
    data = {**complete_data(event), "abstract": "y" * ABSTRACT_MAX, "draft": "1"}

    speaker_client.post(create_url(event), data)

    assert Proposal.objects.get().abstract == "y" * ABSTRACT_MAX


def test_proposal_form_fields_do_not_let_the_browser_cut_a_paste(speaker_client, event):
    body = page(speaker_client.get(create_url(event), follow=True))

    abstract = re.search(r"<textarea[^>]*name=\"abstract\"[^>]*>", body).group(0)
    assert "maxlength" not in abstract
    assert f'data-max-length="{ABSTRACT_MAX}"' in abstract
    assert "data-limit-over=" in abstract


# --- the list of errors ----------------------------------------------------------------------


def error_summary(body: str) -> str:
    found = re.search(r'<div class="alert alert-danger error-summary"(.*?)</ul>', body, re.S)
    return found.group(0) if found else ""


def test_proposal_form_sent_back_lists_its_errors_at_the_top_with_links(
    speaker_client, speaker, event
):
    data = {**complete_data(event, title="", experience_level=""), "submit": "1"}

    body = page(speaker_client.post(create_url(event), data))

    summary = error_summary(body)
    assert 'tabindex="-1"' in summary and "data-error-summary" in summary
    assert 'role="alert"' in summary
    assert "There are 2 problems to correct:" in summary
    links = re.findall(r'<a href="#([^"]+)" class="alert-link">([^<]*)</a>', summary)
    assert links == [
        ("id_title", "Title: This field is required."),
        ("id_experience_level", "Experience level: This field is required."),
    ]
    assert body.index("error-summary") < body.index('name="title"')
    assert Proposal.objects.count() == 0


def test_proposal_form_without_errors_has_no_list_of_errors(speaker_client, event):
    body = page(speaker_client.get(create_url(event), follow=True))

    assert "error-summary" not in body and "data-error-summary" not in body
