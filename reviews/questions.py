"""The event's questions to reviewers, asked on the review form and read with the reviews.

The fields are the speakers' question fields (cfp.questions: each kind's limits and
messages); reviewers answer no file questions. Values are stored as every other answer
(cfp.questions.stored_value), and read by cfp.answers.
"""

from collections import defaultdict
from dataclasses import dataclass

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _

from cfp import answers
from cfp import questions as cfp_questions
from cfp.enums import CHOICE_KINDS, QuestionKind, QuestionTarget
from cfp.models import Event, Question, QuestionOption
from reviews.models import Review, ReviewAnswer

FIELD_PREFIX = "question_"


def reviewer_questions(event: Event) -> list[Question]:
    """The event's active questions to reviewers (no file questions), each with its options
    in `option_list`: two queries, with or without questions (a prefetch would skip one)."""
    asked = {"event": event, "target": QuestionTarget.REVIEWER, "active": True}
    questions = list(
        Question.objects.filter(**asked).exclude(kind=QuestionKind.FILE).order_by("position", "pk")
    )
    options = defaultdict(list)
    prefixed = {f"question__{name}": value for name, value in asked.items()}
    for option in QuestionOption.objects.filter(**prefixed).order_by("position", "pk"):
        options[option.question_id].append(option)
    for question in questions:
        question.option_list = options[question.pk]
    return questions


def _read(review_ids: list[int]) -> dict[tuple[int, int], ReviewAnswer]:
    """The answers of these reviews by (review id, question id), each with its `question`
    (text, kind, active: enough to show it) and `chosen_options`: one query, a row per
    chosen option, whatever the numbers."""
    rows = (
        ReviewAnswer.objects.filter(review_id__in=review_ids or [0])
        .order_by("question__position", "question_id", "options__position", "options__pk")
        .values_list(
            "pk",
            "review_id",
            "question_id",
            "value",
            "options",
            "options__text",
            "options__position",
            "question__question",
            "question__kind",
            "question__active",
        )
    )
    questions: dict[int, Question] = {}
    found: dict[tuple[int, int], ReviewAnswer] = {}
    for pk, review_id, question_id, value, option_id, text, place, asked, kind, active in rows:
        answer = found.get((review_id, question_id))
        if answer is None:
            question = questions.setdefault(
                question_id, Question(pk=question_id, question=asked, kind=kind, active=active)
            )
            answer = ReviewAnswer(pk=pk, review_id=review_id, question=question, value=value)
            answer.chosen_options = []
            found[(review_id, question_id)] = answer
        if option_id is not None:
            answer.chosen_options.append(QuestionOption(pk=option_id, text=text, position=place))
    return found


def read_answers(reviews: list[Review]) -> dict[tuple[int, int], ReviewAnswer]:
    """The answers of these reviews, for own_answers and review_answers to share: one query
    for a page that shows a reviewer's own review and the others'."""
    return _read([review.pk for review in reviews])


def own_answers(review: Review | None, found=None) -> dict[int, ReviewAnswer]:
    """A review's answers by question, with their chosen options: one query (none with
    `found`, from read_answers), none without a review."""
    if review is None:
        return {}
    found = _read([review.pk]) if found is None else found
    return {
        question_id: answer
        for (review_id, question_id), answer in found.items()
        if review_id == review.pk
    }


def field_name(question: Question) -> str:
    return f"{FIELD_PREFIX}{question.pk}"


def question_field(question: Question, event: Event) -> forms.Field:
    """A form field for a non-file question: the speakers' field of its kind, with the
    question's limits and the same messages (cfp.questions)."""
    field = cfp_questions.question_field(question, tz=event.tz)
    field.required = question.required
    return field


def stored(question: Question, cleaned, event: Event) -> tuple[str, list[int]] | None:
    """(value, option ids) to store for a cleaned field value; None for no answer."""
    kind = question.kind
    if cleaned in (None, "", []):
        return None
    if kind in CHOICE_KINDS:
        chosen = cleaned if isinstance(cleaned, list) else [cleaned]
        return "", [int(pk) for pk in chosen]
    if kind == QuestionKind.DATETIME and timezone.is_naive(cleaned):
        cleaned = timezone.make_aware(cleaned, event.tz)
    return cfp_questions.stored_value(question, cleaned), []


def initial(question: Question, answer: ReviewAnswer | None, event: Event):
    """What the form shows for a stored answer."""
    if answer is None:
        return None
    kind = question.kind
    if kind in CHOICE_KINDS:
        chosen = [str(option.pk) for option in answer.chosen_options]
        if kind == QuestionKind.MULTIPLE_CHOICE:
            return chosen
        return chosen[0] if chosen else None
    if kind == QuestionKind.DATETIME:
        moment = answers.parse_moment(answer.value)
        return timezone.localtime(moment, event.tz).replace(tzinfo=None) if moment else None
    return answer.value


@dataclass(frozen=True)
class ShownReviewAnswer:
    question_id: int
    question: str
    text: str
    retired: bool


def review_answers(
    reviews: list[Review], event: Event, found=None
) -> dict[int, list[ShownReviewAnswer]]:
    """The answers of some reviews to the event's reviewer questions, as people read them:
    one query (a row per chosen option), whatever the number of reviews and questions; none
    with `found` (read_answers of these reviews, or of more)."""
    found = read_answers(reviews) if found is None else found
    wanted = {review.pk for review in reviews}
    shown: dict[int, list[ShownReviewAnswer]] = defaultdict(list)
    for (review_id, question_id), answer in found.items():
        if review_id not in wanted:
            continue
        question = answer.question
        shown[review_id].append(
            ShownReviewAnswer(
                question_id=question_id,
                question=question.question,
                text=answers.display_value(answer, question, event),
                retired=not question.active,
            )
        )
    return shown


def answer_rows(reviews: list[Review], event: Event) -> list[dict]:
    """Rows for a side-by-side table of reviews: one per question answered in any of them,
    {"label": question, "cells": [answer text or None per review]}."""
    found = review_answers(reviews, event)
    labels: dict[int, str] = {}
    for review in reviews:
        for answer in found.get(review.pk, []):
            retired = f" ({_('retired')})" if answer.retired else ""
            labels.setdefault(answer.question_id, answer.question + retired)
    texts = {
        review.pk: {answer.question_id: answer.text for answer in found.get(review.pk, [])}
        for review in reviews
    }
    return [
        {"label": label, "cells": [texts[r.pk].get(question_id) for r in reviews]}
        for question_id, label in labels.items()
    ]


def export_questions(event: Event) -> list[Question]:
    """The event's questions to reviewers that make columns in the reviews export, by
    position (retired ones too: their answers stay)."""
    return list(
        Question.objects.filter(event=event, target=QuestionTarget.REVIEWER).order_by(
            "position", "pk"
        )
    )


def attach_review_answers(proposals: list, questions: list[Question]) -> None:
    """Give each prefetched review of the proposals `export_answers` ({question id: answer
    with its chosen options}): one query (a row per chosen option), whatever the numbers."""
    by_pk = {question.pk: question for question in questions}
    reviews = {review.pk: review for p in proposals for review in p.reviews.all()}
    found: dict[int, dict[int, ReviewAnswer]] = defaultdict(dict)
    for (review_id, question_id), answer in _read(list(reviews)).items():
        if question_id in by_pk:
            answer.question = by_pk[question_id]
            found[review_id][question_id] = answer
    for pk, review in reviews.items():
        review.export_answers = found.get(pk, {})
