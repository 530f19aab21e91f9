"""The organizers' side of review in the staff panel.

Organizers of an event (and superusers) configure its review, rank its proposals by the
reviews' aggregates, follow the reviewers' progress, manage conflicts of interest and assign
reviewers. Organizers of other events, reviewers and speakers reach none of it. What the
viewing organizer is conflicted on (a proposal they speak on or have a conflict with) is left
out of every page here: its place in the ranking, its reviews, assignments and conflicts.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.db import models
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import HttpResponseRedirect
from django.urls import path, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from cfp.admin import base as admin_base
from cfp.admin import events as admin_events
from cfp.enums import ProposalState
from cfp.models import Event, Proposal, Track
from reviews import selectors, services
from reviews.admin import organizer_ranking  # noqa: F401 (registers the ranked list)
from reviews.admin.organizer_forms import (
    AssignmentForm,
    AssignmentRunForm,
    ConflictForm,
    ReviewerTeamForm,
    person,
)
from reviews.admin.organizer_scope import (
    EVENT_PARAM,
    OrganizerReviewAdmin,
    organized_events,
    page,
)
from reviews.enums import ConflictSource
from reviews.models import Assignment, Conflict, Criterion, Review, ReviewerTeam, ReviewSettings
from speakers.models import User

# --- the event: review settings and criteria ----------------------------------------------


class ReviewSettingsInline(admin_base.EventChildInlineMixin, admin.StackedInline):
    model = ReviewSettings
    verbose_name = verbose_name_plural = "review"
    fields = ["blind", "deadline", "hide_others_until_scored", "queue", "reviews_per_proposal"]
    min_num = max_num = 1
    extra = 0
    can_delete = False


class CriterionInline(admin_base.EventChildInlineMixin, admin.TabularInline):
    model = Criterion
    verbose_name_plural = "review criteria (reviewers score each; the weights make the score)"
    fields = ["name", "min_score", "max_score", "labels", "weight", "position"]
    formfield_overrides = {
        models.TextField: {"widget": forms.Textarea(attrs={"rows": 5, "cols": 28})},
        models.DecimalField: {"widget": forms.NumberInput(attrs={"style": "width: 6em"})},
    }
    extra = 0


admin.site.unregister(Event)


@admin.register(Event)
class EventAdmin(admin_events.EventAdmin):
    """cfp's event admin, with the event's review settings and criteria."""

    inlines = [*admin_events.EventAdmin.inlines, ReviewSettingsInline, CriterionInline]

    def get_inlines(self, request, obj):
        # A new event gets its review settings and the default criterion ("Overall", 1–5)
        # as it is created (reviews.apps); organizers change them on the event's page.
        return self.inlines if obj is not None else admin_events.EventAdmin.inlines


# --- reviewer teams -----------------------------------------------------------------------


class EventListFilter(admin.SimpleListFilter):
    """One of the organizer's events, or all of them."""

    title = "event"
    parameter_name = EVENT_PARAM

    def __init__(self, request, params, model, model_admin):
        self.event_path = model_admin.event_path
        super().__init__(request, params, model, model_admin)

    def lookups(self, request, model_admin):
        return [(str(e.pk), e.name) for e in organized_events(request)]

    def has_output(self):
        return len(self.lookup_choices) > 1

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(**{f"{self.event_path}_id": self.value()})
        return queryset


def team_candidates(events) -> QuerySet[User]:
    """Who an organizer may pick for a team: the people of their events, not every account.

    Anyone else joins through "Add members by email", which needs their exact address.
    """
    links = (
        ReviewerTeam.members.through.objects.filter(reviewerteam__event__in=events),
        Event.organizers.through.objects.filter(event__in=events),
        Proposal.speakers.through.objects.filter(proposal__event__in=events),
    )
    people = Q()
    for link in links:
        people |= Q(pk__in=link.values("user_id"))
    return User.objects.filter(people).select_related("profile").order_by("email")


@admin.register(ReviewerTeam)
class ReviewerTeamAdmin(OrganizerReviewAdmin):
    form = ReviewerTeamForm
    list_display = ["name", "event", "member_count", "track_names"]
    list_filter = [EventListFilter]
    list_select_related = ["event"]
    search_fields = ["name"]
    fields = ["event", "name", "members", "add_by_email", "tracks"]
    filter_horizontal = ["members"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(member_count=Count("members", distinct=True))
            .prefetch_related("tracks")
        )

    def get_readonly_fields(self, request, obj=None):
        return ["event"] if obj is not None else []

    @admin.display(description="members", ordering="member_count")
    def member_count(self, obj) -> int:
        return obj.member_count

    @admin.display(description="tracks")
    def track_names(self, obj) -> str:
        return ", ".join(t.name for t in obj.tracks.all()) or "All tracks"

    def _team_event_ids(self, request) -> list[int]:
        object_id = request.resolver_match.kwargs.get("object_id")
        events = [e.pk for e in organized_events(request)]
        if object_id:
            team = ReviewerTeam.objects.filter(pk=unquote(object_id), event__in=events).first()
            return [team.event_id] if team else []
        return events

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "members":
            kwargs["queryset"] = team_candidates(self._team_event_ids(request))
        elif db_field.name == "tracks":
            kwargs["queryset"] = Track.objects.filter(
                event__in=self._team_event_ids(request)
            ).select_related("event")
            kwargs["widget"] = forms.CheckboxSelectMultiple
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if db_field.name == "members":
            field.label_from_instance = person
        elif db_field.name == "tracks" and len(organized_events(request)) > 1:
            field.label_from_instance = lambda t: f"{t.event}: {t.name}"
        return field

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        team = form.instance
        if form.cleaned_data.get("add_by_email"):
            team.members.add(*form.cleaned_data["add_by_email"])
        services.team_save_members(team=team)

    def has_delete_permission(self, request, obj=None):
        return self._is_organizer(request, obj)


