"""Validators for text that users type: clear messages for what cannot be stored safely."""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# U+FFFD is what undecodable bytes turn into (config.middleware makes sure of it for form
# bodies); other control characters are never typed.
_ALLOWED_CONTROLS = {"\t", "\n", "\r"}
# Every character that ends a line somewhere: exactly those str.splitlines() splits on
# (LF, CR, vertical tab, form feed, the file/group/record separators, NEL, U+2028, U+2029).
LINE_BREAKS = frozenset("\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029")
# Real HTML elements (and comments), not any word in angle brackets: "List<T>" is a title.
_HTML_ELEMENTS = (
    "a|abbr|applet|area|audio|b|base|body|br|button|canvas|code|dialog|details|div|em|embed|"
    "font|form|frame|frameset|h[1-6]|head|hr|html|i|iframe|img|input|link|marquee|math|meta|"
    "object|ol|p|picture|pre|script|select|source|span|strong|style|svg|table|td|textarea|th|"
    "title|tr|u|ul|video"
)
# As browsers parse it: no space between "<" and the name, so "a < b > c" is text.
_TAG = re.compile(rf"<!--|</?(?:{_HTML_ELEMENTS})(?:[\s/][^>]*)?>", re.IGNORECASE)


def validate_clean_text(value: str) -> None:
    """Refuse text that is not valid Unicode as typed: replacement marks, controls, NUL."""
    if "\ufffd" in value:
        raise ValidationError(
            "This text contains characters that are not valid UTF-8. "
            "Please retype or paste it again.",
            code="invalid_unicode",
        )
    for char in value:
        if char in _ALLOWED_CONTROLS:
            continue
        category = unicodedata.category(char)
        if category == "Cc" or category == "Cs":
            raise ValidationError(
                "This text contains invisible control characters. Please remove them.",
                code="control_characters",
            )


def validate_one_line_text(value: str) -> None:
    """Text of a one-line field (a title, a name): clean, and without line breaks.

    A line break there is never meant, and breaks what expects one line (an iCal SUMMARY,
    an email subject, a CSV cell read by eye).
    """
    if any(char in LINE_BREAKS for char in value):
        raise ValidationError(
            _("This field holds one line of text. Please remove the line breaks."),
            code="line_break",
        )
    validate_clean_text(value)


def validate_no_markup(value: str) -> None:
    """Plain one-line fields (names, titles) hold text, not HTML."""
    if _TAG.search(value):
        raise ValidationError("HTML is not allowed here; please write plain text.", code="markup")
