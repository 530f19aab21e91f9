"""Questions on the proposal form: each kind's field, its limits and its stored value."""

from datetime import date
from decimal import Decimal

import pytest

from cfp.enums import QuestionKind, QuestionTarget
from cfp.models.questions import Answer
from cfp.questions import QuestionsForm, questions_load
from tests.cfp.questions_setup import PDF, PNG, name, question, upload
from tests.factories import EventFactory

pytestmark = pytest.mark.django_db

CONTROL = "This text contains invisible control characters. Please remove them."
BROKEN = "This text contains characters that are not valid UTF-8. Please retype or paste it again."


@pytest.fixture
def event(db):
    return EventFactory(timezone="Europe/Berlin")


def _form(event, data, files=None, submitting=True, **kw):
    loaded = questions_load(event)
    return QuestionsForm(
        data, files, event=event, questions=loaded.proposal, answers={}, submitting=submitting, **kw
    )


def _clean(event, q, value, files=None):
    form = _form(event, {name(q): value} if value is not None else {}, files)
    valid = form.is_valid()
    return valid, form.errors.get(name(q), []), form.cleaned_data.get(name(q))


def test_text_question_takes_html_as_text_and_refuses_control_characters(event):
    q = question(event, QuestionKind.TEXT, max_length=20, min_length=3)

    assert _clean(event, q, "<b>bold</b>")[:2] == (True, [])
    assert _clean(event, q, "bad\x07bell")[1] == [CONTROL]
    assert _clean(event, q, "broken \ufffd")[1] == [BROKEN]
    assert _clean(event, q, "two\nlines")[1] == [
        "This field holds one line of text. Please remove the line breaks."
    ]
    assert "at most 20" in _clean(event, q, "x" * 21)[1][0]
    assert "at least 3" in _clean(event, q, "ab")[1][0]


def test_long_text_question_keeps_lines_and_counts_the_limit(event):
    q = question(event, QuestionKind.LONG_TEXT, max_length=10)

    valid, errors, value = _clean(event, q, "one\r\ntwo")
    assert valid and value == "one\ntwo"
    assert "at most 10" in _clean(event, q, "x" * 11)[1][0]
    assert _clean(event, q, "nul\x00")[1]


def test_number_question_limits_and_refuses_words(event):
    q = question(event, QuestionKind.NUMBER, min_number=Decimal(1), max_number=Decimal(100))

    assert _clean(event, q, "42")[2] == Decimal("42")
    assert _clean(event, q, "0")[1] == ["Ensure this value is greater than or equal to 1."]
    assert _clean(event, q, "101")[1] == ["Ensure this value is less than or equal to 100."]
    assert _clean(event, q, "forty")[1] == ["Enter a number."]
    assert _clean(event, q, "NaN")[1] == ["Enter a number."]


def test_date_question_keeps_to_its_window(event):
    q = question(event, QuestionKind.DATE, min_date=date(2027, 1, 1), max_date=date(2027, 12, 31))

    assert _clean(event, q, "2027-03-01")[2] == date(2027, 3, 1)
    assert _clean(event, q, "2026-12-31")[1] == ["Please choose a date on or after 2027-01-01."]
    assert _clean(event, q, "2028-01-01")[1] == ["Please choose a date on or before 2027-12-31."]
    assert _clean(event, q, "tomorrow")[1] == ["Enter a valid date."]


def test_datetime_question_is_typed_in_the_event_zone(event):
    q = question(event, QuestionKind.DATETIME, max_date=date(2027, 3, 1))

    valid, errors, value = _clean(event, q, "2027-03-01T09:30")
    assert valid, errors
    assert value.utcoffset() is not None
    assert value.astimezone(event.tz).hour == 9
    # 23:30 in Berlin on March 1 is still March 1 there (22:30 UTC).
    assert _clean(event, q, "2027-03-01T23:30")[0]
    assert _clean(event, q, "2027-03-02T00:30")[1] == [
        "Please choose a date on or before 2027-03-01."
    ]


def test_url_question_assumes_https(event):
    q = question(event, QuestionKind.URL)

    assert _clean(event, q, "example.com/talk")[2] == "https://example.com/talk"
    assert _clean(event, q, "not a url")[1] == ["Enter a valid URL."]


def test_required_yes_no_takes_both_answers(event):
    q = question(event, QuestionKind.BOOLEAN, required=True)

    assert _clean(event, q, "yes")[2] == "yes"
    assert _clean(event, q, "no")[2] == "no"
    assert _clean(event, q, None)[1] == ["This field is required."]
    assert _clean(event, q, "maybe")[1][0].startswith("Select a valid choice.")


