"""Markdown as authors write it: unsafe markup is shown as text or removed whole, never in
fragments, and the author's words are never eaten."""

from html.parser import HTMLParser

import pytest

from cfp.markdown import markdown_to_text, render_markdown

REL = 'rel="noopener noreferrer nofollow"'


class _Page(HTMLParser):
    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.text = ""
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text += data


@pytest.mark.parametrize(
    "source",
    [
        "Generics: List<T> and Map<K, V>",
        "a < b > c",
        "<script>alert(1)</script>",
        '<img src="x" onerror="alert(1)">',
        "<img src=x onerror=alert(1)>",
        '<a href="javascript:alert(2)">raw link</a>',
        "<!-- a comment -->",
        "<javascript:alert(1)>",
        "<b>bold?</b> <div>block</div>",
    ],
)
def test_markdown_html_is_shown_as_text(source):
    html = render_markdown(source)

    page = _Page(html)
    assert page.text == source
    assert [tag for tag, _ in page.tags] == ["p"]


@pytest.mark.parametrize(
    "source",
    [
        "[click](javascript:alert(1))",
        "[click](javascript:alert('1'))",
        '[click](javascript:alert("x"))',
        "[click](JaVaScRiPt:alert(1))",
        "[click](java\tscript:alert(1))",
        "[click](vbscript:msgbox(1))",
        "[click](data:text/html,<script>alert(1)</script>)",
        '[click](javascript:alert(1) "a title")',
        "[click][ref]\n\n[ref]: javascript:alert(1)",
        "![click](javascript:alert(1))",
    ],
)
def test_markdown_unsafe_link_keeps_its_text_and_loses_the_link(source):
    html = render_markdown(source)

    assert html == "<p>click</p>"


def test_markdown_link_with_quotes_in_its_address_stays_whole():
    html = render_markdown("See [the docs](https://example.org/f('x')) now.")

    assert html == f"<p>See <a href=\"https://example.org/f('x')\" {REL}>the docs</a> now.</p>"


def test_markdown_safe_markup_is_still_rendered():
    source = (
        "Some *emphasis*, **strong** and `code <T>`.\n\n"
        '[a link](https://example.org "Title") and [mail](mailto:a@example.org) and '
        "[here](/democon/) and <https://example.org/auto>\n\n"
        "- one\n- two\n\n"
        "```\nif a < b:\n    pass\n```"
    )

    html = render_markdown(source)

    assert html == (
        "<p>Some <em>emphasis</em>, <strong>strong</strong> and <code>code &lt;T&gt;</code>.</p>\n"
        f'<p><a href="https://example.org" title="Title" {REL}>a link</a> and '
        f'<a href="mailto:a@example.org" {REL}>mail</a> and '
        f'<a href="/democon/" {REL}>here</a> and '
        f'<a href="https://example.org/auto" {REL}>https://example.org/auto</a></p>\n'
        "<ul>\n<li>one</li>\n<li>two</li>\n</ul>\n"
        "<pre><code>if a &lt; b:\n    pass\n</code></pre>"
    )


def test_markdown_image_becomes_a_link_with_its_description():
    html = render_markdown("![The architecture](https://example.org/arch.png)")

    assert html == f'<p><a href="https://example.org/arch.png" {REL}>The architecture</a></p>'


def test_markdown_attributes_cannot_add_event_handlers():
    html = render_markdown('*x*{: onclick="alert(1)" style="color:red"}')

    assert html == "<p><em>x</em></p>"


def test_markdown_to_text_keeps_paragraphs_lists_and_words():
    source = (
        "First **paragraph** about List<T>.\n\n"
        "Second paragraph,\nsecond line.\n\n"
        "- one\n- two\n    1. nested\n\n"
        "> quoted\n\n"
        "[click](javascript:alert(1)) & [docs](https://example.org)"
    )

    text = markdown_to_text(source)

    assert text == (
        "First paragraph about List<T>.\n\n"
        "Second paragraph,\nsecond line.\n\n"
        "- one\n- two\n  1. nested\n\n"
        "quoted\n\n"
        "click & docs"
    )


def test_render_markdown_one_text_never_reaches_the_next():
    # One converter serves every text of a thread: what a text defines (a link reference, an
    # abbreviation, a footnote) must not carry over into the next text it converts.
    source = (
        "See [the site][home] and HTML.[^1]\n\n"
        "[home]: https://example.org/\n*[HTML]: Hyper Text\n\n[^1]: A footnote."
    )
    first = render_markdown(source)
    second = render_markdown("Again [the site][home] and HTML.")

    assert 'href="https://example.org/"' in first and "<abbr" in first and "A footnote" in first
    assert _Page(second).tags == [("p", {})]
    assert _Page(second).text == "Again [the site][home] and HTML."
    assert render_markdown(source) == first
