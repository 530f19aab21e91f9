"""Markdown that users write, rendered and sanitised, and its plain-text form for feeds.

Nothing an author typed is lost: raw HTML is not markup here but text, shown as typed
("List<T>", "a < b > c", "<script>…" all read as written); a link or image whose address is
not http(s), mailto or relative keeps its words and loses only the address. nh3 then
cleans what Markdown itself made (attributes from `{: … }`, footnote markup) as a second
line of defence.
"""

import re
import threading
from html.parser import HTMLParser
from urllib.parse import urlsplit
from xml.etree.ElementTree import Element

import markdown as md
import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown.extensions import Extension
from markdown.inlinepatterns import (
    IMAGE_LINK_RE,
    LINK_RE,
    ImageInlineProcessor,
    LinkInlineProcessor,
)
from markdown.treeprocessors import Treeprocessor

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "dl", "dt", "em", "h1", "h2",
    "h3", "h4", "h5", "h6", "hr", "i", "li", "ol", "p", "pre", "strong", "sub", "sup",
    "table", "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "th": {"align"}, "td": {"align"}}
URL_SCHEMES = {"http", "https", "mailto"}

# A link title is set off from the address by white space, as CommonMark requires:
# `(javascript:alert('x'))` is one address, not the address "javascript:alert(" and a title.
_ADDRESS_AND_TITLE = re.compile(r"(?P<href>.*?)\s+(?P<q>[\"'])(?P<title>.*)(?P=q)\s*", re.DOTALL)


def is_safe_url(url: str) -> bool:
    """http(s), mailto, or an address on this site (relative, or a #fragment)."""
    # Browsers ignore control characters and white space inside a scheme ("java\tscript:").
    compact = re.sub(r"[\x00-\x20\x7f]+", "", url)
    try:
        scheme = urlsplit(compact).scheme
    except ValueError:
        return False
    return not scheme or scheme.lower() in URL_SCHEMES


def _closing_paren(data: str, start: int) -> int | None:
    """The index just past the ")" that closes the "(" at `start`, quotes being plain text."""
    depth = 0
    for pos in range(start, len(data)):
        if data[pos] == "(":
            depth += 1
        elif data[pos] == ")":
            depth -= 1
            if depth == 0:
                return pos + 1
    return None


class _CommonMarkLinkMixin:
    """Python-Markdown takes any quote in a link's address for the start of a title and
    leaves the rest of the address as text ("click)"); only a title after a space is one."""

    def getLink(self, data, index):  # noqa: N802 (Python-Markdown's name)
        href, title, end, handled = super().getLink(data, index)
        if (
            not handled
            or title is None
            or data[index : index + 2] == "(<"
            or _ADDRESS_AND_TITLE.fullmatch(data, index + 1, end - 1)
        ):
            return href, title, end, handled
        # The "title" was part of the address: read up to the parenthesis that closes it.
        end = _closing_paren(data, index) or end
        inner = data[index + 1 : end - 1]
        match = _ADDRESS_AND_TITLE.fullmatch(inner)
        if match:
            inner, title = match["href"], match["title"]
        else:
            title = None
        return self.unescape(inner).strip(), title, end, handled


class _LinkProcessor(_CommonMarkLinkMixin, LinkInlineProcessor):
    pass


class _ImageProcessor(_CommonMarkLinkMixin, ImageInlineProcessor):
    pass


class _SafeTargets(Treeprocessor):
    """Unsafe links lose their address but keep their words; images become links.

    An image would load from anywhere (and the Content-Security-Policy allows only this
    site), so its description is shown as a link to it instead.
    """

    def run(self, root: Element) -> None:
        for element in root.iter():
            if element.tag == "img":
                src, alt = element.get("src", ""), element.get("alt", "")
                title = element.get("title")
                element.attrib.clear()
                element.tag = "a"
                element.text = alt or src
                element.set("href", src)
                if title:
                    element.set("title", title)
            if element.tag == "a" and not is_safe_url(element.get("href", "")):
                element.tag = "span"  # not an allowed tag: nh3 keeps only its text
                element.attrib.clear()


