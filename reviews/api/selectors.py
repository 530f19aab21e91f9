"""Who sees what through the API: the events, proposals and speakers of each caller, built
from the same rules as the pages.

A caller's place in an event (`Standing`) is read once per request. Each proposal is then
shown in one view, the first that applies:

- "organizer": the event's organizers (and superusers) see every proposal beyond the
  drafts, as the staff panel's proposal pages do;
- "reviewer": a reviewer sees their queue (selectors.reviewable_proposals: assigned or in
  their tracks, never a proposal they speak on or declared a conflict with), with blind
  review applied as on the review page;
- "speaker": anyone sees their own proposals as their pages show them (a decision not yet
  announced reads "submitted").

Speakers are shown with the union of what each rule lets the caller see of them (see
`speakers_for`).
"""

from dataclasses import dataclass

from django.db.models import Case, CharField, Exists, OuterRef, Q, QuerySet, Value, When

from cfp import rules
from cfp import selectors as cfp_selectors
from cfp.models import Event, Proposal, ProposalSpeaker, ScheduleVersion
from cfp.programme.schedule import current_version, public_slots
from reviews import selectors
from reviews.models import ReviewerTeam
from speakers.models import User

ORGANIZER = "organizer"
REVIEWER = "reviewer"
SPEAKER = "speaker"
VIEWS = (ORGANIZER, REVIEWER, SPEAKER)


@dataclass(frozen=True)
class Standing:
    """The caller's place in one event."""

    user: User
    event: Event
    organizer: bool = False
    reviewer: bool = False
    blind: bool = False  # the event reviews blind (asked only of reviewers)
    teams: tuple = ()

    @property
    def is_authenticated(self) -> bool:
        return self.user.is_authenticated


def standing(user, event: Event) -> Standing:
    """The caller's roles in the event: two queries at most (their organized events, cached
    on the user; their teams of this event with its review settings)."""
    if not user.is_authenticated:
        return Standing(user=user, event=event)
    if event.pk in rules.organized_event_ids(user):
        return Standing(user=user, event=event, organizer=True)
    teams = tuple(selectors.reviewer_teams(user, event, tracks_if_needed=True))
    if not teams or not (user.is_active and user.is_staff):
        return Standing(user=user, event=event)
    settings = getattr(teams[0].event, "review_settings", None)
    if settings is None:
        settings = selectors.settings_for(event)
    return Standing(user=user, event=event, reviewer=True, blind=settings.blind, teams=teams)


# --- events -------------------------------------------------------------------------------


def visible_events(user) -> QuerySet[Event]:
    """Public events for everyone; with an account also the hidden events the caller
    organizes, reviews or speaks at (every event for a superuser). Each with its CfP and
    whether its schedule is published."""
    events = Event.objects.select_related("cfp").annotate(
        schedule_published=Exists(ScheduleVersion.objects.filter(event_id=OuterRef("pk")))
    )
    if user.is_authenticated and user.is_active and user.is_superuser:
        return events
    shown = Q(is_public=True)
    if user.is_authenticated:
        shown |= (
            Q(pk__in=list(rules.organized_event_ids(user)))
            | Q(pk__in=ReviewerTeam.objects.filter(members=user).values("event_id"))
            | Q(pk__in=ProposalSpeaker.objects.filter(user=user).values("proposal__event_id"))
        )
    return events.filter(shown)


def may_see_event(user, event: Event) -> bool:
    """Whether the caller reaches the event's proposals and speakers (one query)."""
    return visible_events(user).filter(pk=event.pk).exists()


# --- proposals ------------------------------------------------------------------------------


def _own(user, event: Event) -> QuerySet[Proposal]:
    return Proposal.objects.for_speaker(user).for_event(event)


def _role_proposals(place: Standing) -> QuerySet[Proposal] | None:
    if place.organizer:
        return place.event.proposals.beyond_drafts()
    if place.reviewer:
        return selectors.reviewable_proposals(place.user, place.event, teams=list(place.teams))
    return None


