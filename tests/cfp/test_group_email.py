"""Email to groups: who is in each group, one email per speaker (or per speaker and proposal),
the drafts written once per form, and sending them through the outbox's batch."""

from uuid import uuid4

import pytest
from django.core import mail

from cfp.enums import MessageKind, MessageState, ProposalState
from cfp.mail import group_emails, groups
from cfp.mail.groups import Selection
from cfp.models import GroupEmail, Message, ProposalSpeaker
from cfp.services import ActionRefused
from reviews import reminders
from reviews.mail_groups import REVIEWERS
from tests.cfp.group_world import drafts_count, group_messages, make_world
from tests.factories import ProposalFactory, SpeakerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def group_world(db):
    return make_world()


def emails_of(world, selection, subject="Hi", body="Hello {speaker_name}") -> list[str]:
    return sorted(r.user.email for r in groups.recipients(world.event, selection, subject, body))


def write(world, selection, subject="News", body="Hello {speaker_name}", token=None, by=None):
    return group_emails.group_email_create(
        event=world.event,
        selection=selection,
        subject=subject,
        body=body,
        token=token or uuid4(),
        by=by or world.organizer,
    )


def test_all_speakers_leaves_out_drafts_and_other_events(group_world):
    assert emails_of(group_world, Selection("speakers")) == [
        "ada@kernel.test",
        "bob@kernel.test",
        "carl@kernel.test",
        "dora@kernel.test",
        "erin@kernel.test",
        "gus@kernel.test",
    ]


def test_a_state_is_the_state_the_speakers_know(group_world):
    # Carl's acceptance is still a draft: he reads "submitted", so he is not "accepted" yet.
    accepted = Selection("speakers", state=ProposalState.ACCEPTED)
    submitted = Selection("speakers", state=ProposalState.SUBMITTED)

    assert emails_of(group_world, accepted) == ["ada@kernel.test", "bob@kernel.test"]
    assert emails_of(group_world, submitted) == ["carl@kernel.test", "gus@kernel.test"]
    assert emails_of(group_world, Selection("speakers", state=ProposalState.CONFIRMED)) == [
        "dora@kernel.test",
        "erin@kernel.test",
    ]


def test_track_and_tag_narrow_the_speakers(group_world):
    by_track = Selection("speakers", track=group_world.developer)
    by_tag = Selection("speakers", tag=group_world.keynote, state=ProposalState.ACCEPTED)

    assert emails_of(group_world, by_track) == [
        "ada@kernel.test",
        "bob@kernel.test",
        "gus@kernel.test",
    ]
    assert emails_of(group_world, by_tag) == ["ada@kernel.test", "bob@kernel.test"]


def test_not_confirmed_and_without_slides(group_world):
    assert emails_of(group_world, Selection("unconfirmed")) == [
        "ada@kernel.test",
        "bob@kernel.test",
    ]
    assert emails_of(group_world, Selection("no_slides")) == ["dora@kernel.test"]


def test_reviewers_are_those_the_review_reminders_remind(group_world):
    found = groups.recipients(group_world.event, Selection(REVIEWERS), "Hi", "{reviewer_name}")

    assert [(r.user, r.values["unreviewed"]) for r in found] == [
        (reviewer, str(n)) for reviewer, n in reminders.unfinished_reviews(group_world.event)
    ]
    assert [r.user.email for r in found] == ["rita@kernel.test"]
    assert found[0].values["reviewer_name"] == "Rita Reviewer"
    assert found[0].proposal is None


def test_one_speaker_on_two_accepted_proposals_gets_one_email(group_world):
    written = write(
        group_world, Selection("speakers", state=ProposalState.ACCEPTED), subject="{event_name}"
    )

    assert written.created
    assert group_messages() == [
        ("ada@kernel.test", "Kernel Summit"),
        ("bob@kernel.test", "Kernel Summit"),
    ]
    ada = Message.objects.get(to="ada@kernel.test")
    assert ada.body == "Hello Ada Lovelace"
    assert ada.proposal is None and ada.user == group_world.ada
    assert ada.state == MessageState.DRAFT and ada.group_email == written.group_email
    assert mail.outbox == []  # drafts wait for the organizer


def test_a_proposal_placeholder_makes_one_email_per_speaker_and_proposal(group_world):
    write(
        group_world,
        Selection("speakers", state=ProposalState.ACCEPTED),
        subject="{proposal_title} [{proposal_code}]",
        body="{speaker_name}: {speakers} – {proposal_url}",
    )

    rust, ebpf = group_world.rust, group_world.ebpf
    assert group_messages() == [
        ("ada@kernel.test", f"Kernels in Rust [{rust.code}]"),
        ("ada@kernel.test", f"eBPF for all [{ebpf.code}]"),
        ("bob@kernel.test", f"Kernels in Rust [{rust.code}]"),
    ]
    bob = Message.objects.get(to="bob@kernel.test")
    assert bob.proposal == rust
    assert bob.body == (
        "Bob Builder: Ada Lovelace, Bob Builder – http://127.0.0.1:8000/kernel/proposals/"
        f"{rust.code}/"
    )


def test_speakers_keep_their_order_in_the_speakers_placeholder(group_world):
    rust = group_world.rust
    rust.move_speaker(group_world.bob, -1)

    write(group_world, Selection("unconfirmed"), body="{speakers}", subject="{proposal_title}")

    assert Message.objects.get(to="bob@kernel.test").body == "Bob Builder, Ada Lovelace"


