"""What every organizer page of the staff panel shares: which events the user organizes, the
scoped ModelAdmin, and the event-time-zone and inline mixins. It imports no page module."""

from django.contrib import admin
from django.contrib.admin import helpers
from django.utils import timezone
from django.utils.html import format_html

from cfp import rules
from cfp.models import Event
from speakers.admin_fields import NamedFieldsMixin


def organized_events(request) -> list[Event]:
    """The events the user organizes (every event for a superuser), read once per request."""
    return rules.organized_events(request.user)


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
