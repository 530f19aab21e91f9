"""Answers to an event's questions as each viewer may see them: the read side.

Who sees what is decided here, once (`may_see`, `may_open_file`, `may_see_review_answers`),
and the selectors below ask the database only for what the viewer may see: an answer a
reviewer must not read in blind review is never even loaded.

- organizers: every answer, retired questions' too (marked), and every file;
- a speaker of the proposal: its answers and their own speaker answers, with the files;
- reviewers: answers to active questions, in blind review not to identifying ones; a file
  only where its question lets reviewers open files;
- the public: answers to public active questions (never a file), once the talk is in the
  published schedule.

Reviewers' answers to reviewer questions (reviews.ReviewAnswer) are read by the organizers
and by the reviewer who wrote them, and by other reviewers only where the review page shows
them the other reviews.

Every selector costs a fixed number of queries, whatever the number of questions, answers
and proposals.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import PurePosixPath

from django.db.models import Q, QuerySet
from django.http import FileResponse, Http404
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from cfp.enums import QuestionKind, QuestionTarget
from cfp.models import Answer, Event, Proposal, ProposalSpeaker, Question, QuestionOption
from config.media import protect

ORGANIZER = "organizer"
SPEAKER = "speaker"
REVIEWER = "reviewer"
PUBLIC = "public"
SAFE_LINK_SCHEMES = ("https://", "http://")
CHOICE_SEPARATOR = ", "


@dataclass(frozen=True)
class Viewer:
    """Who looks, as far as answers are concerned.

    `blind`: a reviewer of an event that reviews blind. `published`: for the public, the
    talk (or speaker) is in the event's published schedule.
    """

    role: str
    user_id: int | None = None
    blind: bool = False
    published: bool = False


# The public, looking at a talk or speaker of the published schedule.
PUBLISHED = Viewer(PUBLIC, published=True)


# --- the rules ------------------------------------------------------------------------------


def may_see(question: Question, viewer: Viewer, *, speaker_id: int | None = None) -> bool:
    """Whether the viewer may read an answer to the question (a speaker answer's speaker is
    `speaker_id`)."""
    if question.target == QuestionTarget.REVIEWER:
        return False  # answers of reviewers: may_see_review_answers
    if viewer.role == ORGANIZER:
        return True
    if viewer.role == SPEAKER:
        return question.target == QuestionTarget.PROPOSAL or speaker_id == viewer.user_id
    if not question.active:
        return False
    if viewer.role == REVIEWER:
        return not (viewer.blind and question.is_identifying)
    if viewer.role == PUBLIC:
        return viewer.published and question.is_public and question.kind != QuestionKind.FILE
    return False


def may_open_file(question: Question, viewer: Viewer, *, speaker_id: int | None = None) -> bool:
    """Whether the viewer may see an answer's file name and open the file."""
    if question.kind != QuestionKind.FILE or not may_see(question, viewer, speaker_id=speaker_id):
        return False
    if viewer.role == REVIEWER:
        return question.files_visible_to_reviewers
    return viewer.role in (ORGANIZER, SPEAKER)


def may_see_review_answers(*, organizer: bool, author: bool, others_shown: bool) -> bool:
    """Answers to reviewer questions: the organizers, the review's author, and the other
    reviewers where their review page shows them this review."""
    return organizer or author or others_shown


def visible(viewer: Viewer, prefix: str = "question__") -> Q:
    """may_see as a filter on answers (or, with prefix "", on questions), for the database.

    A speaker's own-answers rule needs the answer's speaker: see `_speaker_filter`.
    """

    def field(name: str) -> str:
        return f"{prefix}{name}"

    shown = ~Q(**{field("target"): QuestionTarget.REVIEWER})
    if viewer.role in (ORGANIZER, SPEAKER):
        return shown
    shown &= Q(**{field("active"): True})
    if viewer.role == REVIEWER:
        return shown & ~Q(**{field("is_identifying"): True}) if viewer.blind else shown
    if viewer.role == PUBLIC and viewer.published:
        return shown & Q(**{field("is_public"): True}) & ~Q(**{field("kind"): QuestionKind.FILE})
    return Q(pk__in=[])


