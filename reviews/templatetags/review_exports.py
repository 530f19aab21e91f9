"""The review exports' columns for the event's Exports page (a cfp page: templates may
reach up to the reviews app where code may not)."""

from django import template

from cfp.exports import event_columns
from reviews import exports, selectors

register = template.Library()


@register.simple_tag
def review_export_columns(event) -> dict[str, list[exports.Column]]:
    """{"reviews": columns of the per-review file, "proposals": of the per-proposal file}."""
    # The event's criteria as the files will name them.
    criteria = selectors.criteria_for(event)
    return {
        "reviews": event_columns(exports.review_columns(criteria), event),
        "proposals": event_columns(exports.proposal_columns(criteria), event),
    }
