"""The ranked list of an event's proposals, each proposal's reviews, and the reviewers' progress.

Every page costs the same number of queries however many proposals, reviews and reviewers
there are (tests/reviews/test_organizer_admin.py counts them).
"""

import math

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.main import ORDER_VAR, PAGE_VAR
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F, OrderBy
from django.http import HttpResponseRedirect
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from cfp.models import Proposal
from reviews import scores, selectors, services
from reviews.admin.changelist import PER_PAGE, TalliedChangeList, no_side_navigation
from reviews.admin.organizer_decisions import DecisionAdminMixin, decision_panel
from reviews.admin.organizer_forms import person
from reviews.admin.organizer_scope import (
    EVENT_PARAM,
    OrganizerReviewAdmin,
    chosen_event,
    organized_events,
    page,
)
from reviews.models import Assignment, RankedProposal, Review


def int_param(value) -> int | None:
    """A parameter that names a row by its id; anything else (empty, "abc", "-1") is None."""
    return int(value) if isinstance(value, str) and value.isdigit() else None


def two_decimals(value: float | None) -> str | None:
    """3.14159 → "3.14"; no value → None, which the staff panel shows as "–"."""
    return None if value is None else f"{value:.2f}"


LONG_TEXTS = ("abstract", "audience", "benefits", "technical_requirements", "notes")


class NullsLast(OrderBy):
    """Proposals without reviews sort last whichever way a column is toggled."""

    def __init__(self, expression, descending=False):
        super().__init__(expression, descending=descending, nulls_last=True)

    def reverse_ordering(self):
        self.descending = not self.descending
        return self


# --- filters: one event at a time, then its tracks, types and states -----------------------


class RankedEventFilter(admin.SimpleListFilter):
    """Ranks compare within one event: the list always shows exactly one."""

    title = "event"
    parameter_name = EVENT_PARAM

    def lookups(self, request, model_admin):
        return [(str(e.pk), e.name) for e in organized_events(request)]

    def has_output(self):
        return len(self.lookup_choices) > 1

    def choices(self, changelist):
        current = chosen_event(self.request)
        for value, name in self.lookup_choices:
            yield {
                "selected": current is not None and str(current.pk) == value,
                # Another event has other tracks and types: their filters start afresh.
                "query_string": changelist.get_query_string(
                    {self.parameter_name: value}, ["track", "type", PAGE_VAR]
                ),
                "display": name,
            }

    def queryset(self, request, queryset):
        return queryset  # get_queryset has chosen the event


class EventChoiceFilter(admin.SimpleListFilter):
    """Choices from the chosen event (its tracks, its submission types)."""

    field = ""

    def lookups(self, request, model_admin):
        event = chosen_event(request)
        if event is None:
            return []
        return [(str(o.pk), o.name) for o in getattr(event, self.related).all()]

    def narrowing(self) -> dict:
        pk = int_param(self.value())
        return {} if pk is None else {f"{self.field}_id": pk}

    def queryset(self, request, queryset):
        return queryset.filter(**self.narrowing())


class TrackFilter(EventChoiceFilter):
    title = "category"
    parameter_name = "track"
    field, related = "track", "tracks"


class TypeFilter(EventChoiceFilter):
    title = "submission type"
    parameter_name = "type"
    field, related = "submission_type", "submission_types"


class StateFilter(admin.SimpleListFilter):
    title = "state"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [(s.value, s.label) for s in selectors.REVIEWABLE_STATES]

    def narrowing(self) -> dict:
        known = {s.value for s in selectors.REVIEWABLE_STATES}
        return {"state": self.value()} if self.value() in known else {}

    def queryset(self, request, queryset):
        return queryset.filter(**self.narrowing())


class RankedChangeList(TalliedChangeList):
    def get_ordering_field_columns(self):
        if ORDER_VAR in self.params:
            return super().get_ordering_field_columns()
        # The default order, best normalised score first, shows in that column's header.
        return {self.list_display.index("normalised_score"): "desc"}


# --- the ranked list ----------------------------------------------------------------------


