"""The event's own questions on the proposal form: their fields, reading and writing answers.

How an answer is stored (every page, export and the API rely on it):
text, long_text, url: the text; number: the decimal as a string, normalised ("42", "3.5");
date: ISO "YYYY-MM-DD"; datetime: ISO 8601 in UTC, shown and typed in the event's zone;
boolean: "yes" or "no"; choice and multiple_choice: the `options`, value ""; file: `file`
(a random name in the private storage) and `file_name` (the uploader's name), value "".
An unanswered question has no Answer row: clearing an answer deletes it.

Questions are read with `questions_load` and answers with `answers_load`, each in a fixed
number of queries however many questions there are.
"""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinLengthValidator, MinValueValidator
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cfp.enums import ACTIVE_STATES, CHOICE_KINDS, QuestionKind, QuestionTarget
from cfp.forms import count_characters_live
from cfp.models import Event, Proposal, ProposalSpeaker
from cfp.models.questions import ANSWER_MAX, FILE_TYPES, Answer, Question, QuestionOption
from speakers.fields import MultilineTextField
from speakers.validators import validate_clean_text, validate_one_line_text

TEXT_MAX = 500  # a one-line answer, when the organizer sets no limit
URL_MAX = 500
YES, NO = "yes", "no"
FIELD_PREFIX = "question_"
# Each type as the browser's file picker filters it; the server checks the content.
FILE_ACCEPT = {
    "pdf": ".pdf,application/pdf",
    "png": ".png,image/png",
    "jpeg": ".jpg,.jpeg,image/jpeg",
    "gif": ".gif,image/gif",
    "webp": ".webp,image/webp",
    "txt": ".txt,text/plain",
}


# --- reading ------------------------------------------------------------------------------


@dataclass
class LoadedQuestions:
    """An event's active proposal and speaker questions, with their options and limits."""

    proposal: list[Question] = field(default_factory=list)
    speaker: list[Question] = field(default_factory=list)


def _attach_limits(questions: list[Question], scope=None) -> None:
    """Options, track ids and type ids on each question: three queries, whatever the count
    (`scope`, a subquery of the questions' ids, keeps them when there are none)."""
    by_id = {q.pk: q for q in questions}
    ids = scope if scope is not None else list(by_id)
    for q in questions:
        q.option_list, q.track_ids, q.type_ids = [], set(), set()
    for option in QuestionOption.objects.filter(question_id__in=ids):
        by_id[option.question_id].option_list.append(option)
    for qid, tid in Question.tracks.through.objects.filter(question_id__in=ids).values_list(
        "question_id", "track_id"
    ):
        by_id[qid].track_ids.add(tid)
    for qid, tid in Question.submission_types.through.objects.filter(
        question_id__in=ids
    ).values_list("question_id", "submissiontype_id"):
        by_id[qid].type_ids.add(tid)


def questions_load(event: Event) -> LoadedQuestions:
    """The questions the proposal form asks for this event (four queries)."""
    asked = Question.objects.filter(
        event=event,
        active=True,
        target__in=(QuestionTarget.PROPOSAL, QuestionTarget.SPEAKER),
    )
    questions = list(asked)
    _attach_limits(questions, asked.values("pk"))
    loaded = LoadedQuestions()
    for q in questions:
        getattr(loaded, q.target).append(q)
    return loaded


def applies(question: Question, track_id: int | None, type_id: int | None) -> bool:
    """A question limited to tracks or types applies when the proposal chose one of them."""
    if question.track_ids and track_id not in question.track_ids:
        return False
    return not (question.type_ids and type_id not in question.type_ids)


def answers_load(
    *, event: Event, proposal: Proposal | None, speaker
) -> tuple[dict[int, Answer], dict[int, Answer]]:
    """The proposal's answers and the speaker's answers for this event, by question id, each
    with `option_ids` (two queries)."""
    condition = Q(speaker=speaker, question__event=event) if speaker is not None else Q(pk=None)
    if proposal is not None and proposal.pk is not None:
        condition |= Q(proposal=proposal)
    given = Answer.objects.filter(condition)
    answers = list(given)
    by_id = {a.pk: a for a in answers}
    for a in answers:
        a.option_ids = []
    for aid, oid in (
        Answer.options.through.objects.filter(answer_id__in=given.values("pk"))
        .order_by("questionoption__position", "questionoption_id")
        .values_list("answer_id", "questionoption_id")
    ):
        by_id[aid].option_ids.append(oid)
    own = {a.question_id: a for a in answers if a.proposal_id is not None}
    mine = {a.question_id: a for a in answers if a.speaker_id is not None}
    return own, mine


