"""The reviewer's forms: scoring a proposal, and declaring a conflict of interest."""

from collections.abc import Sequence

from django import forms

from cfp.models import Event, Question
from reviews import questions as reviewer_questions
from reviews.models import Conflict, Criterion, Review
from speakers.fields import MultilineTextField

# Up to this many values a scale is a list of radio buttons; longer scales are a drop-down.
RADIO_LIMIT = 11


class ReviewForm(forms.ModelForm):
    """One score per criterion of the event, a comment for the organizers, feedback.

    The form only validates; `services.review_save` stores the review.
    """

    class Meta:
        model = Review
        fields = ["comment", "feedback"]
        field_classes = {"comment": MultilineTextField, "feedback": MultilineTextField}
        widgets = {
            "comment": forms.Textarea(attrs={"rows": 5, "cols": 80}),
            "feedback": forms.Textarea(attrs={"rows": 4, "cols": 80}),
        }
        help_texts = {"comment": "Organizers and the other reviewers read it; speakers never do."}

    def __init__(
        self,
        *args,
        criteria: list[Criterion],
        questions: Sequence[Question] = (),
        answers: dict | None = None,
        event: Event | None = None,
        read_only: bool = False,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        self.questions = list(questions)
        self.event = event
        given = {}
        if self.instance.pk:
            given = {s.criterion_id: s.value for s in self.instance.scores.all()}
        for criterion in criteria:
            self.fields[self.score_field_name(criterion)] = self._score_field(
                criterion, given.get(criterion.pk)
            )
        for question in self.questions:
            field = reviewer_questions.question_field(question, event)
            field.initial = reviewer_questions.initial(
                question, (answers or {}).get(question.pk), event
            )
            self.fields[reviewer_questions.field_name(question)] = field
        self.order_fields(
            [self.score_field_name(c) for c in criteria]
            + [reviewer_questions.field_name(q) for q in self.questions]
        )
        if read_only:
            for field in self.fields.values():
                field.disabled = True
                if isinstance(field.widget, forms.Textarea):
                    # Read-only rather than greyed out: the text stays easy to read and copy.
                    field.widget.attrs["readonly"] = True

    @staticmethod
    def score_field_name(criterion: Criterion) -> str:
        return f"score_{criterion.pk}"

    @staticmethod
    def _score_field(criterion: Criterion, initial: int | None) -> forms.TypedChoiceField:
        choices = criterion.choices()
        if len(choices) <= RADIO_LIMIT:
            widget = forms.RadioSelect(attrs={"class": "radiolist"})
        else:
            widget = forms.Select
            choices = [("", "Choose a score"), *choices]
        return forms.TypedChoiceField(
            label=criterion.name,
            choices=choices,
            coerce=int,
            widget=widget,
            initial=initial,
            help_text=f"From {criterion.min_score} to {criterion.max_score}.",
            error_messages={
                "required": f"Please score “{criterion.name}”.",
                "invalid_choice": f"“{criterion.name}” is scored from {criterion.min_score} "
                f"to {criterion.max_score}.",
            },
        )

    def score_fields(self) -> list[forms.BoundField]:
        return [self[self.score_field_name(c)] for c in self.criteria]

    def text_fields(self) -> list[forms.BoundField]:
        return [self["comment"], self["feedback"]]

    def question_values(self) -> dict[int, tuple[str, list[int]] | None]:
        """{question id: (value, option ids), or None for no answer}, as review_save takes."""
        return {
            q.pk: reviewer_questions.stored(
                q, self.cleaned_data.get(reviewer_questions.field_name(q)), self.event
            )
            for q in self.questions
        }

    def score_values(self) -> dict[int, int]:
        return {c.pk: self.cleaned_data[self.score_field_name(c)] for c in self.criteria}


class ConflictForm(forms.ModelForm):
    class Meta:
        model = Conflict
        fields = ["reason"]
        labels = {"reason": "Reason (optional)"}
        help_texts = {"reason": "For the organizers, e.g. “we work together”."}
        widgets = {"reason": forms.TextInput(attrs={"size": 60})}
