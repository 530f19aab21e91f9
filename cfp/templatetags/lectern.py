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


@register.inclusion_tag("_error_summary.html")
def error_summary(*forms) -> dict:
    """What the forms sent back wrong, listed at the top of the page with a link to each
    field (static/js/lectern.js moves the focus there on load, so that keyboard and
    screen-reader users start from the list rather than from the top of a long form).

    `{% error_summary form questions.proposal questions.speaker %}`: unbound forms and
    None are skipped; an error that belongs to no shown field is listed without a link."""
    errors = []
    for form in forms:
        if form is None or not form.is_bound:
            continue
        errors.extend({"text": text} for text in form.non_field_errors())
        for field in form:
            for text in field.errors:
                if field.is_hidden:
                    errors.append({"text": text})
                    continue
                # A group of radio buttons or boxes has no one id: the link goes to the first.
                target = field.id_for_label or (f"{field.auto_id}_0" if field.auto_id else "")
                errors.append({"text": text, "label": field.label, "target": target})
    return {"errors": errors}
