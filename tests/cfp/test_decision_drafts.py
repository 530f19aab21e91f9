"""Deciding on proposals: the guarded transitions, and the draft emails a decision writes."""

import pytest

from cfp import decisions
from cfp.enums import TRANSITIONS, MessageKind, MessageState, ProposalState
from cfp.mail import outbox
from cfp.models import Message, Proposal, ProposalTransition, TransitionNotAllowed
from cfp.services import ActionRefused
from tests.cfp.decision_steps import announced_acceptance, live_mails
from tests.factories import EventFactory, ProposalFactory, UserFactory

pytestmark = pytest.mark.django_db


METHODS = ["accept", "reject", "undo", "confirm", "decline", "cancel"]


ALLOWED = {
    (name, origin, target) for (origin, target), name in TRANSITIONS.items() if name in METHODS
}


@pytest.mark.parametrize(("method", "origin", "target"), sorted(ALLOWED))
def test_transition_allowed_changes_state_and_is_audited(method, origin, target, event):
    by = UserFactory()
    proposal = ProposalFactory(event=event, state=origin)

    transition = getattr(proposal, method)(by=by)

    proposal.refresh_from_db()
    assert proposal.state == target
    assert list(proposal.transitions.values_list("from_state", "to_state", "by")) == [
        (origin, target, by.pk)
    ]
    assert transition == proposal.transitions.get()


FORBIDDEN = [
    (method, state)
    for method in METHODS
    for state in ProposalState.values
    if not any(m == method and origin == state for m, origin, _ in ALLOWED)
]


@pytest.mark.parametrize(("method", "state"), FORBIDDEN)
def test_transition_forbidden_raises_and_changes_nothing(method, state, event):
    proposal = ProposalFactory(event=event, state=state)

    with pytest.raises(TransitionNotAllowed) as info:
        getattr(proposal, method)(by=UserFactory())

    assert str(info.value)  # a sentence for the person who asked
    proposal.refresh_from_db()
    assert proposal.state == state
    assert not ProposalTransition.objects.exists()


@pytest.mark.parametrize("method", METHODS)
def test_transition_methods_are_not_callable_from_templates(method):
    assert getattr(Proposal, method).alters_data is True


def test_undo_of_an_undecided_proposal_says_so(submitted):
    with pytest.raises(TransitionNotAllowed, match="submitted proposal has no decision to undo"):
        submitted.undo(by=UserFactory())