class _TextNotHtml(Extension):
    """Raw HTML in the source is text: no HTML blocks, no inline tags (entities stay)."""

    def extendMarkdown(self, md_instance):  # noqa: N802 (Python-Markdown's name)
        md_instance.preprocessors.deregister("html_block")
        md_instance.inlinePatterns.deregister("html")
        md_instance.inlinePatterns.register(_LinkProcessor(LINK_RE, md_instance), "link", 160)
        md_instance.inlinePatterns.register(
            _ImageProcessor(IMAGE_LINK_RE, md_instance), "image_link", 150
        )
        md_instance.treeprocessors.register(_SafeTargets(md_instance), "safe_targets", 5)


_converters = threading.local()


def _converter() -> md.Markdown:
    """This thread's Markdown converter. Building one (its extensions, parsers and patterns)
    cost three times what converting a proposal's abstract does, and the reviewer's page
    converts six texts. It is reset after every text (footnotes, references, stashed
    pieces), so that nothing of one text reaches the next; one per thread, because a
    converter is not thread-safe."""
    converter = getattr(_converters, "markdown", None)
    if converter is None:
        converter = md.Markdown(extensions=["extra", "sane_lists", _TextNotHtml()])
        _converters.markdown = converter
    return converter


def _to_html(text: str) -> str:
    converter = _converter()
    try:
        html = converter.convert(text)
    finally:
        converter.reset()
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )


def render_markdown(text: str) -> SafeString:
    if not text:
        return mark_safe("")  # noqa: S308 (an empty string)
    return mark_safe(_to_html(text))  # noqa: S308 (sanitised by nh3 in _to_html)


# --- plain text ------------------------------------------------------------------------------

_BLOCKS = {
    "blockquote", "dd", "div", "dl", "dt", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "p",
    "pre", "table", "tr",
}  # fmt: skip


class _PlainText(HTMLParser):
    """Rendered Markdown as text: a blank line between blocks, list items one per line."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.blocks: list[tuple[str, bool]] = []  # (text, is a list item)
        self.parts: list[str] = []
        self.lists: list[list] = []  # per open list: [tag, items so far]
        self.prefix = ""
        self.in_pre = 0

    def _flush(self) -> None:
        text = "".join(self.parts)
        text = text.strip("\n") if self.in_pre else text.strip()
        if text:
            self.blocks.append((self.prefix + text, bool(self.prefix)))
            self.prefix = ""
        self.parts = []

    def handle_starttag(self, tag, attrs):
        if tag == "br":
            self.parts.append("\n")
        elif tag in ("ul", "ol"):
            self._flush()
            self.lists.append([tag, 0])
        elif tag == "li":
            self._flush()
            kind = self.lists[-1] if self.lists else ["ul", 0]
            kind[1] += 1
            marker = f"{kind[1]}." if kind[0] == "ol" else "-"
            self.prefix = "  " * max(len(self.lists) - 1, 0) + marker + " "
        elif tag in ("td", "th") and self.parts:
            self.parts.append(" | ")
        elif tag in _BLOCKS:
            self._flush()
            self.in_pre += tag == "pre"

    def handle_endtag(self, tag):
        if tag in ("ul", "ol", "li") or tag in _BLOCKS:
            self._flush()
        if tag in ("ul", "ol") and self.lists:
            self.lists.pop()
        if tag == "pre" and self.in_pre:
            self.in_pre -= 1

    def handle_data(self, data):
        self.parts.append(data)

    def text(self) -> str:
        self.close()
        self._flush()
        out = ""
        previous_item = False
        for text, item in self.blocks:
            if out:
                out += "\n" if item and previous_item else "\n\n"
            out += text
            previous_item = item
        return out


def markdown_to_text(text: str) -> str:
    """The words of a Markdown text without markup, paragraphs kept (for iCal and email)."""
    if not text:
        return ""
    parser = _PlainText()
    parser.feed(_to_html(text))
    return parser.text()
