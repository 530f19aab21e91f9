"""People, events and proposals the cfp tests share."""

from datetime import UTC, datetime
from types import SimpleNamespace

import pytest

from cfp.enums import ProposalState
from reviews.models import ReviewSettings
from tests.cfp.export_files import SECRET
from tests.factories import (
    EventFactory,
    InvitationFactory,
    ProposalFactory,
    ReviewerFactory,
    ReviewerTeamFactory,
    RoomFactory,
    SpeakerFactory,
    SubmissionTypeFactory,
    TalkSlotFactory,
    TrackFactory,
    UserFactory,
)


@pytest.fixture
def other_speaker(db):
    return SpeakerFactory()


@pytest.fixture
def co_speaker(proposal):
    user = SpeakerFactory()
    proposal.speakers.add(user)
    return user


@pytest.fixture
def other_organizer(db):
    user = SpeakerFactory()
    EventFactory(organizers=[user])
    return user


@pytest.fixture
def invitation(proposal):
    return InvitationFactory(proposal=proposal, email="invitee@example.com")


@pytest.fixture
def invitee(db):
    return SpeakerFactory(email="invitee@example.com")


@pytest.fixture
def export_world(db):
    organizer = UserFactory(is_staff=True, email="olivia@lectern.test")
    event = EventFactory(name="Kernel Summit", slug="kernel", organizers=[organizer])
    track = TrackFactory(event=event, name="Developer")
    kind = SubmissionTypeFactory(event=event, name="Presentation", default_duration=40)
    room = RoomFactory(event=event, name="Hall A")
    ada = SpeakerFactory(
        email="ada@example.com",
        profile__name="Ada Lovelace",
        profile__affiliation="Analytical Engines",
        profile__biography="Writes programs.",
    )
    bob = SpeakerFactory(
        email="bob@example.com", profile__name="Bob", profile__affiliation="Analytical Engines"
    )
    scheduled = ProposalFactory(
        event=event,
        title=SECRET,
        state=ProposalState.CONFIRMED,
        track=track,
        submission_type=kind,
        audience="Kernel hackers.",
        notes="Needs the big room.",
        slides_url="https://example.com/slides",
        submitted_at=datetime(2026, 1, 10, 17, 5, tzinfo=UTC),
        speakers=[ada, bob],
    )
    TalkSlotFactory(proposal=scheduled, event=event, room=room)
    bare = ProposalFactory(
        event=event,
        title="Bare talk",
        state=ProposalState.ACCEPTED,
        submission_type=None,
        experience_level="",
        abstract="",
        speakers=[UserFactory(email="noname@example.com")],
    )
    for state in (ProposalState.SUBMITTED, ProposalState.REJECTED, ProposalState.DECLINED):
        ProposalFactory(event=event, title=f"Not a talk ({state})", state=state)
    reviewer = ReviewerFactory(email="rita@lectern.test")
    ReviewerTeamFactory(event=event, members=[reviewer])
    ReviewSettings.objects.filter(event=event).update(blind=True)
    other_organizer = UserFactory(is_staff=True, email="otto@lectern.test")
    other_event = EventFactory(name="Other Summit", organizers=[other_organizer])
    other_talk = ProposalFactory(
        event=other_event, title="Their own talk", state=ProposalState.ACCEPTED
    )
    return SimpleNamespace(
        organizer=organizer,
        event=event,
        track=track,
        kind=kind,
        room=room,
        ada=ada,
        bob=bob,
        scheduled=scheduled,
        bare=bare,
        reviewer=reviewer,
        other_organizer=other_organizer,
        other_event=other_event,
        other_talk=other_talk,
    )


@pytest.fixture
def export_client(client, export_world):
    client.force_login(export_world.organizer)
    return client
