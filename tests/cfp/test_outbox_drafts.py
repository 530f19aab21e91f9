"""A draft in the outbox: its preview, editing and discarding it, and the way to the next one."""

import pytest
from django.urls import reverse

from cfp.admin.mail_forms import DraftForm
from cfp.enums import MessageState
from cfp.mail import outbox
from cfp.models import Message
from tests.cfp.outbox_pages import action, changelist, decision_drafts, states
from tests.factories import ProposalFactory
from tests.helpers import page

pytestmark = pytest.mark.django_db


def test_draft_page_previews_the_text_and_a_sandboxed_html_version(client, outbox_world):
    title = 'Kernels <script>alert("x")</script> & “quotes” – 東京 🚀'
    proposal = ProposalFactory(event=outbox_world.event, title=title, speakers=[outbox_world.ada])
    (draft,) = decision_drafts(proposal)
    client.force_login(outbox_world.organizer)

    body = page(client.get(reverse("admin:cfp_message_change", args=[draft.pk])))

    assert "Draft to ada@kernel.test" in body
    assert "Accepted: Kernels &lt;script&gt;" in body
    assert '<script>alert("x")' not in body  # neither in the text nor in the HTML preview
    assert 'sandbox=""' in body and "srcdoc=" in body
    assert "&amp;lt;script&amp;gt;" in body  # the HTML alternative escaped it; srcdoc again
    assert "東京 🚀" in body
    assert "Send this draft" in body and "Discard" in body


def test_organizer_edits_a_draft_and_the_html_follows(client, outbox_world):
    draft = outbox_world.drafts[0]
    client.force_login(outbox_world.organizer)

    response = client.post(
        reverse("admin:cfp_message_change", args=[draft.pk]),
        {"subject": "  Welcome   aboard, Ada ", "body": "Dear Ada,\r\n\r\nsee <you> in Köln!"},
    )

    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.state == MessageState.DRAFT
    assert draft.subject == "Welcome aboard, Ada"
    assert draft.body == "Dear Ada,\n\nsee <you> in Köln!"
    assert draft.html == "<p>Dear Ada,</p>\n\n<p>see &lt;you&gt; in Köln!</p>"


def test_a_sent_message_cannot_be_edited(client, outbox_world):
    draft = outbox_world.drafts[0]
    Message.objects.filter(pk=draft.pk).update(state=MessageState.SENT)
    client.force_login(outbox_world.organizer)
    url = reverse("admin:cfp_message_change", args=[draft.pk])

    shown = page(client.get(url))
    response = client.post(url, {"subject": "Changed", "body": "Changed"})

    assert 'name="subject"' not in shown and "Send this draft" not in shown
    assert response.status_code == 403
    draft.refresh_from_db()
    assert draft.subject.startswith("Accepted:")


def test_draft_form_refuses_once_the_draft_is_gone(client, outbox_world):
    draft = outbox_world.drafts[0]
    client.force_login(outbox_world.organizer)
    url = reverse("admin:cfp_message_change", args=[draft.pk])
    opened = Message.objects.get(pk=draft.pk)  # the draft as the open form holds it
    assert 'name="subject"' in page(client.get(url))
    outbox.messages_discard(Message.objects.filter(pk=draft.pk))  # meanwhile, another organizer

    response = client.post(url, {"subject": "Changed", "body": "Changed"})
    # The form itself also refuses, for a post that got past the page's check just before.
    raced = DraftForm({"subject": "Changed", "body": "Changed"}, instance=opened)

    assert response.status_code == 403
    assert not raced.is_valid()
    assert "no longer a draft" in str(raced.errors)
    assert Message.objects.get(pk=draft.pk).subject == draft.subject


def test_discard_one_draft(client, outbox_world):
    draft, kept = outbox_world.drafts[0], outbox_world.drafts[1]
    client.force_login(outbox_world.organizer)

    response = client.post(reverse("admin:cfp_message_discard", args=[draft.pk]))

    assert response.status_code == 302
    assert states([draft, kept]) == [MessageState.DISCARDED, MessageState.DRAFT]


def test_discard_a_selection(client, outbox_world):
    client.force_login(outbox_world.organizer)

    response = client.post(changelist(), action("discard_selected", outbox_world.drafts[:2]))

    assert response.status_code == 302
    assert states(outbox_world.drafts) == [
        MessageState.DISCARDED,
        MessageState.DISCARDED,
        MessageState.DRAFT,
    ]


def test_draft_page_links_to_the_next_draft(client, outbox_world):
    client.force_login(outbox_world.organizer)
    newest, middle, oldest = sorted(outbox_world.drafts, key=lambda m: (m.created_at, m.pk))[::-1]

    response = client.get(reverse("admin:cfp_message_change", args=[middle.pk]))

    body = page(response)
    newer = reverse("admin:cfp_message_change", args=[newest.pk])
    older = reverse("admin:cfp_message_change", args=[oldest.pk])
    assert f'<a href="{newer}">‹ Newer draft</a>' in body
    assert f'<a href="{older}">Older draft ›</a>' in body
