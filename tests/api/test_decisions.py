"""Organizers' decisions through the API: the same services, emails and refusals as the staff
panel's decisions, for organizers of the event only."""

import pytest
from django.urls import reverse

from cfp.enums import MessageKind, MessageState, ProposalState
from cfp.mail import outbox
from cfp.models import Message, Proposal, ProposalTransition
from speakers.models import ApiTokenScope
from tests.api.helpers import assert_matches_schema
from tests.api.organizer_world import API, ROLES, accepted, call, make_world, state, submitted

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    return make_world()


def action_url(proposal, action: str) -> str:
    return f"{API}/{proposal.event.slug}/proposals/{proposal.code}/{action}/"


def drafts(proposal) -> list[tuple]:
    """The proposal's decision emails as the outbox holds them."""
    return list(
        Message.objects.filter(
            proposal=proposal, kind__in=[MessageKind.ACCEPTANCE, MessageKind.REJECTION]
        )
        .order_by("pk")
        .values_list("kind", "state", "to", "subject", "body")
    )


def panel_decide(client, organizer, proposal, decision: str):
    client.force_login(organizer)
    url = reverse("admin:reviews_rankedproposal_decide", args=[proposal.pk])
    return client.post(url, {"decision": decision})


def test_accept_answers_the_new_state_and_queues_drafts_per_speaker(world):
    co_speaker = world.speaker.__class__.objects.create(email="co@example.com")
    world.talk.speakers.add(co_speaker)

    response = call(world, "organizer").post(action_url(world.talk, "accept"))

    assert response.status_code == 200
    assert response.json() == {
        "code": world.talk.code,
        "title": "Kernel talk",
        "state": "accepted",
        "url": f"/api/v1/events/kernel/proposals/{world.talk.code}/",
    }
    assert_matches_schema(response)
    assert state(world.talk) == ProposalState.ACCEPTED
    sent_to = sorted(to for kind, st, to, *_ in drafts(world.talk) if st == MessageState.DRAFT)
    assert sent_to == ["co@example.com", "sam@example.com"]
    transition = ProposalTransition.objects.filter(proposal=world.talk).latest("pk")
    assert (transition.to_state, transition.by) == ("accepted", world.organizer)


def test_accept_queues_the_same_drafts_as_the_staff_panels_accept(client, world):
    call(world, "organizer").post(action_url(world.talk, "accept"))
    through_api = [row for row in drafts(world.talk) if row[1] == MessageState.DRAFT]
    call(world, "organizer").post(action_url(world.talk, "undo"))

    panel_decide(client, world.organizer, world.talk, "accept")

    through_panel = [row for row in drafts(world.talk) if row[1] == MessageState.DRAFT]
    assert through_api and through_panel == through_api
    assert state(world.talk) == ProposalState.ACCEPTED


def test_undo_works_as_on_the_page(client, world):
    twin = submitted(world.event, "Kernel talk", speakers=[world.speaker])
    api = call(world, "organizer")
    api.post(action_url(world.talk, "reject"))

    response = api.post(action_url(world.talk, "undo"))
    panel_decide(client, world.organizer, twin, "reject")
    panel_decide(client, world.organizer, twin, "undo")

    assert response.status_code == 200 and response.json()["state"] == "submitted"
    assert_matches_schema(response)
    assert state(world.talk) == state(twin) == ProposalState.SUBMITTED
    assert (
        [row[:2] for row in drafts(world.talk)]
        == [row[:2] for row in drafts(twin)]
        == [(MessageKind.REJECTION, MessageState.DISCARDED)]
    )


def test_reject_changes_an_acceptance_not_yet_sent(world):
    accepted(world.talk, world.organizer)

    response = call(world, "organizer").post(action_url(world.talk, "reject"))

    assert response.json()["state"] == "rejected"
    assert [row[:2] for row in drafts(world.talk)] == [
        (MessageKind.ACCEPTANCE, MessageState.DISCARDED),
        (MessageKind.REJECTION, MessageState.DRAFT),
    ]


def test_cancel_a_confirmed_talk(world):
    Proposal.objects.filter(pk=world.talk.pk).update(state=ProposalState.CONFIRMED)

    response = call(world, "organizer").post(action_url(world.talk, "cancel"))

    assert response.status_code == 200 and response.json()["state"] == "canceled"
    assert_matches_schema(response)
    assert state(world.talk) == ProposalState.CANCELED


