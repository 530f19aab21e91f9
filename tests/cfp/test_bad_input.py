"""Bad input on the proposal and profile forms: a clear message, and nothing stored."""

import email
import re
from email.header import decode_header, make_header
from html.parser import HTMLParser
from urllib.parse import urlencode

import pytest
from django.urls import reverse
from django.utils.html import escape

from cfp.enums import ProposalState
from cfp.models import Proposal
from cfp.models.proposal import ABSTRACT_MAX, LONG_TEXT_MAX, REQUIREMENTS_MAX, TITLE_MAX
from speakers.models import SpeakerProfile
from tests.factories import EventFactory, SubmissionTypeFactory, TrackFactory
from tests.helpers import complete_data, page, profile_data

pytestmark = pytest.mark.django_db

NOT_SAVED = "Your proposal was not saved: please correct the fields marked below."
NOT_CHANGED = "Your changes were not saved: please correct the fields marked below."
PROFILE_NOT_SAVED = "Your profile was not saved: please correct the fields marked below."
NO_HTML = "HTML is not allowed here; please write plain text."
INVALID_UTF8 = (
    "This text contains characters that are not valid UTF-8. Please retype or paste it again."
)
CONTROL_CHARS = "This text contains invisible control characters. Please remove them."
ONE_LINE = "This field holds one line of text. Please remove the line breaks."
# Every character that ends a line somewhere (as str.splitlines() knows them).
LINE_BREAKS = ["\n", "\r\n", "\r", "\v", "\f", "\x1c", "\x85", "\u2028", "\u2029"]
NUL_CHARS = "Null characters are not allowed."
INVALID_CHOICE = "Select a valid choice. That choice is not one of the available choices."

PLAIN_FIELDS = ["title"]
MARKDOWN_FIELDS = ["abstract", "audience", "benefits", "technical_requirements", "notes"]
TEXT_FIELDS = PLAIN_FIELDS + MARKDOWN_FIELDS
MAX_LENGTHS = {
    "title": TITLE_MAX,
    "abstract": ABSTRACT_MAX,
    "audience": LONG_TEXT_MAX,
    "benefits": LONG_TEXT_MAX,
    "technical_requirements": REQUIREMENTS_MAX,
    "notes": LONG_TEXT_MAX,
}

HTML_PAYLOADS = [
    "<script>alert('xss')</script>",
    '<img src="x" onerror="alert(1)">',
    "<b>Bold</b> claims",
    '<a href="javascript:alert(1)">link</a>',
]
MALICIOUS_MARKDOWN = (
    "Intro with **bold**.\n\n"
    "<script>alert('xss')</script>\n\n"
    '<img src="x" onerror="alert(1)">\n\n'
    "[click me](javascript:alert(1))\n\n"
    '<a href="javascript:alert(2)">raw link</a>\n\n'
    "<svg onload=alert(3)></svg> <iframe src=javascript:alert(4)></iframe>"
)
# Accents, a dash, CJK, an emoji outside the BMP and two right-to-left scripts.
WORLD_TEXT = "Café – 東京 🚀 עברית العربية"
# A raw, not percent-encoded, invalid UTF-8 sequence: a lone lead byte, then 0xFF.
INVALID_BYTES = b"Caf\xc3( \xff talk"


# --- helpers ----------------------------------------------------------------------------


def snapshot(obj) -> dict:
    """Every column of the object's row, to compare before and after a refused request."""
    return type(obj).objects.values().get(pk=obj.pk)


def create_url(event) -> str:
    return reverse("cfp:proposal_create", kwargs={"event": event.slug})


def edit_url(proposal) -> str:
    return reverse(
        "cfp:proposal_edit", kwargs={"event": proposal.event.slug, "code": proposal.code}
    )


def raw_body(fields: dict, raw_field: str, raw_value: bytes) -> bytes:
    """A urlencoded body whose one field carries raw bytes, as a misbehaving client sends."""
    return urlencode(fields).encode("ascii") + b"&" + raw_field.encode("ascii") + b"=" + raw_value


def main_content(body: str) -> str:
    """The page's <main>: what the view rendered, without the layout's own script tags."""
    match = re.search(r"<main\b.*?</main>", body, flags=re.DOTALL)
    assert match, "the page has no <main>"
    return match.group(0)


class _Elements(HTMLParser):
    """Every element of a page with its attributes, and the text a reader sees."""

    def __init__(self, body: str):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict]] = []
        self.texts: list[str] = []
        self.feed(body)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, {name: value or "" for name, value in attrs}))

    def handle_data(self, data):
        self.texts.append(data)