def proposals_for(place: Standing) -> QuerySet[Proposal]:
    """The event's proposals the caller may see, each annotated with `api_view` (the view it
    is shown in) and where its decision emails are (for the speakers' view of its state)."""
    user, event = place.user, place.event
    own = Q(pk__in=_own(user, event).values("pk"))
    by_role = _role_proposals(place)
    if by_role is None:
        shown, view = own, Value(SPEAKER)
    else:
        role = Q(pk__in=by_role.values("pk"))
        shown = role | own
        view = Case(
            When(role, then=Value(ORGANIZER if place.organizer else REVIEWER)),
            default=Value(SPEAKER),
            output_field=CharField(),
        )
    return cfp_selectors.with_decision_mail(
        Proposal.objects.filter(event=event).filter(shown).annotate(api_view=view)
    ).select_related("event", "event__cfp", "submission_type", "track", "access_code")


def in_states(place: Standing, states: list[str]) -> Q:
    """Proposals in one of these states as their viewer sees them: the speakers' view (the
    caller's own proposals) reads an unannounced decision as "submitted"
    (cfp.selectors.in_speaker_state)."""
    own = _own(place.user, place.event)
    seen = Q(pk__in=[])
    for state in states:
        seen |= Q(pk__in=cfp_selectors.in_speaker_state(own, state).values("pk"))
    return (~Q(api_view=SPEAKER) & Q(state__in=states)) | (Q(api_view=SPEAKER) & seen)


def with_tag(tag_id: int) -> Q:
    """Proposals with the tag, where their viewer sees it: organizers every tag, reviewers
    those shown to reviewers, speakers none."""
    tagged = Proposal.tags.through.objects.filter(tag_id=tag_id)
    shown = tagged.filter(tag__visible_to_reviewers=True)
    return (Q(api_view=ORGANIZER) & Q(pk__in=tagged.values("proposal_id"))) | (
        Q(api_view=REVIEWER) & Q(pk__in=shown.values("proposal_id"))
    )


# --- speakers -------------------------------------------------------------------------------


def _speaking_on(proposals: QuerySet[Proposal]) -> Q:
    return Q(pk__in=ProposalSpeaker.objects.filter(proposal__in=proposals).values("user_id"))


def public_talks(event: Event) -> QuerySet[Proposal]:
    """The talks of the published schedule the public sees (one query for the version)."""
    if not event.is_public:
        return Proposal.objects.none()
    version = current_version(event)
    return Proposal.objects.filter(
        pk__in=public_slots(version).exclude(proposal=None).values("proposal_id")
    )


@dataclass(frozen=True)
class SpeakerSets:
    """The proposals through which the caller may know who speaks on them, by rule."""

    public: QuerySet[Proposal]
    organizer: QuerySet[Proposal] | None
    reviewer: QuerySet[Proposal] | None  # None in blind review: nobody, ever
    own: QuerySet[Proposal] | None

    def linked(self) -> Q:
        """Proposals whose speakers the caller may see as theirs."""
        shown = Q(pk__in=self.public.values("pk"))
        for found in (self.organizer, self.reviewer, self.own):
            if found is not None:
                shown |= Q(pk__in=found.values("pk"))
        return shown


def speaker_sets(place: Standing) -> SpeakerSets:
    user, event = place.user, place.event
    by_role = _role_proposals(place)
    return SpeakerSets(
        public=public_talks(event),
        organizer=by_role if place.organizer else None,
        reviewer=by_role if place.reviewer and not place.blind else None,
        own=_own(user, event) if user.is_authenticated else None,
    )


def speakers_for(place: Standing, sets: SpeakerSets) -> QuerySet[User]:
    """The event's speakers the caller may see, with a flag per rule that lets them:
    `as_public` (a talk of the published schedule), `as_organizer`, `as_reviewer` (a
    proposal of their queue, never in blind review), `as_co_speaker` (a proposal of the
    caller's own, themselves included)."""
    flags = {"as_public": _speaking_on(sets.public)}
    for name, found in (
        ("as_organizer", sets.organizer),
        ("as_reviewer", sets.reviewer),
        ("as_co_speaker", sets.own),
    ):
        flags[name] = _speaking_on(found) if found is not None else Q(pk__in=[])
    shown = Q()
    for condition in flags.values():
        shown |= condition
    return (
        User.objects.filter(shown)
        .annotate(**{name: Case(When(c, then=True), default=False) for name, c in flags.items()})
        .select_related("profile")
    )
