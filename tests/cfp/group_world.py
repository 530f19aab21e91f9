"""An event with speakers in every group of email to groups, and another event beside it."""

from types import SimpleNamespace
from uuid import uuid4

from django.urls import reverse

from cfp.enums import MessageKind, MessageState, ProposalState
from cfp.mail import emails
from cfp.models import Message, Tag
from reviews.models import Assignment
from tests.factories import (
    EventFactory,
    ProposalFactory,
    ReviewerFactory,
    ReviewerTeamFactory,
    SpeakerFactory,
    TrackFactory,
    UserFactory,
)


def speaker(email: str, name: str):
    return SpeakerFactory(email=email, profile__name=name)


def make_world() -> SimpleNamespace:
    """Kernel Summit: Ada speaks on two accepted talks (one with Bob, in Developer, tagged
    keynote); Carl's acceptance is still a draft; Dora's confirmed talk has no slides, Erin's
    has; Frank has only a draft; Gus is submitted; Rita has a review to do. Other Summit
    beside it, with Zed's talk and its organizer Otto."""
    organizer = UserFactory(is_staff=True, email="olivia@lectern.test")
    event = EventFactory(name="Kernel Summit", slug="kernel", organizers=[organizer])
    developer = TrackFactory(event=event, name="Developer")
    keynote = Tag.objects.create(event=event, name="keynote")
    ada = speaker("ada@kernel.test", "Ada Lovelace")
    bob = speaker("bob@kernel.test", "Bob Builder")
    carl = speaker("carl@kernel.test", "Carl Clark")
    dora = speaker("dora@kernel.test", "Dora Dev")
    erin = speaker("erin@kernel.test", "Erin Early")
    frank = speaker("frank@kernel.test", "Frank Draft")
    gus = speaker("gus@kernel.test", "Gus Submitted")
    accepted = ProposalState.ACCEPTED
    rust = ProposalFactory(
        event=event, title="Kernels in Rust", state=accepted, track=developer, speakers=[ada, bob]
    )
    rust.tags.add(keynote)
    ebpf = ProposalFactory(event=event, title="eBPF for all", state=accepted, speakers=[ada])
    secret = ProposalFactory(event=event, title="Secret decision", state=accepted, speakers=[carl])
    emails.speaker_email_queue(secret, MessageKind.ACCEPTANCE, {"confirm_url": "x"}, draft=True)
    bare = ProposalFactory(
        event=event, title="Slides missing", state=ProposalState.CONFIRMED, speakers=[dora]
    )
    ready = ProposalFactory(
        event=event,
        title="Slides ready",
        state=ProposalState.CONFIRMED,
        slides_url="https://slides.example/erin",
        speakers=[erin],
    )
    draft = ProposalFactory(event=event, title="Frank's draft", speakers=[frank])
    waiting = ProposalFactory(event=event, title="Still waiting", track=developer, speakers=[gus])
    waiting.submit(by=gus)
    rita = ReviewerFactory(email="rita@kernel.test", profile__name="Rita Reviewer")
    ReviewerTeamFactory(event=event, members=[rita])
    Assignment.objects.create(proposal=waiting, reviewer=rita)
    other_organizer = UserFactory(is_staff=True, email="otto@lectern.test")
    other_event = EventFactory(name="Other Summit", slug="other", organizers=[other_organizer])
    zed = speaker("zed@other.test", "Zed Other")
    other_talk = ProposalFactory(
        event=other_event, title="Their talk", state=accepted, speakers=[zed]
    )
    return SimpleNamespace(
        organizer=organizer,
        event=event,
        developer=developer,
        keynote=keynote,
        ada=ada,
        bob=bob,
        carl=carl,
        dora=dora,
        erin=erin,
        frank=frank,
        gus=gus,
        rust=rust,
        ebpf=ebpf,
        secret=secret,
        bare=bare,
        ready=ready,
        draft=draft,
        waiting=waiting,
        rita=rita,
        other_organizer=other_organizer,
        other_event=other_event,
        zed=zed,
        other_talk=other_talk,
    )


def write_url(event) -> str:
    return f"{reverse('admin:cfp_groupemail_write')}?event={event.pk}"


def form_data(group="speakers", **overrides) -> dict:
    data = {
        "group": group,
        "state": "",
        "subject": "News for {event_name}",
        "body": "Hello {speaker_name},\n\nsee you at {event_name}!\n",
        "token": str(uuid4()),
        "proposals": "",
        "recipient": "",
    }
    data.update(overrides)
    return data


def group_messages(**filters) -> list[tuple[str, str]]:
    """The emails to groups in the outbox, as (to, subject), sorted."""
    rows = Message.objects.filter(kind=MessageKind.GROUP, **filters)
    return sorted(rows.values_list("to", "subject"))


def drafts_count() -> int:
    return Message.objects.filter(kind=MessageKind.GROUP, state=MessageState.DRAFT).count()
