"""The staff panel's first page: a dashboard per role (config.admin's site calls it as its
index).

Organizers (superusers: over every event) see one event at a time, `?event=<id>` among their
own like the ranked list, each figure linking to the list behind it; reviewers see their queue
per event and go on reviewing; a staff account that is neither is told so. Every section of
the panel stays reachable from "All sections". The reads are reviews.dashboard's.
"""

from decimal import ROUND_HALF_UP, Decimal
from urllib.parse import quote_plus

from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.formats import get_format
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from cfp.enums import ProposalState
from reviews import dashboard
from reviews.admin.organizer_scope import EVENT_PARAM, chosen_event, organized_events
from reviews.admin.reviewer_scope import request_teams

TEMPLATE = "admin/dashboard/index.html"
HUNDREDTH = Decimal("0.01")


def _url(name: str, *args, **params) -> str:
    url = reverse(f"admin:{name}", args=args)
    return f"{url}?{urlencode(params)}" if params else url


class Links:
    """Where each figure of an event leads: its lists, filtered as the figure counts."""

    def __init__(self, event):
        self.event = event
        self._lists: dict[str, str] = {}
        pk = event.pk
        self.proposals = self._list("cfp_proposal_changelist", event__id__exact=pk)
        self.ranked = _url("reviews_rankedproposal_changelist", **{EVENT_PARAM: pk})
        self.reviewers = _url("reviews_rankedproposal_reviewers", **{EVENT_PARAM: pk})
        self.remind = _url("cfp_message_remind_reviewers", **{EVENT_PARAM: pk})
        self.assignments = _url("reviews_assignment_changelist", **{EVENT_PARAM: pk})
        self.assign = _url("reviews_assignment_run", **{EVENT_PARAM: pk})
        self.outbox = self._list("cfp_message_changelist", event__id__exact=pk)
        self.email = _url("cfp_groupemail_write", **{EVENT_PARAM: pk})
        self.schedule = _url("cfp_event_schedule", pk)
        self.exports = _url("cfp_event_exports", pk)
        self.settings = _url("cfp_event_change", pk)
        self.public = event.get_absolute_url()
        self.accepted = self.state(ProposalState.ACCEPTED)
        self.confirmed = self.state(ProposalState.CONFIRMED)
        for state in ("draft", "pending", "failed", "unknown", "sent"):
            setattr(self, f"mail_{state}", self.mail(state))

    def _list(self, name: str, **params) -> str:
        # Some thirty links lead to two lists, each reversed once: a reverse is the dearer part.
        if name not in self._lists:
            self._lists[name] = _url(name)
        return f"{self._lists[name]}?{urlencode(params)}"

    def state(self, state: str) -> str:
        return self._list(
            "cfp_proposal_changelist", event__id__exact=self.event.pk, state__exact=state
        )

    def track(self, key: int | None) -> str:
        return self._related("track", key)

    def submission_type(self, key: int | None) -> str:
        return self._related("submission_type", key)

    def _related(self, name: str, key: int | None) -> str:
        param = {f"{name}__isnull": "True"} if key is None else {f"{name}__id__exact": key}
        return self._list("cfp_proposal_changelist", event__id__exact=self.event.pk, **param)

    def mail(self, state: str) -> str:
        return self._list(
            "cfp_message_changelist", event__id__exact=self.event.pk, state__exact=state
        )

    def reviewer(self, user) -> str:
        # self.assignments with the reviewer's address as the search (one reverse per page;
        # quote_plus is what urlencode does to it, without its checks, for each of 100 rows).
        return f"{self.assignments}&q={quote_plus(user.email)}"


def organizer_context(request) -> dict:
    event = chosen_event(request)
    if event is None:
        return {}
    figures = dashboard.organizer_dashboard(event, request.user)
    links = Links(event)
    linked = {
        "states": [(f, links.state(f.key)) for f in figures.proposals.by_state],
        "tracks": [(f, links.track(f.key)) for f in figures.proposals.by_track],
        "types": [(f, links.submission_type(f.key)) for f in figures.proposals.by_type],
    }
    return {
        "board": figures,
        "links": links,
        "linked": linked,
        "reviewer_rows": reviewer_rows(figures.review.reviewers, links),
        "charts": {
            "submissions": figures.submissions.chart(),
            "tracks": figures.review.track_chart(),
            "reviewers": figures.review.reviewer_chart(),
        },
    }


def two_places(value: float, decimal_mark: str) -> str:
    """`value` as floatformat:2 writes it (halves rounded up, no "-0.00") with the locale's
    `decimal_mark`, in a tenth of its time: it looks the mark up for every number."""
    rounded = Decimal(repr(value)).quantize(HUNDREDTH, ROUND_HALF_UP)
    return str(rounded if rounded else abs(rounded)).replace(".", decimal_mark)


def reviewer_rows(reviewers: list[dashboard.ReviewerFigures], links: Links) -> list[dict]:
    """The reviewers' table, a row per reviewer, its figures' cells drawn here (the mean as
    floatformat:2 writes it). An event has a hundred reviewers or more, each row a dozen
    figures: drawn cell by cell in the template, with a lookup and a filter each, they were
    half of the dashboard's time (bench/, "dashboard (organizer)")."""
    rows = []
    decimal_mark = get_format("DECIMAL_SEPARATOR")
    for figures in reviewers:
        mean = figures.mean
        cells = [
            *map(str, (figures.assigned, figures.reviews, *figures.counts)),
            "–" if mean is None else two_places(mean, decimal_mark),
            figures.difference_text,
        ]
        rows.append(
            {
                "name": figures.reviewer.display_name,
                "url": links.reviewer(figures.reviewer),
                "not_started": figures.not_started,
                "cells": mark_safe(  # noqa: S308 (digits, signs and a decimal mark: nothing to escape)
                    "".join(f'<td class="num">{c}</td>' for c in cells)
                ),
            }
        )
    return rows


def queue_links(queue: dashboard.Queue) -> dict:
    """A reviewer's queue in one event, with its list and the proposal to go on with."""
    pk = queue.event.pk
    # With the list's event filter along, "Save and next unreviewed" stays in this event.
    in_event = {"_changelist_filters": urlencode({"event__id__exact": pk})}
    next_url = (
        _url("reviews_reviewqueueitem_change", queue.next_id, **in_event) if queue.next_id else None
    )
    return {
        "queue": queue,
        "list_url": _url("reviews_reviewqueueitem_changelist", event__id__exact=pk),
        "left_url": _url("reviews_reviewqueueitem_changelist", event__id__exact=pk, reviewed="no"),
        "next_url": next_url,
    }


def dashboard_view(site, request, extra_context=None):
    """The index of `site` for `request`: the organizer's and the reviewer's dashboards."""
    # The user's teams as the panel's sections read them for this request: one query, not two.
    queues = dashboard.reviewer_queues(request.user, teams=request_teams(request))
    events = organized_events(request)
    context = {
        **site.each_context(request),
        "title": _("Dashboard"),
        "subtitle": None,
        "events": events,
        "event_param": EVENT_PARAM,
        "queues": [queue_links(queue) for queue in queues],
        "add_event_url": reverse("admin:cfp_event_add") if request.user.is_superuser else None,
        **organizer_context(request),
        **(extra_context or {}),
    }
    request.current_app = site.name
    return TemplateResponse(request, TEMPLATE, context)
