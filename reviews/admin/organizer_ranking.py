"""The ranked list of an event's proposals, each proposal's reviews, and the reviewers' progress.

Every page costs the same number of queries however many proposals, reviews and reviewers
there are (tests/reviews/test_organizer_admin.py counts them).
"""

import math
from operator import attrgetter

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F, OrderBy
from django.http import HttpResponseRedirect
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from cfp import tags
from cfp.admin.tags import NO_TAG, add_tag, remove_tag
from cfp.models import Proposal
from cfp.selectors import with_decision_mail
from reviews import questions as reviewer_questions
from reviews import scores, selectors
from reviews.admin.listing import (
    Column,
    Filter,
    Listing,
    display_column,
    int_param,
    options_html,
)
from reviews.admin.listing import render as listing_render
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


# --- the ranked list ----------------------------------------------------------------------


@admin.register(RankedProposal)
class RankedProposalAdmin(DecisionAdminMixin, OrganizerReviewAdmin):
    # Columns drawn by their @admin.display methods (the lean list reads them too).
    method_columns = ("decision_email", "review_total", "mean", "median", "disagreement")
    list_display = ["title", "track", "state", *method_columns, "normalised_score"]
    search_fields = ["title", "code"]
    actions = [*DecisionAdminMixin.actions, add_tag, remove_tag]

    def has_tag_permission(self, request, obj=None) -> bool:
        return self._is_organizer(request, obj)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # edits happen on the proposal itself; decisions have their own actions

    def has_delete_permission(self, request, obj=None):
        return False

    def _ranked(self, request, event, *, live: bool = False):
        # Pages read the stored figures; decisions (accept the top N) compute them afresh.
        ranked = selectors.ranked_proposals if live else selectors.ranked_scores
        return ranked(
            event, request.user, queryset=with_decision_mail(RankedProposal.objects.all())
        )

    def get_queryset(self, request):
        event = chosen_event(request)
        if event is None:
            return RankedProposal.objects.none()
        # Sorting every proposal of the event carries its row along: leave the long texts out.
        return self._ranked(request, event).defer(*LONG_TEXTS)

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

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_permission(request):
            raise PermissionDenied
        event = chosen_event(request)
        filters = self._filters(request, event)
        listing = Listing.from_request(request, self._columns(), filters, allowed=[EVENT_PARAM])
        if request.method == "POST":
            return self._run_action(request, self._listed(request, event, listing)[0])
        listing.default_order = (len(listing.columns) - 2, "desc")  # normalised
        actions = self.get_action_choices(request)
        listing.index_offset = 1 if len(actions) > 1 else 0
        hidden = selectors.conflicted_count(event, request.user) if event else 0
        # Before the list is read: rows for proposals submitted since the last view.
        catching_up = scores.scores_include_new_proposals(event) if event else False
        rows = self._page(request, event, listing, hidden, checkboxes=len(actions) > 1)
        return listing_render(
            self,
            request,
            "admin/reviews/organizer/ranked_list.html",
            listing,
            title=f"Ranked proposals: {event}",
            event=event,
            event_param=EVENT_PARAM,
            hidden_count=hidden,
            scores_catching_up=catching_up,
            rows=rows,
            checkboxes=len(actions) > 1,
            action_options=options_html(actions),
            headers=listing.headers(),
            filter_blocks=listing.filter_blocks(),
            search_fields=self.search_fields,
            search_help_text="Searches titles and codes.",
            clear_search=listing.query_string(remove=["q", "p"]),
            **(extra_context or {}),
        )

    def _columns(self) -> list[Column]:
        """list_display's columns; the figures' headers, cells and orders are their methods'."""
        return [
            Column("title", "Title", attrgetter("title"), "title"),
            Column(
                "track",
                _("Track"),
                lambda p: p.track.name if p.track else None,
                "track__name",
                nowrap=True,
            ),
            Column("state", "State", lambda p: p.get_state_display(), "state"),
            *(display_column(self, name) for name in (*self.method_columns, "normalised_score")),
            # Last, so that the figures' ?o= numbers stay what they were.
            Column("tags", _("Tags"), lambda p: tags.badges(p.listed_tags), tags.first_tag_name()),
        ]

    def _filters(self, request, event) -> list[Filter]:
        events = organized_events(request)
        filters = []
        if len(events) > 1:
            filters.append(
                Filter(
                    "event",
                    EVENT_PARAM,
                    [(str(e.pk), e.name) for e in events],
                    resets=("track", "type", "tag"),
                    # The list is always of one event (chosen_event: the first by default).
                    default=str(event.pk) if event else None,
                )
            )
        if event is not None:
            filters.append(
                Filter("track", "track", [(str(t.pk), t.name) for t in event.tracks.all()])
            )
            filters.append(
                Filter(
                    "submission type",
                    "type",
                    [(str(t.pk), t.name) for t in event.submission_types.all()],
                )
            )
        filters.append(
            Filter("state", "state", [(s.value, s.label) for s in selectors.REVIEWABLE_STATES])
        )
        if event is not None:
            tag_choices = [(str(t.pk), t.name) for t in event.tags.order_by("name")]
            filters.append(Filter(_("tag"), "tag", [*tag_choices, (NO_TAG, _("No tag"))]))
        return filters

    def _page(self, request, event, listing: Listing, hidden: int, *, checkboxes: bool) -> list:
        """The page's rows, best first from one index; the count without reading the list.

        Every reviewable proposal of the event has a score row (include_new_proposals), so the
        list holds the event's reviewable proposals less the hidden (conflicted) ones: two
        counts from indexes instead of one over every row with its conflict tests.
        """
        if event is None:
            listing.paginate(0)
            return []
        listed, narrowing = self._listed(request, event, listing)
        if listing.query:
            count = listed.count()
        else:
            reviewable = Proposal.objects.filter(
                event=event, state__in=selectors.REVIEWABLE_STATES, **narrowing
            )
            less = (
                hidden
                if not narrowing
                else selectors.conflicted_count(event, request.user, **narrowing)
            )
            count = reviewable.count() - less
        page = listing.paginate(count)
        ordered = listed.select_related("track").order_by(
            *listing.order_by([NullsLast(F("normalised"), descending=True), "title", "pk"])
        )
        listing.result_list = list(ordered[page.slice])
        # The page's tags in one plain query: a third of prefetch_related's Python.
        found = tags.tags_by_proposal(proposal.pk for proposal in listing.result_list)
        for proposal in listing.result_list:
            proposal.listed_tags = found.get(proposal.pk, [])
        changelist = reverse("admin:reviews_rankedproposal_changelist")
        back = listing.row_link_suffix()
        return listing.rows(
            lambda proposal: f"{changelist}{proposal.pk}/change/{back}",
            checkbox=self.action_checkbox if checkboxes else None,
        )

    def _listed(self, request, event, listing: Listing) -> tuple:
        """(the list's queryset with its filters and search, the filters as field values)."""
        if event is None:
            return self.get_queryset(request), {}
        params = listing.params
        narrowing = {}
        if int_param(params.get("track")) is not None:
            narrowing["track_id"] = int(params["track"])
        if int_param(params.get("type")) is not None:
            narrowing["submission_type_id"] = int(params["type"])
        if params.get("state") in {s.value for s in selectors.REVIEWABLE_STATES}:
            narrowing["state"] = params["state"]
        if params.get("tag") == NO_TAG:
            narrowing["tags__isnull"] = True
        elif int_param(params.get("tag")) is not None:
            narrowing["tags__id"] = int(params["tag"])
        listed = self.get_queryset(request).filter(**narrowing)
        if listing.query:
            listed = listed.filter(listing.search(self.search_fields))
        return listed, narrowing

    def _run_action(self, request, listed):
        """Accept or reject the selected (or, "select all", every listed) proposals, as the
        changelist runs its actions: its filters are the list's own (_listed)."""
        selected = request.POST.getlist(helpers.ACTION_CHECKBOX_NAME)
        if "index" in request.POST and not selected and request.POST.get("select_across") != "1":
            self.message_user(
                request,
                _(
                    "Items must be selected in order to perform actions on them. No items "
                    "have been changed."
                ),
                messages.WARNING,
            )
        elif "index" in request.POST or selected:
            response = self.response_action(request, queryset=listed)
            if response:
                return response
        return HttpResponseRedirect(request.get_full_path())

    # --- one proposal's reviews, side by side ----------------------------------------------

    def get_object(self, request, object_id, from_field=None):
        try:
            pk = Proposal._meta.pk.to_python(object_id)
        except ValidationError:
            return None
        events = {e.pk: e for e in organized_events(request)}
        if len(events) == 1:
            # The one event it can be (the ranked query below asks for that event's).
            (event_id,) = events
        else:
            event_id = Proposal.objects.filter(pk=pk).values_list("event_id", flat=True).first()
        if event_id not in events:
            return None
        catching_up = scores.scores_include_new_proposals(events[event_id])
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
        criteria = selectors.criteria_for(event)
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
        rows += reviewer_questions.answer_rows(reviews, event)
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
        criteria = selectors.criteria_for(event)
        bins = score_bins(min(c.min_score for c in criteria), max(c.max_score for c in criteria))
        rows = []
        for row in selectors.reviewer_progress(event, viewer=request.user):
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
