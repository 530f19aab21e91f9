"""Answers in the exports: a column per question in the CSV files, an `answers` list in
the JSON files, identifying answers left out of the review export in blind review."""

import json

import pytest
from django.urls import reverse

from cfp.enums import ProposalState
from tests.cfp.answer_world import (
    HIDDEN_FILE,
    IDENT_FILE,
    OPEN_FILE,
    PLAIN,
    PUBLIC,
    RETIRED,
    SECRET,
    answer_world,
)
from tests.cfp.export_files import body, documented_fields, export_url, read_csv
from tests.factories import AnswerFactory, QuestionFactory
from tests.reviews.helpers import give_review

pytestmark = pytest.mark.django_db

PROPOSAL_QUESTIONS = [
    "Benefits to the planet",
    "Your employer",
    "A fun fact",
    "An old question",
    "How many demos",
    "When can you arrive",
    "Which day",
    "First time speaker",
    "A video",
    "Your CV",
    "Travel receipt",
    "Topics",
]


@pytest.fixture
def world():
    return answer_world(state=ProposalState.CONFIRMED)


def download(client, world, name: str) -> bytes:
    client.force_login(world.organizer)
    response = client.get(export_url(name, world.event))
    assert response.status_code == 200
    return body(response)


def test_the_talks_csv_has_a_column_per_proposal_question_in_order(client, world):
    rows = read_csv(download(client, world, "talks_csv"))

    header = list(rows[0])
    assert header[-len(PROPOSAL_QUESTIONS) :] == PROPOSAL_QUESTIONS
    row = rows[0]
    assert row["Benefits to the planet"] == PLAIN
    assert row["Your employer"] == SECRET
    assert row["An old question"] == RETIRED
    assert row["How many demos"] == "3.5"
    assert row["When can you arrive"] == "2027-03-01 10:30"  # Berlin time
    assert row["Which day"] == "2027-03-02"
    assert row["First time speaker"] == "yes"
    assert row["Topics"] == "Kernel; Go"
    assert (row["A video"], row["Your CV"], row["Travel receipt"]) == (
        OPEN_FILE,
        IDENT_FILE,
        HIDDEN_FILE,
    )
    # Speaker and reviewer questions are not proposal columns.
    assert "T-shirt size" not in header and "Would you attend" not in header


def test_unanswered_questions_are_empty_cells_and_formulas_are_neutralised(client, world):
    formula = QuestionFactory(event=world.event, question="=SUM(A1:A9)")
    QuestionFactory(event=world.event, question="Nobody answered this")
    AnswerFactory(question=formula, proposal=world.proposal, value="@cmd|' /C calc'!A0")

    row = read_csv(download(client, world, "talks_csv"))[0]

    assert row["'=SUM(A1:A9)"] == "'@cmd|' /C calc'!A0"
    assert row["Nobody answered this"] == ""


def test_the_per_speaker_csv_has_a_column_per_speaker_question(client, world):
    rows = read_csv(download(client, world, "speakers_csv"))

    assert list(rows[0])[-2:] == ["T-shirt size", "Pronouns"]
    by_email = {row["speaker email"]: row for row in rows}
    assert by_email["sam@answers.test"]["T-shirt size"] == "M"
    assert by_email["sam@answers.test"]["Pronouns"] == "they/them"
    assert by_email["cora@answers.test"]["T-shirt size"] == "L"
    assert by_email["cora@answers.test"]["Pronouns"] == ""


def test_the_talks_json_lists_the_answers_as_documented(client, world):
    document = json.loads(download(client, world, "talks_json"))

    found = {a["question"]: a for a in document["talks"][0]["answers"]}
    assert list(found) == PROPOSAL_QUESTIONS
    assert found["How many demos"] == {
        "question_id": world.q.number.pk,
        "question": "How many demos",
        "kind": "number",
        "value": "3.50",
    }
    assert found["When can you arrive"]["value"] == "2027-03-01T09:30:00+00:00"
    assert found["Topics"]["options"] == ["Kernel", "Go"]
    assert found["Your CV"]["file_name"] == IDENT_FILE
    documented = documented_fields("Answers in the JSON exports")
    for answer in found.values():
        assert set(answer) <= set(documented)
        assert {"question_id", "question", "kind"} <= set(answer)
        assert len(set(answer) & {"value", "options", "file_name"}) == 1


def review_export(client, world, name: str) -> bytes:
    give_review(world.proposal, world.reviewer, 4)
    client.force_login(world.organizer)
    url = f"{reverse(f'admin:reviews_export_{name}')}?event={world.event.pk}"
    return body(client.get(url))


@pytest.mark.parametrize("name", ["reviews_csv", "proposals_csv", "reviews_json"])
def test_the_review_export_leaves_identifying_answers_out_in_blind_review(client, name):
    world = answer_world(blind=True)

    data = review_export(client, world, name).decode("utf-8")

    assert PLAIN in data and OPEN_FILE in data and PUBLIC in data
    for text in (SECRET, IDENT_FILE, "Your employer", "Your CV"):
        assert text not in data


@pytest.mark.parametrize("name", ["reviews_csv", "proposals_csv", "reviews_json"])
def test_the_review_export_has_every_answer_without_blind_review(client, name):
    world = answer_world(blind=False)

    data = review_export(client, world, name).decode("utf-8")

    for text in (PLAIN, SECRET, IDENT_FILE, "Your employer"):
        assert text in data


def test_the_reviews_export_has_the_reviewers_answers_with_each_review(client):
    world = answer_world()
    give_review(world.proposal, world.reviewer, 4, answers={world.q.attend.pk: ("no", [])})
    client.force_login(world.organizer)
    base = reverse("admin:reviews_export_reviews_csv")

    rows = read_csv(body(client.get(f"{base}?event={world.event.pk}")))
    document = json.loads(
        body(client.get(f"{reverse('admin:reviews_export_reviews_json')}?event={world.event.pk}"))
    )

    header = list(rows[0])
    assert header[header.index("reviewed at") + 1] == "Would you attend"
    assert rows[0]["Would you attend"] == "no"
    assert document["proposals"][0]["reviews"][0]["answers"] == [
        {
            "question_id": world.q.attend.pk,
            "question": "Would you attend",
            "kind": "boolean",
            "value": "no",
        }
    ]
