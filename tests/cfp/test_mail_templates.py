"""Each event's email texts: placeholders checked when saved, values never expanded."""

import pytest
from django.urls import reverse

from cfp.enums import MessageKind
from cfp.mail import emails, outbox, texts
from cfp.models import EmailTemplate
from tests.factories import EventFactory, ProposalFactory, SpeakerFactory, UserFactory
from tests.helpers import FormData, form_errors, page

pytestmark = pytest.mark.django_db

CONFIRM = {"confirm_url": "https://lectern.test/confirm/"}


@pytest.fixture
def organizer(db):
    return UserFactory(is_staff=True, email="olivia@lectern.test")


@pytest.fixture
def event(organizer):
    return EventFactory(name="Kernel Summit", organizers=[organizer])


@pytest.fixture
def organizer_client(client, organizer):
    client.force_login(organizer)
    return client


def add_url() -> str:
    return reverse("admin:cfp_emailtemplate_add")


def texts_url(event) -> str:
    return f"{reverse('admin:cfp_emailtemplate_changelist')}?event={event.pk}"


def save(client, event, kind=MessageKind.ACCEPTANCE, **fields):
    data = {"event": event.pk, "kind": kind, "subject": "Accepted: {proposal_title}"}
    data["body"] = "Hello {speaker_name},\n\nplease confirm: {confirm_url}\n"
    return client.post(add_url(), {**data, **fields})


# --- the form -----------------------------------------------------------------------------


def test_new_text_starts_from_the_default_and_lists_the_kinds_placeholders(organizer_client, event):
    response = organizer_client.get(add_url(), {"event": event.pk, "kind": "acceptance"})

    shown = FormData(page(response), "emailtemplate_form").data
    subject, body = texts.DEFAULTS[MessageKind.ACCEPTANCE]
    assert (shown["subject"], shown["body"]) == ([subject], [body])
    assert (
        "Placeholders you can use: {confirm_url}, {event_name}, {event_url}, {proposal_title}, "
        "{proposal_url}, {speaker_name}, {speakers}." in page(response)
    )
    assert "{reviewer_name}" not in page(response)


def test_unknown_placeholder_is_refused_when_saved_naming_it(organizer_client, event):
    response = save(organizer_client, event, body="Dear {speker_name}, see {confirm_url}")

    assert response.status_code == 200
    assert form_errors(response)["body"] == [
        "Unknown placeholder: {speker_name}. You can use: {confirm_url}, {event_name}, "
        "{event_url}, {proposal_title}, {proposal_url}, {speaker_name}, {speakers}."
    ]
    assert "Unknown placeholder: {speker_name}" in page(response)
    assert not EmailTemplate.objects.exists()


def test_a_placeholder_of_another_kind_is_refused_in_the_subject(organizer_client, event):
    response = save(organizer_client, event, kind=MessageKind.REJECTION, subject="{confirm_url}")

    assert form_errors(response)["subject"][0].startswith("Unknown placeholder: {confirm_url}.")
    assert not EmailTemplate.objects.exists()


def test_a_stray_brace_is_refused(organizer_client, event):
    response = save(organizer_client, event, body="Hello {speaker_name, welcome}")

    assert form_errors(response)["body"] == [
        "A brace { or } stands alone; placeholders look like {event_name}."
    ]
    assert not EmailTemplate.objects.exists()


def test_editing_an_existing_text_is_checked_too(organizer_client, event):
    text = EmailTemplate.objects.create(
        event=event, kind=MessageKind.REJECTION, subject="Sorry", body="Hi {speaker_name}"
    )

    response = organizer_client.post(
        reverse("admin:cfp_emailtemplate_change", args=[text.pk]),
        {"subject": "Sorry", "body": "Hi {deadline}"},
    )

    assert "Unknown placeholder: {deadline}" in page(response)
    text.refresh_from_db()
    assert text.body == "Hi {speaker_name}"


def test_a_text_in_use_is_never_refused_when_an_email_is_made(event):
    # Texts are checked when saved; one that slipped in some other way still renders.
    EmailTemplate.objects.create(
        event=event, kind=MessageKind.REJECTION, subject="{oops}", body="Hi {speaker_name} {"
    )

    subject, body = texts.render(MessageKind.REJECTION, {"speaker_name": "Ada"}, event)

    assert (subject, body) == ("{oops}", "Hi Ada {")


# --- the saved text in the emails ---------------------------------------------------------


