"""What the event-scoped endpoints share: `/api/v1/events/<slug>/…` reads its event once,
and the schema names the path parameter."""

from functools import cached_property

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.views import APIView

from cfp.models import Event

EVENT_PARAMETER = OpenApiParameter(
    "event", OpenApiTypes.STR, OpenApiParameter.PATH, description="The event's slug."
)
# The slug in the address: what Event.slug admits.
EVENT_PREFIX = r"events/(?P<event>[-a-zA-Z0-9_]+)"


@extend_schema(parameters=[EVENT_PARAMETER])
class EventScoped:
    """A view under /events/<slug>/: `self.event` is that event (404 if none). Each view still
    decides who may see it (`may_see_event`), and answers 404 rather than 403 to those who may
    not, so that hidden events are not revealed."""

    # The same as every view's: drf-spectacular's class decorator above reads it from the
    # class it decorates (without it, importing this module fails).
    http_method_names = APIView.http_method_names

    def may_see_event(self, event: Event) -> bool:
        raise NotImplementedError

    def event_queryset(self):
        return Event.objects.select_related("cfp")

    @cached_property
    def event(self) -> Event:
        event = get_object_or_404(self.event_queryset(), slug=self.kwargs["event"])
        if not self.may_see_event(event):
            raise NotFound()
        return event
