"""A question's statistics page: the distribution of its answers, for its organizers."""

import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cfp.enums import ProposalState, QuestionKind, QuestionTarget
from tests.factories import (
    AnswerFactory,
    EventFactory,
    ProposalFactory,
    QuestionFactory,
    QuestionOptionFactory,
    SpeakerFactory,
    UserFactory,
)
from tests.helpers import page, tables

pytestmark = pytest.mark.django_db


def stats_url(question) -> str:
    return reverse("admin:cfp_question_statistics", args=[question.pk])


@pytest.fixture
def organizer():
    return UserFactory(is_staff=True, email="olivia@stats.test")


@pytest.fixture
def event(organizer):
    return EventFactory(name="Stats Summit", organizers=[organizer])


def proposals(event, count, state=ProposalState.SUBMITTED):
    speaker = SpeakerFactory()
    return [ProposalFactory(event=event, state=state, speakers=[speaker]) for _ in range(count)]


def figures(response, caption) -> dict[str, str]:
    for found in tables(response):
        if found["caption"] == caption:
            return {row[0]: row[1] for row in found["rows"] if row != ["Choice", "Answers"]}
    raise AssertionError(f"no table “{caption}” in {[t['caption'] for t in tables(response)]}")


def chart_data(response) -> dict:
    match = re.search(
        r'<script id="question-stats-data" type="application/json">(.*?)</script>',
        page(response),
        re.S,
    )
    assert match, "the chart's data block"
    return json.loads(match[1])


def test_a_choice_question_counts_each_choice(client, organizer, event):
    question = QuestionFactory(event=event, kind=QuestionKind.MULTIPLE_CHOICE, question="Topics")
    kernel, rust, go = (
        QuestionOptionFactory(question=question, text=t) for t in ["Kernel", "Rust", "Go"]
    )
    submitted = proposals(event, 5)
    AnswerFactory(question=question, proposal=submitted[0], value="", options=[kernel, rust])
    AnswerFactory(question=question, proposal=submitted[1], value="", options=[kernel])
    AnswerFactory(question=question, proposal=submitted[2], value="", options=[go])
    # A draft's answer does not count: its speakers are still writing.
    draft = proposals(event, 1, state=ProposalState.DRAFT)[0]
    AnswerFactory(question=question, proposal=draft, value="", options=[go])
    client.force_login(organizer)

    response = client.get(stats_url(question))

    assert response.status_code == 200
    assert figures(response, "Answers per choice") == {"Kernel": "2", "Rust": "1", "Go": "1"}
    assert figures(response, "Answered") == {
        "Answered": "3",
        "Not answered": "2",
        "All proposals": "5",
    }
    assert chart_data(response)["counts"] == [2, 1, 1]
    assert chart_data(response)["labels"] == ["Kernel", "Rust", "Go"]
    html = page(response)
    assert "chart.umd.min.js" in html and "question-stats.js" in html
    assert "<script>" not in html  # no inline script: a data block and files only


def test_a_yes_no_question_counts_yes_and_no(client, organizer, event):
    question = QuestionFactory(event=event, kind=QuestionKind.BOOLEAN, question="First time?")
    for proposal, value in zip(proposals(event, 4), ["yes", "yes", "no"], strict=False):
        AnswerFactory(question=question, proposal=proposal, value=value)
    client.force_login(organizer)

    response = client.get(stats_url(question))

    assert figures(response, "Answers per choice") == {"Yes": "2", "No": "1"}
    assert figures(response, "Answered")["Not answered"] == "1"


def test_a_number_question_gives_smallest_median_largest(client, organizer, event):
    question = QuestionFactory(event=event, kind=QuestionKind.NUMBER, question="Demos")
    for proposal, value in zip(proposals(event, 4), ["3", "10", "4.5", "1"], strict=True):
        AnswerFactory(question=question, proposal=proposal, value=value)
    client.force_login(organizer)

    response = client.get(stats_url(question))

    assert figures(response, "Numbers given") == {
        "Smallest": "1",
        "Median": "3.75",
        "Largest": "10",
    }
    assert "question-stats-data" not in page(response)  # no chart for numbers


def test_a_speaker_question_counts_speakers(client, organizer, event):
    question = QuestionFactory(
        event=event, kind=QuestionKind.CHOICE, target=QuestionTarget.SPEAKER, question="Size"
    )
    small = QuestionOptionFactory(question=question, text="S")
    QuestionOptionFactory(question=question, text="M")
    first, second = SpeakerFactory(), SpeakerFactory()
    ProposalFactory(event=event, state=ProposalState.SUBMITTED, speakers=[first, second])
    AnswerFactory(question=question, speaker=first, value="", options=[small])
    client.force_login(organizer)

    response = client.get(stats_url(question))

    assert figures(response, "Answers per choice") == {"S": "1", "M": "0"}
    assert figures(response, "Answered") == {
        "Answered": "1",
        "Not answered": "1",
        "All speakers": "2",
    }


@pytest.mark.parametrize("who", ["anonymous", "speaker", "other organizer", "reviewer"])
def test_only_the_events_organizers_see_the_statistics(client, event, who):
    question = QuestionFactory(event=event, kind=QuestionKind.BOOLEAN, question="Secret q")
    if who == "other organizer":
        user = UserFactory(is_staff=True)
        EventFactory(organizers=[user])
        client.force_login(user)
    elif who == "speaker":
        client.force_login(SpeakerFactory())
    elif who == "reviewer":
        from tests.factories import ReviewerFactory, ReviewerTeamFactory

        user = ReviewerFactory()
        ReviewerTeamFactory(event=event, members=[user])
        client.force_login(user)

    response = client.get(stats_url(question))

    assert b"Secret q" not in response.content
    if who == "anonymous":
        assert response.status_code == 302 and "/login/" in response.url
    else:
        assert response.status_code in (403, 404)


def test_the_statistics_cost_the_same_queries_with_few_and_many_answers(client, organizer, event):
    question = QuestionFactory(event=event, kind=QuestionKind.CHOICE, question="Pick")
    options = [QuestionOptionFactory(question=question, text=f"Option {i}") for i in range(3)]
    client.force_login(organizer)
    counts = []
    for size in (2, 20):
        for index, proposal in enumerate(proposals(event, size)):
            AnswerFactory(
                question=question, proposal=proposal, value="", options=[options[index % 3]]
            )
        with CaptureQueriesContext(connection) as queries:
            response = client.get(stats_url(question))
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 25, counts


def test_the_question_list_and_page_link_to_the_statistics(client, organizer, event):
    question = QuestionFactory(event=event, kind=QuestionKind.BOOLEAN)
    client.force_login(organizer)

    listed = page(client.get(reverse("admin:cfp_question_changelist")))
    changed = page(client.get(reverse("admin:cfp_question_change", args=[question.pk])))

    assert f'href="{stats_url(question)}"' in listed
    assert f'href="{stats_url(question)}"' in changed
