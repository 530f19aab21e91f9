"""Questions for the question tests: one of each kind, files by their first bytes."""

import html
import re

from django.core.files.uploadedfile import SimpleUploadedFile

from cfp.enums import QuestionKind, QuestionTarget
from cfp.models.questions import Question, QuestionOption

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 32


def question(event, kind=QuestionKind.TEXT, text=None, options=(), tracks=(), types=(), **kw):
    q = Question.objects.create(
        event=event,
        kind=kind,
        question=text or f"{QuestionKind(kind).label}?",
        target=kw.pop("target", QuestionTarget.PROPOSAL),
        **kw,
    )
    for i, option in enumerate(options):
        QuestionOption.objects.create(question=q, text=option, position=i)
    q.tracks.set(tracks)
    q.submission_types.set(types)
    return q


def upload(content: bytes, name: str = "file.pdf", content_type="application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def name(q) -> str:
    return f"question_{q.pk}"


def field_errors(response) -> dict[str, list[str]]:
    """The errors the crispy form shows next to each field, by field name."""
    found: dict[str, list[str]] = {}
    body = response.content.decode()
    for field, text in re.findall(
        r'id="error_\d+_id_(\w+)"[^>]*>\s*<strong>(.*?)</strong>', body, re.S
    ):
        found.setdefault(field, []).append(html.unescape(text))
    return found


def checked_values(response, field: str) -> list[str]:
    """The values of the ticked radio buttons or checkboxes of a field."""
    body = response.content.decode()
    inputs = re.findall(rf'<input[^>]*name="{field}"[^>]*>', body)
    return [re.search(r'value="([^"]*)"', i).group(1) for i in inputs if " checked" in i]
