"""Decisions from the organizers' ranked list: actions, buttons, the top N, who may use them."""

from types import SimpleNamespace

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from cfp import decisions
from cfp.enums import MessageKind, MessageState, ProposalState
from cfp.mail import outbox
from cfp.models import Message, Proposal
from reviews import selectors
from tests.factories import (
    EventFactory,
    ProposalFactory,
    ReviewerFactory,
    ReviewerTeamFactory,
    SpeakerFactory,
    TrackFactory,
    UserFactory,
)
from tests.helpers import is_staff_panel_refusal, list_total, page
from tests.reviews.helpers import add_reviewed_proposals, count_queries, give_review

pytestmark = pytest.mark.django_db

RANKED = "admin:reviews_rankedproposal_changelist"


def submitted(event, title, **kwargs):
    proposal = ProposalFactory(event=event, title=title, **kwargs)
    proposal.submit(by=proposal.speakers.first())
    return proposal


def states(*proposals):
    return [Proposal.objects.get(pk=p.pk).state for p in proposals]


def send_decision(proposal, capture):
    with capture(execute=True):
        outbox.messages_release(Message.objects.filter(proposal=proposal, state=MessageState.DRAFT))


@pytest.fixture
def world(db):
    organizer = UserFactory(is_staff=True, email="olivia@lectern.test")
    event = EventFactory(name="Kernel Summit", organizers=[organizer])
    dev = TrackFactory(event=event, name="Developer")
    speaker = SpeakerFactory(email="sam@example.com")
    reviewer = ReviewerFactory(profile__affiliation="Reviewers")
    ReviewerTeamFactory(event=event, members=[reviewer])
    talk = submitted(event, "Kernel talk", speakers=[speaker], track=dev)
    panel = submitted(event, "Kernel panel", track=dev)
    give_review(talk, reviewer, 4)
    give_review(panel, reviewer, 2)
    other_organizer = UserFactory(is_staff=True, email="otto@lectern.test")
    other_event = EventFactory(name="Other Summit", organizers=[other_organizer])
    submitted(other_event, "Their own talk")
    return SimpleNamespace(
        organizer=organizer,
        event=event,
        dev=dev,
        speaker=speaker,
        reviewer=reviewer,
        talk=talk,
        panel=panel,
        other_organizer=other_organizer,
        other_event=other_event,
    )


def ranked_url(event):
    return f"{reverse(RANKED)}?event={event.pk}"


def action_data(action, *proposals, confirmed=True):
    data = {"action": action, ACTION_CHECKBOX_NAME: [p.pk for p in proposals]}
    if confirmed:
        data["post"] = "yes"
    return data


# --- the permission matrix ----------------------------------------------------------------

ACTIONS = {
    "accept selected": lambda w: (
        ranked_url(w.event),
        action_data("accept_selected", w.talk, w.panel),
    ),
    "reject selected": lambda w: (
        ranked_url(w.event),
        action_data("reject_selected", w.talk, w.panel),
    ),
    "accept one": lambda w: (
        reverse("admin:reviews_rankedproposal_decide", args=[w.talk.pk]),
        {"decision": "accept"},
    ),
    "reject one": lambda w: (
        reverse("admin:reviews_rankedproposal_decide", args=[w.talk.pk]),
        {"decision": "reject"},
    ),
    "accept top": lambda w: (
        f"{reverse('admin:reviews_rankedproposal_accept_top')}?event={w.event.pk}",
        {"track": w.dev.pk, "n": 2, "confirm": "1"},
    ),
}

# The states the event's organizer leaves behind (talk, panel).
EXPECTED = {
    "accept selected": ["accepted", "accepted"],
    "reject selected": ["rejected", "rejected"],
    "accept one": ["accepted", "submitted"],
    "reject one": ["rejected", "submitted"],
    "accept top": ["accepted", "accepted"],
}


@pytest.mark.parametrize("name", ACTIONS)
def test_organizer_of_the_event_decides(client, world, name):
    url, data = ACTIONS[name](world)
    client.force_login(world.organizer)

    response = client.post(url, data)

    assert response.status_code == 302, page(response)[:3000]
    assert states(world.talk, world.panel) == EXPECTED[name]
    decided = [
        p for p in (world.talk, world.panel) if Proposal.objects.get(pk=p.pk).state != "submitted"
    ]
    assert Message.objects.filter(state=MessageState.DRAFT).count() == sum(
        p.speakers.count() for p in decided
    )