# --- how an answer reads ------------------------------------------------------------------


def plain_number(value) -> str:
    """A decimal as people write it, and as answers store it: "42", "3.5" (not "42.0000"
    nor "4.2E+1")."""
    return format(Decimal(value).normalize(), "f")


def format_number(value: str) -> str:
    """A stored number as people read it; anything that is not a number as it is."""
    try:
        return plain_number(value)
    except InvalidOperation:
        return value


def parse_date(value: str) -> date | None:
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def parse_moment(value: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment, timezone.utc)


def option_texts(answer) -> list[str]:
    """The chosen options' texts in the question's order (options prefetched or attached)."""
    chosen = getattr(answer, "chosen_options", None)
    if chosen is None:
        chosen = list(answer.options.all())
    return [option.text for option in sorted(chosen, key=lambda o: (o.position, o.pk))]


def display_value(answer, question: Question, event: Event) -> str:
    """The answer as a person reads it: dates and times in the event's zone, numbers without
    trailing zeros, yes or no in the page's language, choices joined, a file by its name."""
    kind = question.kind
    if kind in (QuestionKind.CHOICE, QuestionKind.MULTIPLE_CHOICE):
        return CHOICE_SEPARATOR.join(option_texts(answer))
    if kind == QuestionKind.FILE:
        return getattr(answer, "file_name", "")
    value = answer.value
    if kind == QuestionKind.NUMBER:
        return format_number(value)
    if kind == QuestionKind.BOOLEAN:
        return {"yes": _("Yes"), "no": _("No")}.get(value, value)
    if kind == QuestionKind.DATE:
        day = parse_date(value)
        return dateformat.format(day, "F j, Y") if day else value
    if kind == QuestionKind.DATETIME:
        moment = parse_moment(value)
        if moment is None:
            return value
        return dateformat.format(timezone.localtime(moment, event.tz), "F j, Y, g:i a")
    return value


def export_value(answer, question: Question, event: Event) -> str | Decimal:
    """The answer in a CSV cell: numbers stay numbers, dates ISO, moments on the event's
    clock (YYYY-MM-DD HH:MM), choices joined with "; ", a file by its name."""
    kind = question.kind
    if kind in (QuestionKind.CHOICE, QuestionKind.MULTIPLE_CHOICE):
        return "; ".join(option_texts(answer))
    if kind == QuestionKind.FILE:
        return answer.file_name
    if kind == QuestionKind.NUMBER:
        try:
            return Decimal(answer.value)
        except InvalidOperation:
            return answer.value
    if kind == QuestionKind.DATETIME:
        moment = parse_moment(answer.value)
        if moment is not None:
            return timezone.localtime(moment, event.tz).strftime("%Y-%m-%d %H:%M")
    return answer.value


def json_value(answer, question: Question) -> dict:
    """One entry of a proposal's `answers` list in the JSON export (docs/exports.md)."""
    item = {"question_id": question.pk, "question": question.question, "kind": question.kind}
    if question.kind in (QuestionKind.CHOICE, QuestionKind.MULTIPLE_CHOICE):
        item["options"] = option_texts(answer)
    elif question.kind == QuestionKind.FILE:
        item["file_name"] = answer.file_name
    else:
        item["value"] = answer.value
    return item


@dataclass(frozen=True)
class ShownAnswer:
    question_id: int
    question: str
    kind: str
    text: str  # display_value; "" for a file the viewer may not open
    link: str  # a URL answer that is a web link; "" otherwise
    file_url: str  # where the viewer opens the file; "" when they may not
    file_hidden: bool  # a file was given that this viewer may not open
    retired: bool
    speaker: str  # for a speaker answer, whose it is ("" for a proposal answer)
    speaker_id: int | None

    @property
    def is_file(self) -> bool:
        return self.kind == QuestionKind.FILE