# --- conflicts of interest ----------------------------------------------------------------


class ProposalPickMixin:
    """Forms pick a proposal of the organizer's events and a reviewer of their teams."""

    def get_queryset(self, request):
        hidden = Proposal.objects.filter(selectors.conflicted(request.user))
        return super().get_queryset(request).exclude(proposal__in=hidden)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        events = organized_events(request)
        if db_field.name == "proposal":
            kwargs["queryset"] = (
                Proposal.objects.filter(event__in=events, state__in=selectors.REVIEWABLE_STATES)
                .exclude(selectors.conflicted(request.user))
                .select_related("event")
                .order_by("event__name", "title")
            )
        elif db_field.name == "reviewer":
            kwargs["queryset"] = (
                User.objects.filter(review_teams__event__in=events)
                .distinct()
                .select_related("profile")
                .order_by("email")
            )
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "proposal" and len(events) > 1:
            field.label_from_instance = lambda p: f"{p.title} ({p.event})"
        elif db_field.name == "reviewer":
            field.label_from_instance = person
        return field

    def get_list_display(self, request):
        # With one event, its name on every row is noise that pushes columns off the page.
        columns = list(super().get_list_display(request))
        return columns if len(organized_events(request)) > 1 else columns[:1] + columns[2:]

    @admin.display(description="proposal", ordering="proposal__title")
    def proposal_title(self, obj) -> str:
        return obj.proposal.title

    @admin.display(description="reviewer", ordering="reviewer__email")
    def reviewer_name(self, obj) -> str:
        return obj.reviewer.display_name

    # On the page of one assignment or conflict: names, not the admin's links to the accounts,
    # which are the superusers' pages (the link answered an organizer with 403).
    @admin.display(description=_("reviewer"))
    def reviewer_person(self, obj) -> str:
        return person(obj.reviewer)

    @admin.display(description=_("created by"))
    def created_by_person(self, obj) -> str:
        return person(obj.created_by) if obj.created_by_id else "–"

    @admin.display(description="event", ordering="proposal__event__name")
    def event(self, obj) -> str:
        return str(obj.proposal.event)


@admin.register(Conflict)
class ConflictAdmin(ProposalPickMixin, OrganizerReviewAdmin):
    event_path = "proposal__event"
    form = ConflictForm
    list_display = ["proposal_title", "event", "reviewer_name", "source", "reason", "created_at"]
    list_filter = [EventListFilter, "source"]
    list_select_related = ["proposal__event", "reviewer__profile"]
    search_fields = ["proposal__title", "reviewer__email", "reviewer__profile__name"]
    readonly_fields = [
        "proposal",
        "reviewer_person",
        "source",
        "reason",
        "created_by_person",
        "created_at",
    ]
    change_list_template = "admin/reviews/organizer/conflict_list.html"

    def get_fields(self, request, obj=None):
        return ConflictForm.Meta.fields if obj is None else self.readonly_fields

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj is not None else []

    def has_change_permission(self, request, obj=None):
        return False  # a conflict is added or removed, never edited

    def has_delete_permission(self, request, obj=None):
        # What a reviewer declared stands; what organizers added they may take back.
        if obj is not None and obj.source == ConflictSource.DECLARED:
            return False
        return self._is_organizer(request, obj)

    def save_model(self, request, obj, form, change):
        conflict = services.conflict_add(
            proposal=obj.proposal, reviewer=obj.reviewer, by=request.user, reason=obj.reason
        )
        obj.pk, obj.source, obj.created_by = conflict.pk, conflict.source, conflict.created_by

    def get_urls(self):
        return [
            path(
                "suggestions/",
                self.admin_site.admin_view(self.suggestions_view),
                name="reviews_conflict_suggestions",
            ),
            path(
                "suggestions/confirm/",
                self.admin_site.admin_view(require_POST(self.confirm_view)),
                name="reviews_conflict_confirm",
            ),
            *super().get_urls(),
        ]

    def _suggestions(self, request, event):
        hidden = set(
            Proposal.objects.filter(event=event)
            .filter(selectors.conflicted(request.user))
            .values_list("pk", flat=True)
        )
        return [s for s in selectors.suggested_conflicts(event) if s[1].pk not in hidden]

    def suggestions_view(self, request):
        event = self.organizer_event(request)
        rows = [
            {
                "reviewer": reviewer,
                "proposal": proposal,
                "reason": reason,
                "speakers": [
                    person(s) + (f", {s.profile.affiliation}" if s.profile.affiliation else "")
                    if hasattr(s, "profile")
                    else person(s)
                    for s in proposal.speakers.all()
                ],
            }
            for reviewer, proposal, reason in self._suggestions(request, event)
        ]
        return page(
            self, request, "suggestions.html", "Suggested conflicts", event, suggestions=rows
        )

    def confirm_view(self, request):
        event = self.organizer_event(request)
        wanted = (request.POST.get("proposal"), request.POST.get("reviewer"))
        match = next(
            (
                s
                for s in self._suggestions(request, event)
                if (str(s[1].pk), str(s[0].pk)) == wanted
            ),
            None,
        )
        if match is None:
            messages.warning(request, "That suggestion is not open any more; nothing changed.")
        else:
            reviewer, proposal, reason = match
            services.conflict_add(
                proposal=proposal, reviewer=reviewer, by=request.user, reason=reason, suggested=True
            )
            messages.success(
                request,
                f"Conflict recorded: {person(reviewer)} will not review “{proposal.title}”.",
            )
        url = reverse("admin:reviews_conflict_suggestions")
        return HttpResponseRedirect(f"{url}?{urlencode({EVENT_PARAM: event.pk})}")


