"""The reviewer's side of the staff panel: their queue, and the page where they score.

A reviewer reaches only what `selectors.review_queue` gives them; any other proposal "does not
exist" (404). In blind review nothing on these pages says who the speakers are: not the list,
its search and filters, the review page, nor the history (switched off for the queue).
"""

from copy import copy
from operator import itemgetter

from django.contrib import admin, messages
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.contrib.admin.utils import unquote
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, SuspiciousOperation, ValidationError
from django.db.models import Case, Count, F, FilteredRelation, Q, When, Window
from django.http import Http404, HttpResponseRedirect, QueryDict
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext, gettext_lazy

from cfp import answers, tags
from cfp.enums import ExperienceLevel, ProposalState
from cfp.fields import event_fields
from cfp.models import Answer, Proposal
from reviews import questions as reviewer_questions
from reviews import selectors, services
from reviews.admin.listing import Column, Filter, Listing, int_param, page_slice
from reviews.admin.listing import render as listing_render
from reviews.admin.reviewer_forms import ConflictForm, ReviewForm
from reviews.admin.reviewer_scope import request_teams
from reviews.models import Review, ReviewQueueItem, ReviewSettings
from reviews.selectors import OPEN_FOR_REVIEW

DEADLINE_PASSED = "The review deadline has passed: reviews are read-only now."


def format_score(value: float | None) -> str:
    """4.0 → "4", 3.5 → "3.5", 10/3 → "3.33"; no score → "–" (never "None")."""
    if value is None:
        return "–"
    return f"{value:.2f}".rstrip("0").rstrip(".")


LEVELS = dict(ExperienceLevel.choices)
STATES = dict(ProposalState.choices)


