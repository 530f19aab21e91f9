"""Writing answers, in the storage form of cfp.questions, in a few bulk statements."""

from datetime import UTC

from django.db import transaction
from django.utils import timezone

from cfp.enums import CHOICE_KINDS, QuestionKind
from cfp.models import Event, Proposal
from cfp.models.questions import Answer, Question
from cfp.questions.fields import plain_number

KEEP_FILE = object()  # a file question answered before and not changed


def stored_value(question: Question, value) -> str:
    """A cleaned field value (not a choice or a file) in its stored form."""
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
            answer.value = stored_value(q, value)
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


# Inside the proposal's own transaction (the views, the services): no savepoint of their own.
@transaction.atomic(savepoint=False)
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


@transaction.atomic(savepoint=False)
def speaker_answers_save(
    *, event: Event, speaker, questions: list[Question], values: dict[int, object]
) -> None:
    """Write a speaker's answers for the event (shared by all their proposals of it)."""
    existing = {
        a.question_id: a for a in Answer.objects.filter(speaker=speaker, question__event=event)
    }
    _write_all(questions, values, existing, {"speaker": speaker})
