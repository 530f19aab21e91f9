"""Who the organizers' review pages are for, and which event a page is about."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.template.response import TemplateResponse

from cfp import admin as cfp_admin
from cfp.models import Event

EVENT_PARAM = "event"
TEMPLATES = "admin/reviews/organizer/"


def organized_events(request) -> list[Event]:
    """The events the user organizes (every event for a superuser), read once per request."""
    if not hasattr(request, "_lectern_organized_events"):
        user = request.user
        events = []
        if user.is_active and user.is_staff:
            events = list(Event.objects.organized_by(user))
        request._lectern_organized_events = events
    return request._lectern_organized_events


def chosen_event(request) -> Event | None:
    """?event=<id> among the user's events, else their first; another event "does not exist"."""
    events = organized_events(request)
    value = request.GET.get(EVENT_PARAM)
    if not value:
        return events[0] if events else None
    for event in events:
        if str(event.pk) == value:
            return event
    raise Http404("You organize no such event.")


class OrganizerReviewAdmin(cfp_admin.OrganizerScopedAdmin):
    """OrganizerScopedAdmin for review objects, asking the database once per request."""

    empty_value_display = "–"
    view_on_site = False

    def _is_organizer(self, request, obj=None) -> bool:
        events = {e.pk for e in organized_events(request)}
        if obj is None:
            return bool(events)
        target, *path = [obj, *(self.event_path.split("__") if self.event_path else [])]
        for part in path[:-1]:
            target = getattr(target, part)
        event_id = getattr(target, f"{path[-1]}_id") if path else target.pk
        return event_id in events

    def get_queryset(self, request):
        queryset = super(cfp_admin.OrganizerScopedAdmin, self).get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(**{f"{self.event_path}__in": organized_events(request)})

    def organizer_event(self, request) -> Event:
        """The event of one of the custom pages: for its organizers only."""
        if not organized_events(request):
            raise PermissionDenied
        return chosen_event(request)


def page(model_admin, request, template: str, title: str, event: Event, **context):
    """One of the organizers' own review pages, in the staff panel's frame."""
    request.current_app = model_admin.admin_site.name
    return TemplateResponse(
        request,
        TEMPLATES + template,
        {
            **model_admin.admin_site.each_context(request),
            "opts": model_admin.opts,
            "title": title,
            "event": event,
            "events": organized_events(request),
            "event_param": EVENT_PARAM,
            **context,
        },
    )
