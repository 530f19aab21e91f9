"""Decisions: the guarded transitions, their draft emails, the speakers' answer, reminders."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cfp import decisions, tasks
from cfp.enums import TRANSITIONS, MessageKind, MessageState, ProposalState
from cfp.mail import outbox
from cfp.models import Message, Proposal, ProposalTransition, TransitionNotAllowed
from cfp.services import ActionRefused
from tests.factories import EventFactory, ProposalFactory, SpeakerFactory, UserFactory
from tests.helpers import page

pytestmark = pytest.mark.django_db


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
def co_speaker(submitted):
    user = SpeakerFactory(email="cora@example.com", profile__name="Cora Cospeaker")
    submitted.speakers.add(user)
    return user


def live_mails(proposal, kind=None):
    """The proposal's messages that are not discarded, as (kind, state, to)."""
    rows = Message.objects.filter(proposal=proposal).exclude(state=MessageState.DISCARDED)
    if kind:
        rows = rows.filter(kind=kind)
    return sorted(rows.values_list("kind", "state", "to"))


def send_decision(proposal, capture):
    """What the organizer does in the outbox: release the drafts, which are then delivered."""
    with capture(execute=True):
        outbox.messages_release(Message.objects.filter(proposal=proposal, state=MessageState.DRAFT))


def announced_acceptance(proposal, organizer, capture):
    decisions.proposal_decide(proposal=proposal, by=organizer, accept=True)
    send_decision(proposal, capture)
    proposal.refresh_from_db()
    return proposal


# --- the guarded transitions ------------------------------------------------------------

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


# --- a decision writes draft emails -------------------------------------------------------


