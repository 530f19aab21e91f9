"""Django's changelist for the staff panel's two busiest lists: the reviewer's queue and the
ranked list, through its own hooks.

Each list tells the paginator its count from what it reads anyway (the queue's progress line,
the ranked list's two index counts): the changelist never counts the list a second time.
Pages are 50 rows without "show all" or facet counts; a page past the end shows the last one
and a garbled page number the first, instead of the changelist's error redirect. The search
text is cleaned of control characters (a NUL would break the database's query) and cut at
200 characters. The pages have no side navigation: their filters take its place.
"""

import re

from django import forms
from django.contrib import messages
from django.contrib.admin.utils import quote
from django.contrib.admin.views.main import PAGE_VAR, SEARCH_VAR, ChangeList, ChangeListSearchForm
from django.core.paginator import Paginator
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

PER_PAGE = 50
MAX_QUERY = 200
CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class SearchField(forms.CharField):
    def to_python(self, value):
        return CONTROL.sub(" ", super().to_python(value)).strip()[:MAX_QUERY]


class SearchForm(ChangeListSearchForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields = {SEARCH_VAR: SearchField(required=False, strip=False)}


class CountedPaginator(Paginator):
    """A paginator told its count: it never runs COUNT(*) over the list."""

    def __init__(self, object_list, per_page, count: int):
        super().__init__(object_list, per_page)
        self.count = count  # the class's cached_property, filled in


class TalliedChangeList(ChangeList):
    """A changelist whose admin gives the count: `model_admin.list_count(request, cl)`."""

    search_form_class = SearchForm

    def __init__(self, request, *args, **kwargs):
        if "\x00" in request.GET.get(SEARCH_VAR, ""):
            # What the changelist's own search form says (then it searches without them).
            messages.error(request, _("Null characters are not allowed."))
        super().__init__(request, *args, **kwargs)
        # Each row's link carries the list (so that a row's page returns to it, and "save and
        # next" follows it). Written here once: the changelist would resolve every row's URL.
        self.row_query = f"?{self.preserved_filters}" if self.preserved_filters else ""
        self.preserved_filters = ""
        self.changelist_url = reverse(
            f"{self.model_admin.admin_site.name}:{self.opts.app_label}_{self.opts.model_name}"
            "_changelist"
        )

    def url_for_result(self, result):
        return f"{self.changelist_url}{quote(result.pk)}/change/{self.row_query}"

    def get_results(self, request):
        count = self.model_admin.list_count(request, self)
        paginator = CountedPaginator(self.queryset, self.list_per_page, count)
        value = request.GET.get(PAGE_VAR, "1")
        number = int(value) if value.isdigit() and int(value) > 0 else 1
        self.page_num = min(number, paginator.num_pages)
        self.result_list = paginator.page(self.page_num).object_list
        self.result_count = count
        self.full_result_count = None
        self.show_full_result_count = False
        self.show_admin_actions = True
        self.can_show_all = False
        self.multi_page = count > self.list_per_page
        self.paginator = paginator

    @property
    def clear_search_qs(self) -> str:
        return self.get_query_string(remove=[SEARCH_VAR])


class UnpagedChangeList(TalliedChangeList):
    """The list's rows in its order (filters, search, sorting) as `queryset`, no page read."""

    def get_results(self, request):
        pass


def no_side_navigation(extra_context: dict | None) -> dict:
    """The page's context without the panel's side navigation."""
    return {
        "is_nav_sidebar_enabled": False,
        "search_var": SEARCH_VAR,
        "max_query": MAX_QUERY,
        **(extra_context or {}),
    }
