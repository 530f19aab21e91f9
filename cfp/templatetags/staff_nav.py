"""`{% staff_sections %}`: the staff panel's list of sections (admin/app_list.html), drawn in
Python.

Django's template draws each section through a dozen template nodes a row, three of which
URL-encode the request's path again; every staff page draws the list in its side navigation,
and an app's index (the panel's lightest page) once more as its content. This draws the same
elements, attributes and words (only the whitespace between tags differs), from the same
context: `app_list`, `show_changelinks` and the request.
"""

from django import template
from django.template.defaultfilters import urlencode
from django.utils.html import escape
from django.utils.safestring import SafeString
from django.utils.translation import gettext

register = template.Library()


@register.simple_tag(takes_context=True)
def staff_sections(context) -> SafeString:
    apps = context.get("app_list")
    if not apps:
        return SafeString(
            f"<p>{escape(gettext('You don’t have permission to view or edit anything.'))}</p>"
        )
    request = context.get("request")
    path = urlencode(request.path) if request is not None else ""
    show_changelinks = context.get("show_changelinks")
    heads = (
        '<thead class="visually-hidden"><tr>'
        f'<th scope="col">{escape(gettext("Model name"))}</th>'
        f'<th scope="col">{escape(gettext("Add link"))}</th>'
        f'<th scope="col">{escape(gettext("Change or view list link"))}</th>'
        "</tr></thead>"
    )
    words = {key: escape(gettext(key)) for key in ("Add", "View", "Change")}
    parts = []
    for app in apps:
        label = escape(app["app_label"])
        app_url = app["app_url"]
        current = " current-app" if app_url in path else ""
        name = escape(app["name"])
        title = gettext("Models in the %(name)s application") % {"name": name}
        parts.append(
            f'<div class="app-{label} module{current}"><table><caption>'
            f'<a href="{escape(app_url)}" class="section" title="{title}">{name}</a>'
            f"</caption>{heads}"
        )
        for model in app["models"]:
            parts.append(_model_row(model, label, path, show_changelinks, words))
        parts.append("</table></div>")
    # Safe: every value above went through escape().
    return SafeString("\n".join(parts))


def _model_row(model: dict, label: str, path: str, show_changelinks, words: dict) -> str:
    model_name = escape(model["object_name"].lower())
    row_id = f"{label}-{model_name}"
    admin_url = model.get("admin_url")
    add_url = model.get("add_url")
    name = escape(model["name"])
    current = bool(admin_url) and admin_url in path
    cells = [f'<tr class="model-{model_name}{" current-model" if current else ""}">']
    if admin_url:
        here = ' aria-current="page"' if current else ""
        cells.append(
            f'<th scope="row" id="{row_id}"><a href="{escape(admin_url)}"{here}>{name}</a></th>'
        )
    else:
        cells.append(f'<th scope="row" id="{row_id}">{name}</th>')
    if add_url:
        cells.append(
            f'<td><a href="{escape(add_url)}" class="addlink" aria-describedby="{row_id}">'
            f"{words['Add']}</a></td>"
        )
    else:
        cells.append("<td></td>")
    if admin_url and show_changelinks:
        kind, word = (
            ("viewlink", words["View"])
            if model.get("view_only")
            else ("changelink", words["Change"])
        )
        cells.append(
            f'<td><a href="{escape(admin_url)}" class="{kind}" aria-describedby="{row_id}">'
            f"{word}</a></td>"
        )
    elif show_changelinks:
        cells.append("<td></td>")
    cells.append("</tr>")
    return "".join(cells)
