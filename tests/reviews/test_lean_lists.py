"""The reviewer's queue and the ranked list: Django's changelist, counted without reading the
list twice (reviews/admin/changelist.py).

These tests walk every page of a list as a browser shows it and compare the rows with what
the selectors say they should be, with conflicts, filters, search and sorting; and check that
the rows escape what they show.
"""

import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db.models import Q
from django.urls import reverse

from cfp.enums import SETTLED_STATES, ProposalState
from reviews import selectors
from reviews.models import Assignment, Conflict
from tests.factories import (
    EventFactory,
    ProposalFactory,
    ReviewerFactory,
    ReviewerTeamFactory,
    SubmissionTypeFactory,
    TrackFactory,
    UserFactory,
)
from tests.helpers import list_rows, page
from tests.reviews.helpers import give_review

pytestmark = pytest.mark.django_db

QUEUE = reverse("admin:reviews_reviewqueueitem_changelist")
RANKED = reverse("admin:reviews_rankedproposal_changelist")
PER_PAGE = 50


@pytest.fixture
def big(db):
    """An event of 130 proposals over two tracks and two types, in every reviewable state.

    The organizer speaks on one proposal and declared conflicts with two more; the reviewer
    is assigned 120 of them and has reviewed every third.
    """
    organizer = UserFactory(is_staff=True)
    event = EventFactory(name="Big Summit", organizers=[organizer])
    tracks = [TrackFactory(event=event, name=name) for name in ("Kernel", "Web")]
    types = [SubmissionTypeFactory(event=event, name=name) for name in ("Talk", "Workshop")]
    reviewer = ReviewerFactory()
    ReviewerTeamFactory(event=event, members=[reviewer])
    states = [ProposalState.SUBMITTED] * 4 + [ProposalState.ACCEPTED, ProposalState.REJECTED]
    proposals = []
    for n in range(130):
        proposal = ProposalFactory(
            event=event,
            title=f"Talk {n:03} {'kernel' if n % 2 else 'web'}",
            state=states[n % len(states)],
            track=tracks[n % 2] if n % 5 else None,
            submission_type=types[n % 3 % 2],
        )
        proposals.append(proposal)
        if n < 120:
            if n % 3 == 0:
                give_review(proposal, reviewer, 1 + n % 5)
            else:
                Assignment.objects.create(proposal=proposal, reviewer=reviewer)
    proposals[7].speakers.add(organizer)
    for proposal in proposals[8:10]:
        Conflict.objects.create(proposal=proposal, reviewer=organizer)
    ProposalFactory(event=event, title="Withdrawn", state=ProposalState.WITHDRAWN)
    return event, organizer, reviewer, tracks, types


def shown_count(response) -> int:
    """The count under the list ("127 ranked proposals")."""
    paginator = re.search(r'<p class="paginator">(.*?)</p>', page(response), flags=re.S).group(1)
    return int(re.search(r"(\d+) (?:ranked proposal|proposal)", paginator).group(1))


