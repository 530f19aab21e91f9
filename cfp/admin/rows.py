"""A stock changelist's rows, drawn directly: the same cells as Django's, a few calls each.

Django draws each cell of a changelist through lookup_field, display_for_field and
format_html, and each row's link through a URL reverse and add_preserved_filters: on the
organizer's proposal list (50 rows of 9 cells) that was two thirds of the page's time in
bench/ ("organizer's proposal list"). The filters, search, sorting, actions and pages stay
the changelist's own; only the rows are drawn here, by `FastRowsMixin` and the
`fast_result_list` tag (cfp/templatetags/admin_rows.py) its change list template uses.

Each column is compiled once per page into a function of the row. Kinds of column this does
not know (a list_editable list, a popup, a boolean field) fall back to Django's own drawing.
"""

import html
from collections.abc import Callable
from typing import Any

from django.contrib.admin.templatetags.admin_list import items_for_result
from django.contrib.admin.utils import display_for_field, display_for_value, quote
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.urls import NoReverseMatch, reverse
from django.utils import formats, timezone
from django.utils.safestring import SafeData, SafeString

PK_MARK = "0lectern-pk0"


def _escape(value) -> str:
    if isinstance(value, SafeData):
        return str(value)
    return html.escape(str(value))


def _column(cl, name: str) -> tuple[str, Callable[[Any], Any]] | None:
    """(the cell's classes, the row → its value) for one column; None: draw it Django's way."""
    model_admin = cl.model_admin
    empty = model_admin.get_empty_value_display()
    if name == "action_checkbox":
        return "action-checkbox", model_admin.action_checkbox
    try:
        field = cl.lookup_opts.get_field(name)
    except FieldDoesNotExist:
        attr = getattr(model_admin, name, None)
        if not callable(attr) or getattr(attr, "boolean", False):
            return None
        shown_empty = getattr(attr, "empty_value_display", empty)

        def method(row):
            value = attr(row)
            if isinstance(value, str):
                return value if value.strip() else shown_empty
            return display_for_value(value, shown_empty)

        return f"field-{name}", method
    if field.auto_created and not field.concrete:
        return None
    if isinstance(field, models.ForeignKey):
        return f"field-{name} nowrap", lambda row: getattr(row, name) or empty
    if field.flatchoices:
        labels = dict(field.flatchoices)
        return f"field-{name}", lambda row: labels.get(getattr(row, field.attname), empty)
    if isinstance(field, models.DateTimeField):

        def moment(row):
            value = getattr(row, field.attname)
            return empty if value is None else formats.localize(timezone.template_localtime(value))

        return f"field-{name} nowrap", moment
    if isinstance(field, (models.BooleanField, models.JSONField)):
        return None
    nowrap = " nowrap" if isinstance(field, (models.DateField, models.TimeField)) else ""

    def plain(row):
        value = getattr(row, field.attname)
        if isinstance(value, str):
            return value if value.strip() else empty
        return display_for_field(value, field, empty)

    return f"field-{name}{nowrap}", plain


def _django_rows(cl) -> list[list]:
    return [list(items_for_result(cl, row, None)) for row in cl.result_list]


def rows(cl) -> list[list[SafeString]]:
    """Each row of the page as one safe string (in a list: the template joins a row's items)."""
    if getattr(cl, "formset", None) or cl.is_popup or cl.list_display_links is None:
        return _django_rows(cl)
    columns = []
    for name in cl.list_display:
        compiled = _column(cl, name)
        if compiled is None:
            return _django_rows(cl)
        columns.append((name, *compiled))
    links = cl.list_display_links or [n for n in cl.list_display if n != "action_checkbox"][:1]
    opts = cl.opts
    try:
        pattern = reverse(
            f"admin:{opts.app_label}_{opts.model_name}_change",
            args=[PK_MARK],
            current_app=cl.model_admin.admin_site.name,
        )
    except NoReverseMatch:
        return _django_rows(cl)
    suffix = f"?{cl.preserved_filters}" if cl.preserved_filters else ""
    drawn = []
    link_names = set(links)
    for row in cl.result_list:
        parts = []
        first_link = True
        for name, classes, cell in columns:
            value = cell(row)
            text = _escape(value if value is not None else "")
            if name in link_names:
                tag = "th" if first_link else "td"
                first_link = False
                url = _escape(pattern.replace(PK_MARK, quote(str(row.pk))) + suffix)
                parts.append(f'<{tag} class="{classes}"><a href="{url}">{text}</a></{tag}>')
            else:
                parts.append(f'<td class="{classes}">{text}</td>')
        # Safe: every value above went through _escape().
        drawn.append([SafeString("".join(parts))])
    return drawn