def assert_no_active_content(body: str) -> None:
    """No element that runs script; markup typed as text may be shown, as text."""
    page_elements = _Elements(body).elements
    # The layout loads its own scripts from /static/; nothing else may open a <script>.
    scripts = [attrs.get("src", "") for tag, attrs in page_elements if tag == "script"]
    assert all(src.startswith("/static/") for src in scripts)
    assert not [tag for tag, _ in _Elements(main_content(body)).elements if tag == "script"]
    for tag, attrs in page_elements:
        assert tag not in {"iframe", "svg", "object", "embed"}
        assert not [name for name in attrs if name.startswith("on")], (tag, attrs)
        for name in ("href", "src", "action", "formaction"):
            assert not attrs.get(name, "").strip().lower().startswith("javascript:"), attrs


def shown_text(body: str) -> str:
    return "".join(_Elements(main_content(body)).texts)


def assert_shown_escaped(body: str, value: str) -> None:
    """A refused value is shown back for correction as text, never as markup."""
    assert escape(value) in body
    assert value not in body


def field_error(body: str, field: str) -> bool:
    return f'id="error_1_id_{field}"' in body


# --- proposal form: missing and too long ---------------------------------------------------


@pytest.mark.parametrize("missing", ["submission_type", "experience_level", "abstract"])
def test_proposal_submit_without_a_required_field_is_refused(speaker_client, event, missing):
    data = complete_data(event)
    del data[missing]
    before = Proposal.objects.count()

    response = speaker_client.post(create_url(event), {**data, "submit": "1"})

    body = page(response)
    assert NOT_SAVED in body
    assert field_error(body, missing)
    assert "This field is required." in body
    assert Proposal.objects.count() == before


def test_proposal_submit_without_a_category_is_refused_when_the_event_has_tracks(
    speaker_client, event
):
    TrackFactory(event=event)

    response = speaker_client.post(create_url(event), {**complete_data(event), "submit": "1"})

    body = page(response)
    assert field_error(body, "track")
    assert "This field is required." in body
    assert Proposal.objects.count() == 0


@pytest.mark.parametrize("title", ["", "   ", "\t\n"])
def test_proposal_draft_without_a_title_is_refused(speaker_client, event, title):
    response = speaker_client.post(create_url(event), {"title": title, "draft": "1"})

    body = page(response)
    assert NOT_SAVED in body
    assert field_error(body, "title")
    assert Proposal.objects.count() == 0


@pytest.mark.parametrize("field", TEXT_FIELDS)
def test_proposal_too_long_text_is_refused(speaker_client, event, field):
    limit = MAX_LENGTHS[field]
    data = complete_data(event, **{field: "x" * (limit + 1)})

    response = speaker_client.post(create_url(event), {**data, "draft": "1"})

    body = page(response)
    assert NOT_SAVED in body
    assert f"This text has {limit + 1:,} characters; at most {limit:,} are allowed." in body
    assert field_error(body, field)
    assert Proposal.objects.count() == 0


def test_proposal_title_of_201_characters_is_refused_on_edit(speaker_client, proposal):
    before = snapshot(proposal)

    response = speaker_client.post(edit_url(proposal), {"title": "T" * 201, "draft": "1"})

    body = page(response)
    assert NOT_CHANGED in body
    assert "This text has 201 characters; at most 200 are allowed." in body
    assert snapshot(proposal) == before


def test_proposal_text_at_the_limit_is_accepted(speaker_client, event):
    data = complete_data(event, **{field: "x" * limit for field, limit in MAX_LENGTHS.items()})

    speaker_client.post(create_url(event), {**data, "draft": "1"})

    proposal = Proposal.objects.get()
    for field, limit in MAX_LENGTHS.items():
        assert len(getattr(proposal, field)) == limit


# --- proposal form: HTML and script -----------------------------------------------------


@pytest.mark.parametrize("payload", HTML_PAYLOADS)
def test_proposal_title_with_html_is_refused(speaker_client, event, payload):
    response = speaker_client.post(
        create_url(event), {**complete_data(event, title=payload), "submit": "1"}
    )

    body = page(response)
    assert NOT_SAVED in body
    assert NO_HTML in body
    assert field_error(body, "title")
    assert Proposal.objects.count() == 0
    assert_shown_escaped(body, payload)


@pytest.mark.parametrize("title", ["Generics: List<T> and Map<K, V>", "a < b > c in 5 minutes"])
def test_proposal_title_with_angle_brackets_that_are_not_html_is_accepted(
    speaker_client, event, title
):
    speaker_client.post(create_url(event), {**complete_data(event, title=title), "submit": "1"})

    assert Proposal.objects.get().title == title


