"""Who sees which answers (cfp.answers), as a table, and what the selectors hand each viewer."""

import pytest

from cfp import answers
from cfp.answers import ORGANIZER, PUBLIC, REVIEWER, SPEAKER, Viewer
from cfp.enums import QuestionKind, QuestionTarget
from cfp.models import Question
from tests.cfp.answer_world import (
    HIDDEN_FILE,
    IDENT_FILE,
    OPEN_FILE,
    PLAIN,
    RETIRED,
    SECRET,
    answer_world,
)
from tests.cfp.answer_world import (
    PUBLIC as PUBLIC_TEXT,
)

ME, SOMEONE = 7, 8


def question(**fields) -> Question:
    fields.setdefault("target", QuestionTarget.PROPOSAL)
    fields.setdefault("kind", QuestionKind.TEXT)
    return Question(**fields)


PLAIN_Q = question()
IDENTIFYING = question(is_identifying=True)
PUBLIC_Q = question(is_public=True)
PUBLIC_IDENTIFYING = question(is_public=True, is_identifying=True)
RETIRED_Q = question(active=False, is_public=True)
SPEAKER_Q = question(target=QuestionTarget.SPEAKER)
REVIEWER_Q = question(target=QuestionTarget.REVIEWER)
FILE_OPEN = question(kind=QuestionKind.FILE, files_visible_to_reviewers=True)
FILE_CLOSED = question(kind=QuestionKind.FILE)
FILE_IDENT = question(kind=QuestionKind.FILE, files_visible_to_reviewers=True, is_identifying=True)
PUBLIC_FILE = question(kind=QuestionKind.FILE, is_public=True, files_visible_to_reviewers=True)

VIEWERS = {
    "organizer": Viewer(ORGANIZER, ME),
    "speaker": Viewer(SPEAKER, ME),
    "reviewer": Viewer(REVIEWER, ME),
    "blind reviewer": Viewer(REVIEWER, ME, blind=True),
    "public, published": Viewer(PUBLIC, published=True),
    "public, unpublished": Viewer(PUBLIC),
}
# (question, speaker of a speaker answer): what each viewer sees, in VIEWERS' order.
# org, spk, rev, blind, public published, public unpublished
SEES = [
    (PLAIN_Q, None, (1, 1, 1, 1, 0, 0)),
    (IDENTIFYING, None, (1, 1, 1, 0, 0, 0)),
    (PUBLIC_Q, None, (1, 1, 1, 1, 1, 0)),
    (PUBLIC_IDENTIFYING, None, (1, 1, 1, 0, 1, 0)),
    (RETIRED_Q, None, (1, 1, 0, 0, 0, 0)),
    (SPEAKER_Q, ME, (1, 1, 1, 1, 0, 0)),
    (SPEAKER_Q, SOMEONE, (1, 0, 1, 1, 0, 0)),
    (REVIEWER_Q, None, (0, 0, 0, 0, 0, 0)),
    (FILE_OPEN, None, (1, 1, 1, 1, 0, 0)),
    (PUBLIC_FILE, None, (1, 1, 1, 1, 0, 0)),
]
# Who may open the file (and read its name).
OPENS = [
    (FILE_OPEN, None, (1, 1, 1, 1, 0, 0)),
    (FILE_CLOSED, None, (1, 1, 0, 0, 0, 0)),
    (FILE_IDENT, None, (1, 1, 1, 0, 0, 0)),
    (PUBLIC_FILE, None, (1, 1, 1, 1, 0, 0)),
    (PLAIN_Q, None, (0, 0, 0, 0, 0, 0)),
]


@pytest.mark.parametrize(("q", "speaker_id", "expected"), SEES)
def test_may_see_follows_the_table(q, speaker_id, expected):
    seen = tuple(int(answers.may_see(q, v, speaker_id=speaker_id)) for v in VIEWERS.values())

    assert seen == expected


@pytest.mark.parametrize(("q", "speaker_id", "expected"), OPENS)
def test_may_open_file_follows_the_table(q, speaker_id, expected):
    opened = tuple(
        int(answers.may_open_file(q, v, speaker_id=speaker_id)) for v in VIEWERS.values()
    )

    assert opened == expected


@pytest.mark.parametrize(
    ("organizer", "author", "others_shown", "expected"),
    [
        (True, False, False, True),
        (False, True, False, True),
        (False, False, True, True),
        (False, False, False, False),
    ],
)
def test_review_answers_are_for_organizers_their_author_and_where_reviews_show(
    organizer, author, others_shown, expected
):
    seen = answers.may_see_review_answers(
        organizer=organizer, author=author, others_shown=others_shown
    )

    assert seen is expected


