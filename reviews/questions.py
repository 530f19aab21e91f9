"""The event's questions to reviewers, asked on the review form and read with the reviews.

The fields follow the rules of the speakers' question fields (each kind's limits, clean
one-line text, numbers and dates in range); reviewers answer no file questions. Values are
stored as cfp.answers reads them: text as typed, numbers normalised ("42", "3.5"), dates
ISO, moments ISO in UTC, yes/no as "yes"/"no", choices as options.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC
from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _

from cfp import answers
from cfp.enums import CHOICE_KINDS, QuestionKind, QuestionTarget
from cfp.models import Event, Question, QuestionOption
from cfp.models.questions import ANSWER_MAX
from reviews.models import Review, ReviewAnswer
from speakers.fields import MultilineTextField
from speakers.validators import (
    validate_clean_text,
    validate_no_markup,
    validate_one_line_text,
)

TEXT_MAX = 300
FIELD_PREFIX = "question_"


class EventDateTimeField(forms.DateTimeField):
    """A date and time typed on the event's clock (not the browser's, not the server's)."""

    def __init__(self, zone, **kwargs):
        super().__init__(**kwargs)
        self.zone = zone

    def to_python(self, value):
        # Django reads a typed time in the current time zone: here, the event's.
        with timezone.override(self.zone):
            return super().to_python(value)


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


def own_answers(review: Review | None) -> dict[int, ReviewAnswer]:
    """A review's answers by question, with their options: two queries (none without a
    review)."""
    if review is None:
        return {}
    rows = list(ReviewAnswer.objects.filter(review=review))
    chosen = defaultdict(list)
    for row in ReviewAnswer.options.through.objects.filter(reviewanswer__review=review):
        chosen[row.reviewanswer_id].append(row.questionoption_id)
    for row in rows:
        row.chosen_ids = chosen[row.pk]
    return {row.question_id: row for row in rows}


def field_name(question: Question) -> str:
    return f"{FIELD_PREFIX}{question.pk}"


def _required(question: Question) -> dict:
    return {"required": _("Please answer “%(question)s”.") % {"question": question.question}}


def question_field(question: Question, event: Event) -> forms.Field:
    """A form field for a non-file question, with the question's limits."""
    common = {
        "label": question.question,
        "required": question.required,
        "help_text": question.help_text,
    }
    messages = _required(question)
    kind = question.kind
    if kind == QuestionKind.LONG_TEXT:
        longest = min(question.max_length or ANSWER_MAX, ANSWER_MAX)
        return MultilineTextField(
            **common,
            min_length=question.min_length,
            max_length=longest,
            validators=[validate_clean_text],
            widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
            error_messages=messages,
        )
    if kind in (QuestionKind.TEXT, QuestionKind.URL):
        longest = min(question.max_length or TEXT_MAX, TEXT_MAX)
        field_class = forms.URLField if kind == QuestionKind.URL else forms.CharField
        extra = {"assume_scheme": "https"} if kind == QuestionKind.URL else {}
        field = field_class(
            **common,
            min_length=question.min_length if kind == QuestionKind.TEXT else None,
            max_length=longest,
            validators=[validate_one_line_text, validate_clean_text]
            + ([validate_no_markup] if kind == QuestionKind.TEXT else []),
            error_messages=messages,
            **extra,
        )
        field.widget.attrs["size"] = 60
        return field
    if kind == QuestionKind.NUMBER:
        return forms.DecimalField(
            **common,
            min_value=question.min_number,
            max_value=question.max_number,
            max_digits=15,
            decimal_places=4,
            error_messages=messages,
        )
    if kind == QuestionKind.DATE:
        field = forms.DateField(
            **common, widget=forms.DateInput(attrs={"type": "date"}), error_messages=messages
        )
        _date_limits(field, question)
        return field
    if kind == QuestionKind.DATETIME:
        zone = event.timezone
        help_text = f"{question.help_text} ({zone})" if question.help_text else zone
        return EventDateTimeField(
            event.tz,
            **{**common, "help_text": help_text},
            widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            error_messages=messages,
        )
    if kind == QuestionKind.BOOLEAN:
        choices = [("yes", _("Yes")), ("no", _("No"))]
        return forms.ChoiceField(
            **common,
            choices=choices if question.required else [("", _("No answer")), *choices],
            widget=forms.RadioSelect(attrs={"class": "radiolist inline"}),
            error_messages=messages,
        )
    listed = getattr(question, "option_list", None)
    if listed is None:
        listed = list(question.options.all())
    options = [(str(option.pk), option.text) for option in listed]
    if kind == QuestionKind.MULTIPLE_CHOICE:
        return forms.MultipleChoiceField(
            **common,
            choices=options,
            widget=forms.CheckboxSelectMultiple,
            error_messages=messages,
        )
    return forms.ChoiceField(
        **common,
        choices=options if question.required else [("", _("No answer")), *options],
        widget=forms.RadioSelect(attrs={"class": "radiolist"}),
        error_messages=messages,
    )


