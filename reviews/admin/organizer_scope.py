"""Who the organizers' review pages are for, and which event a page is about."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.template.response import TemplateResponse

from cfp.admin.base import OrganizerScopedAdmin, organized_events
from cfp.models import Event

EVENT_PARAM = "event"
TEMPLATES = "admin/reviews/organizer/"


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


class OrganizerReviewAdmin(OrganizerScopedAdmin):
    """OrganizerScopedAdmin for review objects, and the pages of their own."""

    empty_value_display = "–"
    view_on_site = False

    def organizer_event(self, request) -> Event:
        """The event of one of the custom pages: for its organizers only."""
        if not request.user.has_perm("cfp.organize_event"):
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
