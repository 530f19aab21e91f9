import re
from html.parser import HTMLParser

import pytest

from reviews import selectors, services
from reviews.models import Assignment
from tests.factories import EventFactory, ReviewerFactory, ReviewerTeamFactory


def give_review(proposal, reviewer, value, **extra):
    """Assign the proposal to the reviewer and save their review through the service."""
    Assignment.objects.get_or_create(proposal=proposal, reviewer=reviewer)
    criteria = selectors.criteria_for(proposal.event)
    values = {c.pk: value for c in criteria} if isinstance(value, int) else value
    return services.review_save(proposal=proposal, reviewer=reviewer, values=values, **extra)


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
            row["pk"] = int(re.search(r"/(\d+)/change/", row["href"]).group(1))
    return [row for row in rows if any(k not in ("href", "pk") for k in row)]


def list_titles(response) -> list[str]:
    return [row["title"] for row in list_rows(response)]


@pytest.fixture
def review_event(db):
    return EventFactory(name="Review Summit")


@pytest.fixture
def reviewer(review_event):
    user = ReviewerFactory(profile__name="Rita Reviewer")
    ReviewerTeamFactory(event=review_event, members=[user])
    return user
