"""What speakers see of a decision, their answer to an acceptance, and the confirmation reminder."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cfp import decisions, tasks
from cfp.enums import MessageKind, MessageState, ProposalState
from cfp.models import Message, Proposal
from tests.cfp.decision_steps import announced_acceptance, live_mails, send_decision
from tests.factories import SpeakerFactory
from tests.helpers import page

pytestmark = pytest.mark.django_db


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
    cora,
    client,
    django_capture_on_commit_callbacks,
    answer,
    state,
    shown,
):
    announced_acceptance(submitted, organizer, django_capture_on_commit_callbacks)
    client.force_login(cora)  # any speaker of the proposal may answer

    response = client.post(answer_url(submitted, answer), follow=True)

    assert response.redirect_chain == [(submitted.get_absolute_url(), 302)]
    submitted.refresh_from_db()
    assert submitted.state == state
    assert submitted.transitions.last().by == cora
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


def test_confirm_by_get_shows_a_page_and_changes_nothing(
    submitted, organizer, speaker_client, django_capture_on_commit_callbacks
):
    announced_acceptance(submitted, organizer, django_capture_on_commit_callbacks)

    response = speaker_client.get(answer_url(submitted, "confirm"))

    assert response.status_code == 200
    assert "Confirm the talk" in response.content.decode()
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


def run_reminders(capture, **kwargs):
    with capture(execute=True):
        return decisions.confirmation_reminders_send(**kwargs)


def test_reminder_is_sent_once_after_the_configured_days(
    submitted, organizer, speaker, cora, mailoutbox, django_capture_on_commit_callbacks
):
    announced_acceptance(submitted, organizer, django_capture_on_commit_callbacks)
    mailoutbox.clear()
    Message.objects.filter(kind=MessageKind.ACCEPTANCE).update(
        sent_at=timezone.now() - timedelta(days=8)
    )  # the CfP's default: a reminder after 7 days

    with django_capture_on_commit_callbacks(execute=True):
        queued = tasks.send_confirmation_reminders()

    assert queued == 2
    assert sorted(m.to[0] for m in mailoutbox) == sorted([speaker.email, cora.email])
    reminder = mailoutbox[0]
    assert reminder.subject == (
        f"Please confirm your talk: {submitted.title} ({submitted.event.name})"
    )
    assert submitted.get_absolute_url() in reminder.body
    assert live_mails(submitted, MessageKind.CONFIRMATION_REMINDER) == sorted(
        (MessageKind.CONFIRMATION_REMINDER, MessageState.SENT, to)
        for to in (speaker.email, cora.email)
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
