"""One event with every kind of caller around its proposals, for the API's tests of who sees
what (test_access_matrix.py and the events, proposals and speakers tests).

Kernel Summit (public):
- P1 "Secret kernel talk", submitted, by Zebulon (then Philippa, his co-speaker); assigned
  to the reviewer; tagged "hot" (shown to reviewers) and "vip" (organizers only); answers:
  a public proposal question, Zebulon's identifying speaker answer and his plain one;
- P2 "Scheduling deep dive", by Casimir: accepted, its email still a draft (Casimir reads
  "submitted"); assigned to the reviewer;
- P3 "Conflicted talk", by Xavier: assigned to the reviewer, who declared a conflict;
- P4 "Reviewer's own talk", by the reviewer themselves;
- D  "Casimir's draft": a draft.
Other Summit (public) has its own organizer, reviewer and proposal; Hidden Summit (hidden)
is the organizer's alone.

The speakers' names, addresses and words appear nowhere else, so that a search of a
response's text for them finds a leak.
"""

from types import SimpleNamespace

from cfp import decisions
from cfp.enums import QuestionKind, QuestionTarget
from cfp.models import Tag
from reviews.enums import ConflictSource
from reviews.models import Assignment, Conflict, ReviewSettings
from tests.factories import (
    AnswerFactory,
    EventFactory,
    ProposalFactory,
    QuestionFactory,
    ReviewerFactory,
    ReviewerTeamFactory,
    SpeakerFactory,
    SubmissionTypeFactory,
    TrackFactory,
    UserFactory,
)

ZEBULON = {
    "email": "zq@quartermaine.example",
    "profile__name": "Zebulon Quartermaine",
    "profile__affiliation": "Quartermaine Heavy Industries",
    "profile__biography": "Fluent in Klingon opera; keynoted ZebConf twice.",
    "profile__links": "https://quartermaine.example/blog",
    "profile__photo": "photos/quartermaine-portrait.jpg",
}
PHILIPPA = {
    "email": "po@strandworks.example",
    "profile__name": "Philippa Oyelaran-Strand",
    "profile__affiliation": "Strandworks Cooperative",
    "profile__biography": "Once sailed solo around Svalbard.",
}
CASIMIR = {
    "email": "cw@wexford-lab.example",
    "profile__name": "Casimir Wexford",
    "profile__affiliation": "Wexford Lab",
    "profile__biography": "Maintains a scheduler nobody else understands.",
}
NOTES = "Zeb here: I gave a shorter version at SvalbardConf."
IDENTIFYING_ANSWER = "Quartermaine family tradition"
# What must never reach a blind reviewer from P1 and P2, compared case-insensitively.
FRAGMENTS = [
    "Zebulon",
    "Quartermaine",
    "zq@",
    "Klingon",
    "ZebConf",
    "quartermaine-portrait",
    "Philippa",
    "Oyelaran",
    "strandworks",
    "Svalbard",
    "Casimir",
    "Wexford",
    "cw@",
    "scheduler nobody",
]


def submitted(event, title, speakers, **extra):
    proposal = ProposalFactory(event=event, title=title, speakers=speakers, **extra)
    proposal.submit(by=speakers[0])
    return proposal


def build(*, blind: bool = False) -> SimpleNamespace:
    organizer = UserFactory(is_staff=True, email="olivia@lectern.test")
    superuser = UserFactory(is_staff=True, is_superuser=True, email="root@lectern.test")
    event = EventFactory(name="Kernel Summit", slug="kernel", organizers=[organizer])
    ReviewSettings.objects.update_or_create(event=event, defaults={"blind": blind})
    kind = SubmissionTypeFactory(event=event, name="Talk")
    track = TrackFactory(event=event, name="Kernel")
    zebulon, philippa, casimir = (SpeakerFactory(**p) for p in (ZEBULON, PHILIPPA, CASIMIR))
    xavier = SpeakerFactory(profile__name="Xavier Conflicted")
    reviewer = ReviewerFactory(email="rita@lectern.test", profile__name="Rita Reviewer")
    ReviewerTeamFactory(event=event, name="Programme committee", members=[reviewer])

    p1 = submitted(
        event,
        "Secret kernel talk",
        [zebulon, philippa],
        submission_type=kind,
        track=track,
        notes=NOTES,
    )
    p2 = submitted(event, "Scheduling deep dive", [casimir], submission_type=kind, track=track)
    p3 = submitted(event, "Conflicted talk", [xavier], submission_type=kind, track=track)
    p4 = submitted(event, "Reviewer's own talk", [reviewer], submission_type=kind, track=track)
    draft = ProposalFactory(event=event, title="Casimir's draft", speakers=[casimir])
    for proposal in (p1, p2, p3):
        Assignment.objects.create(proposal=proposal, reviewer=reviewer)
    Conflict.objects.create(proposal=p3, reviewer=reviewer, source=ConflictSource.DECLARED)
    decisions.proposal_decide(proposal=p2, by=organizer, accept=True)  # its email: a draft

    hot = Tag.objects.create(event=event, name="hot", visible_to_reviewers=True)
    vip = Tag.objects.create(event=event, name="vip")
    p1.tags.add(hot, vip)

    public_question = QuestionFactory(event=event, question="Level of demo?", is_public=True)
    AnswerFactory(question=public_question, proposal=p1, value="Live on stage")
    identifying = QuestionFactory(
        event=event,
        target=QuestionTarget.SPEAKER,
        question="Where do you work?",
        is_identifying=True,
    )
    AnswerFactory(question=identifying, speaker=zebulon, value=IDENTIFYING_ANSWER)
    plain = QuestionFactory(
        event=event, target=QuestionTarget.SPEAKER, kind=QuestionKind.TEXT, question="Diet?"
    )
    AnswerFactory(question=plain, speaker=zebulon, value="Likes trains")

    other_organizer = UserFactory(is_staff=True, email="otto@lectern.test")
    other_event = EventFactory(name="Other Summit", slug="other", organizers=[other_organizer])
    other_reviewer = ReviewerFactory(profile__name="Oscar Elsewhere")
    ReviewerTeamFactory(event=other_event, name="Other committee", members=[other_reviewer])
    other_speaker = SpeakerFactory(profile__name="Edna Otherwise")
    other_proposal = submitted(other_event, "Their own talk", [other_speaker])
    Assignment.objects.create(proposal=other_proposal, reviewer=other_reviewer)
    hidden = EventFactory(name="Hidden Summit", slug="hidden", is_public=False)
    hidden.organizers.add(organizer)

    return SimpleNamespace(
        organizer=organizer,
        superuser=superuser,
        event=event,
        kind=kind,
        track=track,
        zebulon=zebulon,
        philippa=philippa,
        casimir=casimir,
        xavier=xavier,
        reviewer=reviewer,
        p1=p1,
        p2=p2,
        p3=p3,
        p4=p4,
        draft=draft,
        hot=hot,
        vip=vip,
        public_question=public_question,
        identifying=identifying,
        plain=plain,
        other_organizer=other_organizer,
        other_event=other_event,
        other_reviewer=other_reviewer,
        other_speaker=other_speaker,
        other_proposal=other_proposal,
        hidden=hidden,
    )
