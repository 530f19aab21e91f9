"""Who the caller is in an event, for the endpoints under /api/v1/events/<slug>/: an organizer
(cfp.rules), or a role another app registers (the reviews app registers its reviewers: cfp
never imports reviews), or nobody in particular.

An event is seen by whoever may see its CfP page (a public event: everyone; a hidden one: its
organizers) and by those with a registered role in it. Who does not see it gets 404, so that
hidden events are not revealed; who sees it but may not do what they ask gets 403.
"""

from collections.abc import Callable
from functools import cached_property

from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import PermissionDenied
from rest_framework.viewsets import GenericViewSet

from cfp.api.base import EventScoped
from cfp.models import Event

ORGANIZER = "organizer"

# name → predicate(user, event): a role in an event besides organizing it.
EVENT_ROLES: dict[str, Callable[[object, Event], bool]] = {}


def register_event_role(name: str, predicate: Callable[[object, Event], bool]) -> None:
    """Make a role known to the event-scoped endpoints (reviews.apps registers its reviewers)."""
    EVENT_ROLES[name] = predicate


def event_roles(user, event: Event) -> frozenset[str]:
    """The user's roles in the event: "organizer", and the registered ones that apply."""
    if not user.is_authenticated:
        return frozenset()
    roles = {ORGANIZER} if user.has_perm("cfp.organize_event", event) else set()
    roles.update(name for name, applies in EVENT_ROLES.items() if applies(user, event))
    return frozenset(roles)


class EventRoles(EventScoped, GenericViewSet):
    """A viewset under /events/<slug>/ (EventScoped: `self.event`), with `self.roles` the caller's
    roles in it, checked before the handler runs: 401 anonymous (the permission classes), 404
    if the caller may not see the event, 403 if `required_roles` names roles and the caller
    has none of them."""

    # None: whoever sees the event; otherwise the roles of which the caller needs one.
    required_roles: tuple[str, ...] | None = (ORGANIZER,)

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.check_event_access()

    def check_event_access(self) -> None:
        required = self.required_roles
        if required is not None and not self.roles & set(required):
            if required == (ORGANIZER,):
                detail = _("Only the organizers of this event may do this.")
            else:
                detail = _("Only the organizers and reviewers of this event may see this.")
            raise PermissionDenied(detail, "not_allowed")

    def may_see_event(self, event: Event) -> bool:
        return self.request.user.has_perm("cfp.view_event", event) or bool(self.roles_in(event))

    def roles_in(self, event: Event) -> frozenset[str]:
        if not hasattr(self, "_roles"):
            self._roles = event_roles(self.request.user, event)
        return self._roles

    @cached_property
    def roles(self) -> frozenset[str]:
        return self.roles_in(self.event)

    @property
    def is_organizer(self) -> bool:
        return ORGANIZER in self.roles
