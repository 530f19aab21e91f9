"""Reading exports back, and the documented JSON shape, for the export tests."""

import csv
import io
import re
from pathlib import Path

from django.urls import reverse

DOCS = Path(__file__).resolve().parents[2] / "docs" / "exports.md"


# Everything that breaks exports somewhere: accents, CJK, emoji, right-to-left, quotes,
# separators and line breaks of both kinds.
NASTY = "Café «naïve» 日本語 🎤 עברית \"quoted\", semi; comma,\nnew line\r\nCRLF and 'single'"


SECRET = "Secret kernel talk"


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def read_csv(data: bytes) -> list[dict[str, str]]:
    assert data.startswith("\ufeff".encode()), "a CSV starts with the UTF-8 byte-order mark"
    text = data.decode("utf-8")[1:]
    assert "\ufeff" not in text, "one byte-order mark, at the start only"
    return list(csv.DictReader(io.StringIO(text, newline="")))


def export_url(name: str, event, **params) -> str:
    url = reverse(f"admin:cfp_event_export_{name}", args=[event.pk])
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return f"{url}?{query}" if query else url


JSON_TYPES = {
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "object": (dict,),
    "array": (list,),
    "null": (type(None),),
}


def documented_fields(heading: str) -> dict[str, set[str]]:
    """{field path: its types} from the field table under a heading of docs/exports.md."""
    text = DOCS.read_text(encoding="utf-8")
    match = re.search(rf"^#+ {re.escape(heading)}\n(.*?)(?=^#+ |\Z)", text, re.M | re.S)
    assert match, f"docs/exports.md has no section “{heading}”"
    fields = {}
    for line in match[1].splitlines():
        row = re.match(r"^\| `([^`]+)` \| ([^|]+) \|", line)
        if row:
            fields[row[1]] = {t.strip() for t in row[2].split(" or ")}
    assert fields, f"the section “{heading}” has no field table"
    return fields


def observed_fields(document, documented) -> dict[str, set[str]]:
    """{field path: the types found}, descending only where the documentation does."""
    found: dict[str, set[str]] = {}

    def kind(value) -> str:
        if value is None:
            return "null"
        if isinstance(value, bool):
            return "boolean"
        if isinstance(value, int):
            return "integer"
        if isinstance(value, float):
            return "number"
        return {str: "string", dict: "object", list: "array"}[type(value)]

    def walk(value, path):
        found.setdefault(path, set()).add(kind(value))
        children = [p for p in documented if p.startswith(path + ".") or p.startswith(path + "[]")]
        if isinstance(value, dict) and children:
            for key, item in value.items():
                walk(item, f"{path}.{key}")
        if isinstance(value, list):
            for item in value:
                if isinstance(item, dict):
                    for key, sub in item.items():
                        walk(sub, f"{path}[].{key}")

    for key, value in document.items():
        walk(value, key)
    return found


def assert_matches_documentation(document, heading):
    documented = documented_fields(heading)
    observed = observed_fields(document, documented)
    assert set(observed) == set(documented), (
        f"undocumented: {sorted(set(observed) - set(documented))}; "
        f"documented but missing: {sorted(set(documented) - set(observed))}"
    )
    for path, kinds in observed.items():
        allowed = documented[path]
        if "number" in allowed:
            allowed = allowed | {"integer"}
        assert kinds <= allowed, f"{path}: {kinds} is not {allowed}"


def run_action(client, action, proposals):
    return client.post(
        reverse("admin:cfp_proposal_changelist"),
        {"action": action, "_selected_action": [p.pk for p in proposals]},
    )
