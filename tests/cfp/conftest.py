"""People, events and proposals the cfp tests share."""

from datetime import UTC, date, datetime
from types import SimpleNamespace

import pytest

from cfp.enums import MessageKind, ProposalState
from cfp.mail import outbox
from cfp.programme import schedule
from reviews.models import ReviewSettings
from tests.cfp.export_files import SECRET
from tests.cfp.outbox_pages import decision_drafts
from tests.cfp.schedule_grid import FRIDAY
from tests.cfp.test_public import SECRET_EMAIL, SECRET_NOTES, at, make_talk, publish
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


@pytest.fixture
def schedule_world(db):
    """Kernel Summit (Berlin, April 15–16, 2027) with two rooms, an accepted and a confirmed
    talk and one still submitted; Other Summit beside it."""
    organizer = UserFactory(is_staff=True, email="olivia@lectern.test")
    event = EventFactory(
        name="Kernel Summit",
        timezone="Europe/Berlin",
        start_date=date(2027, 4, 15),
        end_date=FRIDAY,
        organizers=[organizer],
    )
    hall_a = RoomFactory(event=event, name="Hall A", position=1, capacity=300)
    hall_b = RoomFactory(event=event, name="Hall B", position=2)
    talk_type = SubmissionTypeFactory(event=event, name="Talk", default_duration=40)
    ada = SpeakerFactory(email="ada@kernel.test", profile__name="Ada Lovelace")
    bob = SpeakerFactory(email="bob@kernel.test", profile__name="Bob Builder")
    accepted = ProposalFactory(
        event=event,
        title="Observability without tears",
        submission_type=talk_type,
        state=ProposalState.ACCEPTED,
        speakers=[ada],
    )
    confirmed = ProposalFactory(
        event=event,
        title="Kernels in Rust",
        submission_type=talk_type,
        state=ProposalState.CONFIRMED,
        speakers=[bob],
    )
    submitted = ProposalFactory(
        event=event, title="Not decided yet", submission_type=talk_type, speakers=[ada]
    )
    submitted.submit(by=ada)
    reviewer = ReviewerFactory(email="rita@kernel.test")
    ReviewerTeamFactory(event=event, members=[reviewer])
    other_organizer = UserFactory(is_staff=True, email="otto@lectern.test")
    other_event = EventFactory(name="Other Summit", organizers=[other_organizer])
    return SimpleNamespace(
        organizer=organizer,
        event=event,
        hall_a=hall_a,
        hall_b=hall_b,
        talk_type=talk_type,
        ada=ada,
        bob=bob,
        accepted=accepted,
        confirmed=confirmed,
        submitted=submitted,
        reviewer=reviewer,
        speaker=ada,
        other_organizer=other_organizer,
        other_event=other_event,
        other_room=RoomFactory(event=other_event, name="Their room"),
        other_talk=ProposalFactory(
            event=other_event, title="Their talk", state=ProposalState.CONFIRMED
        ),
    )


@pytest.fixture
def outbox_world(db):
    """Kernel Summit with two accepted proposals' drafts; Other Summit beside it."""
    organizer = UserFactory(is_staff=True, email="olivia@lectern.test")
    event = EventFactory(name="Kernel Summit", organizers=[organizer])
    ada = SpeakerFactory(email="ada@kernel.test", profile__name="Ada Lovelace")
    bob = SpeakerFactory(email="bob@kernel.test", profile__name="Bob Builder")
    accepted = ProposalFactory(event=event, title="Secret kernel talk", speakers=[ada, bob])
    rejected = ProposalFactory(event=event, title="Another kernel talk", speakers=[bob])
    drafts = decision_drafts(accepted) + decision_drafts(rejected, MessageKind.REJECTION)
    reviewer = ReviewerFactory(email="rita@kernel.test")
    ReviewerTeamFactory(event=event, members=[reviewer])
    other_organizer = UserFactory(is_staff=True, email="otto@lectern.test")
    other_event = EventFactory(name="Other Summit", organizers=[other_organizer])
    other_speaker = SpeakerFactory(email="carol@other.test")
    other_proposal = ProposalFactory(
        event=other_event, title="Their talk", speakers=[other_speaker]
    )
    other_drafts = decision_drafts(other_proposal)
    account = outbox.message_queue(
        to="dave@account.test", subject="Confirm your email", body="Click", kind="account"
    )
    return SimpleNamespace(
        organizer=organizer,
        event=event,
        ada=ada,
        bob=bob,
        accepted=accepted,
        drafts=drafts,
        reviewer=reviewer,
        speaker=ada,
        other_organizer=other_organizer,
        other_event=other_event,
        other_drafts=other_drafts,
        account=account,
    )


@pytest.fixture
def organizer(event):
    user = UserFactory(is_staff=True, email="olivia@lectern.test")
    event.organizers.add(user)
    return user


@pytest.fixture
def submitted(proposal, speaker):
    proposal.submit(by=speaker)
    return proposal


@pytest.fixture
def cora(submitted):
    user = SpeakerFactory(email="cora@example.com", profile__name="Cora Cospeaker")
    submitted.speakers.add(user)
    return user


@pytest.fixture
def feed_event(db):
    """Two confirmed talks in two rooms, one unplaced, one accepted only, a break."""
    event = EventFactory(name="FeedCon", slug="feedcon", timezone="Europe/Berlin")
    rooms = [RoomFactory(event=event, name="Saal A", position=0)]
    rooms.append(RoomFactory(event=event, name="Room B", position=1))
    speaker = SpeakerFactory(email=SECRET_EMAIL, profile__name="Grace Hopper")
    co_speaker = SpeakerFactory(profile__name="Alan Turing")
    main = make_talk(
        event,
        title="Compilers & <friends>",
        abstract="The speaker explains **compilers**.",
        notes=SECRET_NOTES,
        track=TrackFactory(event=event, name="Developer"),
        submission_type=SubmissionTypeFactory(event=event, name="Presentation"),
        speakers=[speaker, co_speaker],
        room=rooms[0],
        start=at(event, 0, 13, 50),
        minutes=40,
        slides_url="https://slides.example/compilers",
    )
    other = make_talk(event, title="Second talk", room=rooms[1], start=at(event, 1, 9, 0))
    unplaced = make_talk(event, title="Unplaced talk")
    accepted = make_talk(
        event, state="accepted", title="Not confirmed", room=rooms[1], start=at(event, 0, 10)
    )
    schedule.break_add(event=event, title="Lunch", start=at(event, 0, 12, 30), duration=60)
    publish(event)
    return {
        "event": event,
        "main": main,
        "other": other,
        "unplaced": unplaced,
        "accepted": accepted,
        "speaker": speaker,
        "co_speaker": co_speaker,
    }