@pytest.mark.parametrize(
    ("before", "action", "reason"),
    [
        ("accepted", "accept", "“Kernel talk” is already accepted."),
        ("submitted", "undo", "“Kernel talk” is submitted: there is no decision to undo."),
        ("submitted", "cancel", "A submitted proposal cannot become canceled."),
        ("withdrawn", "accept", "A withdrawn proposal cannot become accepted."),
        ("canceled", "reject", "A canceled proposal cannot become rejected."),
    ],
)
def test_a_transition_the_lifecycle_refuses_is_a_409_and_changes_nothing(
    world, before, action, reason
):
    Proposal.objects.filter(pk=world.talk.pk).update(state=before)
    transitions = ProposalTransition.objects.count()

    response = call(world, "organizer").post(action_url(world.talk, action))

    assert response.status_code == 409
    assert response.json()["code"] == "transition_not_allowed"
    assert response.json()["detail"] == reason
    assert_matches_schema(response)
    assert state(world.talk) == before
    assert ProposalTransition.objects.count() == transitions
    assert drafts(world.talk) == []


def test_a_decision_already_emailed_cannot_be_undone(world, django_capture_on_commit_callbacks):
    accepted(world.talk, world.organizer)
    with django_capture_on_commit_callbacks(execute=True):
        outbox.messages_release(Message.objects.filter(proposal=world.talk))

    response = call(world, "organizer").post(action_url(world.talk, "undo"))

    assert response.status_code == 409
    assert "has been emailed to its speakers" in response.json()["detail"]
    assert_matches_schema(response)
    assert state(world.talk) == ProposalState.ACCEPTED


# --- who may decide -------------------------------------------------------------------------

EXPECTED = {
    "anonymous": 401,
    "speaker": 403,
    "reviewer": 403,
    "other_organizer": 403,
    "organizer": 200,
}


@pytest.mark.parametrize("action", ["accept", "reject"])
@pytest.mark.parametrize("role", ROLES)
def test_only_the_events_organizers_decide(world, role, action):
    response = call(world, role).post(action_url(world.talk, action))

    assert response.status_code == EXPECTED[role]
    assert_matches_schema(response)
    expected = {"accept": "accepted", "reject": "rejected"}[action]
    assert state(world.talk) == (expected if role == "organizer" else "submitted")
    assert (drafts(world.talk) != []) == (role == "organizer")


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("anonymous", 401),
        ("speaker", 404),
        ("other_organizer", 404),
        ("reviewer", 403),  # a reviewer of the event sees it, hidden or not
        ("organizer", 200),
    ],
)
def test_a_hidden_events_proposals_are_not_found_by_who_may_not_see_it(db, role, status):
    world = make_world(public=False)

    response = call(world, role).post(action_url(world.talk, "accept"))

    assert response.status_code == status
    assert_matches_schema(response)


def test_another_events_proposal_a_draft_or_an_unknown_code_is_not_found(world):
    draft = Proposal.objects.create(event=world.event, title="Still a draft")
    api = call(world, "organizer")
    elsewhere = f"{API}/kernel/proposals/{world.other_talk.code}/accept/"

    answers = [
        api.post(elsewhere),
        api.post(action_url(draft, "accept")),
        api.post(f"{API}/kernel/proposals/NOSUCHCODE/accept/"),
        api.post(f"{API}/no-such-event/proposals/{world.talk.code}/accept/"),
    ]

    assert [r.status_code for r in answers] == [404, 404, 404, 404]
    for response in answers:
        assert response.json()["code"] == "not_found"
        assert_matches_schema(response)
    assert (state(world.other_talk), state(draft)) == ("submitted", "draft")


def test_a_read_token_cannot_decide_and_nothing_changes(world):
    response = call(world, "organizer", scope=ApiTokenScope.READ).post(
        action_url(world.talk, "accept")
    )

    assert response.status_code == 403
    assert response.json()["code"] == "token_read_only"
    assert_matches_schema(response)
    assert state(world.talk) == "submitted"
    assert drafts(world.talk) == []


def test_a_get_is_not_allowed(world):
    response = call(world, "organizer").get(action_url(world.talk, "accept"))

    assert response.status_code == 405
    assert state(world.talk) == "submitted"
