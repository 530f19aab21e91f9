"""Payloads, addresses and readers the bad-input tests share."""

import re
from html.parser import HTMLParser
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.html import escape

from cfp.models.proposal import ABSTRACT_MAX, LONG_TEXT_MAX, REQUIREMENTS_MAX, TITLE_MAX

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
