import pytest
from allauth.account.models import EmailAddress
from django.core.management import CommandError, call_command

from cfp.enums import MessageState, ProposalState
from cfp.models import Event, Invitation, Message, Proposal, ProposalTransition, ScheduleVersion
from cfp.programme import schedule
from reviews import selectors
from reviews.models import Assignment, Review, ReviewerTeam, Score
from speakers.models import User

DEMO_EMAILS = {
    "organizer@example.com",
    "reviewer1@example.com",
    "reviewer2@example.com",
    "speaker1@example.com",
    "speaker2@example.com",
}


def _counts():
    return (
        User.objects.count(),
        Event.objects.count(),
        Proposal.objects.count(),
        ProposalTransition.objects.count(),
        Invitation.objects.count(),
        EmailAddress.objects.count(),
        Review.objects.count(),
        Assignment.objects.count(),
        ScheduleVersion.objects.count(),
        Message.objects.count(),
    )


@pytest.mark.django_db
def test_seed_demo_refuses_with_debug_off():
    with pytest.raises(CommandError, match="only with DEBUG on"):
        call_command("seed_demo")
    assert User.objects.count() == 0


@pytest.mark.django_db
def test_seed_demo_creates_the_demo_and_a_second_run_changes_nothing(capsys):
    call_command("seed_demo", "--force")
    first = _counts()
    call_command("seed_demo", "--force")
    out = capsys.readouterr().out

    assert _counts() == first
    event = Event.objects.get(slug="democon")
    assert event.is_public and event.cfp.is_open()
    assert set(event.organizers.values_list("email", flat=True)) == {"organizer@example.com"}
    assert set(User.objects.values_list("email", flat=True)) >= DEMO_EMAILS
    for email in DEMO_EMAILS:
        user = User.objects.get(email=email)
        assert user.check_password("lectern-demo")
        assert EmailAddress.objects.get(user=user).verified
        assert email in out
    states = set(event.proposals.values_list("state", flat=True))
    assert {ProposalState.SUBMITTED, ProposalState.DRAFT, ProposalState.WITHDRAWN} <= states
    assert 10 <= event.proposals.count() <= 15
    assert (
        event.proposals.filter(speakers__isnull=False).distinct().count() == event.proposals.count()
    )
    with_co_speakers = [p for p in event.proposals.all() if p.speakers.count() > 1]
    assert with_co_speakers
    assert len({p.speakers.first() for p in event.proposals.all()}) >= 2

    # Review: blind, the default criterion, two reviewers (not the organizer), half reviewed.
    assert event.review_settings.blind
    assert list(event.review_criteria.values_list("name", "min_score", "max_score")) == [
        ("Overall", 1, 5)
    ]
    members = set(ReviewerTeam.objects.filter(event=event).values_list("members__email", flat=True))
    assert members == {"reviewer1@example.com", "reviewer2@example.com"}
    assert User.objects.filter(email__in=members, is_staff=True).count() == 2
    assigned = Assignment.objects.filter(proposal__event=event).count()
    reviewed = Review.objects.filter(proposal__event=event).count()
    assert assigned > 0 and abs(reviewed - assigned / 2) <= 2
    with_reviews = event.proposals.filter(reviews__isnull=False).distinct().count()
    with_assignments = event.proposals.filter(review_assignments__isnull=False).distinct().count()
    assert abs(with_reviews - with_assignments / 2) <= 1
    per_reviewer = Review.objects.filter(proposal__event=event).values("reviewer").distinct()
    assert per_reviewer.count() == 2
    assert not Review.objects.filter(reviewer__email="organizer@example.com").exists()


@pytest.mark.django_db
def test_seed_demo_large_event_in_bulk():
    call_command("seed_demo", "--force", "--proposals", "300", "--reviewers", "7")

    event = Event.objects.get(slug="large-300")
    proposals = event.proposals.all()
    assert proposals.count() == 300
    links = Proposal.speakers.through.objects.filter(proposal__event=event).count()
    assert 300 < links <= 600
    assert User.objects.filter(email__startswith="reviewer-large-300").count() == 7
    texts = "".join(proposals.values_list("title", flat=True)) + "".join(
        proposals.values_list("abstract", flat=True)
    )
    assert any("\u4e00" <= ch <= "\u9fff" for ch in texts)  # CJK
    assert any("\u0590" <= ch <= "\u06ff" for ch in texts)  # Hebrew / Arabic
    assert any(ord(ch) > 0x1F000 for ch in texts)  # emoji
    submitted = proposals.exclude(state=ProposalState.DRAFT)
    assert (
        ProposalTransition.objects.filter(
            proposal__event=event, to_state=ProposalState.SUBMITTED
        ).count()
        == submitted.count()
    )
    assert not proposals.filter(state=ProposalState.DRAFT, submitted_at__isnull=False).exists()

    reviews = Review.objects.filter(proposal__event=event)
    assert reviews.count() == 5 * submitted.count()
    assert Score.objects.filter(review__proposal__event=event).count() == reviews.count()
    assert set(reviews.values_list("score", flat=True)) <= {1.0, 2.0, 3.0, 4.0, 5.0}
    assert reviews.values("proposal", "reviewer").distinct().count() == reviews.count()
    # The reviewers can work: staff users, each with a queue of their assigned proposals.
    for reviewer in User.objects.filter(email__startswith="reviewer-large-300"):
        assert reviewer.is_staff
        assert selectors.review_queue(reviewer, event).exists()

    with pytest.raises(CommandError, match="exists already"):
        call_command("seed_demo", "--force", "--proposals", "300")


