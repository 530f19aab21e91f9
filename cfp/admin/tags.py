"""Tags in the staff panel: the Tag pages, and what the proposal list, a proposal's page and
the ranked list share: the badges column, the tag filter and the "Add tag…" / "Remove tag…"
actions (an intermediate page to choose the tag)."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cfp import rules, tags
from cfp.admin.base import OrganizerScopedAdmin
from cfp.models import Tag
from cfp.services import ActionRefused

NO_TAG = "none"


class TagForm(forms.ModelForm):
    class Meta:
        model = Tag
        fields = ["event", "name", "colour", "visible_to_reviewers"]
        widgets = {"colour": forms.TextInput(attrs={"type": "color"})}

    def clean(self):
        data = super().clean()
        event = data.get("event") or getattr(self.instance, "event", None)
        name = data.get("name")
        if event is not None and name:
            clash = Tag.objects.filter(event=event, name__iexact=name.strip())
            if self.instance.pk:
                clash = clash.exclude(pk=self.instance.pk)
            if clash.exists():
                self.add_error(
                    "name",
                    _("%(event)s already has a tag named “%(name)s”.")
                    % {"event": event.name, "name": name},
                )
        return data

    def validate_constraints(self):
        # clean() said it in words; the constraint's own message would repeat it.
        if "name" not in self.errors:
            super().validate_constraints()


@admin.register(Tag)
class TagAdmin(OrganizerScopedAdmin):
    form = TagForm
    list_display = ["name", "badge", "event", "visible_to_reviewers"]
    list_filter = [("event", admin.RelatedOnlyFieldListFilter), "visible_to_reviewers"]
    list_select_related = ["event"]
    search_fields = ["name"]

    @admin.display(description=gettext_lazy("looks like"))
    def badge(self, obj):
        return tags.badge(obj)

    def get_readonly_fields(self, request, obj=None):
        # A tag stays with its event: its proposals are that event's.
        return ["event"] if obj is not None else []

    def has_delete_permission(self, request, obj=None):
        return self._is_organizer(request, obj)


# --- on the proposal lists ----------------------------------------------------------------


class TagFilter(admin.SimpleListFilter):
    title = gettext_lazy("tag")
    parameter_name = "tag"

    def lookups(self, request, model_admin):
        events = rules.organized_events(request.user)
        several = len(events) > 1
        found = [
            (str(tag.pk), f"{tag.name} ({tag.event.name})" if several else tag.name)
            for tag in tags.tags_of_events(e.pk for e in events).order_by("event", "name")
        ]
        return [*found, (NO_TAG, _("No tag"))]

    def queryset(self, request, queryset):
        value = self.value()
        if value == NO_TAG:
            return queryset.filter(tags__isnull=True)
        if value is not None and value.isdigit():
            return queryset.filter(tags__id=int(value))
        return queryset


class TagChoiceForm(forms.Form):
    tag = forms.ModelChoiceField(label=gettext_lazy("Tag"), queryset=Tag.objects.none())

    def __init__(self, *args, event, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tag"].queryset = event.tags.order_by("name")


def _tag_action(model_admin, request, queryset, *, add: bool):
    """Choose a tag of the selected proposals' event, then give it to (or take it off) them."""
    proposals = list(queryset.select_related("event").order_by("title", "pk"))
    events = {p.event_id: p.event for p in proposals}
    if len(events) != 1:
        model_admin.message_user(
            request,
            _("Select proposals of one event: each event has its own tags. Nothing changed."),
            messages.ERROR,
        )
        return None
    (event,) = events.values()
    if not request.user.has_perm("cfp.organize_event", event):
        raise PermissionDenied
    form = TagChoiceForm(request.POST if "apply" in request.POST else None, event=event)
    if form.is_valid():
        tag = form.cleaned_data["tag"]
        service = tags.proposals_tag if add else tags.proposals_untag
        try:
            changed = service(proposals=proposals, tag=tag, by=request.user)
        except ActionRefused as exc:
            model_admin.message_user(request, str(exc), messages.ERROR)
            return None
        text = (
            _("Tag “%(tag)s” given to %(count)d proposal(s).")
            if add
            else _("Tag “%(tag)s” taken off %(count)d proposal(s).")
        )
        model_admin.message_user(
            request, text % {"tag": tag.name, "count": changed}, messages.SUCCESS
        )
        return None
    title = (
        _("Add a tag to %(count)d proposal(s)")
        if add
        else _("Remove a tag from %(count)d proposal(s)")
    )
    request.current_app = model_admin.admin_site.name
    return TemplateResponse(
        request,
        "admin/cfp/tags/choose_tag.html",
        {
            **model_admin.admin_site.each_context(request),
            "opts": model_admin.opts,
            "title": title % {"count": len(proposals)},
            "event": event,
            "form": form,
            "proposals": proposals,
            "has_tags": event.tags.exists(),
            "action": "add_tag" if add else "remove_tag",
            "add": add,
            "checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "back": request.get_full_path(),
        },
    )


@admin.action(description=gettext_lazy("Add tag…"), permissions=["tag"])
def add_tag(model_admin, request, queryset):
    return _tag_action(model_admin, request, queryset, add=True)


@admin.action(description=gettext_lazy("Remove tag…"), permissions=["tag"])
def remove_tag(model_admin, request, queryset):
    return _tag_action(model_admin, request, queryset, add=False)


class ProposalTagsMixin:
    """The tags on the organizer's proposal list and page."""

    def has_tag_permission(self, request, obj=None) -> bool:
        return self._is_organizer(request, obj)

    @admin.display(description=gettext_lazy("tags"), ordering="first_tag")
    def tag_badges(self, obj):
        # A list's page brings them along (ProposalChangeList): one query for all its rows.
        listed = getattr(obj, "listed_tags", None)
        return tags.badges(obj.tags.order_by("name", "pk") if listed is None else listed)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "tags":
            object_id = request.resolver_match.kwargs.get("object_id")
            event_id = self.model.objects.filter(pk=object_id).values("event_id")
            kwargs["queryset"] = Tag.objects.filter(event_id__in=event_id if object_id else [])
            kwargs["widget"] = forms.CheckboxSelectMultiple
        return super().formfield_for_manytomany(db_field, request, **kwargs)
