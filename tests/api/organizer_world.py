"""The people and events the organizers' API tests share: an event (public, or hidden with
`public=False`) with its organizer, a reviewer, a speaker with a submitted proposal; another
event with its own organizer and proposal. `call(world, role)` is an API client as each role."""

from types import SimpleNamespace

from cfp import decisions
from speakers.models import ApiTokenScope
from tests.api.helpers import client_for
from tests.factories import (
    EventFactory,
    ProposalFactory,
    ReviewerFactory,
    ReviewerTeamFactory,
    SpeakerFactory,
    UserFactory,
)

ROLES = ("anonymous", "speaker", "reviewer", "other_organizer", "organizer")
API = "/api/v1/events"


def submitted(event, title, **kwargs):
    proposal = ProposalFactory(event=event, title=title, **kwargs)
    proposal.submit(by=proposal.speakers.first())
    return proposal


def make_world(*, public: bool = True) -> SimpleNamespace:
    organizer = UserFactory(is_staff=True, email="olivia@lectern.test")
    event = EventFactory(
        name="Kernel Summit", slug="kernel", organizers=[organizer], is_public=public
    )
    speaker = SpeakerFactory(email="sam@example.com", profile__name="Sam Speaker")
    reviewer = ReviewerFactory(email="rita@lectern.test", profile__name="Rita Reviewer")
    ReviewerTeamFactory(event=event, members=[reviewer])
    talk = submitted(event, "Kernel talk", speakers=[speaker])
    other_organizer = UserFactory(is_staff=True, email="otto@lectern.test")
    other_event = EventFactory(name="Other Summit", slug="other", organizers=[other_organizer])
    other_talk = submitted(other_event, "Their own talk")
    return SimpleNamespace(
        organizer=organizer,
        event=event,
        speaker=speaker,
        reviewer=reviewer,
        talk=talk,
        other_organizer=other_organizer,
        other_event=other_event,
        other_talk=other_talk,
    )


def call(world, role: str, *, scope: str = ApiTokenScope.WRITE):
    """An API client as `role` (a token of that user; none for anonymous)."""
    return client_for(None if role == "anonymous" else getattr(world, role), scope=scope)


def state(proposal) -> str:
    proposal.refresh_from_db()
    return proposal.state


def accepted(proposal, by):
    return decisions.proposal_decide(proposal=proposal, by=by, accept=True)