@pytest.mark.django_db
@pytest.mark.parametrize("name", list(VIEWERS))
def test_the_database_filter_agrees_with_the_rules(name):
    world = answer_world()
    viewer = VIEWERS[name]
    questions = Question.objects.filter(event=world.event)

    in_sql = set(questions.filter(answers.visible(viewer, prefix="")).values_list("pk", flat=True))
    # A speaker's own answers are narrowed by speaker besides; the rest is the same rule.
    by_rule = {q.pk for q in questions if answers.may_see(q, viewer, speaker_id=ME)}

    assert in_sql == by_rule


def texts(found) -> set[str]:
    return {a.text for a in found.proposal + found.speakers}


@pytest.mark.django_db
def test_organizers_see_every_answer_retired_ones_marked():
    world = answer_world()
    viewer = Viewer(ORGANIZER, world.organizer.pk)

    found = answers.proposal_answers([world.proposal], viewer, event=world.event)[world.proposal.pk]

    shown = texts(found)
    assert {PLAIN, SECRET, PUBLIC_TEXT, RETIRED, OPEN_FILE, IDENT_FILE, HIDDEN_FILE} <= shown
    assert [a.question for a in found.proposal if a.retired] == ["An old question"]
    assert {(a.speaker, a.text) for a in found.speakers} == {
        ("Sam Speaker", "M"),
        ("Cora Cospeaker", "L"),
        ("Sam Speaker", "they/them"),
    }
    assert all(a.file_url for a in found.proposal if a.is_file)


@pytest.mark.django_db
def test_a_speaker_sees_the_proposal_answers_and_only_their_own_speaker_answers():
    world = answer_world()
    viewer = Viewer(SPEAKER, world.co_speaker.pk)

    found = answers.proposal_answers([world.proposal], viewer, event=world.event)[world.proposal.pk]

    assert {PLAIN, SECRET, RETIRED, HIDDEN_FILE} <= texts(found)
    assert [(a.speaker, a.text) for a in found.speakers] == [("Cora Cospeaker", "L")]


@pytest.mark.django_db
def test_a_blind_reviewer_gets_no_identifying_answer_and_only_allowed_files():
    world = answer_world(blind=True)
    viewer = Viewer(REVIEWER, world.reviewer.pk, blind=True)

    found = answers.proposal_answers([world.proposal], viewer, event=world.event)[world.proposal.pk]

    shown = texts(found)
    assert PLAIN in shown and OPEN_FILE in shown
    assert not {SECRET, IDENT_FILE, HIDDEN_FILE, RETIRED} & shown
    hidden = [a for a in found.proposal if a.file_hidden]
    assert [(a.question, a.text, a.file_url) for a in hidden] == [("Travel receipt", "", "")]
    # Speakers are numbered, never named.
    assert {a.speaker for a in found.speakers} == {"Speaker 1", "Speaker 2"}


@pytest.mark.django_db
def test_the_public_sees_public_answers_only_when_published():
    world = answer_world()

    published = answers.proposal_answers([world.proposal], answers.PUBLISHED, event=world.event)
    unpublished = answers.proposal_answers([world.proposal], Viewer(PUBLIC), event=world.event)

    assert texts(published[world.proposal.pk]) == {PUBLIC_TEXT, "they/them"}
    assert texts(unpublished[world.proposal.pk]) == set()


@pytest.mark.django_db
def test_each_kind_reads_as_people_read_it():
    world = answer_world()
    viewer = Viewer(ORGANIZER, world.organizer.pk)

    found = answers.proposal_answers([world.proposal], viewer, event=world.event)
    by_question = {a.question: a.text for a in found[world.proposal.pk].proposal}

    assert by_question["How many demos"] == "3.5"
    # 09:30 UTC is 10:30 in Berlin (the event's zone) on March 1.
    assert by_question["When can you arrive"] == "March 1, 2027, 10:30 a.m."
    assert by_question["Which day"] == "March 2, 2027"
    assert by_question["First time speaker"] == "Yes"
    # Options in the question's order, whatever order they were chosen in.
    assert by_question["Topics"] == "Kernel, Go"


@pytest.mark.parametrize(
    ("stored", "shown"), [("42", "42"), ("42.000", "42"), ("3.50", "3.5"), ("-0.25", "-0.25")]
)
def test_numbers_lose_trailing_zeros(stored, shown):
    assert answers.format_number(stored) == shown