def test_accept_writes_one_draft_per_speaker(
    submitted, organizer, speaker, cora, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        decisions.proposal_decide(proposal=submitted, by=organizer, accept=True)

    submitted.refresh_from_db()
    assert submitted.state == ProposalState.ACCEPTED
    drafts = list(Message.objects.filter(proposal=submitted).order_by("to"))
    assert [(m.to, m.kind, m.state, m.user) for m in drafts] == [
        ("cora@example.com", MessageKind.ACCEPTANCE, MessageState.DRAFT, cora),
        (speaker.email, MessageKind.ACCEPTANCE, MessageState.DRAFT, speaker),
    ]
    event = submitted.event
    assert drafts[0].subject == f"Accepted: {submitted.title} ({event.name})"
    assert drafts[0].body == (
        "Hello Cora Cospeaker,\n\n"
        f"congratulations! “{submitted.title}” has been accepted for {event.name}.\n\n"
        "Please confirm that you will give the talk (or let us know that you can't):\n"
        f"http://127.0.0.1:8000/{event.slug}/proposals/{submitted.code}/\n\n"
        f"The organizers of {event.name}\n"
    )
    assert drafts[1].body.startswith(f"Hello {speaker.display_name},")
    assert mailoutbox == []  # drafts wait for an organizer


def test_confirm_url_is_the_absolute_proposal_page(submitted, organizer, settings):
    settings.SITE_URL = "https://cfp.example.org"

    decisions.proposal_decide(proposal=submitted, by=organizer, accept=True)

    body = Message.objects.get(proposal=submitted).body
    assert f"https://cfp.example.org/{submitted.event.slug}/proposals/{submitted.code}/\n" in body


def test_reject_writes_rejection_drafts(submitted, organizer, speaker):
    decisions.proposal_decide(proposal=submitted, by=organizer, accept=False)

    message = Message.objects.get(proposal=submitted)
    assert (message.kind, message.state, message.to) == (
        MessageKind.REJECTION,
        MessageState.DRAFT,
        speaker.email,
    )
    assert message.subject == f"Your proposal to {submitted.event.name}: {submitted.title}"
    assert "we are sorry that we could not accept yours" in message.body
    assert submitted.transitions.last().to_state == ProposalState.REJECTED


def test_changed_decision_leaves_one_draft_and_discards_the_old(submitted, organizer, speaker):
    decisions.proposal_decide(proposal=submitted, by=organizer, accept=True)
    old = Message.objects.get(proposal=submitted)

    decisions.proposal_decide(proposal=submitted, by=organizer, accept=False)

    old.refresh_from_db()
    assert old.state == MessageState.DISCARDED
    assert live_mails(submitted) == [(MessageKind.REJECTION, MessageState.DRAFT, speaker.email)]
    assert list(submitted.transitions.values_list("from_state", "to_state")) == [
        ("draft", "submitted"),
        ("submitted", "accepted"),
        ("accepted", "submitted"),
        ("submitted", "rejected"),
    ]


def test_undo_discards_the_drafts_and_a_new_decision_writes_new_ones(submitted, organizer, speaker):
    decisions.proposal_decide(proposal=submitted, by=organizer, accept=False)

    decisions.decision_undo(proposal=submitted, by=organizer)

    submitted.refresh_from_db()
    assert submitted.state == ProposalState.SUBMITTED
    assert live_mails(submitted) == []
    decisions.proposal_decide(proposal=submitted, by=organizer, accept=True)
    assert live_mails(submitted) == [(MessageKind.ACCEPTANCE, MessageState.DRAFT, speaker.email)]
    assert Message.objects.filter(proposal=submitted, state=MessageState.DISCARDED).count() == 1


def test_decision_changes_are_refused_after_the_email_is_sent(
    submitted, organizer, speaker, mailoutbox, django_capture_on_commit_callbacks
):
    announced_acceptance(submitted, organizer, django_capture_on_commit_callbacks)
    assert [m.to for m in mailoutbox] == [[speaker.email]]

    for change in (
        lambda: decisions.proposal_decide(proposal=submitted, by=organizer, accept=False),
        lambda: decisions.decision_undo(proposal=submitted, by=organizer),
    ):
        with pytest.raises(ActionRefused, match="has been emailed to its speakers"):
            change()

    submitted.refresh_from_db()
    assert submitted.state == ProposalState.ACCEPTED
    assert live_mails(submitted) == [(MessageKind.ACCEPTANCE, MessageState.SENT, speaker.email)]
    assert len(mailoutbox) == 1


@pytest.mark.parametrize(
    "state", [MessageState.PENDING, MessageState.SENDING, MessageState.UNKNOWN]
)
def test_decision_is_fixed_once_its_email_is_on_its_way(submitted, organizer, state):
    decisions.proposal_decide(proposal=submitted, by=organizer, accept=True)
    outbox.messages_release(Message.objects.filter(proposal=submitted))  # not delivered: no commit
    Message.objects.filter(proposal=submitted).update(state=state)

    with pytest.raises(ActionRefused, match="can no longer be changed"):
        decisions.decision_undo(proposal=submitted, by=organizer)

    assert Message.objects.get(proposal=submitted).state == state


def test_a_failed_decision_email_may_still_be_changed(submitted, organizer):
    decisions.proposal_decide(proposal=submitted, by=organizer, accept=True)
    Message.objects.filter(proposal=submitted).update(state=MessageState.FAILED)

    decisions.proposal_decide(proposal=submitted, by=organizer, accept=False)

    assert set(Message.objects.filter(kind=MessageKind.ACCEPTANCE).values_list("state")) == {
        (MessageState.DISCARDED,)
    }


def test_deciding_the_same_twice_is_refused(submitted, organizer):
    decisions.proposal_decide(proposal=submitted, by=organizer, accept=True)

    with pytest.raises(ActionRefused, match="is already accepted"):
        decisions.proposal_decide(proposal=submitted, by=organizer, accept=True)

    assert Message.objects.filter(proposal=submitted).count() == 1


@pytest.mark.parametrize("who", ["speaker", "organizer of another event", "staff"])
def test_only_the_events_organizers_decide(submitted, speaker, who):
    by = {
        "speaker": speaker,
        "organizer of another event": EventFactory(organizers=[UserFactory()]).organizers.get(),
        "staff": UserFactory(is_staff=True),
    }[who]

    for call in (
        lambda: decisions.proposal_decide(proposal=submitted, by=by, accept=True),
        lambda: decisions.decision_undo(proposal=submitted, by=by),
    ):
        with pytest.raises(ActionRefused, match="Only the organizers"):
            call()

    submitted.refresh_from_db()
    assert submitted.state == ProposalState.SUBMITTED
    assert not Message.objects.filter(proposal=submitted).exists()


def test_organizer_cancels_a_confirmed_talk(event, organizer):
    proposal = ProposalFactory(event=event, state=ProposalState.CONFIRMED)

    decisions.proposal_cancel(proposal=proposal, by=organizer)

    proposal.refresh_from_db()
    assert proposal.state == ProposalState.CANCELED
    assert proposal.transitions.get().by == organizer
    with pytest.raises(ActionRefused, match="canceled proposal cannot become canceled"):
        decisions.proposal_cancel(proposal=proposal, by=organizer)


def test_accept_top_follows_the_given_ranking(event, organizer):
    """cfp takes the ranking as given (reviews ranks); rejected ones are not overruled."""
    titles = ["Alpha", "Bravo", "Charlie", "Delta", "Echo"]
    by_title = {t: ProposalFactory(event=event, title=t, state="submitted") for t in titles}
    Proposal.objects.filter(pk=by_title["Bravo"].pk).update(state=ProposalState.REJECTED)
    Proposal.objects.filter(pk=by_title["Charlie"].pk).update(state=ProposalState.ACCEPTED)
    ranking = Proposal.objects.order_by("-title")  # Echo, Delta, Charlie, Bravo, Alpha

    result = decisions.proposals_accept_top(
        event=event, track=None, n=3, by=organizer, ranked_queryset=ranking
    )

    assert [p.title for p in result.accepted] == ["Echo", "Delta"]
    assert [p.title for p in result.already] == ["Charlie"]
    states = dict(Proposal.objects.values_list("title", "state"))
    assert states == {
        "Alpha": "submitted",
        "Bravo": "rejected",
        "Charlie": "accepted",
        "Delta": "accepted",
        "Echo": "accepted",
    }
    again = decisions.proposals_accept_top(
        event=event, track=None, n=3, by=organizer, ranked_queryset=ranking
    )
    assert again.accepted == []