def test_saved_text_is_used_with_values_never_expanded_and_utf8_intact(
    organizer_client, event, smtp_server
):
    response = save(
        organizer_client,
        event,
        subject="Angenommen – {proposal_title} 🎉",
        body="Grüße {speaker_name}!\r\n\r\n„{proposal_title}“ ist dabei. 東京 🚀\r\n{confirm_url}",
    )
    assert response.status_code == 302, page(response)
    speaker = SpeakerFactory(email="zoe@kernel.test", profile__name="Zoë {event_name} Ångström")
    title = "Why {proposal_title} & {event_name} break <script>alert(1)</script>"
    proposal = ProposalFactory(event=event, title=title, speakers=[speaker])

    (message,) = emails.speaker_email_queue(proposal, MessageKind.ACCEPTANCE, CONFIRM, draft=True)

    assert message.subject == f"Angenommen – {title} 🎉"
    assert message.body == (
        f"Grüße Zoë {{event_name}} Ångström!\n\n„{title}“ ist dabei. 東京 🚀\n"
        "https://lectern.test/confirm/"
    )
    assert "<script>" not in message.html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in message.html
    outbox.messages_release(type(message).objects.filter(pk=message.pk))
    assert outbox.message_deliver(message.pk) == "sent"
    ((rcpts, received),) = smtp_server.wait_for(1, timeout=5)
    assert received["Subject"].lstrip() == f"Angenommen – {title} 🎉"
    plain = received.get_body(preferencelist=("plain",)).get_content()
    assert plain.startswith("Grüße Zoë {event_name} Ångström!")
    assert "東京 🚀" in plain
    html = received.get_body(preferencelist=("html",)).get_content()
    assert "<script>" not in html and "&lt;script&gt;" in html


# --- the overview, the preview, reset to default ------------------------------------------


def test_overview_shows_each_kind_with_the_text_in_use(organizer_client, event):
    EmailTemplate.objects.create(
        event=event, kind=MessageKind.REJECTION, subject="Our own rejection", body="Hi"
    )

    body = page(organizer_client.get(texts_url(event)))

    assert "Our own rejection" in body and "Your own" in body
    assert texts.DEFAULTS[MessageKind.ACCEPTANCE][0] in body
    assert "Lectern's default" in body
    for label in ("Acceptance", "Rejection", "Review reminder", "Co-speaker invitation"):
        assert label in body
    assert "Account (sign-up, password)" not in body


def test_preview_shows_the_text_with_sample_values(organizer_client, event):
    text = EmailTemplate.objects.create(
        event=event,
        kind=MessageKind.ACCEPTANCE,
        subject="Accepted: {proposal_title}",
        body="Hello {speaker_name}, welcome to {event_name}!",
    )

    body = page(organizer_client.get(reverse("admin:cfp_emailtemplate_change", args=[text.pk])))

    assert "Accepted: Observability without tears" in body
    assert "Hello Ada Lovelace, welcome to Kernel Summit!" in body
    assert 'sandbox=""' in body
    assert "Reset to default" in body


def test_reset_to_default_deletes_the_text(organizer_client, event):
    text = EmailTemplate.objects.create(
        event=event, kind=MessageKind.REJECTION, subject="Our own rejection", body="Hi"
    )
    url = reverse("admin:cfp_emailtemplate_delete", args=[text.pk])

    confirmation = page(organizer_client.get(url))
    response = organizer_client.post(url, {"post": "yes", "event": event.pk})

    assert "Reset “Rejection” of Kernel Summit to Lectern's default text?" in confirmation
    assert texts.DEFAULTS[MessageKind.REJECTION][0] in confirmation
    assert response.url == texts_url(event)
    assert not EmailTemplate.objects.exists()
    assert (
        texts.template_for(MessageKind.REJECTION, event) == (texts.DEFAULTS[MessageKind.REJECTION])
    )


def test_one_text_per_event_and_kind(organizer_client, event):
    assert save(organizer_client, event).status_code == 302

    response = save(organizer_client, event, subject="Second")

    assert response.status_code == 200
    assert list(EmailTemplate.objects.values_list("subject", flat=True)) == [
        "Accepted: {proposal_title}"
    ]


def test_organizer_cannot_add_a_text_to_another_event(organizer_client, event):
    other = EventFactory(name="Other Summit", organizers=[UserFactory(is_staff=True)])

    response = save(organizer_client, other)

    assert "Select a valid choice" in page(response)
    assert not EmailTemplate.objects.exists()
