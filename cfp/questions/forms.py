"""The proposal form's questions: the proposal's own, and "About you" for the speaker."""

from dataclasses import dataclass

from django import forms
from django.utils.html import escape
from django.utils.translation import gettext as _

from cfp.enums import QuestionKind
from cfp.models import Event, Proposal
from cfp.models.questions import Answer, Question
from cfp.questions.fields import initial_value, question_field
from cfp.questions.selectors import answers_load, applies, questions_load
from cfp.questions.services import KEEP_FILE, answers_save, speaker_answers_save

FIELD_PREFIX = "question_"
CLEAR = "_remove"  # the box beside an optional file question's current file


class QuestionsForm(forms.Form):
    """The questions of one target (proposal or speaker) for the proposal's track and type.

    Questions that do not apply to the chosen track or type are neither required nor
    returned by `answer_values`; the page hides them in the browser (static/js/questions.js).
    """

    def __init__(
        self,
        data=None,
        files=None,
        *,
        event: Event,
        questions: list[Question],
        answers: dict[int, Answer],
        track_id: int | None = None,
        type_id: int | None = None,
        submitting: bool = True,
        read_only: bool = False,
    ):
        super().__init__(data, files)
        self.event = event
        self.questions = questions
        self.answers = answers
        self.track_id, self.type_id = track_id, type_id
        for q in questions:
            name = field_name(q)
            f = question_field(q, tz=event.tz)
            # Unbound, the page marks every required question (the script hides those of
            # other tracks); bound, only those that apply to the chosen track are required.
            applicable = applies(q, track_id, type_id) if self.is_bound else True
            f.required = q.required and submitting and applicable
            if q.required:
                f.widget.attrs["data-required-to-submit"] = "1"
            if q.kind == QuestionKind.FILE and q.pk in answers and answers[q.pk].file:
                current = _("Current file: %(name)s. A new file replaces it.") % {
                    "name": answers[q.pk].file_name
                }
                f.help_text = f"{f.help_text} {current}".strip()
            # Rendered as HTML by the form templates: the organizer's words and the
            # speaker's file name are text.
            f.help_text = escape(f.help_text)
            if read_only:
                f.disabled = True
            self.fields[name] = f
            if q.kind == QuestionKind.FILE and not q.required and answers.get(q.pk):
                self.fields[name + CLEAR] = forms.BooleanField(
                    label=_("Remove the file %(name)s") % {"name": answers[q.pk].file_name},
                    required=False,
                    disabled=read_only,
                )
            self.initial[name] = initial_value(q, answers.get(q.pk))

    def wrappers(self):
        """Each question's field name with its wrapper's data attributes for the script."""
        for q in self.questions:
            attrs = {}
            if q.track_ids:
                attrs["data-tracks"] = " ".join(str(i) for i in sorted(q.track_ids))
            if q.type_ids:
                attrs["data-types"] = " ".join(str(i) for i in sorted(q.type_ids))
            yield field_name(q), attrs

    def full_clean(self):
        super().full_clean()
        # A question of another track is neither required nor checked: what the page
        # kept in it (without the script, nothing hides it) is not stored either.
        for q in self.questions:
            if self._errors is not None and not applies(q, self.track_id, self.type_id):
                self._errors.pop(field_name(q), None)
                self._errors.pop(field_name(q) + CLEAR, None)

    def rows(self):
        """Each question's bound fields (the answer, and a box to remove a file) with its
        wrapper's data attributes, for the page."""
        return [
            ([self[n] for n in (name, name + CLEAR) if n in self.fields], attrs)
            for name, attrs in self.wrappers()
        ]

    def answer_values(self) -> dict[int, object]:
        """Question id → the cleaned answer (None: no answer) for the questions that apply;
        a file question whose file is unchanged gives KEEP_FILE."""
        values = {}
        for q in self.questions:
            if not applies(q, self.track_id, self.type_id):
                continue
            value = self.cleaned_data.get(field_name(q))
            if q.kind == QuestionKind.FILE and value is not None and not _is_upload(value):
                value = None if self.cleaned_data.get(field_name(q) + CLEAR) else KEEP_FILE
            values[q.pk] = value
        return values

    def not_applying(self) -> list[int]:
        return [q.pk for q in self.questions if not applies(q, self.track_id, self.type_id)]


def _is_upload(value) -> bool:
    return hasattr(value, "content_type") or hasattr(value, "temporary_file_path")


def field_name(question: Question) -> str:
    return f"{FIELD_PREFIX}{question.pk}"


def _chosen_id(data, name: str, default: int | None) -> int | None:
    if data is None:
        return default
    try:
        return int(data.get(name) or "") or None
    except (TypeError, ValueError):
        return None  # not a choice: the proposal form refuses it


@dataclass
class ProposalQuestions:
    """The proposal form's questions: the proposal's own, and "About you" for the speaker."""

    proposal: QuestionsForm
    speaker: QuestionsForm

    def is_valid(self) -> bool:
        return all([self.proposal.is_valid(), self.speaker.is_valid()])

    def __iter__(self):
        return iter((self.proposal, self.speaker))

    def save(self, *, proposal: Proposal, speaker) -> None:
        """Store the answers of both forms (valid), in the caller's transaction: the
        proposal's own, and the speaker's "About you" ones for the event."""
        answers_save(
            proposal=proposal,
            questions=self.proposal.questions,
            values=self.proposal.answer_values(),
            not_applying=self.proposal.not_applying(),
        )
        speaker_answers_save(
            event=proposal.event,
            speaker=speaker,
            questions=self.speaker.questions,
            values=self.speaker.answer_values(),
        )


def proposal_questions(
    data=None,
    files=None,
    *,
    event: Event,
    proposal: Proposal | None,
    speaker,
    submitting: bool = True,
    read_only: bool = False,
) -> ProposalQuestions:
    """Both question forms of the proposal form, read in six queries; the track and type
    chosen in `data` (else the proposal's) decide which limited questions apply."""
    loaded = questions_load(event)
    own, mine = answers_load(event=event, proposal=proposal, speaker=speaker)
    track_id = _chosen_id(data, "track", proposal.track_id if proposal else None)
    type_id = _chosen_id(data, "submission_type", proposal.submission_type_id if proposal else None)
    common = {
        "event": event,
        "track_id": track_id,
        "type_id": type_id,
        "submitting": submitting,
        "read_only": read_only,
    }
    return ProposalQuestions(
        proposal=QuestionsForm(data, files, questions=loaded.proposal, answers=own, **common),
        speaker=QuestionsForm(data, files, questions=loaded.speaker, answers=mine, **common),
    )
