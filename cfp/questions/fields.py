"""The form field that asks a question, one per kind, with the organizer's limits."""

from datetime import date, datetime
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinLengthValidator, MinValueValidator
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cfp.answers import plain_number
from cfp.enums import CHOICE_KINDS, QuestionKind
from cfp.forms import count_characters_live
from cfp.models.questions import ANSWER_MAX, FILE_TYPES, Answer, Question
from cfp.questions.files import FILE_ACCEPT, FileTypeValidator
from speakers.fields import MultilineTextField
from speakers.validators import validate_clean_text, validate_one_line_text

TEXT_MAX = 500  # a one-line answer, when the organizer sets no limit


URL_MAX = 500


YES, NO = "yes", "no"


class EventDateTimeField(forms.DateTimeField):
    """A date and time typed and shown in the event's time zone."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")

    def __init__(self, *, tz, **kwargs):
        self.tz = tz
        kwargs.setdefault("input_formats", ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"])
        super().__init__(**kwargs)

    def to_python(self, value):
        with timezone.override(self.tz):
            return super().to_python(value)

    def prepare_value(self, value):
        with timezone.override(self.tz):
            return super().prepare_value(value)


def _date_limits(question: Question, tz=None):
    """Validators of the earliest and latest date (for a datetime: its day in the zone)."""

    def day(value):
        return timezone.localtime(value, tz).date() if isinstance(value, datetime) else value

    validators = []
    if question.min_date:
        earliest = question.min_date

        def not_before(value):
            if day(value) < earliest:
                raise ValidationError(
                    _("Please choose a date on or after %(date)s."),
                    code="min_date",
                    params={"date": earliest.isoformat()},
                )

        validators.append(not_before)
    if question.max_date:
        latest = question.max_date

        def not_after(value):
            if day(value) > latest:
                raise ValidationError(
                    _("Please choose a date on or before %(date)s."),
                    code="max_date",
                    params={"date": latest.isoformat()},
                )

        validators.append(not_after)
    return validators


def _text_field(question: Question, *, multiline: bool) -> forms.CharField:
    default = ANSWER_MAX if multiline else TEXT_MAX
    limit = min(question.max_length or default, default)
    validators = [validate_clean_text if multiline else validate_one_line_text]
    if question.min_length:
        validators.append(MinLengthValidator(question.min_length))
    if multiline:
        f = MultilineTextField(
            max_length=limit, validators=validators, widget=forms.Textarea(attrs={"rows": 4})
        )
    else:
        f = forms.CharField(max_length=limit, validators=validators)
    count_characters_live(f)
    return f


def _choices(question: Question, *, optional_radio: bool) -> list:
    options = [(str(o.pk), o.text) for o in question.option_list]
    if optional_radio:
        # A radio cannot be unticked: an optional question offers "no answer" instead.
        return [("", gettext_lazy("No answer")), *options]
    return options


def question_field(question: Question, *, tz) -> forms.Field:
    """The form field that asks this question (required or not is set by the form)."""
    kind = question.kind
    if kind == QuestionKind.TEXT:
        f = _text_field(question, multiline=False)
    elif kind == QuestionKind.LONG_TEXT:
        f = _text_field(question, multiline=True)
    elif kind == QuestionKind.NUMBER:
        f = forms.DecimalField(max_digits=15, decimal_places=4)
        if question.min_number is not None:
            f.validators.append(MinValueValidator(Decimal(plain_number(question.min_number))))
            f.widget.attrs["min"] = plain_number(question.min_number)
        if question.max_number is not None:
            f.validators.append(MaxValueValidator(Decimal(plain_number(question.max_number))))
            f.widget.attrs["max"] = plain_number(question.max_number)
    elif kind == QuestionKind.URL:
        f = forms.URLField(
            max_length=URL_MAX,
            assume_scheme="https",
            validators=[validate_one_line_text],
            widget=forms.URLInput(attrs={"placeholder": "https://"}),
        )
        count_characters_live(f)
    elif kind == QuestionKind.DATE:
        f = forms.DateField(
            widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            input_formats=["%Y-%m-%d"],
            validators=_date_limits(question),
        )
    elif kind == QuestionKind.DATETIME:
        f = EventDateTimeField(tz=tz, validators=_date_limits(question, tz))
    elif kind == QuestionKind.BOOLEAN:
        f = forms.ChoiceField(
            choices=[
                *([("", gettext_lazy("No answer"))] if not question.required else []),
                (YES, gettext_lazy("Yes")),
                (NO, gettext_lazy("No")),
            ],
            widget=forms.RadioSelect,
        )
    elif kind == QuestionKind.CHOICE:
        f = forms.ChoiceField(
            choices=_choices(question, optional_radio=not question.required),
            widget=forms.RadioSelect,
        )
    elif kind == QuestionKind.MULTIPLE_CHOICE:
        f = forms.MultipleChoiceField(
            choices=_choices(question, optional_radio=False), widget=forms.CheckboxSelectMultiple
        )
    elif kind == QuestionKind.FILE:
        types = [t for t in question.file_types if t in FILE_TYPES] or list(FILE_TYPES)
        f = forms.FileField(
            max_length=200,
            validators=[FileTypeValidator(types, question.max_file_size)],
            widget=forms.FileInput(attrs={"accept": ",".join(FILE_ACCEPT[t] for t in types)}),
        )
    else:  # pragma: no cover (every kind is above)
        raise ValueError(f"Unknown question kind {kind}")
    if kind in (QuestionKind.DATE, QuestionKind.DATETIME):
        # The browser's date picker keeps to the window too; the server checks again.
        suffix = "" if kind == QuestionKind.DATE else ("T00:00", "T23:59")
        for attr, day, i in (("min", question.min_date, 0), ("max", question.max_date, 1)):
            if day:
                f.widget.attrs[attr] = day.isoformat() + (suffix[i] if suffix else "")
    f.label = question.question
    f.help_text = question.help_text
    if kind == QuestionKind.FILE:
        limits = _("Allowed: %(types)s; at most %(size)s MB.") % {
            "types": ", ".join(str(FILE_TYPES[t]) for t in types),
            "size": question.max_file_size,
        }
        f.help_text = f"{question.help_text} {limits}".strip()
    return f


def initial_value(question: Question, answer: Answer | None):
    """An answer as its field shows it."""
    if answer is None:
        return None
    kind = question.kind
    if kind in CHOICE_KINDS:
        ids = [str(i) for i in answer.option_ids]
        return ids if kind == QuestionKind.MULTIPLE_CHOICE else (ids[0] if ids else "")
    if kind == QuestionKind.FILE:
        return answer.file or None
    if kind == QuestionKind.DATE and answer.value:
        return date.fromisoformat(answer.value)
    if kind == QuestionKind.DATETIME and answer.value:
        return datetime.fromisoformat(answer.value)
    return answer.value
