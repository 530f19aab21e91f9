"""The staff panel's two busiest lists, drawn lean: the reviewer's queue and the ranked list.

Django's changelist draws every cell through a template, and the panel's frame builds the whole
app list for its side navigation on every page. These lists keep the changelist's look and
behaviour (the same URL and parameters: filters, search, sorting by a column header, pages;
the ranked list's actions post to the list itself) and draw the rows with a few lines of Python
each, 50 to a page, without the side navigation: their own filters take that place, and the
breadcrumbs lead back to the rest of the panel.

A `Listing` reads the request's parameters, refuses any it does not offer (400, as the
changelist does: a hand-made filter could reveal what a page hides), and gives the template
its headers, rows, filters and page links. It is the lists' only filter system.

Why not Django's changelist (issue 13, "lean lists": a staff page within 3x the staff panel's
lightest page, the /admin/ index). Both lists were rebuilt on the changelist with its hooks
(branch i13-lean, commits 766bb83 and d388985): get_changelist with a paginator told its count
(no COUNT of the list: the queue's progress line, the ranked list's two index counts),
show_full_result_count=False, no facets or "show all", no side navigation,
list_select_related, cells from annotations, row links written once instead of resolved per
row, the ranked list's order ending with the pk as its index does. bench/run.py --skip-load,
p50 in ms (x the index's p50 in the same run), on a loaded machine (the index took 31-61 ms):

    variant      size    /admin/ index   reviewer's queue        ranked list
    changelist   2,000   39.3            119.8 (3.05x), 10 q     116.1 (2.95x), 15 q
    changelist  20,000   37.9            153.5 (4.06x), 10 q     112.7 (2.98x), 15 q
    changelist'  2,000   34.7            121.8 (3.51x), 10 q     156.4 (4.50x), 15 q
    changelist' 20,000   33.4            156.2 (4.68x), 10 q     155.0 (4.64x), 15 q
    lean         2,000   31.1             54.0 (1.73x),  7 q      49.7 (1.60x), 12 q
    lean        20,000   43.6             51.8 (1.19x),  7 q      69.4 (1.59x), 12 q
    lean (now)   2,000   58.4             49.6 (0.85x),  7 q      67.1 (1.15x), 12 q
    lean (now)  20,000   61.2             63.5 (1.04x),  7 q      88.2 (1.44x), 12 q

(changelist' is the second, tuned variant; "lean (now)" this module with the ranked list's
second filter system removed.) Query counts are the same at both sizes in every variant. The
changelist's SQL is within a few ms of the lean list's; the difference is Python: the
changelist renders each of the 50 x 7-10 cells through lookup_field, display_for_value and
format_html, each filter and the pagination through its own template, and builds the panel's
app list (three more queries) for a side navigation it then does not show. In-process the
changelist took 103-131 ms where the lean lists took 47-56 ms beside a 35-44 ms index. So the
lean lists stay.
"""

import html
import re
from collections.abc import Callable, Iterable
from copy import copy
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.admin.views.main import (
    ALL_VAR,
    IS_FACETS_VAR,
    ORDER_VAR,
    PAGE_VAR,
    SEARCH_VAR,
)
from django.core.exceptions import SuspiciousOperation
from django.db.models import F, OrderBy, Q
from django.template.response import TemplateResponse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeData, SafeString
from django.utils.text import smart_split, unescape_string_literal

PER_PAGE = 50
MAX_QUERY = 200
CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# What the changelist itself understands besides filters: "e" is its "bad lookup" flag; "all"
# (show every row) and "_facets" (counts beside the filters) are accepted from old links and
# not offered: a page stays 50 rows, and counting every filter's choices would read the list.
OWN_PARAMS = {ORDER_VAR, PAGE_VAR, SEARCH_VAR, "e", ALL_VAR, IS_FACETS_VAR}
EMPTY = "–"


@dataclass
class Column:
    name: str  # the cell's class, field-<name>, as the changelist writes it
    label: str
    cell: Callable[[Any], Any]  # the row → text (escaped here) or safe HTML; None shows "–"
    order: Any = None  # a field name or expression to sort by; None: not sortable
    numeric: bool = False
    nowrap: bool = False  # the changelist's class for related objects and dates


def display_column(model_admin, name: str) -> Column:
    """A column from one of the admin's @admin.display methods: its header, cell and order."""
    method = getattr(model_admin, name)
    label = getattr(method, "short_description", name)
    return Column(name, str(label), method, getattr(method, "admin_order_field", None))


@dataclass
class Filter:
    title: str
    param: str
    choices: list[tuple[str, str]]  # (value, label); "All" comes first by itself
    # Parameters that lose their meaning when this one changes (another event's tracks).
    resets: tuple[str, ...] = ()
    # Further parameters the filter accepts (track__isnull for "no track").
    also: tuple[str, ...] = ()
    # The value the page shows when the parameter is not given (the ranked list's first
    # event): that choice is the selected one, and there is no "All".
    default: str | None = None