def test_values_are_never_expanded_again(group_world):
    ProposalSpeaker.objects.filter(user=group_world.ada).update(position=0)
    group_world.ebpf.title = "{speaker_name} <b>&</b>"
    group_world.ebpf.save()

    write(group_world, Selection("speakers"), subject="x", body="{proposal_title}")

    bodies = set(Message.objects.filter(to="ada@kernel.test").values_list("body", flat=True))
    assert "{speaker_name} <b>&</b>" in bodies
    html = Message.objects.get(to="ada@kernel.test", body__startswith="{").html
    assert "&lt;b&gt;&amp;&lt;/b&gt;" in html


def test_the_same_form_token_writes_the_drafts_once(group_world):
    token = uuid4()
    first = write(group_world, Selection("unconfirmed"), token=token)
    again = write(group_world, Selection("unconfirmed"), token=token, subject="Changed")

    assert first.created and not again.created
    assert again.group_email == first.group_email
    assert GroupEmail.objects.count() == 1
    assert group_messages() == [("ada@kernel.test", "News"), ("bob@kernel.test", "News")]


def test_a_selection_with_another_events_proposal_is_refused(group_world):
    ids = (group_world.rust.pk, group_world.other_talk.pk)

    with pytest.raises(ActionRefused, match="proposals of another event"):
        write(group_world, Selection("selected", proposal_ids=ids))

    assert GroupEmail.objects.count() == 0 and drafts_count() == 0


def test_a_selection_with_a_draft_is_refused(group_world):
    ids = (group_world.rust.pk, group_world.draft.pk)

    with pytest.raises(ActionRefused, match="1 draft"):
        write(group_world, Selection("selected", proposal_ids=ids))

    assert drafts_count() == 0


def test_a_selection_writes_to_its_speakers(group_world):
    ids = (group_world.rust.pk, group_world.bare.pk)

    written = write(group_world, Selection("selected", proposal_ids=ids))

    assert [to for to, _ in group_messages()] == [
        "ada@kernel.test",
        "bob@kernel.test",
        "dora@kernel.test",
    ]
    assert written.group_email.recipients == "Speakers of 2 selected proposals"


def test_only_organizers_of_the_event_write(group_world):
    with pytest.raises(ActionRefused, match="Only the organizers of Kernel Summit"):
        write(group_world, Selection("speakers"), by=group_world.other_organizer)
    with pytest.raises(ActionRefused):
        write(group_world, Selection("speakers"), by=group_world.rita)

    assert GroupEmail.objects.count() == 0 and drafts_count() == 0


def test_an_empty_group_writes_nothing(group_world):
    with pytest.raises(ActionRefused, match="Nobody is in this group"):
        write(group_world, Selection("speakers", state=ProposalState.WITHDRAWN))

    assert GroupEmail.objects.count() == 0


def test_sending_delivers_one_email_per_recipient_once(
    group_world, django_capture_on_commit_callbacks
):
    written = write(group_world, Selection("speakers", state=ProposalState.ACCEPTED))
    organizer = group_world.organizer

    with django_capture_on_commit_callbacks(execute=True):
        batch = group_emails.group_email_send(group_email=written.group_email, by=organizer)
    with django_capture_on_commit_callbacks(execute=True):
        again = group_emails.group_email_send(group_email=written.group_email, by=organizer)

    assert batch.total == 2 and again is None
    assert sorted(m.to[0] for m in mail.outbox) == ["ada@kernel.test", "bob@kernel.test"]
    assert {m.subject for m in mail.outbox} == {"News"}
    assert set(Message.objects.filter(kind=MessageKind.GROUP).values_list("state", flat=True)) == {
        MessageState.SENT
    }


def test_sending_leaves_other_drafts_of_the_event_waiting(
    group_world, django_capture_on_commit_callbacks
):
    written = write(group_world, Selection("no_slides"))

    with django_capture_on_commit_callbacks(execute=True):
        group_emails.group_email_send(group_email=written.group_email, by=group_world.organizer)

    acceptance = Message.objects.get(kind=MessageKind.ACCEPTANCE)
    assert acceptance.state == MessageState.DRAFT and acceptance.batch is None
    assert [m.to for m in mail.outbox] == [["dora@kernel.test"]]


def test_speaker_groups_are_read_in_one_query(group_world, django_assert_num_queries):
    for _ in range(3):
        ProposalFactory(
            event=group_world.event,
            state=ProposalState.ACCEPTED,
            speakers=[SpeakerFactory(), SpeakerFactory()],
        )
    every = [
        Selection("speakers"),
        Selection("speakers", state=ProposalState.ACCEPTED, track=group_world.developer),
        Selection("unconfirmed"),
        Selection("no_slides"),
        Selection("selected", proposal_ids=(group_world.rust.pk,)),
    ]
    for selection in every:
        for body in ("{speaker_name}", "{proposal_title} {speakers} {proposal_url}"):
            with django_assert_num_queries(1):
                groups.recipients(group_world.event, selection, "Hi", body)


def test_the_reviewers_group_is_one_query_and_the_deadline(group_world, django_assert_num_queries):
    with django_assert_num_queries(2):  # the reviewers, and the event's review deadline
        groups.recipients(group_world.event, Selection(REVIEWERS), "Hi", "{reviewer_name}")
