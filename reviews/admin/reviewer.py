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
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.db.models import Count, F, FilteredRelation, Q
from django.http import Http404, HttpResponseRedirect, QueryDict
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from cfp.models import Proposal
from reviews import selectors, services
from reviews.admin.changelist import (
    PER_PAGE,
    TalliedChangeList,
    UnpagedChangeList,
    no_side_navigation,
)
from reviews.admin.reviewer_forms import ConflictForm, ReviewForm
from reviews.models import Review, ReviewQueueItem, ReviewSettings

DEADLINE_PASSED = "The review deadline has passed: reviews are read-only now."


def format_score(value: float | None) -> str:
    """4.0 → "4", 3.5 → "3.5", 10/3 → "3.33"; no score → "–" (never "None")."""
    if value is None:
        return "–"
    return f"{value:.2f}".rstrip("0").rstrip(".")


REVIEWED = "reviewed"  # the "your review" filter: yes or no
EVENT = "event__id__exact"
FILTER_CHOICES_SECONDS = 60


def int_param(value) -> int | None:
    """A parameter that names a row by its id; anything else (empty, "abc", "-1") is None."""
    return int(value) if isinstance(value, str) and value.isdigit() else None


def _choice_order(choice: tuple) -> tuple:
    event_id, position, name, pk = choice
    return (event_id, pk is None, position or 0, name or "", pk or 0)


# --- the queue's filters: the reviewer's events, and what their queue holds ----------------


class EventFilter(admin.SimpleListFilter):
    title = _("event")
    parameter_name = EVENT

    def lookups(self, request, model_admin):
        return [(str(pk), event.name) for pk, event in model_admin._events(request).items()]

    def choices(self, changelist):
        # Another event has other tracks and types: their filters start afresh.
        fresh = ["track", "submission_type"]
        yield {
            "selected": self.value() is None,
            "query_string": changelist.get_query_string(remove=[EVENT, *fresh]),
            "display": _("All"),
        }
        for value, name in self.lookup_choices:
            yield {
                "selected": self.value() == value,
                "query_string": changelist.get_query_string({EVENT: value}, fresh),
                "display": name,
            }

    def queryset(self, request, queryset):
        event_id = int_param(self.value())
        if event_id in self.model_admin_events:
            return queryset.filter(event_id=event_id)
        return queryset

    def __init__(self, request, params, model, model_admin):
        self.model_admin_events = model_admin._events(request)
        super().__init__(request, params, model, model_admin)


class RelatedInQueueFilter(admin.SimpleListFilter):
    """The tracks (or types) of the reviewer's queue, and "none" if some have none."""

    field = ""
    missing = ""

    def __init__(self, request, params, model, model_admin):
        self.parameter_name = f"{self.field}__id__exact"
        self.isnull = f"{self.field}__isnull"
        super().__init__(request, params, model, model_admin)
        if self.isnull in params:
            self.used_parameters[self.isnull] = params.pop(self.isnull)[-1]

    def expected_parameters(self):
        return [self.parameter_name, self.isnull]

    def lookups(self, request, model_admin):
        return model_admin._choices(request, self.field)

    def choices(self, changelist):
        both = self.expected_parameters()
        yield {
            "selected": not self.used_parameters,
            "query_string": changelist.get_query_string(remove=both),
            "display": _("All"),
        }
        for value, label in self.lookup_choices:
            param = self.isnull if value is None else self.parameter_name
            value = "True" if value is None else value
            yield {
                "selected": self.used_parameters.get(param) == value,
                "query_string": changelist.get_query_string({param: value}, both),
                "display": label,
            }

    def queryset(self, request, queryset):
        pk = int_param(self.value())
        if pk is not None:
            queryset = queryset.filter(**{f"{self.field}_id": pk})
        if self.used_parameters.get(self.isnull) in ("True", "1"):
            queryset = queryset.filter(**{self.isnull: True})
        return queryset


class TypeFilter(RelatedInQueueFilter):
    title = _("type")
    field = "submission_type"


class TrackFilter(RelatedInQueueFilter):
    title = _("category")
    field = "track"


class ReviewedFilter(admin.SimpleListFilter):
    title = _("your review")
    parameter_name = REVIEWED

    def lookups(self, request, model_admin):
        return [("yes", _("Reviewed")), ("no", _("Not yet"))]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(own_score__isnull=self.value() == "no")
        return queryset


# The filters that narrow the list within an event (and then need a count of their own).
NARROWING = (
    "track__id__exact",
    "track__isnull",
    "submission_type__id__exact",
    "submission_type__isnull",
    REVIEWED,
)