# --- assignments --------------------------------------------------------------------------


@admin.register(Assignment)
class AssignmentAdmin(ProposalPickMixin, OrganizerReviewAdmin):
    event_path = "proposal__event"
    form = AssignmentForm
    list_display = ["proposal_title", "event", "reviewer_name", "automatic", "reviewed"]
    list_filter = [EventListFilter, "automatic"]
    list_select_related = ["proposal__event", "reviewer__profile"]
    search_fields = ["proposal__title", "reviewer__email", "reviewer__profile__name"]
    readonly_fields = ["proposal", "reviewer_person", "automatic", "created_at"]
    ordering = ["proposal__title", "reviewer__email"]
    change_list_template = "admin/reviews/organizer/assignment_list.html"

    def get_queryset(self, request):
        done = Review.objects.filter(
            proposal_id=OuterRef("proposal_id"), reviewer_id=OuterRef("reviewer_id")
        )
        return super().get_queryset(request).annotate(is_reviewed=Exists(done))

    def get_fields(self, request, obj=None):
        return AssignmentForm.Meta.fields if obj is None else self.readonly_fields

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj is not None else []

    @admin.display(description="reviewed", boolean=True, ordering="is_reviewed")
    def reviewed(self, obj) -> bool:
        return obj.is_reviewed

    def has_change_permission(self, request, obj=None):
        return False  # an assignment is added or removed, never edited

    def has_delete_permission(self, request, obj=None):
        return self._is_organizer(request, obj)

    def save_model(self, request, obj, form, change):
        assignment = services.assignment_add(proposal=obj.proposal, reviewer=obj.reviewer)
        obj.pk, obj.created_at = assignment.pk, assignment.created_at

    def delete_model(self, request, obj):
        services.assignments_delete(assignments=Assignment.objects.filter(pk=obj.pk))

    def delete_queryset(self, request, queryset):
        services.assignments_delete(assignments=queryset)

    def get_urls(self):
        return [
            path(
                "run/",
                self.admin_site.admin_view(self.run_view),
                name="reviews_assignment_run",
            ),
            *super().get_urls(),
        ]

    def run_view(self, request):
        """Automatic assignment: a confirmation page with k, then the run (POST)."""
        event = self.organizer_event(request)
        review_settings = selectors.settings_for(event)
        form = AssignmentRunForm(
            request.POST or None, initial={"k": review_settings.reviews_per_proposal}
        )
        if request.method == "POST" and form.is_valid():
            created = services.assignment_run(
                event=event, by=request.user, k=form.cleaned_data["k"]
            )
            messages.success(request, f"{created} assignment{'' if created == 1 else 's'} created.")
            url = reverse("admin:reviews_assignment_changelist")
            return HttpResponseRedirect(f"{url}?{urlencode({EVENT_PARAM: event.pk})}")
        k = review_settings.reviews_per_proposal
        proposals = (
            Proposal.objects.filter(event=event, state=ProposalState.SUBMITTED)
            .annotate(assigned=Count("review_assignments"))
            .aggregate(total=Count("pk"), short=Count("pk", filter=Q(assigned__lt=k)))
        )
        return page(
            self,
            request,
            "assign.html",
            "Assign reviewers automatically",
            event,
            form=form,
            k=k,
            proposals=proposals,
            reviewers=User.objects.filter(review_teams__event=event).distinct().count(),
            assignments=Assignment.objects.filter(
                proposal__event=event, proposal__state=ProposalState.SUBMITTED
            ).count(),
        )