def test_accept_writes_one_draft_per_speaker(
    submitted, organizer, speaker, co_speaker, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        decisions.proposal_decide(proposal=submitted, by=organizer, accept=True)

    submitted.refresh_from_db()
    assert submitted.state == ProposalState.ACCEPTED
    drafts = list(Message.objects.filter(proposal=submitted).order_by("to"))
    assert [(m.to, m.kind, m.state, m.user) for m in drafts] == [
        ("cora@example.com", MessageKind.ACCEPTANCE, MessageState.DRAFT, co_speaker),
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


# --- what speakers see ------------------------------------------------------------------


def test_unannounced_decision_reads_submitted_to_speakers(submitted, organizer, speaker_client):
    decisions.proposal_decide(proposal=submitted, by=organizer, accept=True)

    mine = page(speaker_client.get(reverse("cfp:my_proposals")))
    detail = page(speaker_client.get(submitted.get_absolute_url()))

    for body in (mine, detail):
        assert "Submitted" in body
        assert "Accepted" not in body and "Confirm" not in body


def test_announced_acceptance_calls_for_an_answer(
    submitted, organizer, speaker_client, django_capture_on_commit_callbacks
):
    announced_acceptance(submitted, organizer, django_capture_on_commit_callbacks)
    confirm = reverse(
        "cfp:proposal_confirm", kwargs={"event": submitted.event.slug, "code": submitted.code}
    )
    decline = reverse(
        "cfp:proposal_decline", kwargs={"event": submitted.event.slug, "code": submitted.code}
    )

    for url in (reverse("cfp:my_proposals"), submitted.get_absolute_url()):
        body = page(speaker_client.get(url))
        assert "Accepted! Please confirm your talk" in body
        assert f'<form method="post" action="{confirm}">' in body
        assert f'href="{decline}"' in body


def test_proposal_history_hides_the_organizers_second_thoughts(
    submitted, organizer, speaker_client, django_capture_on_commit_callbacks
):
    decisions.proposal_decide(proposal=submitted, by=organizer, accept=False)
    decisions.proposal_decide(proposal=submitted, by=organizer, accept=True)
    send_decision(submitted, django_capture_on_commit_callbacks)

    body = page(speaker_client.get(submitted.get_absolute_url()))

    history = body[body.index("History") :]
    assert "Submitted → Accepted" in history
    assert "Rejected" not in history and "Accepted → Submitted" not in history


# --- the speakers' answer -----------------------------------------------------------------


def answer_url(proposal, answer):
    return reverse(
        f"cfp:proposal_{answer}", kwargs={"event": proposal.event.slug, "code": proposal.code}
    )


@pytest.mark.parametrize(
    ("answer", "state", "shown"),
    [
        ("confirm", ProposalState.CONFIRMED, "This talk is on the programme"),
        ("decline", ProposalState.DECLINED, "You told the organizers that this talk will not"),
    ],
)
def test_speaker_answers_an_acceptance(
    submitted,
    organizer,
    co_speaker,
    client,
    django_capture_on_commit_callbacks,
    answer,
    state,
    shown,
):
    announced_acceptance(submitted, organizer, django_capture_on_commit_callbacks)
    client.force_login(co_speaker)  # any speaker of the proposal may answer

    response = client.post(answer_url(submitted, answer), follow=True)

    assert response.redirect_chain == [(submitted.get_absolute_url(), 302)]
    submitted.refresh_from_db()
    assert submitted.state == state
    assert submitted.transitions.last().by == co_speaker
    assert shown in page(response)
    assert "Please confirm your talk" not in page(response)


def test_decline_asks_first(
    submitted, organizer, speaker_client, django_capture_on_commit_callbacks
):
    announced_acceptance(submitted, organizer, django_capture_on_commit_callbacks)

    response = speaker_client.get(answer_url(submitted, "decline"))

    assert "Yes, decline the talk" in page(response)
    submitted.refresh_from_db()
    assert submitted.state == ProposalState.ACCEPTED


def test_confirm_wants_post(
    submitted, organizer, speaker_client, django_capture_on_commit_callbacks
):
    announced_acceptance(submitted, organizer, django_capture_on_commit_callbacks)

    response = speaker_client.get(answer_url(submitted, "confirm"))

    assert response.status_code == 405
    submitted.refresh_from_db()
    assert submitted.state == ProposalState.ACCEPTED


@pytest.mark.parametrize("answer", ["confirm", "decline"])
def test_anonymous_cannot_answer(
    submitted, organizer, client, django_capture_on_commit_callbacks, answer
):
    announced_acceptance(submitted, organizer, django_capture_on_commit_callbacks)
    url = answer_url(submitted, answer)

    response = client.post(url)

    assert response.status_code == 302
    assert response.url == f"{reverse('account_login')}?next={url}"
    submitted.refresh_from_db()
    assert submitted.state == ProposalState.ACCEPTED


@pytest.mark.parametrize("answer", ["confirm", "decline"])
def test_another_speaker_gets_a_404(
    submitted, organizer, client, django_capture_on_commit_callbacks, answer
):
    announced_acceptance(submitted, organizer, django_capture_on_commit_callbacks)
    client.force_login(SpeakerFactory())

    response = client.post(answer_url(submitted, answer))

    assert response.status_code == 404
    assert submitted.title not in page(response)
    submitted.refresh_from_db()
    assert submitted.state == ProposalState.ACCEPTED


@pytest.mark.parametrize("answer", ["confirm", "decline"])
@pytest.mark.parametrize("situation", ["submitted", "rejected", "accepted, email a draft"])
def test_only_an_announced_acceptance_can_be_answered(
    submitted, organizer, speaker_client, django_capture_on_commit_callbacks, answer, situation
):
    if situation == "rejected":
        decisions.proposal_decide(proposal=submitted, by=organizer, accept=False)
        send_decision(submitted, django_capture_on_commit_callbacks)
    elif situation == "accepted, email a draft":
        decisions.proposal_decide(proposal=submitted, by=organizer, accept=True)
    before = Proposal.objects.get(pk=submitted.pk).state

    response = speaker_client.post(answer_url(submitted, answer), follow=True)

    verb = "confirmed" if answer == "confirm" else "declined"
    assert f"Only an accepted proposal can be {verb}." in page(response)
    assert Proposal.objects.get(pk=submitted.pk).state == before


def test_speaker_cannot_withdraw_an_unannounced_decision(submitted, organizer, speaker_client):
    decisions.proposal_decide(proposal=submitted, by=organizer, accept=True)

    response = speaker_client.post(answer_url(submitted, "withdraw"), follow=True)

    body = page(response)
    assert "can no longer be withdrawn; you will hear from the organizers shortly" in body
    assert "accepted" not in body.lower()
    assert Proposal.objects.get(pk=submitted.pk).state == ProposalState.ACCEPTED


# --- the confirmation reminder ------------------------------------------------------------


def run_reminders(capture, **kwargs):
    with capture(execute=True):
        return decisions.confirmation_reminders_send(**kwargs)


def test_reminder_is_sent_once_after_the_configured_days(
    submitted, organizer, speaker, co_speaker, mailoutbox, django_capture_on_commit_callbacks
):
    announced_acceptance(submitted, organizer, django_capture_on_commit_callbacks)
    mailoutbox.clear()
    Message.objects.filter(kind=MessageKind.ACCEPTANCE).update(
        sent_at=timezone.now() - timedelta(days=8)
    )  # the CfP's default: a reminder after 7 days

    with django_capture_on_commit_callbacks(execute=True):
        queued = tasks.send_confirmation_reminders()

    assert queued == 2
    assert sorted(m.to[0] for m in mailoutbox) == sorted([speaker.email, co_speaker.email])
    reminder = mailoutbox[0]
    assert reminder.subject == (
        f"Please confirm your talk: {submitted.title} ({submitted.event.name})"
    )
    assert submitted.get_absolute_url() in reminder.body
    assert live_mails(submitted, MessageKind.CONFIRMATION_REMINDER) == sorted(
        (MessageKind.CONFIRMATION_REMINDER, MessageState.SENT, to)
        for to in (speaker.email, co_speaker.email)
    )

    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.send_confirmation_reminders() == 0
    assert len(mailoutbox) == 2


def test_reminder_waits_the_configured_days(
    submitted, organizer, event, mailoutbox, django_capture_on_commit_callbacks
):
    event.cfp.confirmation_reminder_days = 3
    event.cfp.save()
    announced_acceptance(submitted, organizer, django_capture_on_commit_callbacks)
    now = timezone.now()

    early = run_reminders(django_capture_on_commit_callbacks, now=now + timedelta(days=2))
    due = run_reminders(django_capture_on_commit_callbacks, now=now + timedelta(days=3, hours=1))

    assert (early, due) == (0, 1)
    assert [m.subject.split(":")[0] for m in mailoutbox] == ["Accepted", "Please confirm your talk"]


def test_reminder_days_zero_means_never(
    submitted, organizer, event, django_capture_on_commit_callbacks
):
    event.cfp.confirmation_reminder_days = 0
    event.cfp.save()
    announced_acceptance(submitted, organizer, django_capture_on_commit_callbacks)

    queued = run_reminders(django_capture_on_commit_callbacks, now=timezone.now() + timedelta(365))

    assert queued == 0
    assert not Message.objects.filter(kind=MessageKind.CONFIRMATION_REMINDER).exists()


def test_no_reminder_before_the_acceptance_was_sent(
    submitted, organizer, django_capture_on_commit_callbacks
):
    decisions.proposal_decide(proposal=submitted, by=organizer, accept=True)  # a draft, for 30 days
    later = timezone.now() + timedelta(days=30)

    assert run_reminders(django_capture_on_commit_callbacks, now=later) == 0

    send_decision(submitted, django_capture_on_commit_callbacks)  # sent now: the days start
    assert run_reminders(django_capture_on_commit_callbacks) == 0
    assert run_reminders(django_capture_on_commit_callbacks, now=later) == 1


def test_no_reminder_once_confirmed(
    submitted, organizer, speaker, django_capture_on_commit_callbacks
):
    announced_acceptance(submitted, organizer, django_capture_on_commit_callbacks)
    decisions.proposal_confirm(proposal=submitted, by=speaker)

    later = timezone.now() + timedelta(days=30)
    assert run_reminders(django_capture_on_commit_callbacks, now=later) == 0


def test_an_answer_drops_a_reminder_not_sent_yet(
    submitted, organizer, speaker, django_capture_on_commit_callbacks
):
    announced_acceptance(submitted, organizer, django_capture_on_commit_callbacks)
    # Queued but not delivered (the commit that would enqueue it does not happen here).
    decisions.confirmation_reminders_send(now=timezone.now() + timedelta(days=30))

    decisions.proposal_decline(proposal=submitted, by=speaker)

    reminder = Message.objects.get(kind=MessageKind.CONFIRMATION_REMINDER)
    assert reminder.state == MessageState.DISCARDED