@admin.register(ReviewQueueItem)
class ReviewQueueAdmin(admin.ModelAdmin):
    list_display = ["title", "event", "kind", "track", "level", "your_score", "review_total"]
    list_filter = [EventFilter, TypeFilter, TrackFilter, ReviewedFilter]
    list_select_related = ["event", "submission_type", "track"]
    list_per_page = PER_PAGE
    # Titles and abstracts only: a search must never match on who the speakers are.
    search_fields = ["title", "abstract"]
    search_help_text = _("Searches titles and abstracts.")
    ordering = ["title", "pk"]
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
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
        return bool(self._teams(request))

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
            request._lectern_review_queue = self._with_own_score(
                request, selectors.reviewable_proposals(request.user, teams=self._teams(request))
            ).annotate(review_count=selectors.review_count())
        return request._lectern_review_queue.all()

    @staticmethod
    def _with_own_score(request, queryset):
        """The reviewer's own score by a join on their review (one index lookup a row)."""
        mine = FilteredRelation("reviews", condition=Q(reviews__reviewer_id=request.user.pk))
        return queryset.annotate(mine=mine, own_score=F("mine__score"))

    def lookup_allowed(self, lookup, value, request=None):
        # Only the filters' own parameters: a hand-made query string (?notes__icontains=…,
        # ?speakers=…) would otherwise tell a blind reviewer who wrote which proposal.
        return lookup in {EVENT, *NARROWING}

    # --- the list: Django's changelist, counted by the progress line ---------------------

    def get_changelist(self, request, **kwargs):
        if getattr(request, "_lectern_order_only", False):
            return UnpagedChangeList  # "save and next": the list's order, no page
        return TalliedChangeList

    # Cells read what the page's one query brings (list_select_related, the annotations).
    @admin.display(description=_("Type"), ordering="submission_type__name")
    def kind(self, obj):
        return obj.submission_type.name if obj.submission_type else None

    @admin.display(description=_("Level"), ordering="experience_level")
    def level(self, obj) -> str | None:
        return obj.get_experience_level_display() or None

    @admin.display(description=_("Your score"), ordering="own_score")
    def your_score(self, obj) -> str:
        return format_score(obj.own_score)

    @admin.display(description=_("Reviews"), ordering="review_count")
    def review_total(self, obj) -> int:
        return obj.review_count

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_permission(request):
            raise PermissionDenied
        title = {"title": _("Proposals to review")}
        extra_context = no_side_navigation({**title, **(extra_context or {})})
        response = super().changelist_view(request, extra_context)
        context = getattr(response, "context_data", None)
        if context and "cl" in context:
            context["progress"] = context["cl"].progress
        return response

    def list_count(self, request, changelist) -> int:
        """The list's count; on the way, the progress line's (reviewed of all in the event).

        One query counts the queue in the event with its reviewed ones; only when filters or a
        search narrow the list further does the list need a count of its own.
        """
        event = self._events(request).get(int_param(request.GET.get(EVENT)))
        queue = selectors.reviewable_proposals(request.user, event, teams=self._teams(request))
        counted = self._with_own_score(request, queue).aggregate(
            total=Count("pk"), reviewed=Count("mine__reviewer_id")
        )
        changelist.progress = {**counted, "event": event}
        if changelist.query or any(name in request.GET for name in NARROWING):
            return changelist.queryset.count()
        return counted["total"]

    def _teams(self, request) -> list:
        if not hasattr(request, "_lectern_teams"):
            request._lectern_teams = selectors.reviewer_teams(request.user)
        return request._lectern_teams

    def _events(self, request) -> dict:
        return {team.event_id: team.event for team in self._teams(request)}

    def _choices(self, request, field: str) -> list[tuple[str | None, str]]:
        """The filter's choices: the tracks (or types) in the queue, then "none" if any."""
        events = self._events(request)
        chosen = int_param(request.GET.get(EVENT))
        present = self._present(request, chosen if chosen in events else None)
        both = present["tracks"] + present["types"]
        several = len({event_id for event_id, *_rest in both}) > 1
        made = []
        things = present["tracks" if field == "track" else "types"]
        for event_id, _position, name, pk in things:
            if pk is not None:
                made.append((str(pk), f"{name} ({events[event_id].name})" if several else name))
        if any(pk is None for *_rest, pk in things):
            made.append((None, _("No category") if field == "track" else _("No type")))
        return made

    def _present(self, request, event_id: int | None) -> dict:
        """The tracks and types in the reviewer's queue, kept for a minute.

        Finding them reads the whole queue; they only label filters, so a minute's delay before
        a new track shows (or an emptied one goes) costs nothing, while the rows and counts
        beside them are read afresh on every visit.
        """
        user = request.user
        key = f"lectern:queue-filters:{user.pk}:{event_id or 'all'}"
        present = cache.get(key)
        if present is None:
            queue = selectors.reviewable_proposals(user, teams=self._teams(request))
            if event_id is not None:
                queue = queue.filter(event_id=event_id)
            rows = set(
                queue.order_by().values_list(
                    "event_id",
                    "track__position",
                    "track__name",
                    "track_id",
                    "submission_type__position",
                    "submission_type__name",
                    "submission_type_id",
                )
            )
            present = {
                "tracks": sorted({row[:4] for row in rows}, key=_choice_order),
                "types": sorted({(row[0], *row[4:]) for row in rows}, key=_choice_order),
            }
            cache.set(key, present, FILTER_CHOICES_SECONDS)
        return present

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
            speakers = list(proposal.speakers_in_order())
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
        for name in (REVIEWED, "p"):
            params.pop(name, None)
        list_request = copy(request)
        list_request.GET = params
        list_request._lectern_order_only = True
        try:
            queryset = self.get_changelist_instance(list_request).queryset
        except (SuspiciousOperation, IncorrectLookupParameters):
            queryset = self.get_queryset(request).order_by("title", "pk")
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