@pytest.mark.django_db
def test_seed_demo_publishes_a_programme_of_confirmed_talks(capsys):
    call_command("seed_demo", "--force")
    event = Event.objects.get(slug="democon")
    states = list(event.proposals.values_list("state", flat=True))
    assert states.count(ProposalState.CONFIRMED) == 4
    assert states.count(ProposalState.ACCEPTED) == 1
    assert states.count(ProposalState.REJECTED) == 1
    assert states.count(ProposalState.SUBMITTED) >= 2  # still something to decide in the demo

    version = schedule.current_version(event)
    assert version.name == "1.0"
    public = list(schedule.public_slots(version).select_related("proposal"))
    talks = [row for row in public if row.proposal_id]
    assert len(talks) == 4
    assert all(row.proposal.state == ProposalState.CONFIRMED and row.start for row in talks)
    assert [row.title for row in public if not row.proposal_id] == ["Lunch"]
    assert event.rooms.count() == 3
    assert schedule.schedule_warnings(event) == []
    # Nothing waits in the outbox and nothing was emailed by the seeding itself.
    assert not Message.objects.filter(state=MessageState.DRAFT).exists()
    assert "published schedule 1.0" in capsys.readouterr().out


@pytest.mark.django_db
def test_seed_demo_large_event_with_a_published_programme():
    call_command("seed_demo", "--force", "--proposals", "400", "--programme")

    event = Event.objects.get(slug="large-400")
    confirmed = event.proposals.filter(state=ProposalState.CONFIRMED)
    assert confirmed.count() == 300
    version = schedule.current_version(event)
    slots = schedule.public_slots(version)
    assert slots.count() == 300
    assert not slots.filter(start=None).exists()
    assert event.rooms.count() == 10
    assert not [w for w in schedule.schedule_warnings(event) if w.kind == "room_clash"]


@pytest.mark.django_db
def test_seed_demo_asks_questions_of_several_kinds_with_answers():
    from cfp.enums import QuestionKind, QuestionTarget
    from cfp.models import AccessCode, Answer, Tag
    from reviews.models import ReviewAnswer

    call_command("seed_demo", "--force")
    event = Event.objects.get(slug="democon")
    questions = event.questions.all()
    assert {q.target for q in questions} == set(QuestionTarget.values)
    assert len({q.kind for q in questions}) >= 4
    assert questions.filter(is_public=True).exists()
    assert questions.filter(is_identifying=True).exists()
    assert questions.filter(tracks__isnull=False).exists()
    required_choice = questions.get(target=QuestionTarget.PROPOSAL, required=True)
    assert required_choice.kind == QuestionKind.CHOICE
    submitted = event.proposals.exclude(state=ProposalState.DRAFT)
    answered = Answer.objects.filter(question=required_choice, options__isnull=False)
    assert answered.count() == submitted.count()
    assert Answer.objects.filter(speaker__isnull=False, question__event=event).exists()
    assert ReviewAnswer.objects.filter(review__proposal__event=event).count() == (
        Review.objects.filter(proposal__event=event).count()
    )
    assert Tag.objects.filter(event=event, visible_to_reviewers=True).exists()
    assert AccessCode.objects.filter(event=event).exists()
    answers = Answer.objects.count()
    call_command("seed_demo", "--force")
    assert Answer.objects.count() == answers


@pytest.mark.django_db
def test_seed_demo_large_event_answers_every_question():
    from cfp.enums import QuestionTarget
    from cfp.models import Answer

    call_command("seed_demo", "--force", "--proposals", "120", "--questions", "10")
    event = Event.objects.get(slug="large-120")
    questions = list(event.questions.all())
    assert len(questions) == 10
    assert len({q.kind for q in questions}) == 9  # one choice for proposals, one for speakers
    submitted = event.proposals.exclude(state=ProposalState.DRAFT).count()
    speakers = User.objects.filter(proposals__event=event).distinct().count()
    for question in questions:
        owners = speakers if question.target == QuestionTarget.SPEAKER else submitted
        answers = Answer.objects.filter(question=question)
        assert answers.count() == owners, question
        if question.kind in ("choice", "multiple_choice"):
            assert not answers.filter(options__isnull=True).exists()
        else:
            assert not answers.filter(value="").exists()

    with pytest.raises(CommandError, match="has questions already"):
        call_command("seed_demo", "--force", "--questions", "3", "--event-slug", "large-120")


@pytest.mark.django_db
def test_seed_demo_adds_questions_to_an_existing_large_event():
    call_command("seed_demo", "--force", "--proposals", "40", "--event-slug", "plain")
    event = Event.objects.get(slug="plain")
    assert not event.questions.exists()
    call_command("seed_demo", "--force", "--questions", "4", "--event-slug", "plain")
    assert event.questions.count() == 4
    with pytest.raises(CommandError, match="needs the --event-slug"):
        call_command("seed_demo", "--force", "--questions", "4")
