"""Answers cost no more queries with more questions or more proposals: the reviewer's page,
the organizer's proposal list (and its answer filter), the CSV export, the public talk page.
Also the answer filter's results."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cfp.enums import ProposalState, QuestionKind
from reviews.models import Assignment
from tests.cfp.answer_world import many_questions
from tests.cfp.export_files import body, export_url, read_csv
from tests.cfp.test_public import publish
from tests.factories import (
    AnswerFactory,
    EventFactory,
    ProposalFactory,
    QuestionFactory,
    QuestionOptionFactory,
    ReviewerFactory,
    ReviewerTeamFactory,
    RoomFactory,
    SpeakerFactory,
    TalkSlotFactory,
    UserFactory,
)
from tests.helpers import list_titles, page

pytestmark = pytest.mark.django_db

SIZES = [(2, 0), (2, 20), (9, 0), (9, 20)]  # (proposals, questions)
LIMIT = 25


def count(client, url) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        if hasattr(response, "streaming_content"):
            response.content_bytes = body(response)
    assert response.status_code == 200, url
    return len(queries), response


def event_with(proposals: int, questions: int, state=ProposalState.SUBMITTED, **event_fields):
    organizer = UserFactory(is_staff=True)
    event = EventFactory(organizers=[organizer], **event_fields)
    made = [
        ProposalFactory(event=event, state=state, speakers=[SpeakerFactory(), SpeakerFactory()])
        for _ in range(proposals)
    ]
    asked = many_questions(event, made, questions)
    return organizer, event, made, asked


@pytest.mark.parametrize("blind", [False, True])
def test_the_reviewers_page_costs_the_same_with_0_and_20_questions(client, blind):
    counts = {}
    for size in SIZES:
        _organizer, event, made, asked = event_with(*size)
        from reviews.models import ReviewSettings

        ReviewSettings.objects.filter(event=event).update(blind=blind)
        reviewer = ReviewerFactory()
        ReviewerTeamFactory(event=event, members=[reviewer])
        for proposal in made:
            Assignment.objects.create(proposal=proposal, reviewer=reviewer)
        client.force_login(reviewer)
        url = reverse("admin:reviews_reviewqueueitem_change", args=[made[0].pk])
        counts[size], response = count(client, url)
        if asked:
            assert "Bulk question 1" in page(response)  # answers are on the page
    assert len(set(counts.values())) == 1, counts
    assert max(counts.values()) <= LIMIT


def test_the_organizers_proposal_list_costs_the_same_filtered_or_not(client):
    counts = {}
    for proposals, questions in SIZES:
        organizer, event, made, asked = event_with(proposals, questions)
        client.force_login(organizer)
        url = reverse("admin:cfp_proposal_changelist")
        counts[(proposals, questions, "all")], response = count(client, url)
        assert len(list_titles(response)) == proposals
        choice = next(
            (q for q in asked if q.kind == QuestionKind.CHOICE and q.target == "proposal"), None
        )
        if choice is not None:
            option = choice.options.order_by("pk").first()
            counts[(proposals, questions, "filtered")], response = count(
                client, f"{url}?answer=o{option.pk}"
            )
            assert len(list_titles(response)) == proposals
    plain = {k: v for k, v in counts.items() if k[2] == "all"}
    assert len(set(plain.values())) == 1, counts
    # The filter adds one query (its choices) at most, the same at any size.
    assert max(counts.values()) - min(counts.values()) <= 1, counts
    assert max(counts.values()) <= LIMIT


@pytest.mark.parametrize("name", ["talks_csv", "speakers_csv", "talks_json"])
def test_the_exports_cost_the_same_with_0_and_20_questions(client, name):
    counts = {}
    for size in SIZES:
        organizer, event, made, asked = event_with(*size, state=ProposalState.CONFIRMED)
        client.force_login(organizer)
        counts[size], response = count(client, export_url(name, event))
        if name == "talks_csv":
            header = list(read_csv(response.content_bytes)[0])
            proposal_questions = [q.question for q in asked if q.target == "proposal"]
            assert header[len(header) - len(proposal_questions) :] == proposal_questions
    assert len(set(counts.values())) == 1, counts


def test_the_public_talk_page_costs_the_same_with_0_and_20_questions(client):
    counts = {}
    for size in SIZES:
        _organizer, event, made, asked = event_with(*size, state=ProposalState.CONFIRMED)
        room = RoomFactory(event=event)
        for proposal in made:
            TalkSlotFactory(proposal=proposal, event=event, room=room)
        publish(event)
        url = reverse("cfp:talk", args=[event.slug, made[0].code])
        counts[size], response = count(client, url)
        if asked:
            assert "Bulk question 0" in page(response)  # public
            assert "Bulk question 1<" not in page(response)  # not public
    assert len(set(counts.values())) == 1, counts


def test_the_answer_filter_lists_the_organizers_choice_questions_and_narrows(client):
    organizer = UserFactory(is_staff=True)
    event = EventFactory(name="Filter Summit", organizers=[organizer])
    other = EventFactory(name="Other Summit")
    size = QuestionFactory(event=event, kind=QuestionKind.CHOICE, question="Room size")
    small, large = (QuestionOptionFactory(question=size, text=t) for t in ("Small", "Large"))
    first = QuestionFactory(event=event, kind=QuestionKind.BOOLEAN, question="First talk")
    QuestionFactory(event=event, kind=QuestionKind.CHOICE, question="Retired", active=False)
    foreign = QuestionFactory(event=other, kind=QuestionKind.CHOICE, question="Foreign q")
    QuestionOptionFactory(question=foreign, text="Theirs")
    a, b, c = (
        ProposalFactory(event=event, title=t, state=ProposalState.SUBMITTED)
        for t in ("Alpha", "Beta", "Gamma")
    )
    AnswerFactory(question=size, proposal=a, value="", options=[small])
    AnswerFactory(question=size, proposal=b, value="", options=[large])
    AnswerFactory(question=first, proposal=b, value="yes")
    AnswerFactory(question=first, proposal=c, value="no")
    client.force_login(organizer)
    url = reverse("admin:cfp_proposal_changelist")

    html = page(client.get(url))
    small_titles = list_titles(client.get(f"{url}?answer=o{small.pk}"))
    yes_titles = list_titles(client.get(f"{url}?answer=q{first.pk}-yes"))
    no_titles = list_titles(client.get(f"{url}?answer=q{first.pk}-no"))
    junk_titles = list_titles(client.get(f"{url}?answer=zzz"))

    assert "Room size: Small" in html and "First talk: Yes" in html
    assert "Foreign q" not in html and "Theirs" not in html and "Retired" not in html
    assert small_titles == ["Alpha"]
    assert yes_titles == ["Beta"]
    assert no_titles == ["Gamma"]
    assert sorted(junk_titles) == ["Alpha", "Beta", "Gamma"]