@pytest.mark.parametrize("payload", HTML_PAYLOADS)
def test_proposal_title_with_html_is_refused_on_edit(speaker_client, proposal, payload):
    before = snapshot(proposal)

    response = speaker_client.post(edit_url(proposal), {"title": payload, "draft": "1"})

    body = page(response)
    assert NOT_CHANGED in body
    assert NO_HTML in body
    assert snapshot(proposal) == before


def test_proposal_markdown_fields_are_stored_as_typed_and_rendered_sanitised(speaker_client, event):
    data = complete_data(event, **dict.fromkeys(MARKDOWN_FIELDS, MALICIOUS_MARKDOWN))

    response = speaker_client.post(create_url(event), {**data, "draft": "1"}, follow=True)

    proposal = Proposal.objects.get()
    for field in MARKDOWN_FIELDS:
        assert getattr(proposal, field) == MALICIOUS_MARKDOWN
    body = page(response)
    assert response.redirect_chain == [(proposal.get_absolute_url(), 302)]
    assert_no_active_content(body)
    assert main_content(body).count("<strong>bold</strong>") == len(MARKDOWN_FIELDS)
    assert "click me" in body
    # The markup is the author's text: shown as typed, not dropped.
    text = shown_text(body)
    assert text.count("<script>alert('xss')</script>") == len(MARKDOWN_FIELDS)
    assert text.count('<img src="x" onerror="alert(1)">') == len(MARKDOWN_FIELDS)


def test_proposal_edit_form_shows_markdown_with_html_escaped(speaker_client, proposal):
    proposal.abstract = MALICIOUS_MARKDOWN
    proposal.save()

    response = speaker_client.get(edit_url(proposal))

    body = page(response)
    assert_shown_escaped(body, MALICIOUS_MARKDOWN)
    assert "&lt;script&gt;alert(&#x27;xss&#x27;)&lt;/script&gt;" in body
    assert "<script>alert" not in body
    assert "<img" not in main_content(body)
    assert 'href="javascript:' not in body


# --- proposal form: invalid Unicode --------------------------------------------------------


@pytest.mark.parametrize("field", TEXT_FIELDS)
def test_proposal_raw_invalid_utf8_is_refused(speaker_client, event, field):
    data = complete_data(event)
    del data[field]
    before = Proposal.objects.count()

    response = speaker_client.generic(
        "POST",
        create_url(event),
        data=raw_body({**data, "draft": "1"}, field, INVALID_BYTES),
        content_type="application/x-www-form-urlencoded",
    )

    body = page(response)
    assert NOT_SAVED in body
    assert INVALID_UTF8 in body
    assert field_error(body, field)
    assert Proposal.objects.count() == before


def test_proposal_raw_invalid_utf8_is_refused_on_edit(speaker_client, proposal):
    before = snapshot(proposal)

    response = speaker_client.generic(
        "POST",
        edit_url(proposal),
        data=raw_body({"draft": "1"}, "title", INVALID_BYTES),
        content_type="application/x-www-form-urlencoded",
    )

    body = page(response)
    assert NOT_CHANGED in body
    assert INVALID_UTF8 in body
    assert snapshot(proposal) == before


def test_proposal_percent_encoded_invalid_utf8_is_refused(speaker_client, event):
    response = speaker_client.generic(
        "POST",
        create_url(event),
        data=b"title=Caf%C3%28+%FF&draft=1",
        content_type="application/x-www-form-urlencoded",
    )

    assert INVALID_UTF8 in page(response)
    assert Proposal.objects.count() == 0


def test_proposal_raw_valid_utf8_is_accepted(speaker_client, event):
    speaker_client.generic(
        "POST",
        create_url(event),
        data=b"draft=1&title=" + WORLD_TEXT.encode("utf-8"),
        content_type="application/x-www-form-urlencoded",
    )

    assert Proposal.objects.get().title == WORLD_TEXT


@pytest.mark.parametrize("field", TEXT_FIELDS)
@pytest.mark.parametrize(
    ("bad", "message"),
    [("\x00", NUL_CHARS), ("\x1b[31m", CONTROL_CHARS), ("\x07", CONTROL_CHARS)],
    ids=["nul", "escape", "bell"],
)
def test_proposal_control_characters_are_refused(speaker_client, event, field, bad, message):
    data = complete_data(event, **{field: f"Before{bad}after"})

    response = speaker_client.post(create_url(event), {**data, "submit": "1"})

    body = page(response)
    assert NOT_SAVED in body
    assert message in body
    assert field_error(body, field)
    assert Proposal.objects.count() == 0


