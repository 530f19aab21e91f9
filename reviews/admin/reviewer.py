"""The reviewer's side of the staff panel: their queue, and the page where they score.

A reviewer reaches only what `selectors.review_queue` gives them; any other proposal "does not
exist" (404). In blind review nothing on these pages says who the speakers are: not the list,
its search and filters, the review page, nor the history (switched off for the queue).
"""

from copy import copy

from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.db.models import Count, Q
from django.http import Http404, HttpResponseRedirect, QueryDict
from django.template.response import TemplateResponse
from django.urls import path, reverse

from cfp.models import Proposal
from reviews import selectors, services
from reviews.admin.reviewer_forms import ConflictForm, ReviewForm
from reviews.models import Review, ReviewQueueItem, ReviewSettings

DEADLINE_PASSED = "The review deadline has passed: reviews are read-only now."
# The sidebar's filters; nothing else may filter the queue (see lookup_allowed).
FILTER_FIELDS = ("event", "track", "submission_type")


def format_score(value: float | None) -> str:
    """4.0 → "4", 3.5 → "3.5", 10/3 → "3.33"; no score → "–" (never "None")."""
    if value is None:
        return "–"
    return f"{value:.2f}".rstrip("0").rstrip(".")


class ReviewedFilter(admin.SimpleListFilter):
    title = "your review"
    parameter_name = "reviewed"

    def lookups(self, request, model_admin):
        return [("yes", "Reviewed"), ("no", "Not yet")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(own_score__isnull=False)
        if self.value() == "no":
            return queryset.filter(own_score__isnull=True)
        return queryset


@admin.register(ReviewQueueItem)
class ReviewQueueAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "event",
        "kind",
        "track",
        "level",
        "your_score",
        "review_total",
    ]
    list_filter = [
        *((name, admin.RelatedOnlyFieldListFilter) for name in FILTER_FIELDS),
        ReviewedFilter,
    ]
    list_select_related = ["event", "submission_type", "track"]
    # Titles and abstracts only: a search must never match on who the speakers are.
    search_fields = ["title", "abstract"]
    search_help_text = "Searches titles and abstracts."
    ordering = ["title", "pk"]
    # The progress line above the list says how many there are; no second count of the queue.
    show_full_result_count = False
    actions = None
    empty_value_display = "–"
    view_on_site = False
    change_list_template = "admin/reviews/reviewer/change_list.html"
    review_template = "admin/reviews/reviewer/review.html"
    conflict_template = "admin/reviews/reviewer/conflict.html"

    # --- who sees the queue: reviewers, whatever their Django permissions ------------------

    def _is_reviewer(self, request) -> bool:
        user = request.user
        if not (user.is_active and user.is_staff):
            return False
        # Asked several times per page (index, sidebar, permissions): one query per request.
        if not hasattr(request, "_lectern_is_reviewer"):
            request._lectern_is_reviewer = selectors.reviewer_events(user).exists()
        return request._lectern_is_reviewer

    def has_module_permission(self, request):
        return self._is_reviewer(request)

    def has_view_permission(self, request, obj=None):
        if obj is None:
            return self._is_reviewer(request)
        return self._is_reviewer(request) and self.get_queryset(request).filter(pk=obj.pk).exists()

    def has_change_permission(self, request, obj=None):
        # Reviewers write reviews; the proposal itself is never theirs to change.
        return False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        # The list asks for it once per filter too; the reviewer's teams are read once.
        if not hasattr(request, "_lectern_review_queue"):
            request._lectern_review_queue = selectors.review_queue(request.user)
        return request._lectern_review_queue.all()

    def lookup_allowed(self, lookup, value, request=None):
        # Only the sidebar's filters: a hand-made query string (?notes__icontains=…,
        # ?speakers=…) would otherwise tell a blind reviewer who wrote which proposal.
        allowed = {ReviewedFilter.parameter_name}
        for name in FILTER_FIELDS:
            allowed |= {f"{name}__id__exact", f"{name}__isnull"}
        return lookup in allowed

    # --- the list ---------------------------------------------------------------------------

    # Short headers keep the score columns in view next to the filters.
    @admin.display(description="Type", ordering="submission_type__name")
    def kind(self, obj):
        return obj.submission_type

    @admin.display(description="Level", ordering="experience_level")
    def level(self, obj) -> str | None:
        return obj.get_experience_level_display() or None

    @admin.display(description="Your score", ordering="own_score")
    def your_score(self, obj) -> str:
        return format_score(obj.own_score)

    @admin.display(description="Reviews", ordering="review_count")
    def review_total(self, obj) -> int:
        return obj.review_count

    def changelist_view(self, request, extra_context=None):
        extra_context = {"title": "Proposals to review", **(extra_context or {})}
        response = super().changelist_view(request, extra_context)
        context = getattr(response, "context_data", None)
        if context and "cl" in context:
            context["progress"] = self._progress(request, context["cl"])
        return response

    def _progress(self, request, changelist) -> dict:
        """Reviewed of all in the queue, or of the event the list is filtered to."""
        queryset, event = changelist.root_queryset, None
        for spec in changelist.filter_specs:
            if getattr(spec, "field_path", None) == "event" and spec.used_parameters:
                queryset = spec.queryset(request, queryset)
                event = next(
                    (e for pk, e in spec.lookup_choices if str(pk) in spec.lookup_val), None
                )
        counts = queryset.aggregate(
            total=Count("pk"), reviewed=Count("pk", filter=Q(own_score__isnull=False))
        )
        return {**counts, "event": event}

    # --- the review page --------------------------------------------------------------------

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<path:object_id>/conflict/",
                self.admin_site.admin_view(self.conflict_view),
                name="{}_{}_conflict".format(*info),
            ),
            *super().get_urls(),
        ]

    def _proposal_or_404(self, request, object_id) -> Proposal:
        if not self._is_reviewer(request):
            raise PermissionDenied
        proposal = self.get_object(request, unquote(object_id))
        if proposal is None:
            # Not in the queue: conflicted, not assigned, another event's. It "does not exist".
            raise Http404("No such proposal in your queue.")
        return proposal

    def change_view(self, request, object_id, form_url="", extra_context=None):
        proposal = self._proposal_or_404(request, object_id)
        review_settings = services.settings_for(proposal.event)
        criteria = services.criteria_for(proposal.event)
        own = (
            Review.objects.filter(proposal=proposal, reviewer=request.user)
            .prefetch_related("scores")
            .first()
        )
        is_open = review_settings.is_open()
        if request.method != "POST":
            form = ReviewForm(criteria=criteria, instance=own, read_only=not is_open)
        elif "_skip" in request.POST:
            return self._next_unreviewed(request, after=proposal)
        else:
            form = ReviewForm(request.POST, criteria=criteria, instance=own)
            if form.is_valid():
                try:
                    services.review_save(
                        proposal=proposal,
                        reviewer=request.user,
                        values=form.score_values(),
                        comment=form.cleaned_data["comment"],
                        feedback=form.cleaned_data["feedback"],
                    )
                except services.ReviewRefused as exc:
                    # The deadline passed while they typed, or the rules changed under them.
                    messages.error(request, f"{exc} Nothing was saved.")
                else:
                    messages.success(request, f"Your review of “{proposal.title}” is saved.")
                    if "_next" in request.POST:
                        return self._next_unreviewed(request, after=proposal)
                    return self._redirect(request, self._change_url(proposal.pk))
            elif not is_open:
                messages.error(request, f"{DEADLINE_PASSED} Nothing was saved.")
            if not is_open:
                # Read-only from now on; the typed text comes back so that nothing is lost.
                form = ReviewForm(
                    criteria=criteria, instance=own, read_only=True, initial=request.POST.dict()
                )
        return self._review_page(request, proposal, review_settings, criteria, form, own)

    def _review_page(self, request, proposal, review_settings, criteria, form, own):
        blind = review_settings.blind
        speakers = []
        if not blind:
            speakers = list(proposal.speakers.select_related("profile").order_by("email"))
        others, others_hidden = self._other_reviews(
            request, proposal, review_settings, criteria, has_own=own is not None
        )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": proposal.title,
            "proposal": proposal,
            "event": proposal.event,
            "blind": blind,
            "speakers": speakers,
            "form": form,
            "review_settings": review_settings,
            "is_open": review_settings.is_open(),
            "own_review": own,
            "own_score": format_score(own.score if own else None),
            "others": others,
            "others_hidden": others_hidden,
            "has_view_permission": True,
            "preserved_filters": self.get_preserved_filters(request),
            "media": self.media + form.media,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.review_template, context)

    def _other_reviews(
        self, request, proposal, review_settings: ReviewSettings, criteria, *, has_own: bool
    ):
        """The other reviewers' reviews, or ([], True) while they are hidden from this one."""
        reviews = list(
            Review.objects.filter(proposal=proposal)
            .exclude(reviewer=request.user)
            .select_related("reviewer__profile")
            .prefetch_related("scores")
            .order_by("created_at", "pk")
        )
        if review_settings.hide_others_until_scored and not has_own:
            return [], bool(reviews)
        names = {c.pk: c.name for c in criteria}
        rows = []
        for number, review in enumerate(reviews, start=1):
            rows.append(
                {
                    # Blind review hides the reviewers from each other too.
                    "reviewer": f"Reviewer {number}"
                    if review_settings.blind
                    else review.reviewer.display_name,
                    "score": format_score(review.score),
                    "scores": [
                        (names[s.criterion_id], s.value)
                        for s in review.scores.all()
                        if s.criterion_id in names
                    ],
                    "comment": review.comment,
                    "updated_at": review.updated_at,
                }
            )
        return rows, False

    def history_view(self, request, object_id, extra_context=None):
        # The log names whoever changed the proposal, speakers included: not for reviewers.
        raise Http404("Reviewers have no history pages.")

    # --- declaring a conflict ---------------------------------------------------------------

    def conflict_view(self, request, object_id):
        proposal = self._proposal_or_404(request, object_id)
        form = ConflictForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            try:
                services.conflict_declare(
                    proposal=proposal, reviewer=request.user, reason=form.cleaned_data["reason"]
                )
            except services.ReviewRefused as exc:
                messages.error(request, str(exc))
            else:
                messages.success(
                    request,
                    f"You declared a conflict of interest: “{proposal.title}” has left your "
                    "queue, and you will not see its reviews.",
                )
            return self._redirect(request, reverse(self._url_name("changelist")))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Declare a conflict of interest",
            "proposal": proposal,
            "form": form,
            "has_view_permission": True,
            "preserved_filters": self.get_preserved_filters(request),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.conflict_template, context)

    # --- where to go next -------------------------------------------------------------------

    def _url_name(self, view: str) -> str:
        return f"{self.admin_site.name}:{self.opts.app_label}_{self.opts.model_name}_{view}"

    def _change_url(self, pk) -> str:
        return reverse(self._url_name("change"), args=[pk])

    def _redirect(self, request, url: str) -> HttpResponseRedirect:
        """Redirect, keeping the filters and search of the reviewer's list."""
        context = {"preserved_filters": self.get_preserved_filters(request), "opts": self.opts}
        return HttpResponseRedirect(add_preserved_filters(context, url))

    def _queue_order(self, request) -> list[tuple[int, float | None]]:
        """(pk, own score) of the queue in the order the reviewer's list shows it.

        The list's filters, search and sorting come along in `_changelist_filters`; "reviewed
        or not" is dropped, so that the proposal just reviewed keeps its place.
        """
        params = QueryDict(request.GET.get("_changelist_filters", ""), mutable=True)
        for name in (ReviewedFilter.parameter_name, "p"):
            params.pop(name, None)
        list_request = copy(request)
        list_request.method = "GET"
        list_request.GET = params
        try:
            queryset = self.get_changelist_instance(list_request).queryset
        except (IncorrectLookupParameters, SuspiciousOperation):
            queryset = self.get_queryset(request).order_by(*self.ordering)
        return list(queryset.values_list("pk", "own_score"))

    def _next_unreviewed(self, request, *, after: Proposal) -> HttpResponseRedirect:
        """The first unreviewed proposal after this one in the list, wrapping around."""
        order = self._queue_order(request)
        pks = [pk for pk, _ in order]
        start = pks.index(after.pk) + 1 if after.pk in pks else 0
        for pk, own_score in order[start:] + order[:start]:
            if own_score is None and pk != after.pk:
                return self._redirect(request, self._change_url(pk))
        messages.info(request, "No other unreviewed proposal is left in your queue.")
        return self._redirect(request, reverse(self._url_name("changelist")))
