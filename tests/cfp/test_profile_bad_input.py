"""Bad input in the profile form, and UTF-8 surviving the way from the forms to the page and
the email."""

import email
from email.header import decode_header, make_header

import pytest
from django.utils.html import escape

from cfp.enums import ProposalState
from cfp.models import Proposal
from speakers.models import SpeakerProfile
from tests.cfp.bad_input import (
    CONTROL_CHARS,
    HTML_PAYLOADS,
    INVALID_BYTES,
    INVALID_UTF8,
    MALICIOUS_MARKDOWN,
    NO_HTML,
    NUL_CHARS,
    ONE_LINE,
    PROFILE_NOT_SAVED,
    WORLD_TEXT,
    assert_shown_escaped,
    create_url,
    field_error,
    main_content,
    raw_body,
    snapshot,
)
from tests.helpers import complete_data, page, profile_data

pytestmark = pytest.mark.django_db


PROFILE_URL = "/me/profile/"


@pytest.mark.parametrize(
    ("field", "message"),
    [("name", "This field is required."), ("biography", "This field is required.")],
)
def test_profile_without_a_required_field_is_refused(speaker_client, speaker, field, message):
    before = snapshot(speaker.profile)

    response = speaker_client.post(PROFILE_URL, profile_data(**{field: ""}))

    body = page(response)
    assert PROFILE_NOT_SAVED in body
    assert message in body
    assert field_error(body, field)
    assert snapshot(speaker.profile) == before


@pytest.mark.parametrize(
    ("field", "limit"), [("name", 100), ("affiliation", 150), ("biography", 3000)]
)
def test_profile_too_long_text_is_refused(speaker_client, speaker, field, limit):
    before = snapshot(speaker.profile)

    response = speaker_client.post(PROFILE_URL, profile_data(**{field: "y" * (limit + 1)}))

    body = page(response)
    assert PROFILE_NOT_SAVED in body
    assert f"Ensure this value has at most {limit} characters (it has {limit + 1})." in body
    assert snapshot(speaker.profile) == before


@pytest.mark.parametrize("field", ["name", "affiliation"])
@pytest.mark.parametrize("line_break", ["\r\n", "\u2028"])
def test_profile_one_line_field_with_a_line_break_is_refused(
    speaker_client, speaker, field, line_break
):
    before = snapshot(speaker.profile)

    response = speaker_client.post(PROFILE_URL, profile_data(**{field: f"Ada{line_break}Byron"}))

    body = page(response)
    assert PROFILE_NOT_SAVED in body
    assert ONE_LINE in body
    assert field_error(body, field)
    assert snapshot(speaker.profile) == before


@pytest.mark.parametrize("field", ["name", "affiliation"])
@pytest.mark.parametrize("payload", HTML_PAYLOADS)
def test_profile_plain_field_with_html_is_refused(speaker_client, speaker, field, payload):
    before = snapshot(speaker.profile)

    response = speaker_client.post(PROFILE_URL, profile_data(**{field: payload}))

    body = page(response)
    assert PROFILE_NOT_SAVED in body
    assert NO_HTML in body
    assert field_error(body, field)
    assert snapshot(speaker.profile) == before
    assert_shown_escaped(body, payload)


def test_profile_biography_is_stored_as_typed_and_shown_escaped(speaker_client, speaker):
    speaker_client.post(PROFILE_URL, profile_data(biography=MALICIOUS_MARKDOWN))

    speaker.profile.refresh_from_db()
    assert speaker.profile.biography == MALICIOUS_MARKDOWN
    body = page(speaker_client.get(PROFILE_URL))
    assert_shown_escaped(body, MALICIOUS_MARKDOWN)
    assert "&lt;script&gt;alert(&#x27;xss&#x27;)&lt;/script&gt;" in body
    assert "<script>alert" not in body
    assert "<img" not in main_content(body)


@pytest.mark.parametrize("links", ["javascript:alert(1)", "ftp://example.com/talks", "<b>x</b>"])
def test_profile_link_that_is_not_a_web_address_is_refused(speaker_client, speaker, links):
    before = snapshot(speaker.profile)

    response = speaker_client.post(PROFILE_URL, profile_data(links=links))

    body = page(response)
    assert PROFILE_NOT_SAVED in body
    assert "is not a web address (it should start with https://)." in body
    assert f"“{escape(links)}” is not a web address" in body
    assert snapshot(speaker.profile) == before
    assert 'href="javascript:' not in body