def int_param(value) -> int | None:
    """A parameter that names a row by its id; anything else (empty, "abc", "-1") is None."""
    return int(value) if isinstance(value, str) and value.isdigit() else None


def page_slice(number: int) -> slice:
    return slice((number - 1) * PER_PAGE, number * PER_PAGE)


@dataclass
class Page:
    number: int
    count: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.count // PER_PAGE))

    @property
    def slice(self) -> slice:
        return page_slice(self.number)


@dataclass
class Listing:
    """One request's view of a list: what to filter, search and sort by, and which page."""

    params: dict[str, str]
    columns: list[Column]
    filters: list[Filter] = field(default_factory=list)
    default_order: tuple[int, str] | None = None  # (column index, "asc"/"desc") shown
    # ?o= counts the checkbox column of a list with actions, as the changelist does.
    index_offset: int = 0
    result_list: list = field(default_factory=list)
    result_count: int = 0
    page: Page | None = None

    @classmethod
    def from_request(cls, request, columns, filters, allowed: Iterable[str] = ()) -> "Listing":
        known = OWN_PARAMS | set(allowed)
        for spec in filters:
            known |= {spec.param, *spec.also}
        for name in request.GET:
            if name not in known:
                raise SuspiciousOperation(f"Filtering by {name} is not allowed.")
        params = {name: request.GET[name] for name in request.GET}
        if "\x00" in params.get(SEARCH_VAR, ""):
            # What the changelist's search form says (then it searches without them).
            messages.error(request, "Null characters are not allowed.")
        return cls(params=params, columns=columns, filters=filters)

    # --- what the request asks for --------------------------------------------------------

    @property
    def query(self) -> str:
        """The search text: control characters (a NUL breaks the database's query) become
        spaces, and it is cut at MAX_QUERY characters, as the search box shows it."""
        return CONTROL.sub(" ", self.params.get(SEARCH_VAR, "")).strip()[:MAX_QUERY]

    def search(self, fields: Iterable[str]) -> Q:
        """Every word in one of the fields (the changelist's rule; "quoted words" stay one)."""
        condition = Q()
        for bit in smart_split(self.query):
            if bit[:1] in "\"'" and bit[-1:] == bit[:1]:
                bit = unescape_string_literal(bit)
            words = Q()
            for name in fields:
                words |= Q(**{f"{name}__icontains": bit})
            condition &= words
        return condition

    def ordering(self) -> list[tuple[int, bool]]:
        """(column index, descending) from ?o=2.-5, as the changelist writes it."""
        chosen, seen = [], set()
        for part in self.params.get(ORDER_VAR, "").split("."):
            descending = part.startswith("-")
            number = part.lstrip("-")
            if not number.isdigit():
                continue
            index = int(number) - self.index_offset
            if 0 <= index < len(self.columns) and self.columns[index].order and index not in seen:
                chosen.append((index, descending))
                seen.add(index)
        return chosen

    def order_by(self, default: list) -> list:
        """The chosen columns' expressions, then the default order (which ends with the pk)."""
        expressions = []
        for index, descending in self.ordering():
            order = self.columns[index].order
            if isinstance(order, OrderBy):  # its own nulls rule, either way round
                expression = copy(order)
                expression.descending = descending
                expressions.append(expression)
                continue
            expression = F(order) if isinstance(order, str) else order
            expressions.append(expression.desc() if descending else expression.asc())
        return expressions + default

    def page_number(self) -> int:
        value = self.params.get(PAGE_VAR, "1")
        return int(value) if value.isdigit() and int(value) > 0 else 1

    def paginate(self, count: int) -> Page:
        self.result_count = count
        self.page = Page(self.page_number(), count)
        if self.page.number > self.page.pages:
            self.page.number = self.page.pages
        return self.page

    # --- links ------------------------------------------------------------------------------

    def query_string(self, new: dict | None = None, remove: Iterable[str] = ()) -> str:
        params = {k: v for k, v in self.params.items() if k not in set(remove)}
        for key, value in (new or {}).items():
            if value is None:
                params.pop(key, None)
            else:
                params[key] = value
        return f"?{urlencode(params)}"

    def row_link_suffix(self) -> str:
        """What the changelist adds to each row's link: this list's parameters, so that the
        row's page returns to the list as it was (and "next" follows its order)."""
        if not self.params:
            return ""
        return "?" + urlencode({"_changelist_filters": urlencode(self.params)})

    def headers(self) -> list[dict]:
        chosen = self.ordering()
        if not chosen and self.default_order:
            index, direction = self.default_order
            chosen = [(index, direction == "desc")]
        positions = {index: (rank, desc) for rank, (index, desc) in enumerate(chosen, start=1)}
        headers = []
        for index, column in enumerate(self.columns):
            classes = [f"column-{column.name}"]
            header = {"text": column.label, "sortable": bool(column.order), "sort_priority": 0}
            if column.order:
                classes.append("sortable")
                rank, descending = positions.get(index, (0, None))
                shift = self.index_offset
                others = [f"{'-' if d else ''}{i + shift}" for i, d in chosen if i != index]
                flipped = not descending if rank else False
                primary = f"{'-' if rank == 1 and not descending else ''}{index + shift}"
                toggled = f"{'-' if flipped else ''}{index + shift}"
                header.update(
                    sort_priority=rank,
                    ascending=not descending,
                    url_primary=self.query_string({ORDER_VAR: ".".join([primary, *others])}),
                    url_toggle=self.query_string({ORDER_VAR: ".".join([toggled, *others])}),
                    url_remove=self.query_string({ORDER_VAR: ".".join(others) or None}),
                )
                if rank:
                    classes += ["sorted", "descending" if descending else "ascending"]
            if column.numeric:
                classes.append("numeric")
            header["class_attrib"] = format_html(' class="{}"', " ".join(classes))
            header["show_priority"] = len(chosen) > 1
            headers.append(header)
        return headers

    def filter_blocks(self) -> list[dict]:
        blocks = []
        for spec in self.filters:
            current = self.params.get(spec.param)
            unset = [spec.param, *spec.also, *spec.resets, PAGE_VAR]
            choices = []
            if spec.default is None:
                unfiltered = current is None and not any(a in self.params for a in spec.also)
                choices.append(
                    {
                        "display": "All",
                        "selected": unfiltered,
                        "query_string": self.query_string(remove=unset),
                    }
                )
            for value, label in spec.choices:
                param, _, value = value.rpartition("=") if "=" in value else (spec.param, "", value)
                shown = self.params.get(param, spec.default if param == spec.param else None)
                choices.append(
                    {
                        "display": label,
                        "selected": shown == value,
                        "query_string": self.query_string({param: value}, remove=unset),
                    }
                )
            blocks.append({"title": spec.title, "choices": choices})
        return blocks

    def active_filters(self, *, besides: Iterable[str] = ()) -> list[str]:
        """The filter parameters the request sets, leaving out those named."""
        names = [name for spec in self.filters for name in (spec.param, *spec.also)]
        return [name for name in names if name in self.params and name not in set(besides)]

    @property
    def has_active_filters(self) -> bool:
        return bool(self.active_filters())

    def clear_filters_qs(self) -> str:
        names = [name for spec in self.filters for name in (spec.param, *spec.also)]
        return self.query_string(remove=[*names, PAGE_VAR])

    def page_links(self) -> SafeString:
        """Page numbers as the changelist shows them: the ends and three either side."""
        page = self.page
        if page is None or page.pages <= 1:
            return SafeString()
        shown, last = [], 0
        for number in range(1, page.pages + 1):
            if number <= 2 or number > page.pages - 2 or abs(number - page.number) <= 3:
                if last and number > last + 1:
                    shown.append(format_html('<span class="ellipsis">…</span> '))
                if number == page.number:
                    shown.append(format_html('<span class="this-page">{}</span> ', number))
                else:
                    url = self.query_string({PAGE_VAR: number})
                    shown.append(format_html('<a href="{}">{}</a> ', url, number))
                last = number
        return format_html_join("", "{}", ((part,) for part in shown))

    # --- rows ---------------------------------------------------------------------------------

    def rows(self, url_of: Callable[[Any], str], checkbox: Callable[[Any], str] | None = None):
        """Each row's cells, every value escaped: the first column links to the row's page."""
        names = [
            _escape(f"{column.name} nowrap" if column.nowrap else column.name)
            for column in self.columns
        ]
        cells = [column.cell for column in self.columns]
        drawn = []
        for row in self.result_list:
            parts = []
            if checkbox is not None:
                parts.append(f'<td class="action-checkbox">{_escape(checkbox(row))}</td>')
            for number, (name, cell) in enumerate(zip(names, cells, strict=True)):
                value = cell(row)
                value = EMPTY if value is None or value == "" else _escape(value)
                if number == 0:
                    link = _escape(url_of(row))
                    parts.append(f'<th class="field-{name}"><a href="{link}">{value}</a></th>')
                else:
                    parts.append(f'<td class="field-{name}">{value}</td>')
            # Safe: every value above went through _escape().
            drawn.append(SafeString("".join(parts)))
        return drawn


def _escape(value) -> str:
    """conditional_escape without its lazy-string wrapper: this runs for every cell."""
    if isinstance(value, SafeData):
        return str(value)
    return html.escape(str(value))


def options_html(choices: Iterable[tuple[str, str]], current: str = "") -> SafeString:
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        ((value, " selected" if value == current else "", label) for value, label in choices),
    )


def render(model_admin, request, template: str, listing: Listing, **context) -> TemplateResponse:
    """The list in the staff panel's frame, without the frame's side navigation."""
    site = model_admin.admin_site
    request.current_app = site.name
    return TemplateResponse(
        request,
        template,
        {
            "site_title": site.site_title,
            "site_header": site.site_header,
            "site_url": site.site_url,
            "has_permission": site.has_permission(request),
            "is_popup": False,
            "is_nav_sidebar_enabled": False,
            "opts": model_admin.opts,
            "cl": listing,
            "search_var": SEARCH_VAR,
            "max_query": MAX_QUERY,
            **context,
        },
    )
