"""An event that asks every kind of question, with answers, for the answers tests."""

from types import SimpleNamespace

from django.core.files.base import ContentFile
from django.urls import reverse

from cfp.enums import ProposalState, QuestionKind, QuestionTarget
from reviews.models import Assignment, ReviewSettings
from tests.factories import (
    AnswerFactory,
    EventFactory,
    ProposalFactory,
    QuestionFactory,
    QuestionOptionFactory,
    ReviewerFactory,
    ReviewerTeamFactory,
    SpeakerFactory,
    UserFactory,
)

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
# Texts that must show, or never show, on a given page: each unique in the world.
PLAIN = "Saves a lot of energy"
SECRET = "SECRET-EMPLOYER-ACME"
PUBLIC = "PUBLIC-FACT-ABOUT-BEES"
RETIRED = "RETIRED-ANSWER-TEXT"
OPEN_FILE = "demo-video-notes.pdf"
IDENT_FILE = "IDENT-curriculum-vitae.pdf"
HIDDEN_FILE = "HIDDEN-travel-receipt.pdf"


def file_answer(question, proposal, name):
    return AnswerFactory(
        question=question,
        proposal=proposal,
        value="",
        file=ContentFile(PDF, name="upload.pdf"),
        file_name=name,
    )


def answer_world(*, blind: bool = False, state: str = ProposalState.SUBMITTED):
    organizer = UserFactory(is_staff=True, email="olivia@answers.test")
    event = EventFactory(name="Answer Summit", slug="answers", organizers=[organizer])
    ReviewSettings.objects.filter(event=event).update(blind=blind)
    speaker = SpeakerFactory(email="sam@answers.test", profile__name="Sam Speaker")
    co_speaker = SpeakerFactory(email="cora@answers.test", profile__name="Cora Cospeaker")
    proposal = ProposalFactory(
        event=event, title="Answered talk", state=state, speakers=[speaker, co_speaker]
    )
    reviewer = ReviewerFactory(email="rita@answers.test", profile__name="Rita Reviewer")
    ReviewerTeamFactory(event=event, members=[reviewer])
    Assignment.objects.create(proposal=proposal, reviewer=reviewer)

    def ask(text, kind=QuestionKind.TEXT, **fields):
        return QuestionFactory(event=event, question=text, kind=kind, **fields)

    q = SimpleNamespace(
        plain=ask("Benefits to the planet"),
        secret=ask("Your employer", is_identifying=True),
        public=ask("A fun fact", is_public=True),
        retired=ask("An old question", active=False),
        number=ask("How many demos", QuestionKind.NUMBER),
        moment=ask("When can you arrive", QuestionKind.DATETIME),
        day=ask("Which day", QuestionKind.DATE),
        yes=ask("First time speaker", QuestionKind.BOOLEAN),
        open_file=ask("A video", QuestionKind.FILE, files_visible_to_reviewers=True),
        ident_file=ask(
            "Your CV", QuestionKind.FILE, files_visible_to_reviewers=True, is_identifying=True
        ),
        hidden_file=ask("Travel receipt", QuestionKind.FILE),
        topics=ask("Topics", QuestionKind.MULTIPLE_CHOICE),
        shirt=ask("T-shirt size", QuestionKind.CHOICE, target=QuestionTarget.SPEAKER),
        pronouns=ask("Pronouns", target=QuestionTarget.SPEAKER, is_public=True),
        attend=ask("Would you attend", QuestionKind.BOOLEAN, target=QuestionTarget.REVIEWER),
    )
    topics = [QuestionOptionFactory(question=q.topics, text=t) for t in ("Kernel", "Rust", "Go")]
    sizes = {t: QuestionOptionFactory(question=q.shirt, text=t) for t in ("S", "M", "L")}
    a = SimpleNamespace(
        plain=AnswerFactory(question=q.plain, proposal=proposal, value=PLAIN),
        secret=AnswerFactory(question=q.secret, proposal=proposal, value=SECRET),
        public=AnswerFactory(question=q.public, proposal=proposal, value=PUBLIC),
        retired=AnswerFactory(question=q.retired, proposal=proposal, value=RETIRED),
        number=AnswerFactory(question=q.number, proposal=proposal, value="3.50"),
        moment=AnswerFactory(
            question=q.moment, proposal=proposal, value="2027-03-01T09:30:00+00:00"
        ),
        day=AnswerFactory(question=q.day, proposal=proposal, value="2027-03-02"),
        yes=AnswerFactory(question=q.yes, proposal=proposal, value="yes"),
        open_file=file_answer(q.open_file, proposal, OPEN_FILE),
        ident_file=file_answer(q.ident_file, proposal, IDENT_FILE),
        hidden_file=file_answer(q.hidden_file, proposal, HIDDEN_FILE),
        topics=AnswerFactory(
            question=q.topics, proposal=proposal, value="", options=[topics[2], topics[0]]
        ),
        shirt=AnswerFactory(question=q.shirt, speaker=speaker, value="", options=[sizes["M"]]),
        co_shirt=AnswerFactory(
            question=q.shirt, speaker=co_speaker, value="", options=[sizes["L"]]
        ),
        pronouns=AnswerFactory(question=q.pronouns, speaker=speaker, value="they/them"),
    )
    return SimpleNamespace(
        event=event,
        organizer=organizer,
        speaker=speaker,
        co_speaker=co_speaker,
        proposal=proposal,
        reviewer=reviewer,
        q=q,
        a=a,
        topics=topics,
        sizes=sizes,
    )


