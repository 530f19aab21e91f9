"""Addresses, proposals and readers the reviewer page tests share."""

import re

from django.urls import reverse

from cfp.enums import ProposalState
from reviews import selectors
from reviews.models import Assignment, Criterion
from tests.factories import ProposalFactory
from tests.helpers import list_titles, page, shown_messages

QUEUE_URL = reverse("admin:reviews_reviewqueueitem_changelist")


def review_url(proposal) -> str:
    return reverse("admin:reviews_reviewqueueitem_change", args=[proposal.pk])


def conflict_url(proposal) -> str:
    return reverse("admin:reviews_reviewqueueitem_conflict", args=[proposal.pk])


def submitted_for(event, title: str, reviewer=None, **kwargs):
    """A submitted proposal, assigned to the reviewer if one is given."""
    proposal = ProposalFactory(event=event, title=title, state=ProposalState.SUBMITTED, **kwargs)
    if reviewer is not None:
        Assignment.objects.create(proposal=proposal, reviewer=reviewer)
    return proposal


def overall(event) -> Criterion:
    return selectors.criteria_for(event)[0]


def score_data(event, value, **extra) -> dict:
    data = {f"score_{c.pk}": value for c in selectors.criteria_for(event)}
    data.update(extra)
    return data


def messages_of(response) -> list[str]:
    """The texts of the messages the page shows."""
    return [text for _, text in shown_messages(response)]


def progress_text(response) -> str:
    match = re.search(r"<strong>(\d+ of \d+ reviewed)</strong>", page(response))
    assert match, "no progress line on the page"
    return match.group(1)


def queue_titles(response) -> list[str]:
    return list_titles(response)


def set_review_settings(event, **fields):
    review_settings = selectors.settings_for(event)
    for name, value in fields.items():
        setattr(review_settings, name, value)
    review_settings.save()
    return review_settings
