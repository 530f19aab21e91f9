"""Who may do what in the CfP: every permission declared once, here, as django-rules
permissions, and checked everywhere with `user.has_perm(name, obj)` (views, the staff panel,
services, the API). tests/test_permissions.py runs each one for each role.

A permission asked without an object answers for "some": `has_perm("cfp.organize_event")` is
whether the user organizes any event (the staff panel shows its organizer pages), with an
event whether they organize that one. An active superuser has every permission (Django's
rule, before any of these predicates).
"""

import rules

from cfp.models import Event


def organized_events(user) -> list[Event]:
    """The events the user organizes (every event for a superuser), newest first, read once
    per user object: every page asks several times (module, view, change, each row).

    Organizers are staff accounts (Event.organizers admits no other); an account that lost
    its staff status or was deactivated organizes nothing.
    """
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return []
    if not hasattr(user, "_lectern_organized_events"):
        # With the CfP: its field settings shape the event's exports and pages (cfp.fields).
        events = list(
            Event.objects.organized_by(user).select_related("cfp").order_by("-start_date", "name")
        )
        user._lectern_organized_events = events
        user._lectern_organized_event_ids = frozenset(event.pk for event in events)
    return user._lectern_organized_events


def organizes_some_event(user) -> bool:
    """Whether organized_events(user) has any: the answer read with the request's user
    (cfp.apps, speakers.backends) when there is one, so that the staff panel's navigation
    costs no query of its own; otherwise from the events themselves."""
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return False
    known = getattr(user, "organizes_some_event", None)
    if known is None or user.is_superuser:  # a superuser organizes every event there is
        return bool(organized_events(user))
    return known


def organized_event_ids(user) -> frozenset[int]:
    """The ids of organized_events(user), built once with them: asked for every row."""
    return user._lectern_organized_event_ids if organized_events(user) else frozenset()


def _event_id(obj) -> int | None:
    """The event an object belongs to: an event itself, or anything with an `event_id`."""
    return obj.pk if isinstance(obj, Event) else getattr(obj, "event_id", None)


@rules.predicate
def is_organizer(user, obj=None) -> bool:
    """Organizes the event of `obj` (an event, a proposal, a message…), or any event. An
    object of no event (an account email) is nobody's: only superusers, who pass every
    permission, reach it."""
    if obj is None:
        return organizes_some_event(user)
    return _event_id(obj) in organized_event_ids(user)


@rules.predicate
def is_proposal_speaker(user, proposal) -> bool:
    if not user.is_authenticated or proposal is None:
        return False
    return any(speaker.pk == user.pk for speaker in proposal.speakers.all())


@rules.predicate
def is_public_event(user, event) -> bool:
    return event is not None and event.is_public


# The organizers run their events: settings, proposals and decisions, email, schedule.
rules.add_perm("cfp.organize_event", is_organizer)
# An event's CfP page: public events for everyone, hidden ones for their organizers.
rules.add_perm("cfp.view_event", is_public_event | is_organizer)
rules.add_perm("cfp.view_proposal", is_proposal_speaker | is_organizer)
rules.add_perm("cfp.edit_proposal", is_proposal_speaker)
rules.add_perm("cfp.order_speakers", is_proposal_speaker | is_organizer)