def _date_limits(field: forms.DateField, question: Question) -> None:
    def in_window(value):
        if value is None:
            return
        if question.min_date and value < question.min_date:
            raise forms.ValidationError(
                _("Please give a date on or after %(date)s.") % {"date": question.min_date}
            )
        if question.max_date and value > question.max_date:
            raise forms.ValidationError(
                _("Please give a date on or before %(date)s.") % {"date": question.max_date}
            )

    field.validators.append(in_window)


def stored(question: Question, cleaned, event: Event) -> tuple[str, list[int]] | None:
    """(value, option ids) to store for a cleaned field value; None for no answer."""
    kind = question.kind
    if cleaned in (None, "", []):
        return None
    if kind in CHOICE_KINDS:
        chosen = cleaned if isinstance(cleaned, list) else [cleaned]
        return "", [int(pk) for pk in chosen]
    if kind == QuestionKind.NUMBER:
        return answers.format_number(str(Decimal(cleaned))), []
    if kind == QuestionKind.DATE:
        return cleaned.isoformat(), []
    if kind == QuestionKind.DATETIME:
        moment = cleaned
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment, event.tz)
        return moment.astimezone(UTC).isoformat(), []
    return str(cleaned), []


def initial(question: Question, answer: ReviewAnswer | None, event: Event):
    """What the form shows for a stored answer."""
    if answer is None:
        return None
    kind = question.kind
    if kind in CHOICE_KINDS:
        chosen = [str(pk) for pk in answer.chosen_ids]
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


def review_answers(reviews: list[Review], event: Event) -> dict[int, list[ShownReviewAnswer]]:
    """The answers of some reviews to the event's reviewer questions, as people read them:
    two queries, whatever the number of reviews and questions."""
    rows = list(
        ReviewAnswer.objects.filter(review_id__in=[r.pk for r in reviews] or [0])
        .select_related("question")
        .order_by("question__position", "question_id")
    )
    chosen = defaultdict(list)
    through = ReviewAnswer.options.through.objects.filter(
        reviewanswer__review_id__in=[r.pk for r in reviews] or [0]
    ).select_related("questionoption")
    for row in through:
        chosen[row.reviewanswer_id].append(row.questionoption)
    shown: dict[int, list[ShownReviewAnswer]] = defaultdict(list)
    for row in rows:
        row.chosen_options = chosen.get(row.pk, [])
        shown[row.review_id].append(
            ShownReviewAnswer(
                question_id=row.question_id,
                question=row.question.question,
                text=answers.display_value(row, row.question, event),
                retired=not row.question.active,
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
    rows = (
        ReviewAnswer.objects.filter(review_id__in=list(reviews) or [0])
        .order_by()
        .values_list(
            "pk",
            "review_id",
            "question_id",
            "value",
            "options",
            "options__text",
            "options__position",
        )
    )
    for pk, review_id, question_id, value, option_id, text, position in rows:
        if question_id not in by_pk:
            continue
        answer = found[review_id].get(question_id)
        if answer is None:
            answer = ReviewAnswer(pk=pk, question=by_pk[question_id], value=value)
            answer.chosen_options = []
            found[review_id][question_id] = answer
        if option_id is not None:
            answer.chosen_options.append(QuestionOption(pk=option_id, text=text, position=position))
    for pk, review in reviews.items():
        review.export_answers = found.get(pk, {})
