"""A later page of a long staff list, read by its ids first.

A page far into a list is `LIMIT 50 OFFSET n`: the database makes every one of the n rows it
skips whole (the joins of list_select_related, the subqueries of annotations such as the
first tag's name) and then throws them away. On the organizer's proposal list at 20,000
proposals, the last page built 18,900 rows for 50 (bench/: "proposal list, a late page").

`IdsFirstPaginator` asks for the page's ids alone (`id IN (SELECT id … LIMIT 50 OFFSET n)`,
still one query): the skipping walks an index when one matches the list's order and filters,
and only the 50 rows shown are joined and annotated. The rows, their order and the page
count are the same as Django's Paginator.
"""

from django.core.paginator import Paginator
from django.db import connections
from django.db.models import QuerySet


class IdsFirstPaginator(Paginator):
    def page(self, number):
        page = super().page(number)
        rows = page.object_list
        # The first page skips nothing. A DISTINCT list would select its ordering too (not
        # just ids), and some databases (MySQL) refuse a LIMIT inside IN: Django's way then.
        if (
            not isinstance(rows, QuerySet)
            or not rows.query.low_mark
            or rows.query.distinct
            or not connections[rows.db].features.allow_sliced_subqueries_with_in
        ):
            return page
        low, high = rows.query.low_mark, rows.query.high_mark
        ids = self.object_list.prefetch_related(None).values("pk")[low:high]
        page.object_list = self.object_list.filter(pk__in=ids)
        return page
