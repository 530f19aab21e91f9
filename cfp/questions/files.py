"""Answer files are recognised by their content, never by their name."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from cfp.models.questions import FILE_TYPES
from speakers.validators import validate_clean_text

# Each type as the browser's file picker filters it; the server checks the content.
FILE_ACCEPT = {
    "pdf": ".pdf,application/pdf",
    "png": ".png,image/png",
    "jpeg": ".jpg,.jpeg,image/jpeg",
    "gif": ".gif,image/gif",
    "webp": ".webp,image/webp",
    "txt": ".txt,text/plain",
}


def _is_text(content: bytes) -> bool:
    try:
        validate_clean_text(content.decode("utf-8"))
    except (UnicodeDecodeError, ValidationError):
        return False
    return True


def file_type_of(content: bytes) -> str | None:
    """The FILE_TYPES key this content is, read from its first bytes (not from its name)."""
    if content.startswith(b"%PDF-"):
        return "pdf"
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if content.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if content[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return "webp"
    if content and _is_text(content):
        return "txt"
    return None


class FileTypeValidator:
    """A file of an allowed type (by content) and no larger than the limit."""

    def __init__(self, types: list[str], max_mb: int):
        self.types = [t for t in types if t in FILE_TYPES] or list(FILE_TYPES)
        self.max_mb = max_mb

    def __call__(self, upload) -> None:
        if upload.size > self.max_mb * 1024 * 1024:
            raise ValidationError(
                _("This file is %(size)s MB; at most %(limit)s MB are allowed."),
                code="file_too_large",
                params={"size": f"{upload.size / 1024 / 1024:.1f}", "limit": self.max_mb},
            )
        upload.seek(0)
        # Text must be read whole to be known as text; the size is already bounded.
        content = upload.read() if "txt" in self.types else upload.read(16)
        upload.seek(0)
        if file_type_of(content) not in self.types:
            raise ValidationError(
                _("This file is not of an allowed type. Allowed: %(types)s."),
                code="file_type",
                params={"types": ", ".join(str(FILE_TYPES[t]) for t in self.types)},
            )
