"""Validators for text that users type: clear messages for what cannot be stored safely."""

import re
import unicodedata

from django.core.exceptions import ValidationError

# U+FFFD is what undecodable bytes turn into; other control characters are never typed.
_ALLOWED_CONTROLS = {"\t", "\n", "\r"}
_TAG = re.compile(r"<\s*/?\s*[a-zA-Z!][^>]*>")


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


def validate_no_markup(value: str) -> None:
    """Plain one-line fields (names, titles) hold text, not HTML."""
    if _TAG.search(value):
        raise ValidationError("HTML is not allowed here; please write plain text.", code="markup")