def file_url(answer: Answer, event: Event) -> str:
    return reverse("cfp:answer_file", kwargs={"event": event.slug, "pk": answer.pk})


def _shown(answer, viewer: Viewer, event: Event, url_for, speaker: str = "") -> ShownAnswer:
    question = answer.question
    opens = may_open_file(question, viewer, speaker_id=answer.speaker_id)
    is_file = question.kind == QuestionKind.FILE
    text = display_value(answer, question, event) if (opens or not is_file) else ""
    link = ""
    if question.kind == QuestionKind.URL and answer.value.lower().startswith(SAFE_LINK_SCHEMES):
        link = answer.value
    return ShownAnswer(
        question_id=question.pk,
        question=question.question,
        kind=question.kind,
        text=text,
        link=link,
        file_url=url_for(answer, event) if opens and answer.file else "",
        file_hidden=is_file and not opens,
        retired=not question.active,
        speaker=speaker,
        speaker_id=answer.speaker_id,
    )


def _attach_options(answers: QuerySet[Answer]) -> list[Answer]:
    """The answers, each with its chosen options, in two queries whatever they hold (a
    prefetch would skip its query when no answer was found, and counts must not vary)."""
    found = list(answers)
    chosen: dict[int, list[QuestionOption]] = defaultdict(list)
    # The ids found, not the answers' query again: that query may be costly to run twice.
    through = Answer.options.through.objects.filter(
        answer_id__in=[answer.pk for answer in found] or [0]
    ).select_related("questionoption")
    for row in through:
        chosen[row.answer_id].append(row.questionoption)
    for answer in found:
        answer.chosen_options = chosen.get(answer.pk, [])
    return found


def _ordered(answers: QuerySet[Answer]) -> QuerySet[Answer]:
    return answers.select_related("question").order_by(
        "question__position", "question_id", "speaker_id"
    )


@dataclass
class ProposalAnswers:
    proposal: list[ShownAnswer]
    speakers: list[ShownAnswer]

    def __bool__(self) -> bool:
        return bool(self.proposal or self.speakers)


def proposal_answers(
    proposals: Sequence[Proposal],
    viewer: Viewer,
    *,
    event: Event,
    url_for: Callable[[Answer, Event], str] = file_url,
    with_speakers: bool = True,
) -> dict[int, ProposalAnswers]:
    """What the viewer may see of the answers of some proposals of one event, and of their
    speakers' answers to the event's speaker questions (unless not `with_speakers`): three
    queries (two without the speakers).

    Speaker answers are labelled with the speaker's name, or "Speaker 1", "Speaker 2" … in
    blind review.
    """
    ids = [proposal.pk for proposal in proposals]
    speaker_rows = []
    if with_speakers:
        speaker_rows = list(
            ProposalSpeaker.objects.filter(proposal_id__in=ids)
            .select_related("user__profile")
            .order_by("proposal_id", "position", "pk")
        )
    speakers_of: dict[int, list] = defaultdict(list)
    for row in speaker_rows:
        speakers_of[row.proposal_id].append(row.user)
    # Both conditions on the answer's own columns, so that the database reads each from its
    # index (an OR across the question's columns would read every answer of the table).
    speaker_ids = [row.user_id for row in speaker_rows]
    if viewer.role == SPEAKER:
        speaker_ids = [viewer.user_id] if with_speakers else []
    rows = _attach_options(
        _ordered(
            Answer.objects.filter(visible(viewer), question__event=event).filter(
                Q(proposal_id__in=ids) | Q(speaker_id__in=speaker_ids)
            )
        )
    )
    by_speaker: dict[int, list[Answer]] = defaultdict(list)
    result = {pk: ProposalAnswers([], []) for pk in ids}
    for answer in rows:
        if answer.proposal_id is not None:
            result[answer.proposal_id].proposal.append(_shown(answer, viewer, event, url_for))
        else:
            by_speaker[answer.speaker_id].append(answer)
    for pk in ids:
        for number, user in enumerate(speakers_of[pk], start=1):
            if viewer.role == SPEAKER and user.pk != viewer.user_id:
                continue
            label = (
                _("Speaker %(number)s") % {"number": number}
                if viewer.blind
                else (user.display_name)
            )
            for answer in by_speaker.get(user.pk, []):
                result[pk].speakers.append(_shown(answer, viewer, event, url_for, label))
    return result


