"""The organizer's proposal list, searched and on a later page: what it finds and shows, in
the same queries at two sizes, and through the indexes made for it (cfp migrations 0019, 0020)."""

import datetime as dt

import pytest
from django.contrib import admin
from django.core.paginator import Paginator
from django.db import connection, transaction
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cfp.admin.paging import IdsFirstPaginator
from cfp.admin.proposals import ProposalAdmin
from cfp.enums import ProposalState
from cfp.models import Proposal
from tests.factories import EventFactory, ProposalFactory, SpeakerFactory, UserFactory
from tests.helpers import list_rows

pytestmark = pytest.mark.django_db

URL = reverse("admin:cfp_proposal_changelist")
PER_PAGE = ProposalAdmin.list_per_page


@pytest.fixture
def organizer():
    return UserFactory(is_staff=True)


@pytest.fixture
def event(organizer):
    return EventFactory(organizers=[organizer])


def listed_codes(client, event, **params) -> list[str]:
    response = client.get(URL, {"event__id__exact": event.pk, **params})
    assert response.status_code == 200
    return [row["code"] for row in list_rows(response)]


def test_the_search_finds_a_proposal_by_each_searched_field(client, organizer, event):
    by_title = ProposalFactory(
        event=event, state=ProposalState.SUBMITTED, title="Packet capture at line rate"
    )
    by_abstract = ProposalFactory(
        event=event,
        state=ProposalState.SUBMITTED,
        abstract="She shows how eBPF programs trace the kernel without rebuilding it.",
    )
    other = ProposalFactory(event=event, state=ProposalState.SUBMITTED, title="Gardening")
    ProposalFactory(event=event, title="A draft about packet capture")  # a draft: never listed
    client.force_login(organizer)

    # Any case, any part of the text.
    assert listed_codes(client, event, q="PACKET CAPT") == [by_title.code]
    assert listed_codes(client, event, q="ebpf Programs") == [by_abstract.code]
    assert listed_codes(client, event, q=other.code.lower()) == [other.code]
    assert listed_codes(client, event, q="nowhere") == []


def grow(event, upto: int, *, every: int = 3) -> None:
    """Submitted proposals up to `upto`, one a minute apart; one in `every` has the search
    term in its title."""
    start = timezone.now() - dt.timedelta(days=30)
    speaker = SpeakerFactory()
    for n in range(event.proposals.count(), upto):
        ProposalFactory(
            event=event, speakers=[speaker], state=ProposalState.SUBMITTED,
            created_at=start + dt.timedelta(minutes=n),
            title=f"WebAssembly at work {n}" if n % every == 0 else f"Another talk {n}",
        )  # fmt: skip


def newest_first(queryset) -> list[str]:
    return list(queryset.order_by("-created_at", "-pk").values_list("code", flat=True))


@pytest.mark.parametrize("search", [{}, {"q": "WebAssembly"}])
def test_a_later_page_shows_the_next_rows_in_the_lists_order(client, organizer, event, search):
    grow(event, 4 * PER_PAGE + 20, every=2)  # the search's matches fill three pages too
    client.force_login(organizer)
    listed = Proposal.objects.filter(event=event)
    if search:
        listed = listed.filter(title__icontains=search["q"])
    expected = newest_first(listed)

    pages = [listed_codes(client, event, p=p, **search) for p in (1, 2, 3)]

    assert sum(pages, []) == expected[: 3 * PER_PAGE]


def test_the_ids_first_paginator_pages_like_djangos_in_any_order(organizer, event):
    """Sorted by another column (here the title, then the first tag's name: an annotation),
    each page holds the same rows as Django's Paginator gives."""
    grow(event, 23)
    request = RequestFactory().get(URL)
    request.user = organizer
    listed = admin.site._registry[Proposal].get_queryset(request)
    for ordering in (["-created_at", "-pk"], ["title", "-pk"], ["first_tag", "-pk"]):
        ordered = listed.order_by(*ordering)
        ours, django = IdsFirstPaginator(ordered, 5), Paginator(ordered, 5)
        for number in django.page_range:
            assert [p.code for p in ours.page(number)] == [p.code for p in django.page(number)]


@pytest.mark.parametrize("search", [{}, {"q": "WebAssembly"}])
def test_the_last_page_costs_the_same_queries_at_two_sizes(client, organizer, event, search):
    client.force_login(organizer)
    counts = []
    for size in (2 * PER_PAGE + 10, 4 * PER_PAGE + 10):
        grow(event, size, every=2)  # searched, two pages and then three
        found = Proposal.objects.filter(event=event, title__icontains=search.get("q", ""))
        last = -(-found.count() // PER_PAGE)
        params = {"event__id__exact": event.pk, "p": last, **search}
        client.get(URL, params)  # the session and the caches warm
        with CaptureQueriesContext(connection) as queries:
            response = client.get(URL, params)

        assert len(list_rows(response)) == found.count() - PER_PAGE * (last - 1)
        # The page's rows are read by their ids (cfp/admin/paging.py), not after OFFSET rows.
        paged = [q["sql"] for q in queries.captured_queries if "OFFSET" in q["sql"]]
        assert len(paged) == 1 and " IN (SELECT " in paged[0], paged
        counts.append(len(queries))

    assert counts[0] == counts[1], counts


def test_every_searched_field_has_a_trigram_index():
    indexed = {
        index.expressions[0].source_expressions[0].source_expressions[0].name
        for index in Proposal._meta.indexes
        if index.name.endswith("_trgm")
    }

    assert set(ProposalAdmin.search_fields) <= indexed


def plan(queryset, *routes: str) -> str:
    """The plan PostgreSQL would choose with only an index's route open (`routes`: the others
    to close, seqscan always): whether an index can serve the query at all, whatever the
    (small) table's size."""
    with transaction.atomic(), connection.cursor() as cursor:
        for route in ("seqscan", *routes):
            cursor.execute(f"SET LOCAL enable_{route} = off")
        sql, params = queryset.query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's indexes")
@pytest.mark.parametrize("field", ProposalAdmin.search_fields)
def test_the_search_can_read_each_fields_trigram_index(event, field):
    """The admin searches with icontains, UPPER(column) LIKE UPPER('%term%'): the index is
    on that expression, or PostgreSQL reads every proposal."""
    grow(event, 5)

    found = plan(Proposal.objects.filter(**{f"{field}__icontains": "WebAssembly"}))

    assert f"Bitmap Index Scan on proposal_{field}_trgm" in found, found


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's indexes")
def test_a_later_pages_ids_are_read_from_the_lists_index_alone(rf, organizer, event):
    grow(event, PER_PAGE + 10)
    request = rf.get(URL)
    request.user = organizer
    listed = admin.site._registry[Proposal].get_queryset(request).order_by("-created_at", "-pk")
    rows = IdsFirstPaginator(listed, PER_PAGE).page(2).object_list

    found = plan(rows, "indexscan", "bitmapscan").splitlines()

    # The ids under the LIMIT come from the index, in its order: no sort, no row read.
    limit = next(n for n, line in enumerate(found) if "Limit" in line)
    assert "Index Only Scan using proposal_event_listed" in found[limit + 1], found
