"""Answers to an event's questions in the API: the values as stored (cfp.questions), for
programs, with who may see which decided by cfp.answers (`visible`, `may_open_file`), the
rules of the pages. Two queries, however many answers."""

from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Q
from django.urls import reverse

from cfp import answers
from cfp.enums import CHOICE_KINDS, QuestionKind
from cfp.models import Answer, Event


def read(
    viewer: answers.Viewer,
    *,
    event: Event,
    proposal_ids: Iterable[int] = (),
    speaker_ids: Iterable[int] = (),
) -> list[Answer]:
    """The answers the viewer may see: of these proposals, and these speakers' answers to
    the event's speaker questions; each with `chosen_options`. Two queries."""
    owners = Q(proposal_id__in=list(proposal_ids)) | Q(speaker_id__in=list(speaker_ids))
    found = list(
        Answer.objects.filter(answers.visible(viewer), question__event=event)
        .filter(owners)
        .select_related("question")
        .order_by("question__position", "question_id", "speaker_id")
    )
    chosen = defaultdict(list)
    rows = Answer.options.through.objects.filter(
        answer_id__in=[a.pk for a in found] or [0]
    ).select_related("questionoption")
    for row in rows:
        chosen[row.answer_id].append(row.questionoption)
    for answer in found:
        answer.chosen_options = sorted(chosen[answer.pk], key=lambda o: (o.position, o.pk))
    return found


def value_of(
    answer: Answer, viewer: answers.Viewer, *, event: Event, file_url=answers.file_url
) -> dict:
    """One answer as the API gives it: the stored value, the chosen options, or the file
    (its name and address only where the viewer may open it)."""
    question = answer.question
    item = {
        "question_id": question.pk,
        "question": question.question,
        "kind": question.kind,
        "value": None,
        "options": [],
        "file_name": None,
        "file_url": None,
    }
    if question.kind in CHOICE_KINDS:
        item["options"] = [{"id": o.pk, "text": o.text} for o in answer.chosen_options]
    elif question.kind == QuestionKind.FILE:
        if answers.may_open_file(question, viewer, speaker_id=answer.speaker_id) and answer.file:
            item["file_name"] = answer.file_name
            item["file_url"] = file_url(answer, event)
    else:
        item["value"] = answer.value
    return item


def review_file_url(proposal_pk: int):
    """Where a reviewer opens an answer's file: their review page's link (reviews.admin)."""

    def url_for(answer: Answer, event) -> str:
        return reverse("admin:reviews_reviewqueueitem_answer_file", args=[proposal_pk, answer.pk])

    return url_for
