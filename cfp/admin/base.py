"""What every organizer page of the staff panel shares: which events the user organizes, the
scoped ModelAdmin, and the event-time-zone and inline mixins. It imports no page module."""

from django.contrib import admin
from django.contrib.admin import helpers
from django.contrib.admin.widgets import AdminSplitDateTime
from django.db import models
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from cfp import rules
from cfp.models import Event


def organized_events(request) -> list[Event]:
    """The events the user organizes (every event for a superuser), read once per request."""
    return rules.organized_events(request.user)


class NamedSplitDateTime(AdminSplitDateTime):
    """Django's date-and-time input, with each of its two boxes named. The stock widget prints
    "Date:" and "Time:" as plain text beside the boxes, which a screen reader does not tie to
    them (axe: "Form elements must have labels"); the field's own name is the legend of the
    fieldset Django draws around the pair."""

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        for subwidget, label in zip(
            context["widget"]["subwidgets"], (_("Date"), _("Time")), strict=True
        ):
            subwidget["attrs"]["aria-label"] = label
        return context


class NamedFieldsMixin:
    """Every input of a staff form has a name a screen reader can read: the date-and-time pair
    (above), and the inputs of a tabular inline, whose only visible label is the column's
    heading (a <th>, which names no input): each gets its field's label."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, models.DateTimeField) and "widget" not in kwargs:
            kwargs["widget"] = NamedSplitDateTime
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if field is not None and isinstance(self, admin.TabularInline):
            field.widget.attrs.setdefault("aria-label", capfirst(field.label))
        return field

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        if not isinstance(self, admin.TabularInline):
            return formset

        class NamedFormSet(formset):
            # The "Delete?" box of each row is added by the formset, not by a model field.
            def add_fields(self, form, index):
                super().add_fields(form, index)
                if "DELETE" in form.fields:
                    form.fields["DELETE"].widget.attrs.setdefault("aria-label", _("Delete"))

        return NamedFormSet


class OrganizerScopedAdmin(NamedFieldsMixin, admin.ModelAdmin):
    """Grants organizers the rights of their role on their own events, and nothing else."""

    event_path = "event"

    def _events(self, request):
        return Event.objects.filter(pk__in=[e.pk for e in organized_events(request)])

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        lookup = f"{self.event_path}__in" if self.event_path else "pk__in"  # the event itself
        return qs.filter(**{lookup: rules.organized_event_ids(request.user)})

    def action_checkbox(self, obj):
        # Django renders each row's checkbox through the form renderer's templates: 0.9 ms a
        # row, 40% of a 100-row list. The same element, written directly.
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" '
            'aria-label="Select this object for an action - {}">',
            helpers.ACTION_CHECKBOX_NAME,
            obj.pk,
            obj,
        )

    def event_of(self, obj):
        """What `obj` belongs to, for the permission: the event, or the object holding its
        `event_id` (a proposal for a review, following `event_path`)."""
        for part in self.event_path.split("__")[:-1] if self.event_path else ():
            obj = getattr(obj, part)
        return obj

    def _is_organizer(self, request, obj=None) -> bool:
        if obj is None:
            # Asked for every section of the side navigation, four times each: answered once
            # per request (a request's user and events do not change while it runs).
            known = request.__dict__.get("_organizes_some_event")
            if known is None:
                known = request.user.is_staff and request.user.has_perm("cfp.organize_event")
                request._organizes_some_event = known
            return known
        target = self.event_of(obj)
        return request.user.is_staff and request.user.has_perm("cfp.organize_event", target)

    def has_module_permission(self, request):
        return self._is_organizer(request)

    def has_view_permission(self, request, obj=None):
        return self._is_organizer(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._is_organizer(request, obj)

    def has_add_permission(self, request):
        return self._is_organizer(request)

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.related_model is Event and not request.user.is_superuser:
            kwargs["queryset"] = self._events(request)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class EventTimezoneMixin:
    """Datetimes in an event's forms are typed and shown in that event's time zone."""

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        obj = self.get_object(request, object_id) if object_id else None
        event = obj if isinstance(obj, Event) else getattr(obj, "event", None)
        if event is None:
            return super().changeform_view(request, object_id, form_url, extra_context)
        with timezone.override(event.tz):
            response = super().changeform_view(request, object_id, form_url, extra_context)
            # Render now: a lazy TemplateResponse would format dates after the override ends.
            if hasattr(response, "render"):
                response.render()
            return response


class EventChildInlineMixin(NamedFieldsMixin):
    """Inlines on an event follow the event's organizers, and name their inputs."""

    def _allowed(self, request, obj=None) -> bool:
        if not request.user.is_staff:
            return False
        if obj is None:
            return True
        return request.user.has_perm("cfp.organize_event", obj)

    def has_view_permission(self, request, obj=None):
        return self._allowed(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._allowed(request, obj)

    def has_add_permission(self, request, obj=None):
        return self._allowed(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._allowed(request, obj)
