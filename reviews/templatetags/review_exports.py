"""The review exports' columns for the event's Exports page (a cfp page: templates may
reach up to the reviews app where code may not)."""

from django import template

from reviews import exports
from reviews.models import Criterion

register = template.Library()


@register.simple_tag
def review_export_columns(event) -> dict[str, list[exports.Column]]:
    """{"reviews": columns of the per-review file, "proposals": of the per-proposal file}."""
    # The event's criteria as the files will name them; without any, the default that the
    # first export creates (not created here: a page view writes nothing).
    criteria = list(event.review_criteria.all()) or [
        Criterion(event=event, name="Overall", min_score=1, max_score=5)
    ]
    return {
        "reviews": exports.review_columns(criteria),
        "proposals": exports.proposal_columns(criteria),
    }
