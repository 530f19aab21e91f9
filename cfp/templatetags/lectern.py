from django import template
from django.templatetags.tz import do_timezone

from cfp import moments
from cfp.markdown import render_markdown

register = template.Library()


@register.filter
def markdown(text: str):
    return render_markdown(text)


@register.filter
def in_tz(value, tz):
    """A datetime shown in the given (event's) time zone.

    Django's own `timezone` filter marks the result so that a following `date` filter does
    not convert it back to the current time zone; a plain `localtime` would be undone.
    """
    if value is None:
        return None
    return do_timezone(value, tz)


@register.filter
def moment(value, where) -> str:
    """A moment on the event's clock, with the zone's name: `{{ review.updated_at|moment:event }}`
    (cfp.moments, the one format of every staff page)."""
    return moments.moment(value, where)


@register.filter
def moment_plain(value, where) -> str:
    """The same without the zone, where a heading names it for the whole column or page."""
    return moments.moment(value, where, labelled=False)


@register.filter
def without(things, one) -> list:
    """The things but one (the event a page is about, among the user's events): a list the
    template can join with commas, none left dangling after the last."""
    return [thing for thing in things if thing != one]


@register.filter
def zone_name(where) -> str:
    return moments.zone_name(where)


@register.simple_tag
def state_badge_class(state: str) -> str:
    return {
        "draft": "text-bg-secondary",
        "submitted": "text-bg-primary",
        "accepted": "text-bg-success",
        "confirmed": "text-bg-success",
        "rejected": "text-bg-danger",
        "declined": "text-bg-warning",
        "withdrawn": "text-bg-light border",
        "canceled": "text-bg-dark",
    }.get(state, "text-bg-secondary")