@admin.register(RankedProposal)
class RankedProposalAdmin(DecisionAdminMixin, OrganizerReviewAdmin):
    list_display = [
        "title",
        "track",
        "state",
        "decision_email",
        "review_total",
        "mean",
        "median",
        "disagreement",
        "normalised_score",
    ]
    list_filter = [RankedEventFilter, TrackFilter, TypeFilter, StateFilter]
    list_select_related = ["track"]
    list_per_page = PER_PAGE
    search_fields = ["title", "code"]
    search_help_text = _("Searches titles and codes.")
    show_facets = admin.ShowFacets.NEVER
    # The list is always of one event: its count is the total, no second count needed.
    show_full_result_count = False
    change_list_template = "admin/reviews/organizer/ranked_list.html"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # edits happen on the proposal itself; decisions have their own actions

    def has_delete_permission(self, request, obj=None):
        return False

    def _ranked(self, request, event, *, live: bool = False):
        # Pages read the stored figures; decisions (accept the top N) compute them afresh.
        ranked = selectors.ranked_proposals if live else selectors.ranked_scores
        return ranked(event, request.user, queryset=RankedProposal.objects.with_decision())

    def get_queryset(self, request):
        event = chosen_event(request)
        if event is None:
            return RankedProposal.objects.none()
        # Sorting every proposal of the event carries its row along: leave the long texts out.
        return self._ranked(request, event).defer(*LONG_TEXTS)

    def get_ordering(self, request):
        # Ending with the pk, as the index of the stored figures does: the first page is read
        # from it (the changelist would add "-pk" and sort the whole event).
        return [NullsLast(F("normalised"), descending=True), "title", "pk"]

    def get_changelist(self, request, **kwargs):
        return RankedChangeList

    # Not "reviews": the changelist would sort by the relation of that name, row per review.
    @admin.display(description="n", ordering=NullsLast(F("review_count")))
    def review_total(self, obj) -> int:
        return obj.review_count

    @admin.display(description="mean", ordering=NullsLast(F("mean_score")))
    def mean(self, obj) -> str | None:
        return two_decimals(obj.mean_score)

    @admin.display(description="median", ordering=NullsLast(F("median_score")))
    def median(self, obj) -> str | None:
        return two_decimals(obj.median_score)

    @admin.display(description="spread", ordering=NullsLast(F("score_stddev")))
    def disagreement(self, obj) -> str | None:
        return two_decimals(obj.score_stddev)

    @admin.display(description="normalised", ordering=NullsLast(F("normalised")))
    def normalised_score(self, obj) -> str | None:
        return two_decimals(obj.normalised)

    def lookup_allowed(self, lookup, value, request=None):
        # The filters' own parameters only (Django would take any field of the proposal).
        return lookup in {EVENT_PARAM, "track", "type", "state"}

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_permission(request):
            raise PermissionDenied
        event = chosen_event(request)
        hidden = selectors.conflicted_count(event, request.user) if event else 0
        request._lectern_hidden = hidden
        context = {
            "title": _("Ranked proposals: %(event)s") % {"event": event},
            "event": event,
            "event_param": EVENT_PARAM,
            "hidden_count": hidden,
            # Before the list is read: rows for proposals submitted since the last view.
            "scores_catching_up": scores.include_new_proposals(event) if event else False,
        }
        return super().changelist_view(
            request, no_side_navigation({**context, **(extra_context or {})})
        )

    def list_count(self, request, changelist) -> int:
        """The list's count without reading the list.

        Every reviewable proposal of the event has a score row (include_new_proposals), so the
        list holds the event's reviewable proposals less the hidden (conflicted) ones: two
        counts from indexes instead of one over every row with its conflict tests.
        """
        event = chosen_event(request)
        if event is None:
            return 0
        if changelist.query:
            return changelist.queryset.count()
        narrowing = {}
        for spec in changelist.filter_specs:
            narrowing.update(getattr(spec, "narrowing", dict)())
        reviewable = Proposal.objects.filter(
            event=event, state__in=selectors.REVIEWABLE_STATES, **narrowing
        )
        hidden = getattr(request, "_lectern_hidden", None)
        if narrowing or hidden is None:
            hidden = selectors.conflicted_count(event, request.user, **narrowing)
        return reviewable.count() - hidden

    # --- one proposal's reviews, side by side ----------------------------------------------

    def get_object(self, request, object_id, from_field=None):
        try:
            pk = Proposal._meta.pk.to_python(object_id)
        except ValidationError:
            return None
        events = {e.pk: e for e in organized_events(request)}
        event_id = Proposal.objects.filter(pk=pk).values_list("event_id", flat=True).first()
        if event_id not in events:
            return None
        catching_up = scores.include_new_proposals(events[event_id])
        ranked = self._ranked(request, events[event_id]).filter(pk=pk)
        proposal = ranked.select_related("event", "track", "submission_type").first()
        if proposal is not None:
            proposal.scores_catching_up = catching_up
        return proposal

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if not self.has_view_permission(request):
            raise PermissionDenied
        proposal = self.get_object(request, unquote(object_id))
        if proposal is None:
            # Another event's, or one the organizer is conflicted on: it "does not exist".
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        event = proposal.event
        criteria = services.criteria_for(event)
        reviews = list(
            Review.objects.filter(proposal=proposal)
            .select_related("reviewer__profile")
            .prefetch_related("scores")
            .order_by("created_at", "pk")
        )
        scales = scores.stored_scales(event.pk, [r.reviewer_id for r in reviews])
        values = {r.pk: {s.criterion_id: s.value for s in r.scores.all()} for r in reviews}
        rows = []
        for criterion in criteria:
            labels = dict(criterion.choices())
            weight = "" if criterion.weight == 1 else f", weight {criterion.weight.normalize()}"
            rows.append(
                {
                    "label": f"{criterion.name} ({criterion.min_score}–{criterion.max_score}"
                    f"{weight})",
                    "cells": [labels.get(values[r.pk].get(criterion.pk)) for r in reviews],
                }
            )
        identity = selectors.Scale()
        rows += [
            {"label": "Weighted score", "cells": [two_decimals(r.score) for r in reviews]},
            {
                "label": "Normalised score",
                "cells": [
                    two_decimals(
                        r.score * scales.get(r.reviewer_id, identity).factor
                        + scales.get(r.reviewer_id, identity).offset
                    )
                    for r in reviews
                ],
            },
        ]
        reviewed = {r.reviewer_id for r in reviews}
        waiting = [
            person(a.reviewer)
            for a in Assignment.objects.filter(proposal=proposal)
            .select_related("reviewer__profile")
            .order_by("reviewer__email")
            if a.reviewer_id not in reviewed
        ]
        return page(
            self,
            request,
            "proposal_reviews.html",
            proposal.title,
            event,
            proposal=proposal,
            decision=decision_panel(proposal),
            speakers=[person(s) for s in proposal.speakers_in_order()],
            reviews=reviews,
            reviewers=[person(r.reviewer) for r in reviews],
            rows=rows,
            waiting=waiting,
            scores_catching_up=proposal.scores_catching_up,
            aggregates=[
                ("Reviews", proposal.review_count),
                ("Mean", two_decimals(proposal.mean_score)),
                ("Median", two_decimals(proposal.median_score)),
                ("Disagreement (sd)", two_decimals(proposal.score_stddev)),
                ("Normalised", two_decimals(proposal.normalised)),
            ],
        )

    def history_view(self, request, object_id, extra_context=None):
        # The proposal's own page keeps its history (and checks who may read it).
        return HttpResponseRedirect(reverse("admin:cfp_proposal_history", args=[object_id]))

    # --- the reviewers' progress -----------------------------------------------------------

    def get_urls(self):
        return [
            path(
                "reviewers/",
                self.admin_site.admin_view(self.reviewers_view),
                name="reviews_rankedproposal_reviewers",
            ),
            *super().get_urls(),
        ]

    def reviewers_view(self, request):
        event = self.organizer_event(request)
        criteria = services.criteria_for(event)
        bins = score_bins(min(c.min_score for c in criteria), max(c.max_score for c in criteria))
        rows = []
        for row in services.reviewer_progress(event, viewer=request.user):
            counts = distribution(row["scores"], bins)
            peak = max(counts) or 1
            assigned, reviewed = row["assigned"], row["reviewed"]
            rows.append(
                {
                    "name": person(row["reviewer"]),
                    "assigned": assigned,
                    "reviewed": reviewed,
                    "done": min(100, round(100 * reviewed / assigned)) if assigned else None,
                    "mean": two_decimals(
                        sum(row["scores"]) / len(row["scores"]) if row["scores"] else None
                    ),
                    "bars": [{"count": n, "height": round(100 * n / peak)} for n in counts],
                }
            )
        rows.sort(key=lambda r: r["name"].casefold())
        return page(
            self,
            request,
            "reviewer_progress.html",
            "Reviewer progress",
            event,
            rows=rows,
            bins=[label for label, _ in bins],
            hidden_count=selectors.conflicted_count(event, request.user),
        )


def score_bins(low: int, high: int, most: int = 10) -> list[tuple[str, int]]:
    """(label, first value) of the ranges to count scores in: one per value, or `most`."""
    width = math.ceil((high - low + 1) / most)
    return [
        (str(start) if width == 1 else f"{start}–{min(start + width - 1, high)}", start)
        for start in range(low, high + 1, width)
    ]


def distribution(scores: list[float], bins: list[tuple[str, int]]) -> list[int]:
    """How many scores fall in each range; a weighted 3.5 counts as 4 (half up)."""
    counts = [0] * len(bins)
    starts = [start for _, start in bins]
    for score in scores:
        value = math.floor(score + 0.5)
        index = sum(1 for start in starts if start <= value) - 1
        counts[max(0, index)] += 1
    return counts