def speaker_answers(user_ids: Iterable[int], viewer: Viewer, *, event: Event) -> dict[int, list]:
    """What the viewer may see of some speakers' answers to the event's speaker questions:
    two queries."""
    rows = _attach_options(
        _ordered(
            Answer.objects.filter(visible(viewer)).filter(
                speaker_id__in=list(user_ids),
                question__event=event,
                question__target=QuestionTarget.SPEAKER,
            )
        )
    )
    result: dict[int, list[ShownAnswer]] = defaultdict(list)
    for answer in rows:
        result[answer.speaker_id].append(_shown(answer, viewer, event, file_url))
    return result


# --- exports --------------------------------------------------------------------------------


def export_questions(event: Event, target: str, *, blind: bool = False) -> list[Question]:
    """The questions that make columns in an export, by position (retired ones too: their
    answers stay). `blind`: leave out the identifying ones (the review export of a blind
    review)."""
    questions = Question.objects.filter(event=event, target=target)
    if blind:
        questions = questions.exclude(is_identifying=True)
    return list(questions.order_by("position", "pk"))


def answers_by_owner(
    event: Event, questions: Sequence[Question], *, proposal_ids=(), speaker_ids=()
) -> dict[int, dict[int, Answer]]:
    """{proposal or speaker id: {question id: answer}} for the given questions (all of one
    event and target), with their chosen options: one query (a row per chosen option),
    however many questions there are, none included.
    """
    by_pk = {question.pk: question for question in questions}
    owner = "proposal_id" if proposal_ids else "speaker_id"
    owners = list(proposal_ids or speaker_ids)
    target = QuestionTarget.PROPOSAL if proposal_ids else QuestionTarget.SPEAKER
    # Asked by event and target rather than by the questions' ids: an empty list of ids
    # would skip the query, and the number of queries must not depend on the questions.
    rows = (
        Answer.objects.filter(
            question__event=event, question__target=target, **{f"{owner}__in": owners}
        )
        .order_by()
        .values_list(
            "pk",
            owner,
            "question_id",
            "value",
            "file_name",
            "options",
            "options__text",
            "options__position",
        )
    )
    found: dict[int, dict[int, Answer]] = defaultdict(dict)
    for pk, owner_id, question_id, value, file_name, option_id, text, position in rows:
        if question_id not in by_pk:
            continue
        answer = found[owner_id].get(question_id)
        if answer is None:
            answer = Answer(pk=pk, question=by_pk[question_id], value=value, file_name=file_name)
            answer.chosen_options = []
            found[owner_id][question_id] = answer
        if option_id is not None:
            answer.chosen_options.append(QuestionOption(pk=option_id, text=text, position=position))
    return found


# --- files ----------------------------------------------------------------------------------


def file_response(answer: Answer) -> FileResponse:
    """The answer's file as a download, with the headers every uploaded file gets
    (config.media): named as the speaker named it, never by its stored name."""
    try:
        handle = answer.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404("The file is missing.") from exc
    response = FileResponse(handle, as_attachment=True)
    protect(response, answer.file.name)
    name = answer.file_name or f"answer-{answer.pk}{PurePosixPath(answer.file.name).suffix}"
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=name)
    return response
