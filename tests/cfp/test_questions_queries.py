"""The proposal form costs the same queries with 0 and with 20 questions, whatever the number
of proposals; saving the answers costs a fixed number of statements."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cfp.enums import QuestionKind, QuestionTarget
from cfp.models.questions import Answer
from tests.cfp.questions_setup import PDF, name, question, upload
from tests.factories import EventFactory, ProposalFactory, SpeakerFactory, TrackFactory
from tests.helpers import complete_data

pytestmark = pytest.mark.django_db

KINDS = [
    QuestionKind.TEXT,
    QuestionKind.LONG_TEXT,
    QuestionKind.NUMBER,
    QuestionKind.URL,
    QuestionKind.DATE,
    QuestionKind.DATETIME,
    QuestionKind.BOOLEAN,
    QuestionKind.CHOICE,
    QuestionKind.MULTIPLE_CHOICE,
    QuestionKind.FILE,
]
ANSWERS = {
    QuestionKind.TEXT: "One line",
    QuestionKind.LONG_TEXT: "Two\r\nlines",
    QuestionKind.NUMBER: "7",
    QuestionKind.URL: "https://example.com",
    QuestionKind.DATE: "2027-03-01",
    QuestionKind.DATETIME: "2027-03-01T10:00",
    QuestionKind.BOOLEAN: "yes",
}


def _world(questions: int, proposals: int):
    """An event with `questions` questions of mixed kinds (every other one limited to the
    track), half asked of the speaker, and `proposals` proposals of the speaker."""
    event = EventFactory()
    track = TrackFactory(event=event)
    speaker = SpeakerFactory()
    made = []
    for i in range(questions):
        kind = KINDS[i % len(KINDS)]
        made.append(
            question(
                event,
                kind,
                text=f"Question {i}?",
                options=["A", "B", "C"] if kind in (QuestionKind.CHOICE, "multiple_choice") else (),
                tracks=[track] if i % 2 else [],
                target=QuestionTarget.SPEAKER if i % 4 == 3 else QuestionTarget.PROPOSAL,
                file_types=["pdf"] if kind == QuestionKind.FILE else [],
            )
        )
    for _ in range(proposals):
        ProposalFactory(event=event, speakers=[speaker], track=track)
    return event, track, speaker, made


def _answers(questions) -> tuple[dict, dict]:
    data, files = {}, {}
    for q in questions:
        if q.kind == QuestionKind.FILE:
            files[name(q)] = upload(PDF, "talk.pdf")
        elif q.kind == QuestionKind.CHOICE:
            data[name(q)] = str(q.options.first().pk)
        elif q.kind == QuestionKind.MULTIPLE_CHOICE:
            data[name(q)] = [str(o.pk) for o in q.options.all()[:2]]
        else:
            data[name(q)] = ANSWERS[q.kind]
    return data, files


def _count(client, method, url, data=None):
    with CaptureQueriesContext(connection) as ctx:
        response = getattr(client, method)(url, data) if data else getattr(client, method)(url)
    return len(ctx.captured_queries), response


def test_the_proposal_form_costs_the_same_with_0_and_20_questions(client):
    gets, edits = [], []
    for questions, proposals in ((0, 1), (20, 1), (20, 10), (0, 10)):
        event, track, speaker, made = _world(questions, proposals)
        client.force_login(speaker)
        proposal = speaker.proposals.first()
        create = reverse("cfp:proposal_create", kwargs={"event": event.slug}) + "?form=x"
        edit = reverse("cfp:proposal_edit", kwargs={"event": event.slug, "code": proposal.code})

        new_form, response = _count(client, "get", create.replace("x", "1" * 32))
        assert response.status_code == 200
        edit_form, response = _count(client, "get", edit)
        assert response.status_code == 200
        body = response.content.decode()
        assert all(q.question in body for q in made)
        gets.append((new_form, edit_form))
        edits.append(edit_form)
    assert len(set(gets)) == 1, gets
    assert gets[0][1] <= 25


def test_saving_the_form_costs_the_same_for_10_and_20_questions_and_any_proposals(client):
    """Saved twice: the first save creates the answers, the second changes them."""
    counts = []
    for questions, proposals in ((0, 1), (10, 1), (20, 1), (20, 10)):
        event, track, speaker, made = _world(questions, proposals)
        client.force_login(speaker)
        proposal = speaker.proposals.first()
        edit = reverse("cfp:proposal_edit", kwargs={"event": event.slug, "code": proposal.code})
        data, files = _answers(made)
        body = {**complete_data(event, draft="1", track=track.pk), **data, **files}

        first, response = _count(client, "post", edit, body)
        assert response.status_code == 302
        assert Answer.objects.filter(question__event=event).count() == questions
        data, files = _answers(made)
        again, response = _count(
            client,
            "post",
            edit,
            {**complete_data(event, draft="1", track=track.pk), **data, **files},
        )
        assert response.status_code == 302
        counts.append((first, again))
    # With no question at all, the empty bulk statements (insert answers, insert their
    # choices; on a second save, update answers, clear their choices) are not sent.
    none, *some = counts
    assert len(set(some)) == 1, counts
    assert 0 < some[0][0] - none[0] <= 4 and 0 < some[0][1] - none[1] <= 6, counts
