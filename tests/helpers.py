"""Small helpers the view tests share: form data as a browser posts it, and page text."""

import html
import os
import re
import subprocess
import sys
import time
from contextlib import contextmanager
from html.parser import HTMLParser
from pathlib import Path

from tests.factories import SubmissionTypeFactory

ROOT = Path(__file__).resolve().parents[1]


def run_python(*args: str, unset=(), **env: str) -> subprocess.CompletedProcess:
    """`python *args` in the checkout, as a new process with the real settings
    (config.settings): the test's environment without `unset`, plus `env`."""
    clean = {
        k: v
        for k, v in os.environ.items()
        # DJANGO_ALLOW_ASYNC_UNSAFE: set for the browser tests' event loop, not for a process.
        if k not in {*unset, "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    clean.update(env)
    clean.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    return subprocess.run(  # noqa: S603 (our own interpreter and files)
        [sys.executable, *args], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=120
    )


@contextmanager
def celery_conf(**conf):
    """This process's Celery app with these settings for the block (a broker of the test's)."""
    from config.celery import app

    previous = {key: app.conf[key] for key in conf}
    app.conf.update(conf)
    _drop_broker_connections(app)
    try:
        yield
    finally:
        app.conf.update(previous)
        _drop_broker_connections(app)


def _drop_broker_connections(app) -> None:
    # Celery caches its connection pool on first use (with the in-process memory:// broker
    # in earlier tests); drop it, as Celery itself does after a fork, to use the new broker.
    app._pool = None
    app.amqp._producer_pool = None


def page(response) -> str:
    return response.content.decode()


def complete_data(event, **overrides) -> dict:
    """Everything a proposal submission needs, as the form posts it."""
    data = {
        "title": "Observability without tears",
        "submission_type": SubmissionTypeFactory(event=event).pk,
        "experience_level": "intermediate",
        "abstract": "The speaker shows how **tracing** helps, in complete sentences.",
        "audience": "Operators.",
        "benefits": "Fewer pages at night.",
        "technical_requirements": "None.",
        "notes": "Happy to shorten it.",
    }
    data.update(overrides)
    return data


def profile_data(**overrides) -> dict:
    """A complete speaker profile, as the form posts it."""
    data = {
        "name": "Ada Lovelace",
        "affiliation": "Analytical Engines",
        "biography": "Writes programs for machines that do not exist yet.",
        "links": "https://example.com/ada",
    }
    data.update(overrides)
    return data


def wait_until(condition, timeout: float = 60.0, step: float = 0.1) -> bool:
    """Poll `condition` until it holds (True) or `timeout` seconds pass (False)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step)
    return False


def is_staff_panel_refusal(response) -> bool:
    """The page a signed-in account without staff status gets from any staff panel address."""
    return response.status_code == 403 and "has no access to the staff panel" in page(response)


class ListRows(HTMLParser):
    """The rows of a staff list's table as a browser shows them: per row, each cell's text by
    its column (the cell's class "field-<column>"), the row's link ("href") and, when the row
    has a checkbox, the id it posts ("pk")."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.rows, self.cell, self.in_table = [], None, False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "table" and a.get("id") == "result_list":
            self.in_table = True
        elif not self.in_table:
            return
        elif tag == "tr":
            self.rows.append({})
        elif tag in ("td", "th") and self.rows:
            match = re.search(r"\bfield-(\w+)", a.get("class") or "")
            self.cell = match.group(1) if match else None
            if self.cell:
                self.rows[-1][self.cell] = ""
        elif tag == "a" and self.cell and self.rows and "href" not in self.rows[-1]:
            self.rows[-1]["href"] = a["href"]
        elif tag == "input" and a.get("name") == "_selected_action" and self.rows:
            self.rows[-1]["pk"] = int(a["value"])
        elif tag == "img" and self.cell and self.rows:  # the admin's yes/no icons
            self.rows[-1][self.cell] += a.get("alt", "")

    def handle_endtag(self, tag):
        if tag in ("td", "th"):
            self.cell = None
        elif tag == "table":
            self.in_table = False

    def handle_data(self, data):
        if self.cell and self.rows:
            self.rows[-1][self.cell] += data


def list_rows(response) -> list[dict]:
    """The rows a staff list shows (see ListRows); the header row is left out."""
    rows = ListRows(response.content.decode()).rows
    for row in rows:
        if "href" in row and "pk" not in row:
            # The row's own page: /<pk>/change/, or another page of the object (a batch's
            # progress, /<pk>/progress/).
            row["pk"] = int(re.findall(r"/(\d+)/", row["href"])[-1])
    return [row for row in rows if any(k not in ("href", "pk") for k in row)]


def list_titles(response) -> list[str]:
    return [row["title"] for row in list_rows(response)]


def list_total(response) -> int:
    """How many rows a staff list says it has in all its pages ("200 ranked proposals")."""
    paginator = re.search(r'<p class="paginator">(.*?)</p>', page(response), re.S).group(1)
    text = re.sub(r"<[^>]+>", " ", paginator)
    return int(re.search(r"(\d+)\s+\D*$", text).group(1))


class _Inputs(HTMLParser):
    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.values: dict[str, list[str]] = {}
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "input" and a.get("name"):
            self.values.setdefault(a["name"], []).append(a.get("value") or "")


def input_value(response, name: str) -> str:
    """The value of the page's one <input> of that name, as a browser would post it."""
    (value,) = _Inputs(page(response)).values[name]
    return value


class _Tables(HTMLParser):
    """Every <table> of a page: its caption, and per row each cell's text (th and td alike),
    white space collapsed."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.tables: list[dict] = []
        self.open: list[dict] = []
        self.in_caption = self.in_cell = False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.open.append({"caption": "", "rows": []})
            self.tables.append(self.open[-1])
        elif not self.open:
            return
        elif tag == "caption":
            self.in_caption = True
        elif tag == "tr":
            self.open[-1]["rows"].append([])
        elif tag in ("td", "th") and self.open[-1]["rows"]:
            self.open[-1]["rows"][-1].append("")
            self.in_cell = True
        elif tag == "br" and self.in_cell:
            self.open[-1]["rows"][-1][-1] += " "

    def handle_endtag(self, tag):
        if tag == "table" and self.open:
            table = self.open.pop()
            table["caption"] = " ".join(table["caption"].split())
            table["rows"] = [[" ".join(cell.split()) for cell in row] for row in table["rows"]]
        elif tag == "caption":
            self.in_caption = False
        elif tag in ("td", "th"):
            self.in_cell = False

    def handle_data(self, data):
        if self.in_caption and self.open:
            self.open[-1]["caption"] += data
        elif self.in_cell and self.open and self.open[-1]["rows"]:
            self.open[-1]["rows"][-1][-1] += data


def tables(response) -> list[dict]:
    """The page's tables, each as {"caption": text, "rows": [[cell text, ...], ...]}."""
    return _Tables(page(response)).tables


def table(response, caption: str) -> list[list[str]]:
    """The rows (header row included) of the page's table whose caption starts so."""
    matches = [t["rows"] for t in tables(response) if t["caption"].startswith(caption)]
    assert matches, f"no table captioned {caption!r}"
    return matches[0]


def form_errors(response) -> dict[str, list[str]]:
    """The errors a form page shows, by field ("__all__" for the form's own), as Django
    renders them (<ul class="errorlist" id="id_<field>_error">)."""
    errors: dict[str, list[str]] = {}
    for attrs, items in re.findall(r'<ul class="errorlist([^>]*)>(.*?)</ul>', page(response), re.S):
        field = re.search(r'id="id_(\w+)_error"', attrs)
        for item in re.findall(r"<li>(.*?)</li>", items, re.S):
            errors.setdefault(field.group(1) if field else "__all__", []).append(
                html.unescape(item)
            )
    return errors


def choices(response, name: str) -> dict[str, str]:
    """The choices the page offers for a field, {value: label}: a <select>'s options, or its
    checkboxes or radio buttons with their labels."""
    body = page(response)
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', body, re.S)
    if select:
        found = re.findall(r'<option value="([^"]*)"[^>]*>(.*?)</option>', select.group(1), re.S)
    else:
        boxes = (
            rf'<input type="(?:checkbox|radio)" name="{name}" value="([^"]*)"[^>]*>(.*?)</label>'
        )
        found = re.findall(boxes, body, re.S)
    assert found or select, f"no field {name!r} with choices on the page"
    return {value: html.unescape(label.strip()) for value, label in found if value}


class FormData(HTMLParser):
    """What a browser would post from the form with the given id."""

    def __init__(self, html, form_id):
        super().__init__()
        self.form_id, self.inside, self.data = form_id, False, {}
        self.textarea = self.select = None
        self.feed(html)

    def add(self, name, value):
        if "__prefix__" not in name:
            self.data.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.inside = a.get("id") == self.form_id
        elif not self.inside:
            return
        elif tag == "input" and a.get("name"):
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.add(a["name"], a.get("value", "on"))
            elif kind not in ("submit", "button", "file", "reset"):
                self.add(a["name"], a.get("value", ""))
        elif tag == "textarea":
            self.textarea = [a["name"], ""]
        elif tag == "select":
            self.select = a.get("name")
        elif tag == "option" and self.select and "selected" in a:
            self.add(self.select, a.get("value", ""))

    def handle_data(self, data):
        if self.textarea:
            self.textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "textarea" and self.textarea:
            name, value = self.textarea
            self.add(name, value.removeprefix("\n"))
            self.textarea = None
        elif tag == "select":
            self.select = None


def shown_messages(response) -> list[tuple[str, str]]:
    """The messages a page shows (the admin's and the site's message lists), as (level, text)."""
    lists = re.findall(r'<ul class="messagelist">(.*?)</ul>', page(response), re.S)
    found = re.findall(r'<li(?: class="([^"]*)")?[^>]*>(.*?)</li>', "".join(lists), re.S)
    return [(level, html.unescape(re.sub(r"<[^>]+>", "", text)).strip()) for level, text in found]


def assigned_review_form(event_name: str = "Broker Summit", title: str = "Ünïcode 🚀"):
    """A reviewer assigned one submitted proposal of a new event: (event, reviewer, proposal,
    the review page's address, form data that scores every criterion 4)."""
    from django.urls import reverse

    from reviews import selectors
    from reviews.models import Assignment
    from tests.factories import EventFactory, ProposalFactory, ReviewerFactory, ReviewerTeamFactory

    event = EventFactory(name=event_name)
    reviewer = ReviewerFactory()
    ReviewerTeamFactory(event=event, members=[reviewer])
    proposal = ProposalFactory(event=event, title=title)
    proposal.submit(by=proposal.speakers.get())
    Assignment.objects.create(proposal=proposal, reviewer=reviewer)
    url = reverse("admin:reviews_reviewqueueitem_change", args=[proposal.pk])
    scores = {f"score_{c.pk}": 4 for c in selectors.criteria_for(event)}
    return event, reviewer, proposal, url, scores
