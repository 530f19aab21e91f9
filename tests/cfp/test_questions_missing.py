"""Which submitted proposals lack a required answer: the organizer's list, and submission."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cfp.enums import ProposalState, QuestionKind, QuestionTarget
from cfp.models.questions import Answer
from cfp.questions import proposals_missing_answers
from tests.cfp.questions_setup import question
from tests.factories import EventFactory, ProposalFactory, SpeakerFactory, TrackFactory

pytestmark = pytest.mark.django_db


def test_a_question_added_after_submission_lists_the_proposals_without_an_answer():
    event = EventFactory()
    ada, bob = SpeakerFactory(), SpeakerFactory()
    first = ProposalFactory(event=event, speakers=[ada])
    second = ProposalFactory(event=event, speakers=[bob])
    first.submit(by=ada)
    second.submit(by=bob)
    draft = ProposalFactory(event=event, speakers=[ada])
    withdrawn = ProposalFactory(event=event, state=ProposalState.WITHDRAWN)

    q = question(event, QuestionKind.TEXT, required=True, text="Video of a previous talk?")
    Answer.objects.create(question=q, proposal=first, value="https://video.example")

    missing = proposals_missing_answers(event)

    assert missing == {second: [q]}
    assert draft not in missing and withdrawn not in missing
    first.refresh_from_db()
    assert first.state == ProposalState.SUBMITTED  # nothing changed for the proposals


def test_speaker_questions_count_each_speaker_and_optional_ones_do_not_count():
    event = EventFactory()
    ada, bob = SpeakerFactory(), SpeakerFactory()
    both = ProposalFactory(event=event, speakers=[ada, bob], state=ProposalState.ACCEPTED)
    alone = ProposalFactory(event=event, speakers=[ada], state=ProposalState.SUBMITTED)
    pronouns = question(event, target=QuestionTarget.SPEAKER, required=True)
    question(event, target=QuestionTarget.SPEAKER, required=False, text="Optional?")
    question(event, target=QuestionTarget.REVIEWER, required=True, text="Attend?")
    retired = question(event, required=True, active=False, text="Retired?")
    Answer.objects.create(question=pronouns, speaker=ada, value="she/her")

    missing = proposals_missing_answers(event)

    assert missing == {both: [pronouns]}
    assert alone not in missing
    assert retired not in sum(missing.values(), [])


def test_track_limits_decide_which_proposals_owe_an_answer():
    event = EventFactory()
    dev, ops = TrackFactory(event=event), TrackFactory(event=event)
    on_dev = ProposalFactory(event=event, track=dev, state=ProposalState.SUBMITTED)
    ProposalFactory(event=event, track=ops, state=ProposalState.SUBMITTED)
    q = question(event, required=True, tracks=[dev])

    assert proposals_missing_answers(event) == {on_dev: [q]}


def test_the_missing_answers_cost_the_same_queries_at_two_sizes():
    counts = []
    for size in (2, 20):
        event = EventFactory()
        track = TrackFactory(event=event)
        for i in range(size):
            question(event, required=True, tracks=[track] if i % 2 else [])
            question(event, target=QuestionTarget.SPEAKER, required=True)
            ProposalFactory(event=event, track=track, state=ProposalState.SUBMITTED)
        with CaptureQueriesContext(connection) as ctx:
            missing = proposals_missing_answers(event)
        assert len(missing) == size
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1] == 8, counts