def test_proposal_tabs_and_newlines_are_allowed_in_markdown(speaker_client, event):
    abstract = "Line one\r\n\tindented\nline three"

    speaker_client.post(create_url(event), {**complete_data(event, abstract=abstract), "draft": 1})

    assert Proposal.objects.get().abstract == "Line one\n\tindented\nline three"


@pytest.mark.parametrize("line_break", LINE_BREAKS)
def test_proposal_title_with_a_line_break_is_refused(speaker_client, event, line_break):
    title = f"First line{line_break}second line"

    response = speaker_client.post(
        create_url(event), {**complete_data(event, title=title), "submit": "1"}
    )

    body = page(response)
    assert NOT_SAVED in body
    assert ONE_LINE in body
    assert field_error(body, "title")
    assert Proposal.objects.count() == 0


def test_proposal_title_with_a_line_break_is_refused_on_edit(speaker_client, proposal):
    before = snapshot(proposal)

    response = speaker_client.post(edit_url(proposal), {"title": "One\ntwo", "draft": "1"})

    body = page(response)
    assert NOT_CHANGED in body
    assert ONE_LINE in body
    assert snapshot(proposal) == before


# --- proposal form: wrong types -------------------------------------------------------------


def test_proposal_submission_type_of_another_event_is_refused(speaker_client, event):
    foreign = SubmissionTypeFactory(event=EventFactory())

    response = speaker_client.post(
        create_url(event), {**complete_data(event, submission_type=foreign.pk), "submit": "1"}
    )

    body = page(response)
    assert NOT_SAVED in body
    assert INVALID_CHOICE in body
    assert field_error(body, "submission_type")
    assert Proposal.objects.count() == 0


def test_proposal_submission_type_of_another_event_is_refused_on_edit(speaker_client, proposal):
    foreign = SubmissionTypeFactory(event=EventFactory())
    before = snapshot(proposal)

    response = speaker_client.post(
        edit_url(proposal),
        {**complete_data(proposal.event, submission_type=foreign.pk), "draft": "1"},
    )

    assert INVALID_CHOICE in page(response)
    assert snapshot(proposal) == before


@pytest.mark.parametrize("value", ["abc", "1.5", "-1", "1 OR 1=1", "99999999999999999999"])
def test_proposal_non_integer_submission_type_is_refused(speaker_client, event, value):
    response = speaker_client.post(
        create_url(event), {**complete_data(event, submission_type=value), "draft": "1"}
    )

    body = page(response)
    assert NOT_SAVED in body
    assert INVALID_CHOICE in body
    assert Proposal.objects.count() == 0


@pytest.mark.parametrize("foreign", [True, False], ids=["other-event", "not-an-id"])
def test_proposal_wrong_track_is_refused(speaker_client, event, foreign):
    TrackFactory(event=event)
    value = TrackFactory(event=EventFactory()).pk if foreign else "security"

    response = speaker_client.post(
        create_url(event), {**complete_data(event, track=value), "submit": "1"}
    )

    body = page(response)
    assert INVALID_CHOICE in body
    assert field_error(body, "track")
    assert Proposal.objects.count() == 0


def test_proposal_unknown_experience_level_is_refused(speaker_client, event):
    response = speaker_client.post(
        create_url(event), {**complete_data(event, experience_level="guru"), "submit": "1"}
    )

    body = page(response)
    assert "Select a valid choice. guru is not one of the available choices." in body
    assert Proposal.objects.count() == 0


def test_proposal_form_cannot_set_state_or_event(speaker_client, event):
    other_event = EventFactory()

    speaker_client.post(
        create_url(event),
        {
            "title": "Sneaky",
            "state": ProposalState.ACCEPTED,
            "event": other_event.pk,
            "code": "HACKED",
            "deadline_extension": "2999-01-01 00:00",
            "draft": "1",
        },
    )

    proposal = Proposal.objects.get()
    assert proposal.state == ProposalState.DRAFT
    assert proposal.event == event
    assert proposal.code != "HACKED"
    assert proposal.deadline_extension is None


# --- profile form -----------------------------------------------------------------------


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


# --- UTF-8 round trip -------------------------------------------------------------------


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


def test_proposal_line_breaks_count_once_as_the_counter_shows(speaker_client, event):
    # Browsers send CRLF; a text at the limit in the browser must not be "too long".
    lines = ["x" * 99] * (ABSTRACT_MAX // 100)
    data = complete_data(event, abstract="\r\n".join(lines))
    assert len("\n".join(lines)) <= ABSTRACT_MAX < len(data["abstract"])

    speaker_client.post(create_url(event), {**data, "submit": "1"})

    assert Proposal.objects.get().abstract == "\n".join(lines)