def test_choice_questions_offer_only_their_options(event):
    one = question(event, QuestionKind.CHOICE, options=["S", "M", "L"], required=True)
    several = question(event, QuestionKind.MULTIPLE_CHOICE, options=["Rust", "Go"])
    other = question(EventFactory(), QuestionKind.CHOICE, options=["Theirs"])
    theirs = other.options.get().pk
    m = one.options.get(text="M").pk

    assert _clean(event, one, str(m))[2] == str(m)
    assert _clean(event, one, str(theirs))[1][0].startswith("Select a valid choice.")
    form = _form(
        event, {name(one): str(m), name(several): [str(o.pk) for o in several.options.all()]}
    )
    assert form.is_valid(), form.errors


def test_file_question_checks_the_content_not_the_name(event):
    q = question(event, QuestionKind.FILE, file_types=["pdf"], max_file_size=1)

    def check(content, filename):
        return _clean(event, q, None, {name(q): upload(content, filename)})

    assert check(PDF, "slides.pdf")[0]
    assert check(PNG, "picture.pdf")[1] == ["This file is not of an allowed type. Allowed: PDF."]
    assert check(b"MZ\x90\x00 an exe", "virus.pdf")[1][0].startswith("This file is not")
    too_big = PDF + b"0" * (1024 * 1024)
    assert check(too_big, "big.pdf")[1] == ["This file is 1.0 MB; at most 1 MB are allowed."]


def test_text_file_must_be_clean_utf8(event):
    q = question(event, QuestionKind.FILE, file_types=["txt"])

    def check(content):
        return _clean(event, q, None, {name(q): upload(content, "notes.txt", "text/plain")})[0]

    assert check("Grüße, 世界\n".encode())
    assert not check(b"\xff\xfe broken")
    assert not check(b"bell \x07")
    assert not check(PDF.replace(b"%PDF", b"%PDX") + b"\x00")


def test_required_question_is_required_only_when_submitting(event):
    q = question(event, QuestionKind.TEXT, required=True)

    assert not _form(event, {}, submitting=True).is_valid()
    assert _form(event, {}, submitting=False).is_valid()
    assert _form(event, {name(q): "answer"}).is_valid()


def test_limited_question_is_not_required_for_another_track(event):
    from tests.factories import TrackFactory

    dev, ops = TrackFactory(event=event), TrackFactory(event=event)
    q = question(event, QuestionKind.TEXT, required=True, tracks=[dev])

    assert not _form(event, {}, track_id=dev.pk).is_valid()
    form = _form(event, {name(q): "kept?"}, track_id=ops.pk)
    assert form.is_valid()
    assert form.answer_values() == {}
    assert form.not_applying() == [q.pk]


def test_speaker_questions_are_apart_from_proposal_questions(event):
    question(event, target=QuestionTarget.SPEAKER, text="T-shirt size?")
    question(event, target=QuestionTarget.REVIEWER, text="Would you attend?")
    question(event, text="Video?", active=False)
    question(event, text="Benefits?")

    loaded = questions_load(event)

    assert [q.question for q in loaded.proposal] == ["Benefits?"]
    assert [q.question for q in loaded.speaker] == ["T-shirt size?"]
    assert Answer.objects.count() == 0


def test_a_question_of_another_track_is_not_checked(event):
    from tests.factories import TrackFactory

    dev, ops = TrackFactory(event=event), TrackFactory(event=event)
    q = question(event, QuestionKind.NUMBER, tracks=[dev])

    assert not _form(event, {name(q): "abc"}, track_id=dev.pk).is_valid()
    form = _form(event, {name(q): "abc"}, track_id=ops.pk)
    assert form.is_valid(), form.errors
    assert form.answer_values() == {}


def test_a_question_limited_to_a_submission_type_applies_only_to_it(event):
    from tests.factories import SubmissionTypeFactory

    talk, panel = SubmissionTypeFactory(event=event), SubmissionTypeFactory(event=event)
    q = question(event, QuestionKind.TEXT, required=True, types=[panel])

    assert _form(event, {}, type_id=talk.pk).is_valid()
    assert not _form(event, {}, type_id=panel.pk).is_valid()
    unchosen = _form(event, {name(q): "x"}, type_id=None)
    assert unchosen.is_valid() and unchosen.not_applying() == [q.pk]
