"""The proposal's page and list for organizers: speakers, invitations and the audit trail."""

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.main import ChangeList
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from cfp import answers, availability, moments, rules, tags
from cfp.admin import exports, group_mail, paging
from cfp.admin.answer_filter import AnswerFilter
from cfp.admin.base import EventChildInlineMixin, EventTimezoneMixin, OrganizerScopedAdmin
from cfp.admin.tags import ProposalTagsMixin, TagFilter, add_tag, remove_tag
from cfp.enums import ProposalState
from cfp.models import Event, Invitation, Proposal, ProposalSpeaker, ProposalTransition


class TransitionInline(EventChildInlineMixin, admin.TabularInline):
    model = ProposalTransition
    extra = 0
    can_delete = False
    fields = ["when", "from_state", "to_state", "who"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("proposal__event", "by__profile")

    @admin.display(description=_("at"))
    def when(self, obj) -> str:
        return moments.moment(obj.at, obj.proposal.event)

    # A name, not the admin's link to the account: accounts are the superusers' pages, and
    # the link answered an organizer with 403.
    @admin.display(description=_("by"))
    def who(self, obj) -> str:
        return person(obj.by)


def person(user) -> str:
    """Who did something, by name and address; nobody (a system change) as "–"."""
    if user is None:
        return "–"
    return user.email if user.display_name == user.email else f"{user.display_name} <{user.email}>"


class SpeakerInline(EventChildInlineMixin, admin.TabularInline):
    """The proposal's speakers in their order; organizers change it by their positions."""

    model = ProposalSpeaker
    extra = 0
    can_delete = False
    fields = ["speaker", "position"]
    readonly_fields = ["speaker"]
    verbose_name_plural = "speakers (in the order of the programme, the schedule and exports)"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user__profile")

    def has_add_permission(self, request, obj=None):
        return False  # speakers join by invitation

    @admin.display(description="Speaker")
    def speaker(self, obj) -> str:
        return person(obj.user)


class InvitationInline(EventChildInlineMixin, admin.TabularInline):
    model = Invitation
    extra = 0
    can_delete = False
    view_on_site = False  # an invitation's page is its token: for the invited person only
    fields = ["email", "state", "sent", "expires", "inviter"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return (
            super().get_queryset(request).select_related("proposal__event", "invited_by__profile")
        )

    @admin.display(description=_("sent"))
    def sent(self, obj) -> str:
        return moments.moment(obj.created_at, obj.proposal.event)

    @admin.display(description=_("expires"))
    def expires(self, obj) -> str:
        return moments.moment(obj.expires_at, obj.proposal.event)

    @admin.display(description=_("invited by"))
    def inviter(self, obj) -> str:
        return person(obj.invited_by)


class StateFilter(admin.ChoicesFieldListFilter):
    """The states a proposal on these pages can be in: drafts are their speakers' alone."""

    def choices(self, changelist):
        for choice in super().choices(changelist):
            if choice.get("display") != ProposalState.DRAFT.label:
                yield choice


class OrganizedRelatedFilter(admin.RelatedFieldListFilter):
    """The events the user organizes, or their tracks or submission types: read from those
    small tables, not from every proposal of the list (as RelatedOnlyFieldListFilter would,
    with a DISTINCT over thousands of rows)."""

    def field_choices(self, field, request, model_admin):
        model = field.related_model
        ordering = self.field_admin_ordering(field, request, model_admin)
        if model is Event and not ordering:
            # The events are read already, in the events' own order (their Meta's).
            return [(event.pk, str(event)) for event in rules.organized_events(request.user)]
        events = rules.organized_event_ids(request.user)
        found = model.objects.filter(**{"pk__in" if model is Event else "event_id__in": events})
        return [(obj.pk, str(obj)) for obj in found.order_by(*ordering)]


class ProposalChangeList(ChangeList):
    """The list's page of proposals, each with its tags read in one query (tag_badges)."""

    def get_results(self, request):
        super().get_results(request)
        self.result_list = list(self.result_list)
        found = tags.tags_by_proposal(proposal.pk for proposal in self.result_list)
        for proposal in self.result_list:
            proposal.listed_tags = found.get(proposal.pk, [])


@admin.register(Proposal)
class ProposalAdmin(ProposalTagsMixin, EventTimezoneMixin, OrganizerScopedAdmin):
    view_on_site = False  # the public page of a proposal comes with the programme
    # Fifty rows, drawn by cfp/admin/rows.py (templates/admin/cfp/proposal/change_list.html):
    # the stock changelist drew each cell through the admin's generic code, two thirds of the
    # page's time (bench/: "organizer's proposal list"). A filtered list does not count the
    # whole list a second time for "N of M".
    list_per_page = 50
    show_full_result_count = False
    # A later page reads its ids first (cfp/admin/paging.py): only its 50 rows are built.
    paginator = paging.IdsFirstPaginator
    list_display = [
        "title",
        "code",
        "event",
        "state",
        "submission_type",
        "track",
        "created",
        "tag_badges",
    ]
    # Related filters list only the organizer's own events' choices: no other event's names.
    list_filter = [
        ("event", OrganizedRelatedFilter),
        ("state", StateFilter),
        ("submission_type", OrganizedRelatedFilter),
        ("track", OrganizedRelatedFilter),
        "experience_level",
        TagFilter,
        AnswerFilter,
    ]
    list_select_related = ["event", "submission_type", "track"]
    search_fields = ["title", "code", "abstract"]
    readonly_fields = [
        "code",
        "event",
        "state",
        "created_when",
        "submitted_when",
        "speaker_availability",
    ]
    fields = [
        "code",
        "event",
        "state",
        "tags",
        "title",
        "submission_type",
        "track",
        "experience_level",
        "abstract",
        "audience",
        "benefits",
        "technical_requirements",
        "notes",
        "deadline_extension",
        "created_when",
        "submitted_when",
        "speaker_availability",
    ]
    inlines = [SpeakerInline, InvitationInline, TransitionInline]
    change_form_template = "admin/cfp/proposal/change_form.html"
    actions = [
        exports.export_selected_csv,
        exports.export_selected_json,
        add_tag,
        remove_tag,
        "write_to_speakers",
    ]

    def has_add_permission(self, request):
        return False  # Proposals come from speakers.

    @admin.action(
        description=_("Write to the speakers of the selected proposals"), permissions=["change"]
    )
    def write_to_speakers(self, request, queryset):
        return group_mail.write_to_selection(self, request, queryset)

    # The list names the zone in its header: one label per cell would crowd the column.
    @admin.display(description=_("created (on the event's clock)"), ordering="created_at")
    def created(self, obj) -> str:
        return moments.moment(obj.created_at, obj.event, labelled=False)

    @admin.display(description=_("created"))
    def created_when(self, obj) -> str:
        return moments.moment(obj.created_at, obj.event)

    @admin.display(description=_("submitted"))
    def submitted_when(self, obj) -> str:
        return moments.moment(obj.submitted_at, obj.event)

    @admin.display(description=_("when the speakers can speak"))
    def speaker_availability(self, obj):
        return availability.speakers_summary(obj)

    def get_queryset(self, request):
        # Drafts are their speakers' (pretalx keeps them from organizers too): not listed,
        # not exported, and their pages "do not exist"; the list says how many there are.
        # The list reads its page's tags itself (ProposalChangeList); first_tag sorts by them.
        return (
            super().get_queryset(request).beyond_drafts().annotate(first_tag=tags.first_tag_name())
        )

    def get_changelist(self, request, **kwargs):
        return ProposalChangeList

    def changelist_view(self, request, extra_context=None):
        drafts = 0
        if self.has_view_permission(request):
            events = rules.organized_event_ids(request.user)
            drafts = Proposal.objects.drafts().filter(event_id__in=events).count()
        return super().changelist_view(request, {"drafts": drafts, **(extra_context or {})})

    def change_view(self, request, object_id, form_url="", extra_context=None):
        proposal = self.get_object(request, unquote(object_id)) if object_id else None
        if proposal is None and self.has_view_permission(request):
            # A speaker's draft, or none of the user's events': it "does not exist" (Django
            # would redirect to the index with a message).
            raise Http404(_("No such proposal."))
        if proposal is not None and self.has_view_permission(request, proposal):
            viewer = answers.Viewer(answers.ORGANIZER, user_id=request.user.pk)
            shown = answers.proposal_answers([proposal], viewer, event=proposal.event)
            extra_context = {**(extra_context or {}), "answers": shown[proposal.pk]}
        return super().change_view(request, object_id, form_url, extra_context)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        object_id = request.resolver_match.kwargs.get("object_id")
        if db_field.name in ("submission_type", "track") and object_id:
            event_id = Proposal.objects.filter(pk=object_id).values("event_id")
            kwargs["queryset"] = db_field.related_model.objects.filter(event_id__in=event_id)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
