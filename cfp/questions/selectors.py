"""Reading questions and answers, each in a fixed number of queries however many there are;
and which submitted proposals still lack a required answer."""

from dataclasses import dataclass, field

from django.db.models import Q

from cfp.enums import ACTIVE_STATES, QuestionTarget
from cfp.models import Event, Proposal, ProposalSpeaker
from cfp.models.questions import Answer, Question, QuestionOption


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


def questions_with_limits(questions: list[Question]) -> list[Question]:
    """Load options and track/type limits onto questions read elsewhere (three queries)."""
    _attach_limits(questions)
    return questions


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