def other_reviewer(number: int) -> str:
    """How blind review names the other reviewers: "Another reviewer (A)", … never a number
    the viewer could take for their own place ("Reviewer 1")."""
    letter = chr(ord("A") + number % 26) + (str(number // 26 + 1) if number >= 26 else "")
    return gettext("Another reviewer (%(letter)s)") % {"letter": letter}


REVIEWED = "reviewed"  # the "your review" filter: yes or no
FILTER_CHOICES_SECONDS = 60


def _choice_order(choice: tuple) -> tuple:
    event_id, position, name, pk = choice
    return (event_id, pk is None, position or 0, name or "", pk or 0)


TRACK_AND_TYPE = (
    "track__id__exact",
    "track__isnull",
    "submission_type__id__exact",
    "submission_type__isnull",
)


@admin.register(ReviewQueueItem)
class ReviewQueueAdmin(admin.ModelAdmin):
    # The list is drawn by changelist_view (listing.py); these serve the admin's own checks.
    list_display = ["title"]
    # Titles and abstracts only: a search must never match on who the speakers are.
    search_fields = ["title", "abstract"]
    search_help_text = "Searches titles and abstracts."
    ordering = ["title", "pk"]
    actions = None
    empty_value_display = "–"
    view_on_site = False
    review_template = "admin/reviews/reviewer/review.html"
    conflict_template = "admin/reviews/reviewer/conflict.html"

    class Media:
        # A review sent back with errors starts at the note that says so. The review page is
        # not built on change_form.html, which loads the script for the other staff forms.
        js = ["js/staff-errors.js"]

    # --- who sees the queue: reviewers, whatever their Django permissions ------------------

    def _is_reviewer(self, request) -> bool:
        user = request.user
        if not (user.is_active and user.is_staff):
            return False
        # Asked several times per page (index, sidebar, permissions): answered with the user
        # (reviews.apps, speakers.backends), or from the teams, read once per request.
        known = getattr(user, "reviews_some_event", None)
        return known if known is not None else bool(self._teams(request))

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
            teams = self._teams(request)
            request._lectern_review_queue = selectors.review_queue(request.user, teams=teams)
        return request._lectern_review_queue.all()

    # --- the list: drawn lean (listing.py), with the changelist's parameters -----------------

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_permission(request):
            raise PermissionDenied
        listing = self._listing(request)
        events = {team.event_id: team.event for team in self._teams(request)}
        listing.filters = self._filters(request, listing, events)
        event = events.get(int_param(listing.params.get("event__id__exact")))
        page_rows, progress = self._page(request, listing, event)
        listing.default_order = (0, "asc")
        return listing_render(
            self,
            request,
            "admin/reviews/reviewer/change_list.html",
            listing,
            title="Proposals to review",
            progress={**progress, "event": event},
            rows=page_rows,
            headers=listing.headers(),
            filter_blocks=listing.filter_blocks(),
            search_fields=self.search_fields,
            search_help_text=self.search_help_text,
            clear_search=listing.query_string(remove=["q", "p"]),
            **(extra_context or {}),
        )

    def _page(self, request, listing: Listing, event) -> tuple[list, dict]:
        """The page's rows and the progress line's counts, in two or three queries.

        The first reads ids over the whole queue, in the list's order, with the reviewer's own
        score (one index lookup a proposal) and the counts (windows over the list before the
        page is cut). The second reads the page's 50 rows. Only when filters or a search
        narrow the list does the progress line, which counts the whole queue, need a third.
        """
        user = request.user
        queue = selectors.reviewable_proposals(user, event, teams=self._teams(request))
        mine = FilteredRelation("reviews", condition=Q(reviews__reviewer_id=user.pk))
        queue = queue.annotate(mine=mine, own_score=F("mine__score"))
        listed = self._narrow(queue, listing)
        if any(self._listing_columns[i].name == "review_total" for i, _ in listing.ordering()):
            listed = listed.annotate(review_count=selectors.review_count())
        ids = (
            listed.order_by(*listing.order_by(["title", "pk"]))
            .annotate(
                listed_total=Window(Count("pk")),
                open_total=Window(Count(Case(When(OPEN_FOR_REVIEW, then="pk")))),
                reviewed_total=Window(Count(Case(When(OPEN_FOR_REVIEW, then="mine__reviewer_id")))),
            )
            .values_list("pk", "own_score", "listed_total", "open_total", "reviewed_total")
        )
        number = listing.page_number()
        first = list(ids[page_slice(number)])
        count = first[0][2] if first else (listed.count() if number > 1 else 0)
        page = listing.paginate(count)
        if not first and count:  # past the last page: the last page
            first = list(ids[page.slice])
        if listing.query or listing.active_filters(besides=["event__id__exact"]):
            counted = queue.aggregate(
                total=Count("pk", filter=OPEN_FOR_REVIEW),
                reviewed=Count("mine__reviewer_id", filter=OPEN_FOR_REVIEW),
            )
        else:
            counted = {"total": first[0][3], "reviewed": first[0][4]} if first else {}
            counted = counted or {"total": 0, "reviewed": 0}
        scores = {pk: score for pk, score, *_ in first}
        rows = {
            row["pk"]: {**row, "own_score": scores[row["pk"]]}
            for row in Proposal.objects.filter(pk__in=scores)
            .annotate(
                review_count=selectors.review_count(),
                event_name=F("event__name"),
                type_name=F("submission_type__name"),
                track_name=F("track__name"),
            )
            .values(
                "pk",
                "title",
                "state",
                "experience_level",
                "review_count",
                "event_name",
                "type_name",
                "track_name",
            )
        }
        shown = tags.visible_tags_by_proposal(rows) if rows else {}
        listing.result_list = [
            {**rows[pk], "tags": shown.get(pk, [])} for pk in scores if pk in rows
        ]
        changelist = reverse("admin:reviews_reviewqueueitem_changelist")
        back = listing.row_link_suffix()
        return listing.rows(lambda row: f"{changelist}{row['pk']}/change/{back}"), counted

    # The list's columns: each reads a row of values (see _page).
    _listing_columns = [
        Column("title", "Title", itemgetter("title"), "title"),
        Column("event", "Event", itemgetter("event_name"), "event__name", nowrap=True),
        Column("kind", "Type", itemgetter("type_name"), "submission_type__name"),
        Column(
            "track", gettext_lazy("Track"), itemgetter("track_name"), "track__name", nowrap=True
        ),
        Column(
            "level", "Level", lambda row: LEVELS.get(row["experience_level"]), "experience_level"
        ),
        Column("your_score", "Your score", lambda row: format_score(row["own_score"]), "own_score"),
        Column("review_total", "Reviews", itemgetter("review_count"), "review_count", True),
        # Before the tags (not sortable): the sortable columns keep their ?o= numbers.
        Column("state", gettext_lazy("State"), lambda row: STATES.get(row["state"]), "state"),
        # Only the tags the organizers show reviewers (see _page).
        Column("tags", gettext_lazy("Tags"), lambda row: tags.badges(row["tags"])),
    ]

    def _listing(self, request) -> Listing:
        columns = self._listing_columns
        filters = [
            Filter("event", "event__id__exact", [], resets=TRACK_AND_TYPE),
            Filter("type", "submission_type__id__exact", [], also=("submission_type__isnull",)),
            Filter("track", "track__id__exact", [], also=("track__isnull",)),
            Filter("your review", REVIEWED, []),
        ]
        return Listing.from_request(request, columns, filters)

    def _settings(self, request, event) -> ReviewSettings:
        """The event's review settings, as the reviewer's teams read them with this request;
        selectors.settings_for's unsaved defaults for an event without its row."""
        for team in self._teams(request):
            if team.event_id == event.pk:
                found = getattr(team.event, "review_settings", None)
                return found if found is not None else selectors.settings_for(event)
        return selectors.settings_for(event)

    def _teams(self, request) -> list:
        return request_teams(request)

    def _filters(self, request, listing: Listing, events: dict) -> list[Filter]:
        """The reviewer's events, and the tracks and types their queue has (in that event)."""
        chosen = int_param(listing.params.get("event__id__exact"))
        event_filter, type_filter, track_filter, reviewed_filter = listing.filters
        event_filter.choices = [(str(pk), e.name) for pk, e in events.items()]
        present = self._present(request, chosen if chosen in events else None)
        several = len({event_id for event_id, *_ in present["tracks"] + present["types"]}) > 1

        def choices(things, param: str, missing: str) -> list[tuple[str, str]]:
            made = []
            for event_id, _position, name, pk in sorted(things, key=_choice_order):
                if pk is None:
                    continue
                made.append((str(pk), f"{name} ({events[event_id].name})" if several else name))
            if any(pk is None for *_, pk in things):
                made.append((f"{param}__isnull=True", missing))
            return made

        type_filter.choices = choices(present["types"], "submission_type", "No type")
        track_filter.choices = choices(present["tracks"], "track", gettext("No track"))
        reviewed_filter.choices = [("yes", "Reviewed"), ("no", "Not yet")]
        return listing.filters

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

    def _narrow(self, queryset, listing: Listing):
        """The filters besides the event, and the search (titles and abstracts only)."""
        params = listing.params
        for name in ("submission_type", "track"):
            if f"{name}__id__exact" in params:
                queryset = queryset.filter(
                    **{f"{name}_id": int_param(params[f"{name}__id__exact"])}
                )
            if params.get(f"{name}__isnull") in ("True", "1"):
                queryset = queryset.filter(**{f"{name}__isnull": True})
        reviewed = params.get(REVIEWED)
        if reviewed in ("yes", "no"):
            queryset = queryset.filter(own_score__isnull=reviewed == "no")
        if listing.query:
            queryset = queryset.filter(listing.search(self.search_fields))
        return queryset

    # --- the review page --------------------------------------------------------------------

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<path:object_id>/conflict/",
                self.admin_site.admin_view(self.conflict_view),
                name="{}_{}_conflict".format(*info),
            ),
            path(
                "<path:object_id>/answers/<int:answer_id>/file/",
                self.admin_site.admin_view(self.answer_file_view),
                name="{}_{}_answer_file".format(*info),
            ),
            *super().get_urls(),
        ]

    def _proposal_or_404(self, request, object_id) -> Proposal:
        if not self._is_reviewer(request):
            raise PermissionDenied
        try:
            pk = Proposal._meta.pk.to_python(unquote(object_id))
        except ValidationError:
            pk = None
        # The queue's own rules, without the list's figures (own score, review count): this
        # page reads the reviewer's review itself, and those two subqueries cost planning time.
        teams = self._teams(request)
        proposal = (
            selectors.reviewable_proposals(request.user, teams=teams)
            .select_related("event", "event__cfp", "submission_type", "track")
            .filter(pk=pk)
            .first()
            if pk is not None
            else None
        )
        if proposal is None:
            # Not in the queue: conflicted, not assigned, another event's. It "does not exist".
            raise Http404("No such proposal in your queue.")
        return proposal

    def change_view(self, request, object_id, form_url="", extra_context=None):
        proposal = self._proposal_or_404(request, object_id)
        if request.method == "POST":
            # Scores need saved criteria: an event that lacks its defaults (made around the
            # app) gets them with the first write; a GET shows them unsaved and writes nothing.
            services.review_defaults_create(event=proposal.event)
        review_settings = self._settings(request, proposal.event)
        criteria = selectors.criteria_for(proposal.event)
        # Every review of the proposal at once: the reviewer's own (the form) and the others
        # (beside it), with their scores and answers, read once for both.
        reviews = list(
            Review.objects.filter(proposal=proposal)
            .select_related("reviewer__profile")
            .prefetch_related("scores")
            .order_by("created_at", "pk")
        )
        own = next((r for r in reviews if r.reviewer_id == request.user.pk), None)
        others = [r for r in reviews if r.reviewer_id != request.user.pk]
        found = reviewer_questions.read_answers(reviews)
        is_open = review_settings.is_open()
        decided = not selectors.is_open_for_review(proposal)
        writable = is_open and not decided
        asked = {
            "criteria": criteria,
            "questions": reviewer_questions.reviewer_questions(proposal.event),
            "answers": reviewer_questions.own_answers(own, found),
            "event": proposal.event,
        }
        if request.method != "POST":
            form = ReviewForm(**asked, instance=own, read_only=not writable)
        elif "_skip" in request.POST:
            return self._next_unreviewed(request, after=proposal)
        elif decided:
            messages.error(request, f"{services.decided_message(proposal)} Nothing was saved.")
            form = ReviewForm(**asked, instance=own, read_only=True, initial=request.POST.dict())
        else:
            form = ReviewForm(request.POST, **asked, instance=own)
            if form.is_valid():
                try:
                    services.review_save(
                        proposal=proposal,
                        reviewer=request.user,
                        values=form.score_values(),
                        comment=form.cleaned_data["comment"],
                        feedback=form.cleaned_data["feedback"],
                        answers=form.question_values(),
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
                    **asked, instance=own, read_only=True, initial=request.POST.dict()
                )
        return self._review_page(
            request, proposal, review_settings, criteria, form, own, (others, found)
        )

    def _review_page(self, request, proposal, review_settings, criteria, form, own, read):
        """`read`: the other reviews and every review's answers (read_answers)."""
        blind = review_settings.blind
        speakers = []
        if not blind:
            speakers = list(proposal.speakers_in_order())
        others, others_hidden = self._other_reviews(
            proposal, review_settings, criteria, *read, has_own=own is not None
        )
        viewer = answers.Viewer(answers.REVIEWER, user_id=request.user.pk, blind=blind)
        shown = answers.proposal_answers(
            [proposal], viewer, event=proposal.event, url_for=self._answer_file_url(proposal)
        )[proposal.pk]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": proposal.title,
            "proposal": proposal,
            "event": proposal.event,
            "blind": blind,
            "fields": event_fields(proposal.event),
            "speakers": speakers,
            "tags": tags.badges(proposal.tags.filter(visible_to_reviewers=True).order_by("name")),
            "form": form,
            "review_settings": review_settings,
            "is_open": review_settings.is_open(),
            "decided": not selectors.is_open_for_review(proposal),
            "own_review": own,
            "own_score": format_score(own.score if own else None),
            "others": others,
            "others_hidden": others_hidden,
            "answers": shown,
            "has_view_permission": True,
            "preserved_filters": self.get_preserved_filters(request),
            "media": self.media + form.media,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.review_template, context)

    def _other_reviews(
        self,
        proposal,
        review_settings: ReviewSettings,
        criteria,
        reviews: list[Review],
        found: dict,
        *,
        has_own: bool,
    ):
        """The other reviewers' reviews (in the order given: oldest first), or ([], True)
        while they are hidden from this one. `found`: their answers (read_answers)."""
        if review_settings.hide_others_until_scored and not has_own:
            return [], bool(reviews)
        names = {c.pk: c.name for c in criteria}
        # Shown with the reviews they belong to, where this reviewer sees those reviews.
        their_answers = reviewer_questions.review_answers(reviews, proposal.event, found)
        rows = []
        for number, review in enumerate(reviews):
            rows.append(
                {
                    # Blind review hides the reviewers from each other too.
                    "reviewer": other_reviewer(number)
                    if review_settings.blind
                    else review.reviewer.display_name,
                    "score": format_score(review.score),
                    "scores": [
                        (names[s.criterion_id], s.value)
                        for s in review.scores.all()
                        if s.criterion_id in names
                    ],
                    "comment": review.comment,
                    "answers": their_answers.get(review.pk, []),
                    "updated_at": review.updated_at,
                }
            )
        return rows, False

    def _answer_file_url(self, proposal: Proposal):
        def url_for(answer, event) -> str:
            return reverse(self._url_name("answer_file"), args=[proposal.pk, answer.pk])

        return url_for

    def answer_file_view(self, request, object_id, answer_id: int):
        """A file a speaker gave, where its question lets reviewers open files (and, in blind
        review, is not identifying); anything else "does not exist"."""
        proposal = self._proposal_or_404(request, object_id)
        blind = selectors.settings_for(proposal.event).blind
        viewer = answers.Viewer(answers.REVIEWER, user_id=request.user.pk, blind=blind)
        speakers = proposal.speakers.all().values("pk")
        found = (
            Answer.objects.select_related("question")
            .filter(pk=answer_id, question__event=proposal.event)
            .filter(Q(proposal=proposal) | Q(proposal__isnull=True, speaker__in=speakers))
            .first()
        )
        if found is None or not found.file:
            raise Http404("No such file.")
        if not answers.may_open_file(found.question, viewer, speaker_id=found.speaker_id):
            raise Http404("No such file.")
        return answers.file_response(found)

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

    def _queue_order(self, request) -> list[tuple[int, float | None, bool]]:
        """(pk, own score, still open for review) of the queue in the order the reviewer's
        list shows it.

        The list's filters, search and sorting come along in `_changelist_filters`; "reviewed
        or not" is dropped, so that the proposal just reviewed keeps its place.
        """
        params = QueryDict(request.GET.get("_changelist_filters", ""), mutable=True)
        for name in (REVIEWED, "p"):
            params.pop(name, None)
        list_request = copy(request)
        list_request.GET = params
        queryset = self.get_queryset(request)
        try:
            listing = self._listing(list_request)
        except SuspiciousOperation:
            queryset = queryset.order_by("title", "pk")
            return list(
                queryset.annotate(open=OPEN_FOR_REVIEW).values_list("pk", "own_score", "open")
            )
        event = int_param(listing.params.get("event__id__exact"))
        if event is not None:
            queryset = queryset.filter(event_id=event)
        queryset = self._narrow(queryset, listing).order_by(*listing.order_by(["title", "pk"]))
        return list(queryset.annotate(open=OPEN_FOR_REVIEW).values_list("pk", "own_score", "open"))

    def _next_unreviewed(self, request, *, after: Proposal) -> HttpResponseRedirect:
        """The first unreviewed proposal after this one in the list, wrapping around."""
        order = self._queue_order(request)
        pks = [pk for pk, *_ in order]
        start = pks.index(after.pk) + 1 if after.pk in pks else 0
        for pk, own_score, still_open in order[start:] + order[:start]:
            if own_score is None and still_open and pk != after.pk:
                return self._redirect(request, self._change_url(pk))
        messages.info(request, "No other unreviewed proposal is left in your queue.")
        return self._redirect(request, reverse(self._url_name("changelist")))
