"""Review reminders: one email to each reviewer with unfinished reviews, from the outbox."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone

from cfp.enums import MessageKind, MessageState, ProposalState
from cfp.models import Message
from reviews import reminders, selectors
from reviews.models import Assignment, Conflict
from tests.factories import (
    EventFactory,
    ProposalFactory,
    ReviewerFactory,
    ReviewerTeamFactory,
    SpeakerFactory,
    UserFactory,
)
from tests.helpers import is_staff_panel_refusal, page
from tests.reviews.helpers import give_review

pytestmark = pytest.mark.django_db


def submitted(event, title):
    proposal = ProposalFactory(event=event, title=title)
    proposal.submit(by=proposal.speakers.first())
    return proposal


@pytest.fixture
def world(db):
    """Rita has 2 of 3 left, Finn has finished, Nora has nothing assigned."""
    organizer = UserFactory(is_staff=True, email="olivia@lectern.test")
    event = EventFactory(name="Kernel Summit", organizers=[organizer])
    rita = ReviewerFactory(email="rita@kernel.test", profile__name="Rita Reviewer")
    finn = ReviewerFactory(email="finn@kernel.test", profile__name="Finn Finished")
    nora = ReviewerFactory(email="nora@kernel.test", profile__name="Nora Nothing")
    ReviewerTeamFactory(event=event, members=[rita, finn, nora])
    proposals = [submitted(event, f"Talk {i}") for i in range(3)]
    give_review(proposals[0], rita, 4)
    for proposal in proposals[1:]:
        Assignment.objects.create(proposal=proposal, reviewer=rita)
    for proposal in proposals:
        give_review(proposal, finn, 3)
    other_organizer = UserFactory(is_staff=True, email="otto@lectern.test")
    EventFactory(name="Other Summit", organizers=[other_organizer])
    return SimpleNamespace(
        organizer=organizer,
        event=event,
        rita=rita,
        finn=finn,
        nora=nora,
        proposals=proposals,
        other_organizer=other_organizer,
    )


def reminders_sent():
    return list(
        Message.objects.filter(kind=MessageKind.REVIEW_REMINDER).values_list("to", flat=True)
    )


def test_one_reminder_per_reviewer_with_unfinished_reviews(world, smtp_server):
    result = reminders.review_reminders_queue(world.event)

    (message,) = result.queued
    assert (message.to, message.state, message.event, message.user) == (
        "rita@kernel.test",
        MessageState.PENDING,
        world.event,
        world.rita,
    )
    assert message.subject == "2 proposals wait for your review (Kernel Summit)"
    assert message.body.startswith("Hello Rita Reviewer,\n\n2 proposals for Kernel Summit")
    assert "Review deadline: no deadline." in message.body
    queue = reverse("admin:reviews_reviewqueueitem_changelist")
    assert f"{queue}?event__id__exact={world.event.pk}&reviewed=no" in message.body
    assert reminders_sent() == ["rita@kernel.test"]


def test_reminder_names_the_deadline_in_the_events_time_zone(world):
    review_settings = selectors.settings_for(world.event)
    review_settings.deadline = timezone.now() + timedelta(days=3)
    review_settings.save()

    (message,) = reminders.review_reminders_queue(world.event).queued

    assert "(Europe/Berlin)" in message.body


def test_decided_and_conflicted_proposals_need_no_reminder(world):
    world.proposals[1].state = ProposalState.WITHDRAWN
    world.proposals[1].save()
    Conflict.objects.create(proposal=world.proposals[2], reviewer=world.rita, reason="Same lab")

    assert reminders.review_reminders_queue(world.event).queued == []


def test_a_reviewer_is_reminded_once_an_hour(world):
    reminders.review_reminders_queue(world.event)

    again = reminders.review_reminders_queue(world.event)

    assert again.queued == [] and again.recently_reminded == [world.rita]
    assert reminders_sent() == ["rita@kernel.test"]


def test_no_reminders_after_the_review_deadline(world):
    review_settings = selectors.settings_for(world.event)
    review_settings.deadline = timezone.now() - timedelta(hours=1)
    review_settings.save()

    with pytest.raises(reminders.RemindersRefused, match="deadline has passed"):
        reminders.review_reminders_queue(world.event)
    assert reminders_sent() == []


def test_a_former_team_member_is_not_reminded(world):
    world.event.reviewer_teams.get().members.remove(world.rita)

    assert reminders.review_reminders_queue(world.event).queued == []


# --- the page in the outbox ---------------------------------------------------------------


def remind_url(world) -> str:
    return f"{reverse('admin:cfp_message_remind_reviewers')}?event={world.event.pk}"


def test_organizer_reviews_the_list_then_sends(client, world, django_capture_on_commit_callbacks):
    client.force_login(world.organizer)

    shown = page(client.get(remind_url(world)))
    with django_capture_on_commit_callbacks():
        response = client.post(remind_url(world))

    assert "Rita Reviewer" in shown and "Finn Finished" not in shown
    assert "2 proposals wait for your review (Kernel Summit)" in shown
    assert "Send 1 reminder" in shown
    assert reminders_sent() == ["rita@kernel.test"]
    assert response.url.startswith(reverse("admin:cfp_message_changelist"))
    assert "Remind reviewers…" in page(client.get(reverse("admin:cfp_message_changelist")))


ROLES = {
    "anonymous": lambda w: None,
    "speaker": lambda w: SpeakerFactory(),
    "reviewer": lambda w: w.rita,
    "organizer of another event": lambda w: w.other_organizer,
}


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("role", ROLES)
def test_nobody_else_reminds(client, world, role, method, django_capture_on_commit_callbacks):
    user = ROLES[role](world)
    if user is not None:
        client.force_login(user)

    with django_capture_on_commit_callbacks(execute=True):
        response = getattr(client, method)(remind_url(world))

    assert reminders_sent() == []
    if role == "anonymous":
        assert response.status_code == 302 and "/admin/login/" in response.url
    elif role == "speaker":
        assert is_staff_panel_refusal(response)
    else:
        assert response.status_code in (403, 404)
        assert "wait for your review" not in page(response)