@pytest.mark.parametrize("field", ["name", "affiliation", "biography", "links"])
def test_profile_raw_invalid_utf8_is_refused(speaker_client, speaker, field):
    before = snapshot(speaker.profile)
    data = profile_data()
    del data[field]
    value = b"https://example.com/" + INVALID_BYTES if field == "links" else INVALID_BYTES

    response = speaker_client.generic(
        "POST",
        PROFILE_URL,
        data=raw_body(data, field, value),
        content_type="application/x-www-form-urlencoded",
    )

    body = page(response)
    assert PROFILE_NOT_SAVED in body
    assert INVALID_UTF8 in body
    assert field_error(body, field)
    assert snapshot(speaker.profile) == before


@pytest.mark.parametrize("field", ["name", "affiliation", "biography"])
def test_profile_invalid_utf8_in_a_multipart_form_is_refused(speaker_client, speaker, field):
    before = snapshot(speaker.profile)

    # The profile form is multipart; a list of bytes is sent as raw bytes, not re-encoded.
    response = speaker_client.post(PROFILE_URL, profile_data(**{field: [INVALID_BYTES]}))

    body = page(response)
    assert INVALID_UTF8 in body
    assert field_error(body, field)
    assert snapshot(speaker.profile) == before


@pytest.mark.parametrize("field", ["name", "affiliation", "biography", "links"])
@pytest.mark.parametrize(
    ("bad", "message"), [("\x00", NUL_CHARS), ("\x1b", CONTROL_CHARS)], ids=["nul", "escape"]
)
def test_profile_control_characters_are_refused(speaker_client, speaker, field, bad, message):
    before = snapshot(speaker.profile)
    value = f"https://example.com/a{bad}b" if field == "links" else f"Before{bad}after"

    response = speaker_client.post(PROFILE_URL, profile_data(**{field: value}))

    body = page(response)
    assert PROFILE_NOT_SAVED in body
    assert message in body
    assert field_error(body, field)
    assert snapshot(speaker.profile) == before


def test_unicode_round_trip_from_forms_to_page_and_email(
    speaker_client, speaker, event, mailoutbox, django_capture_on_commit_callbacks
):
    abstract = f"{WORLD_TEXT}\n\nMore about **{WORLD_TEXT}**."
    speaker_client.post(PROFILE_URL, profile_data(name=WORLD_TEXT, affiliation=WORLD_TEXT))

    with django_capture_on_commit_callbacks(execute=True):
        response = speaker_client.post(
            create_url(event),
            {**complete_data(event, title=WORLD_TEXT, abstract=abstract), "submit": "1"},
            follow=True,
        )

    # The database holds exactly what was typed.
    profile = SpeakerProfile.objects.get(user=speaker)
    assert profile.name == WORLD_TEXT
    assert profile.affiliation == WORLD_TEXT
    proposal = Proposal.objects.get()
    assert proposal.title == WORLD_TEXT
    assert proposal.abstract == abstract
    assert proposal.state == ProposalState.SUBMITTED

    # The proposal page shows it unchanged.
    body = main_content(page(response))
    assert f'<h1 class="h2 mb-1">{WORLD_TEXT}</h1>' in body
    assert f"<p>{WORLD_TEXT}</p>" in body
    assert f"<p>More about <strong>{WORLD_TEXT}</strong>.</p>" in body
    assert f"<div>{WORLD_TEXT}</div>" in body  # the speaker's name
    assert f"<title>{WORLD_TEXT} · {event.name} · Lectern</title>" in page(response)

    # So does the email, as sent over the wire.
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.subject == f"Proposal received: {WORLD_TEXT} ({event.name})"
    assert message.body.startswith(f"Hello {WORLD_TEXT},\n")
    assert f"we have received the proposal “{WORLD_TEXT}” for {event.name}." in message.body
    wire = email.message_from_bytes(message.message().as_bytes())
    assert str(make_header(decode_header(wire["Subject"]))) == message.subject
    text = next(part for part in wire.walk() if part.get_content_type() == "text/plain")
    assert text.get_payload(decode=True).decode(text.get_content_charset()) == message.body
    html = next(part for part in wire.walk() if part.get_content_type() == "text/html")
    assert WORLD_TEXT in html.get_payload(decode=True).decode(html.get_content_charset())
