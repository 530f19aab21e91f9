"""The Markdown preview of the proposal form: what it renders and to whom."""

import pytest
from django.urls import reverse

from tests.cfp.speaker_pages import login_url
from tests.helpers import page

pytestmark = pytest.mark.django_db


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