def file_url(world, answer) -> str:
    return reverse("cfp:answer_file", kwargs={"event": world.event.slug, "pk": answer.pk})


def reviewer_file_url(world, answer) -> str:
    return reverse("admin:reviews_reviewqueueitem_answer_file", args=[world.proposal.pk, answer.pk])


def review_url(world) -> str:
    return reverse("admin:reviews_reviewqueueitem_change", args=[world.proposal.pk])


KIND_CYCLE = [
    QuestionKind.TEXT,
    QuestionKind.LONG_TEXT,
    QuestionKind.NUMBER,
    QuestionKind.URL,
    QuestionKind.DATE,
    QuestionKind.DATETIME,
    QuestionKind.BOOLEAN,
    QuestionKind.CHOICE,
    QuestionKind.MULTIPLE_CHOICE,
    QuestionKind.FILE,
]
VALUES = {
    QuestionKind.TEXT: "Some text",
    QuestionKind.LONG_TEXT: "Longer\ntext",
    QuestionKind.NUMBER: "42",
    QuestionKind.URL: "https://example.com/video",
    QuestionKind.DATE: "2027-03-01",
    QuestionKind.DATETIME: "2027-03-01T09:30:00+00:00",
    QuestionKind.BOOLEAN: "yes",
}


def many_questions(event, proposals, count: int) -> list:
    """`count` questions of every kind (some to speakers, some to reviewers, some public or
    identifying), each answered for every proposal and every speaker: in bulk."""
    from cfp.models import Answer, Question, QuestionOption

    questions = []
    for i in range(count):
        target = QuestionTarget.PROPOSAL
        if i % 4 == 3:
            target = QuestionTarget.SPEAKER
        elif i % 7 == 6:
            target = QuestionTarget.REVIEWER
        questions.append(
            Question.objects.create(
                event=event,
                question=f"Bulk question {i}",
                kind=KIND_CYCLE[i % len(KIND_CYCLE)],
                target=target,
                position=100 + i,
                is_public=i % 2 == 0,
                is_identifying=i % 3 == 0,
                files_visible_to_reviewers=True,
            )
        )
    options = {
        q.pk: [QuestionOption.objects.create(question=q, text=f"Choice {n}") for n in range(3)]
        for q in questions
        if q.kind in (QuestionKind.CHOICE, QuestionKind.MULTIPLE_CHOICE)
    }
    speakers = {s.pk for p in proposals for s in p.speakers.all()}
    made = []
    for q in questions:
        if q.target == QuestionTarget.REVIEWER:
            continue
        owners = (
            [{"proposal": p} for p in proposals]
            if q.target == QuestionTarget.PROPOSAL
            else [{"speaker_id": pk} for pk in speakers]
        )
        for owner in owners:
            file = {"file": "answers/bulk.pdf", "file_name": "bulk.pdf"}
            extra = file if q.kind == QuestionKind.FILE else {}
            made.append(Answer(question=q, value=VALUES.get(q.kind, ""), **owner, **extra))
    Answer.objects.bulk_create(made)
    through = Answer.options.through
    through.objects.bulk_create(
        through(answer_id=a.pk, questionoption_id=options[a.question_id][0].pk)
        for a in made
        if a.question_id in options
    )
    return questions