ROLES = {
    "anonymous": lambda w: None,
    "speaker": lambda w: w.speaker,
    "reviewer": lambda w: w.reviewer,
    "organizer of another event": lambda w: w.other_organizer,
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", ACTIONS)
def test_nobody_else_decides(client, world, name, role):
    url, data = ACTIONS[name](world)
    user = ROLES[role](world)
    if user is not None:
        client.force_login(user)

    response = client.post(url, data)

    assert states(world.talk, world.panel) == ["submitted", "submitted"]
    assert not Message.objects.filter(kind__in=(MessageKind.ACCEPTANCE, MessageKind.REJECTION))
    if role == "anonymous":
        assert response.status_code == 302 and "/admin/login/" in response.url
    elif role == "speaker":
        assert is_staff_panel_refusal(response)
    elif role == "reviewer":
        assert response.status_code == 403
    elif response.status_code == 302:  # the proposal "does not exist" for them
        assert response.url == reverse("admin:index")
    else:
        assert response.status_code == 404  # an event they do not organize


def test_organizer_of_another_event_cannot_reach_these_proposals_from_their_list(client, world):
    client.force_login(world.other_organizer)

    response = client.post(
        ranked_url(world.other_event), action_data("accept_selected", world.talk, world.panel)
    )

    assert response.status_code == 302
    assert states(world.talk, world.panel) == ["submitted", "submitted"]
    assert not Message.objects.filter(kind=MessageKind.ACCEPTANCE).exists()


# --- actions on the selection ---------------------------------------------------------------


def test_accept_selected_asks_first(client, world):
    client.force_login(world.organizer)

    response = client.post(
        ranked_url(world.event), action_data("accept_selected", world.talk, confirmed=False)
    )

    body = page(response)
    assert response.status_code == 200
    assert "Accept 1 proposal?" in body
    assert "Kernel talk" in body and "will be accepted" in body
    assert 'name="post" value="yes"' in body
    assert f'name="{ACTION_CHECKBOX_NAME}" value="{world.talk.pk}"' in body
    assert states(world.talk) == ["submitted"]


def test_accept_selected_changes_a_rejection_not_yet_sent(client, world):
    decisions.proposal_decide(proposal=world.talk, by=world.organizer, accept=False)
    client.force_login(world.organizer)

    preview = page(
        client.post(
            ranked_url(world.event), action_data("accept_selected", world.talk, confirmed=False)
        )
    )
    client.post(ranked_url(world.event), action_data("accept_selected", world.talk))

    assert "rejected now: will be accepted, its unsent emails discarded" in preview
    assert states(world.talk) == ["accepted"]
    assert sorted(Message.objects.filter(proposal=world.talk).values_list("kind", "state")) == [
        (MessageKind.ACCEPTANCE, MessageState.DRAFT),
        (MessageKind.REJECTION, MessageState.DISCARDED),
    ]


def test_reject_selected_leaves_sent_decisions_alone_and_says_why(
    client, world, django_capture_on_commit_callbacks
):
    decisions.proposal_decide(proposal=world.talk, by=world.organizer, accept=True)
    send_decision(world.talk, django_capture_on_commit_callbacks)
    client.force_login(world.organizer)

    response = client.post(
        ranked_url(world.event),
        action_data("reject_selected", world.talk, world.panel),
        follow=True,
    )

    body = page(response)
    assert "1 proposal rejected" in body
    assert "The decision on “Kernel talk” has been emailed to its speakers" in body
    assert states(world.talk, world.panel) == ["accepted", "rejected"]


def test_ranked_list_shows_decision_and_its_email(
    client, world, django_capture_on_commit_callbacks
):
    decisions.proposal_decide(proposal=world.talk, by=world.organizer, accept=True)
    send_decision(world.talk, django_capture_on_commit_callbacks)
    decisions.proposal_decide(proposal=world.panel, by=world.organizer, accept=False)
    client.force_login(world.organizer)

    body = page(client.get(ranked_url(world.event)))

    talk = body[body.index(">Kernel talk<") :].split("</tr>")[0]
    panel = body[body.index(">Kernel panel<") :].split("</tr>")[0]
    assert '<td class="field-state">Accepted</td>' in talk
    assert "lectern-mail-sent" in talk and ">sent</span>" in talk
    assert '<td class="field-state">Rejected</td>' in panel
    assert ">draft</span>" in panel
    assert "Accept selected proposals" in body and "Accept the top N" in body


# --- one proposal, from its reviews page ---------------------------------------------------


def reviews_page(client, proposal):
    return page(client.get(reverse("admin:reviews_rankedproposal_change", args=[proposal.pk])))


def buttons(body):
    return [
        value
        for value in ("accept", "reject", "undo")
        if f'name="decision" value="{value}"' in body
    ]


def test_reviews_page_offers_the_decisions_that_apply(
    client, world, django_capture_on_commit_callbacks
):
    client.force_login(world.organizer)
    decide = reverse("admin:reviews_rankedproposal_decide", args=[world.talk.pk])

    assert buttons(reviews_page(client, world.talk)) == ["accept", "reject"]
    client.post(decide, {"decision": "accept"})
    accepted = reviews_page(client, world.talk)
    assert buttons(accepted) == ["reject", "undo"]
    assert "email: <strong>draft, not sent yet</strong>" in accepted
    assert "The email waits in the outbox" in accepted
    client.post(decide, {"decision": "undo"})
    assert states(world.talk) == ["submitted"]
    assert not Message.objects.filter(state=MessageState.DRAFT).exists()
    client.post(decide, {"decision": "accept"})
    send_decision(world.talk, django_capture_on_commit_callbacks)
    sent = reviews_page(client, world.talk)
    assert buttons(sent) == []
    assert "The decision has been emailed to the speakers; it is final." in sent
    assert "waits in the outbox" not in sent
    Proposal.objects.filter(pk=world.talk.pk).update(state=ProposalState.CONFIRMED)
    confirmed = reviews_page(client, world.talk)
    assert "Cancel the talk" in confirmed
    assert "waits in the outbox" not in confirmed  # its email went out before it was confirmed


def test_refused_undo_says_why(client, world, django_capture_on_commit_callbacks):
    decisions.proposal_decide(proposal=world.talk, by=world.organizer, accept=True)
    send_decision(world.talk, django_capture_on_commit_callbacks)
    client.force_login(world.organizer)

    response = client.post(
        reverse("admin:reviews_rankedproposal_decide", args=[world.talk.pk]),
        {"decision": "undo"},
        follow=True,
    )

    assert "can no longer be changed" in page(response)
    assert states(world.talk) == ["accepted"]


def test_organizer_cancels_a_confirmed_talk_after_confirming(client, world):
    Proposal.objects.filter(pk=world.talk.pk).update(state=ProposalState.CONFIRMED)
    client.force_login(world.organizer)
    url = reverse("admin:reviews_rankedproposal_decide", args=[world.talk.pk])

    assert '?decision=cancel">Cancel the talk…</a>' in reviews_page(client, world.talk)
    question = client.get(url, {"decision": "cancel"})
    assert "Yes: cancel the talk" in page(question)
    assert states(world.talk) == ["confirmed"]
    response = client.post(url, {"decision": "cancel"})

    assert response.url == ranked_url(world.event)
    assert states(world.talk) == ["canceled"]


def test_unknown_decision_is_refused(client, world):
    client.force_login(world.organizer)

    response = client.post(
        reverse("admin:reviews_rankedproposal_decide", args=[world.talk.pk]), {"decision": "x"}
    )

    assert response.status_code == 403
    assert states(world.talk) == ["submitted"]


# --- the top N by normalised score ---------------------------------------------------------


@pytest.fixture
def biased(db):
    """A harsh and a lenient reviewer: the mean and the normalised score rank differently.

    Harsh gave Alpha 3, Bravo 2, Charlie 1; lenient gave Delta 5, Echo 4, Foxtrot 3. By mean
    the top two are Delta and Echo; normalised, each reviewer's best (Alpha, Delta) lead.
    """
    organizer = UserFactory(is_staff=True)
    event = EventFactory(organizers=[organizer])
    dev, ops = TrackFactory(event=event, name="Developer"), TrackFactory(event=event, name="Ops")
    harsh = ReviewerFactory(profile__affiliation="Harsh Lab")
    lenient = ReviewerFactory(profile__affiliation="Lenient Lab")
    ReviewerTeamFactory(event=event, members=[harsh, lenient])
    proposals = {}
    for reviewer, plan in ((harsh, {"Alpha": 3, "Bravo": 2, "Charlie": 1}),
                           (lenient, {"Delta": 5, "Echo": 4, "Foxtrot": 3})):  # fmt: skip
        for title, value in plan.items():
            proposals[title] = submitted(event, title, track=dev)
            give_review(proposals[title], reviewer, value)
    proposals["Ops talk"] = submitted(event, "Ops talk", track=ops)
    give_review(proposals["Ops talk"], lenient, 5)
    proposals["Unreviewed"] = submitted(event, "Unreviewed", track=dev)
    return SimpleNamespace(organizer=organizer, event=event, dev=dev, ops=ops, p=proposals)


def accepted_titles(event):
    return sorted(
        Proposal.objects.filter(event=event, state=ProposalState.ACCEPTED).values_list(
            "title", flat=True
        )
    )


def test_accept_top_takes_the_best_normalised_scores_of_the_track(client, biased):
    rows = selectors.ranked_proposals(biased.event, biased.organizer).filter(track=biased.dev)
    by_normalised = sorted(
        (p for p in rows if p.normalised is not None), key=lambda p: -p.normalised
    )
    by_mean = sorted(rows, key=lambda p: -(p.mean_score or 0))
    assert {p.title for p in by_normalised[:2]} == {"Alpha", "Delta"}
    assert {p.title for p in by_mean[:2]} == {"Delta", "Echo"}  # the mean would differ
    client.force_login(biased.organizer)
    url = f"{reverse('admin:reviews_rankedproposal_accept_top')}?event={biased.event.pk}"

    response = client.post(url, {"track": biased.dev.pk, "n": 2, "confirm": "1"}, follow=True)

    assert accepted_titles(biased.event) == ["Alpha", "Delta"]
    assert "2 proposals of Developer accepted." in page(response)
    assert response.redirect_chain[-1][0] == (
        f"{reverse(RANKED)}?event={biased.event.pk}&track={biased.dev.pk}"
    )
    assert Message.objects.filter(kind=MessageKind.ACCEPTANCE, state="draft").count() == 2


def test_accept_top_shows_the_top_first_and_warns_of_a_tie(client, biased):
    client.force_login(biased.organizer)
    url = f"{reverse('admin:reviews_rankedproposal_accept_top')}?event={biased.event.pk}"

    form = page(client.get(url))
    preview = page(client.post(url, {"track": "", "n": 2}))

    assert "How many" in form and "Developer" in form
    assert "Yes, accept 2 proposals" in preview
    # Alpha first; Delta and the Ops talk (the lenient reviewer's fives) tie for second.
    assert "“Delta” (the last one in) and “Ops talk” (the first one out)" in preview
    assert "have the same normalised score, 4.54" in preview
    assert accepted_titles(biased.event) == []


def test_accept_top_counts_earlier_acceptances_and_skips_rejections(client, biased):
    decisions.proposal_decide(proposal=biased.p["Alpha"], by=biased.organizer, accept=False)
    decisions.proposal_decide(proposal=biased.p["Delta"], by=biased.organizer, accept=True)
    client.force_login(biased.organizer)
    url = f"{reverse('admin:reviews_rankedproposal_accept_top')}?event={biased.event.pk}"

    response = client.post(url, {"track": biased.dev.pk, "n": 3, "confirm": "1"}, follow=True)

    # Delta (accepted before), then Bravo and Echo; Alpha, the best, stays rejected.
    assert accepted_titles(biased.event) == ["Bravo", "Delta", "Echo"]
    assert "(1 of the top 3 had been accepted before)" in page(response)
    assert Proposal.objects.get(pk=biased.p["Alpha"].pk).state == ProposalState.REJECTED


def test_accept_top_leaves_out_unreviewed_proposals_and_says_so(client, biased):
    client.force_login(biased.organizer)
    url = f"{reverse('admin:reviews_rankedproposal_accept_top')}?event={biased.event.pk}"

    response = client.post(url, {"track": biased.dev.pk, "n": 10, "confirm": "1"}, follow=True)

    assert "Unreviewed" not in accepted_titles(biased.event)
    assert len(accepted_titles(biased.event)) == 6
    assert "Only 6 proposals of Developer with reviews and not rejected: fewer than 10." in page(
        response
    )


def test_accept_top_refuses_a_track_of_another_event(client, biased):
    foreign = TrackFactory()
    client.force_login(biased.organizer)
    url = f"{reverse('admin:reviews_rankedproposal_accept_top')}?event={biased.event.pk}"

    response = client.post(url, {"track": foreign.pk, "n": 2, "confirm": "1"})

    assert response.status_code == 200
    assert "Select a valid choice" in page(response)
    assert accepted_titles(biased.event) == []


# --- query counts -------------------------------------------------------------------------


def test_ranked_list_with_decisions_costs_the_same_at_two_sizes(
    client, django_capture_on_commit_callbacks
):
    organizer = UserFactory(is_staff=True)
    event = EventFactory(organizers=[organizer])
    reviewers = [ReviewerFactory() for _ in range(3)]
    ReviewerTeamFactory(event=event, members=reviewers)
    client.force_login(organizer)
    counts = []
    for more in (10, 60):
        add_reviewed_proposals(event, reviewers, more)
        undecided = list(event.proposals.filter(state=ProposalState.SUBMITTED).order_by("pk"))
        for i, proposal in enumerate(undecided[: more // 2]):
            decisions.proposal_decide(proposal=proposal, by=organizer, accept=i % 2 == 0)
            if i % 3 == 0:
                send_decision(proposal, django_capture_on_commit_callbacks)
        queries, response = count_queries(client, reverse(RANKED))
        assert list_total(response) == event.proposals.count()
        assert ">sent</span>" in page(response) and ">draft</span>" in page(response)
        counts.append(queries)

    assert counts[0] == counts[1], counts