def every_page(client, url, params) -> tuple[list[dict], int]:
    """(the rows of all pages, the count the first page gives)."""
    first = client.get(url, params)
    assert first.status_code == 200
    count = shown_count(first)
    rows = []
    for number in range(1, count // PER_PAGE + 2):
        shown = list_rows(client.get(url, {**params, "p": number}))
        assert len(shown) <= PER_PAGE
        rows += shown
    return rows, count


def headers(response) -> dict[str, dict]:
    """The list's column headers by their text: class, sort links, priority shown."""
    found = {}
    for attrs, inside in re.findall(r'<th scope="col"([^>]*)>(.*?)</th>', page(response), re.S):
        text = re.search(r'<div class="text">(?:<a href="([^"]*)">|<span>)([^<]*)<', inside)
        if text is None or not text.group(2):
            continue
        links = dict(re.findall(r'<a (?:class="(\w+)[^"]*" )?href="([^"]*)"', inside))
        found[text.group(2)] = {
            "class": attrs,
            "primary": unescape(text.group(1) or ""),
            "toggle": unescape(re.search(r'href="([^"]*)" class="toggle', inside).group(1))
            if 'class="toggle' in inside
            else None,
            "remove": unescape(links.get("sortremove", "")),
            "priority": re.search(r'<span class="sortpriority"[^>]*>(\d+)</span>', inside),
        }
    return found


def order_param(url: str) -> list[str]:
    return parse_qs(urlsplit(url).query)["o"]


def filter_choices(response, title: str) -> list[tuple[str, str]]:
    """(label, link) of each choice of the filter with that title, as the sidebar offers it."""
    block = re.search(
        rf'<details data-filter-title="{title}"[^>]*>(.*?)</details>', page(response), re.S
    ).group(1)
    return [
        (unescape(label.strip()), unescape(href))
        for href, label in re.findall(r'<a href="([^"]*)">([^<]*)</a>', block)
    ]


@pytest.mark.parametrize(
    "narrowing",
    [{}, {"track": 0}, {"type": 1}, {"state": "accepted"}, {"q": "kernel"}, {"q": "Talk 01"}],
)
def test_ranked_list_count_and_pages_match_the_ranking(client, big, narrowing):
    event, organizer, _, tracks, types = big
    params = {"event": event.pk, **narrowing}
    if "track" in narrowing:
        params["track"] = tracks[narrowing["track"]].pk
    if "type" in narrowing:
        params["type"] = types[narrowing["type"]].pk
    expected = selectors.ranked_scores(event, organizer)
    if "track" in params:
        expected = expected.filter(track_id=params["track"])
    if "type" in params:
        expected = expected.filter(submission_type_id=params["type"])
    if "state" in params:
        expected = expected.filter(state=params["state"])
    for word in params.get("q", "").split():  # every word, in the title or the code
        expected = expected.filter(Q(title__icontains=word) | Q(code__icontains=word))
    client.force_login(organizer)

    rows, count = every_page(client, RANKED, params)
    titles = [row["title"] for row in rows]

    assert count == expected.count() == len(titles) == len(set(titles))
    assert set(titles) == {p.title for p in expected}
    assert "Withdrawn" not in titles
    assert not {"Talk 007 kernel", "Talk 008 web", "Talk 009 kernel"} & set(titles)


def test_ranked_list_hidden_count_and_paginator_say_the_same(client, big):
    event, organizer, *_ = big
    client.force_login(organizer)

    body = page(client.get(RANKED, {"event": event.pk}))

    assert "3 proposals are hidden because of your conflicts of interest." in body
    assert "127 ranked proposals" in body  # 130 reviewable (one withdrawn aside), 3 hidden


@pytest.mark.parametrize(
    "narrowing",
    [
        {},
        {"reviewed": "yes"},
        {"reviewed": "no"},
        {"track__isnull": "True"},
        {"track": 1},
        {"submission_type": 0},
        {"q": "kernel"},
    ],
)
def test_queue_count_and_pages_match_the_queue(client, big, narrowing):
    event, _, reviewer, tracks, types = big
    params = {"event__id__exact": event.pk, **narrowing}
    expected = selectors.review_queue(reviewer, event)
    if "track" in narrowing:
        del params["track"]
        params["track__id__exact"] = tracks[narrowing["track"]].pk
        expected = expected.filter(track=tracks[narrowing["track"]])
    if "submission_type" in narrowing:
        del params["submission_type"]
        params["submission_type__id__exact"] = types[narrowing["submission_type"]].pk
        expected = expected.filter(submission_type=types[narrowing["submission_type"]])
    if "track__isnull" in narrowing:
        expected = expected.filter(track__isnull=True)
    if "reviewed" in narrowing:
        expected = expected.filter(own_score__isnull=narrowing["reviewed"] == "no")
    if "q" in narrowing:
        expected = expected.filter(title__icontains="kernel")
    client.force_login(reviewer)

    rows, count = every_page(client, QUEUE, params)
    titles = [row["title"] for row in rows]

    assert titles == sorted(p.title for p in expected)  # by title, each once
    assert count == len(titles)
    # The progress line counts the whole queue in the event, whatever the filters, less the
    # decided proposals (read-only for review).
    everything = selectors.review_queue(reviewer, event).exclude(state__in=SETTLED_STATES)
    reviewed = everything.filter(own_score__isnull=False).count()
    assert f"{reviewed} of {everything.count()} reviewed" in page(client.get(QUEUE, params))


def test_queue_sorts_by_a_column_both_ways_and_keeps_the_pages_whole(client, big):
    event, _, reviewer, *_ = big
    client.force_login(reviewer)
    params = {"event__id__exact": event.pk}
    mine = {p.title: p.own_score for p in selectors.review_queue(reviewer, event)}

    for order in ("5", "-5"):  # "Your score"
        rows, count = every_page(client, QUEUE, {**params, "o": order})
        titles = [row["title"] for row in rows]
        scores = [mine[t] for t in titles]
        scored = [s for s in scores if s is not None]
        assert sorted(titles) == sorted(mine) and count == len(mine)
        assert scored == sorted(scored, reverse=order.startswith("-"))


def test_out_of_range_and_garbled_pages(client, big):
    event, organizer, *_ = big
    client.force_login(organizer)

    last = client.get(RANKED, {"event": event.pk, "p": 3})
    beyond = client.get(RANKED, {"event": event.pk, "p": 99})
    garbled = client.get(RANKED, {"event": event.pk, "p": "x'; DROP"})
    first = client.get(RANKED, {"event": event.pk})

    assert beyond.status_code == garbled.status_code == 200
    assert [row["pk"] for row in list_rows(beyond)] == [row["pk"] for row in list_rows(last)]
    assert [row["pk"] for row in list_rows(garbled)] == [row["pk"] for row in list_rows(first)]
    assert len(list_rows(last)) == 127 - 2 * PER_PAGE
    assert '<span class="this-page">3</span>' in page(beyond)


@pytest.mark.parametrize("params", [{"notes__icontains": "x"}, {"speakers": "1"}, {"o2": "1"}])
def test_ranked_list_refuses_parameters_it_does_not_offer(client, big, params):
    event, organizer, *_ = big
    client.force_login(organizer)

    response = client.get(RANKED, {"event": event.pk, **params})

    assert response.status_code == 400
    assert "asks for something the page does not offer" in page(response)
    assert "Talk 000" not in page(response)


def test_old_links_to_show_all_or_facets_still_open_the_list(client, big):
    event, organizer, reviewer, *_ = big
    client.force_login(organizer)
    ranked = client.get(RANKED, {"event": event.pk, "all": "", "_facets": "True"})
    client.force_login(reviewer)
    queue = client.get(QUEUE, {"all": "", "_facets": "True"})

    assert ranked.status_code == queue.status_code == 200
    assert len(list_rows(ranked)) == len(list_rows(queue)) == 50
    assert "Show all" not in page(ranked) and "Show all" not in page(queue)


def test_sort_links_toggle_and_remove(client, big):
    event, organizer, *_ = big
    client.force_login(organizer)

    default = client.get(RANKED, {"event": event.pk})
    shown = headers(default)
    by_mean = client.get(RANKED, parse_qs(urlsplit(shown["Mean"]["primary"]).query))
    mean_shown = headers(by_mean)

    # The default order shows in the normalised column, best first; the checkbox column is 0.
    assert "sorted descending" in shown["Normalised"]["class"]
    assert order_param(shown["Normalised"]["toggle"]) == ["9"]
    # As the changelist does: the clicked column first, the order shown so far after it.
    assert order_param(shown["Mean"]["primary"]) == ["6.-9"]
    assert order_param(mean_shown["Mean"]["toggle"]) == ["-6.-9"]
    assert order_param(mean_shown["Mean"]["remove"]) == ["-9"]
    assert shown["Normalised"]["priority"] is None  # one sorted column: no numbers
    assert mean_shown["Mean"]["priority"].group(1) == "1"
    assert '<span class="sortpriority" title="Sorting priority: 2">2</span>' in page(by_mean)
    means = [row["mean"] for row in list_rows(by_mean)]
    scored = [float(m) for m in means if m != "–"]
    assert scored == sorted(scored) and means[len(scored) :] == ["–"] * (len(means) - len(scored))


def test_rows_escape_what_they_show(client, big):
    event, organizer, reviewer, tracks, _ = big
    TrackFactory(event=event, name="Kernel <i>& friends</i>")
    hostile = ProposalFactory(
        event=event,
        title='<script>alert("x")</script> & <b>bold</b>',
        state=ProposalState.SUBMITTED,
        track=tracks[0],
    )
    tracks[0].name = '<img src=x onerror="alert(1)">'
    tracks[0].save()
    Assignment.objects.create(proposal=hostile, reviewer=reviewer)
    client.force_login(organizer)
    ranked = page(client.get(RANKED, {"event": event.pk, "q": "script"}))
    client.force_login(reviewer)
    queue = page(client.get(QUEUE, {"q": "script"}))

    for body in (ranked, queue):
        assert "<script>alert" not in body and '<img src=x onerror="alert(1)">' not in body
        title = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;"
        assert title in body
        assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in body


def test_queue_filters_offer_no_category_and_an_event_change_starts_afresh(client, big):
    event, _, reviewer, tracks, _ = big
    second = EventFactory(name="Second Summit")
    ReviewerTeamFactory(event=second, members=[reviewer])
    client.force_login(reviewer)

    response = client.get(QUEUE, {"event__id__exact": event.pk, "track__id__exact": tracks[0].pk})

    categories = filter_choices(response, "track")
    assert [label for label, _ in categories] == ["All", "Kernel", "Web", "No track"]
    assert dict(filter_choices(response, "event"))["Second Summit"] == (
        f"?event__id__exact={second.pk}"
    )
    no_category = client.get(QUEUE, {"event__id__exact": event.pk, "track__isnull": "True"})
    assert list_rows(no_category)
    assert {row["track"] for row in list_rows(no_category)} == {"–"}
    assert re.search(r'<li class="selected">\s*<a href="[^"]*">No track</a>', page(no_category))


def test_row_links_carry_the_list_so_that_next_follows_it(client, big):
    event, _, reviewer, tracks, _ = big
    client.force_login(reviewer)
    params = {"event__id__exact": event.pk, "track__id__exact": tracks[0].pk, "o": "-0"}
    rows = list_rows(client.get(QUEUE, params))
    # A decided proposal is read-only for review: start from the first still submitted.
    start = next(i for i, row in enumerate(rows) if row["state"] == "Submitted")
    href = rows[start]["href"]

    path, _, query = href.partition("?")
    assert path == f"{QUEUE}{rows[start]['pk']}/change/"
    kept = parse_qs(parse_qs(query)["_changelist_filters"][0])
    assert kept == {name: [str(value)] for name, value in params.items()}
    # "Save and next" from that page goes on in the list's order (titles backwards), in its
    # track, to the next proposal not yet reviewed; and keeps the list for the way back.
    scores = {f"score_{c.pk}": 3 for c in selectors.criteria_for(event)}
    saved = client.post(href, {**scores, "_next": "1"})
    following = [
        row["pk"]
        for row in rows[start + 1 :]
        if row["your_score"] == "–" and row["state"] == "Submitted"
    ]
    assert [row["title"] for row in rows] == sorted((r["title"] for r in rows), reverse=True)
    assert saved.status_code == 302
    assert saved.url == f"{QUEUE}{following[0]}/change/?{query}"


@pytest.mark.parametrize(
    ("typed", "searched", "found"),
    [
        ("ker\x00nel", "ker nel", 60),  # both words, in the kernel talks' titles
        ("\x00", "", 120),
        ("kernel\t\x7f", "kernel", 60),
        ("k" * 5000, "k" * 200, 0),
    ],
)
def test_search_text_with_control_characters_or_too_long_is_cleaned_not_an_error(
    client, big, typed, searched, found
):
    event, organizer, reviewer, *_ = big
    client.force_login(organizer)
    ranked = client.get(RANKED, {"event": event.pk, "q": typed})
    client.force_login(reviewer)
    queue = client.get(QUEUE, {"q": typed})

    for response in (ranked, queue):
        assert response.status_code == 200
        assert f'value="{searched}" id="searchbar" maxlength="200"' in page(response)
    assert len(list_rows(queue)) == min(found, PER_PAGE) and shown_count(queue) == found
    said = "Null characters are not allowed." in page(queue)
    assert said == ("\x00" in typed)