# --- checking files by their content ------------------------------------------------------


def _is_text(content: bytes) -> bool:
    try:
        validate_clean_text(content.decode("utf-8"))
    except (UnicodeDecodeError, ValidationError):
        return False
    return True


def file_type_of(content: bytes) -> str | None:
    """The FILE_TYPES key this content is, read from its first bytes (not from its name)."""
    if content.startswith(b"%PDF-"):
        return "pdf"
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if content.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if content[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return "webp"
    if content and _is_text(content):
        return "txt"
    return None


class FileTypeValidator:
    """A file of an allowed type (by content) and no larger than the limit."""

    def __init__(self, types: list[str], max_mb: int):
        self.types = [t for t in types if t in FILE_TYPES] or list(FILE_TYPES)
        self.max_mb = max_mb

    def __call__(self, upload) -> None:
        if upload.size > self.max_mb * 1024 * 1024:
            raise ValidationError(
                _("This file is %(size)s MB; at most %(limit)s MB are allowed."),
                code="file_too_large",
                params={"size": f"{upload.size / 1024 / 1024:.1f}", "limit": self.max_mb},
            )
        upload.seek(0)
        # Text must be read whole to be known as text; the size is already bounded.
        content = upload.read() if "txt" in self.types else upload.read(16)
        upload.seek(0)
        if file_type_of(content) not in self.types:
            raise ValidationError(
                _("This file is not of an allowed type. Allowed: %(types)s."),
                code="file_type",
                params={"types": ", ".join(str(FILE_TYPES[t]) for t in self.types)},
            )


# --- the fields -----------------------------------------------------------------------------


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


KEEP_FILE = object()  # a file question answered before and not changed


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
            if read_only:
                f.disabled = True
            self.fields[name] = f
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

    def rows(self):
        """Each question's bound field with its wrapper's data attributes, for the page."""
        return [(self[name], attrs) for name, attrs in self.wrappers()]

    def answer_values(self) -> dict[int, object]:
        """Question id → the cleaned answer (None: no answer) for the questions that apply;
        a file question whose file is unchanged gives KEEP_FILE."""
        values = {}
        for q in self.questions:
            if not applies(q, self.track_id, self.type_id):
                continue
            value = self.cleaned_data.get(field_name(q))
            if q.kind == QuestionKind.FILE and value is not None and not _is_upload(value):
                value = KEEP_FILE
            values[q.pk] = value
        return values

    def not_applying(self) -> list[int]:
        return [q.pk for q in self.questions if not applies(q, self.track_id, self.type_id)]


def _is_upload(value) -> bool:
    return hasattr(value, "content_type") or hasattr(value, "temporary_file_path")


def field_name(question: Question) -> str:
    return f"{FIELD_PREFIX}{question.pk}"


# --- writing ----------------------------------------------------------------------------------


def plain_number(value) -> str:
    """A decimal as people write it: "42", "3.5" (not "42.0000" nor "4.2E+1")."""
    return format(Decimal(value).normalize(), "f")


def _stored_value(question: Question, value) -> str:
    kind = question.kind
    if kind == QuestionKind.NUMBER:
        return plain_number(value)
    if kind == QuestionKind.DATE:
        return value.isoformat()
    if kind == QuestionKind.DATETIME:
        return value.astimezone(UTC).isoformat()
    return str(value)


def _is_empty(value) -> bool:
    return value is None or value == "" or value == [] or value is False


def _forget_file(answer: Answer) -> None:
    """The answer's stored file goes once the change is committed (never before: a rollback
    would leave an answer without its file)."""
    if answer.pk is None or not answer.file:
        return
    name, storage = answer.file.name, answer.file.storage
    transaction.on_commit(lambda: storage.delete(name))


def _write_all(
    questions: list[Question],
    values: dict[int, object],
    existing: dict[int, Answer],
    owner: dict,
    drop: list[int] = (),
) -> None:
    """Create, change and delete answers in a few statements, however many there are."""
    now = timezone.now()
    created, changed, deleted, chosen = [], [], [], []
    for q in questions:
        if q.pk not in values or values[q.pk] is KEEP_FILE:
            continue
        value, answer = values[q.pk], existing.get(q.pk)
        if _is_empty(value):
            if answer is not None:
                deleted.append(answer)
            continue
        if answer is None:
            answer = Answer(question=q, **owner)
            created.append(answer)
        else:
            changed.append(answer)
        answer.updated_at = now
        answer.value = ""
        if q.kind in CHOICE_KINDS:
            ids = {str(i) for i in (value if isinstance(value, list) else [value])}
            chosen.append((answer, [o.pk for o in q.option_list if str(o.pk) in ids]))
        elif q.kind == QuestionKind.FILE:
            _forget_file(answer)
            answer.file_name = (value.name or "")[:200]
            answer.file.save(value.name or "file", value, save=False)
        else:
            answer.value = _stored_value(q, value)
    deleted += [existing[qid] for qid in drop if qid in existing]
    for answer in deleted:
        _forget_file(answer)
    if deleted:
        Answer.objects.filter(pk__in=[a.pk for a in deleted]).delete()
    Answer.objects.bulk_create(created)
    if changed:
        Answer.objects.bulk_update(changed, ["value", "file", "file_name", "updated_at"])
    through = Answer.options.through
    renewed = [a.pk for a, _ in chosen if a not in created]
    if renewed:
        through.objects.filter(answer_id__in=renewed).delete()
    through.objects.bulk_create(
        [through(answer_id=a.pk, questionoption_id=o) for a, ids in chosen for o in ids]
    )


@transaction.atomic
def answers_save(
    *,
    proposal: Proposal,
    questions: list[Question],
    values: dict[int, object],
    not_applying: list[int] = (),
) -> None:
    """Write a proposal's answers: `values` maps question ids to cleaned answers (None: no
    answer; KEEP_FILE: the file stays). Answers to questions that no longer apply to its
    track or type are deleted. A fixed number of statements, whatever the count."""
    existing = {a.question_id: a for a in Answer.objects.filter(proposal=proposal)}
    _write_all(questions, values, existing, {"proposal": proposal}, list(not_applying))


@transaction.atomic
def speaker_answers_save(
    *, event: Event, speaker, questions: list[Question], values: dict[int, object]
) -> None:
    """Write a speaker's answers for the event (shared by all their proposals of it)."""
    existing = {
        a.question_id: a for a in Answer.objects.filter(speaker=speaker, question__event=event)
    }
    _write_all(questions, values, existing, {"speaker": speaker})


# --- who still owes an answer -------------------------------------------------------------


def missing_answers(questions: list[Question]) -> dict[int, list[Proposal]]:
    """For each required question (with its limits loaded): the submitted (or later)
    proposals that lack an answer to it, or one of whose speakers does (a speaker question).
    Four queries, whatever the number of questions and proposals."""
    required = [q for q in questions if q.required and q.target != QuestionTarget.REVIEWER]
    result: dict[int, list[Proposal]] = {q.pk: [] for q in required}
    event_ids = {q.event_id for q in required}
    proposals = list(
        Proposal.objects.filter(event_id__in=event_ids, state__in=ACTIVE_STATES)
        .only("pk", "title", "code", "event_id", "track_id", "submission_type_id", "state")
        .order_by("title", "pk")
    )
    ids = [q.pk for q in required]
    answered = set(
        Answer.objects.filter(question_id__in=ids)
        .exclude(proposal=None)
        .values_list("question_id", "proposal_id")
    )
    speakers: dict[int, list[int]] = {}
    for pid, uid in ProposalSpeaker.objects.filter(
        proposal__event_id__in=event_ids, proposal__state__in=ACTIVE_STATES
    ).values_list("proposal_id", "user_id"):
        speakers.setdefault(pid, []).append(uid)
    answered_by = set(
        Answer.objects.filter(question_id__in=ids)
        .exclude(speaker=None)
        .values_list("question_id", "speaker_id")
    )
    for q in required:
        for p in proposals:
            if p.event_id != q.event_id or not applies(q, p.track_id, p.submission_type_id):
                continue
            if q.target == QuestionTarget.PROPOSAL:
                lacking = (q.pk, p.pk) not in answered
            else:
                lacking = any((q.pk, uid) not in answered_by for uid in speakers.get(p.pk, ()))
            if lacking:
                result[q.pk].append(p)
    return result


def proposals_missing_answers(event: Event) -> dict[Proposal, list[Question]]:
    """The event's submitted (or later) proposals that lack a required answer, with the
    questions each lacks (eight queries)."""
    questions = list(
        Question.objects.filter(event=event, active=True, required=True).exclude(
            target=QuestionTarget.REVIEWER
        )
    )
    _attach_limits(questions)
    by_proposal: dict[Proposal, list[Question]] = {}
    lacking = missing_answers(questions)
    for q in questions:
        for p in lacking.get(q.pk, ()):
            by_proposal.setdefault(p, []).append(q)
    return by_proposal


def questions_with_limits(questions: list[Question]) -> list[Question]:
    """Load options and track/type limits onto questions read elsewhere (three queries)."""
    _attach_limits(questions)
    return questions


# --- the proposal form's two sets of questions ----------------------------------------------


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
