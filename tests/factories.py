"""factory_boy factories: the smallest valid objects, ready to be shaped per test."""

from datetime import date, datetime, time, timedelta
from functools import cache

import factory
from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from cfp.enums import ExperienceLevel
from cfp.models import (
    CfP,
    Event,
    Invitation,
    Proposal,
    Room,
    SubmissionType,
    TalkSlot,
    Track,
)
from speakers.models import SpeakerProfile, User

PASSWORD = "correct horse battery staple"


@cache
def password_hash() -> str:
    # Argon2 is slow on purpose; hash the shared test password once per run.
    return make_password(PASSWORD)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    password = factory.LazyFunction(password_hash)

    @factory.post_generation
    def verified(self, create, extracted, **kwargs):
        if create and extracted is not False:
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)


class SpeakerFactory(UserFactory):
    """A user with a complete speaker profile."""

    profile = factory.RelatedFactory("tests.factories.ProfileFactory", factory_related_name="user")


class ProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SpeakerProfile

    user = factory.SubFactory(UserFactory)
    name = factory.Sequence(lambda n: f"Speaker Number{n}")
    biography = "Works on open infrastructure and has spoken at several meetups."
    affiliation = "Example Corp"


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Event {n}")
    slug = factory.Sequence(lambda n: f"event-{n}")
    timezone = "Europe/Berlin"
    start_date = factory.LazyFunction(lambda: date.today() + timedelta(days=100))
    end_date = factory.LazyFunction(lambda: date.today() + timedelta(days=102))
    venue = "Messe"
    is_public = True
    cfp = factory.RelatedFactory("tests.factories.CfPFactory", factory_related_name="event")

    @factory.post_generation
    def organizers(self, create, extracted, **kwargs):
        if create and extracted:
            self.organizers.add(*extracted)


class CfPFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CfP

    event = factory.SubFactory(EventFactory, cfp=None)
    opens_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=10))
    deadline = factory.LazyFunction(lambda: timezone.now() + timedelta(days=10))
    intro = "Tell us about **your** work."


class SubmissionTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SubmissionType

    event = factory.SubFactory(EventFactory)
    name = factory.Sequence(lambda n: f"Presentation {n}")
    default_duration = 40


class TrackFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Track

    event = factory.SubFactory(EventFactory)
    name = factory.Sequence(lambda n: f"Track {n}")


class ProposalFactory(factory.django.DjangoModelFactory):
    """A complete draft; call `.submit(by=…)` or pass `state` to move it on."""

    class Meta:
        model = Proposal
        skip_postgeneration_save = True

    event = factory.SubFactory(EventFactory)
    title = factory.Sequence(lambda n: f"Proposal {n}")
    submission_type = factory.LazyAttribute(lambda o: SubmissionTypeFactory(event=o.event))
    experience_level = ExperienceLevel.INTERMEDIATE
    abstract = "The speaker explains how things work, in complete sentences."

    @factory.post_generation
    def speakers(self, create, extracted, **kwargs):
        if create:  # in the order given: the first is the submitter
            for user in extracted or [SpeakerFactory()]:
                self.add_speaker(user)


class RoomFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Room

    event = factory.SubFactory(EventFactory)
    name = factory.Sequence(lambda n: f"Room {n}")
    capacity = 120
    position = factory.Sequence(lambda n: n)


class TalkSlotFactory(factory.django.DjangoModelFactory):
    """A talk in a room: pass `proposal` (accepted or confirmed) and `start`."""

    class Meta:
        model = TalkSlot

    proposal = factory.SubFactory(ProposalFactory, state="confirmed")
    event = factory.LazyAttribute(lambda o: o.proposal.event if o.proposal else EventFactory())
    room = factory.LazyAttribute(lambda o: RoomFactory(event=o.event))
    start = factory.LazyAttribute(
        lambda o: timezone.make_aware(datetime.combine(o.event.start_date, time(10)), o.event.tz)
    )


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invitation

    proposal = factory.SubFactory(ProposalFactory)
    email = factory.Sequence(lambda n: f"invitee{n}@example.com")
    invited_by = factory.LazyAttribute(lambda o: o.proposal.speakers.first())


class ReviewerTeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "reviews.ReviewerTeam"
        skip_postgeneration_save = True

    event = factory.SubFactory(EventFactory)
    name = factory.Sequence(lambda n: f"Team {n}")

    @factory.post_generation
    def members(self, create, extracted, **kwargs):
        if create and extracted:
            self.members.add(*extracted)

    @factory.post_generation
    def tracks(self, create, extracted, **kwargs):
        if create and extracted:
            self.tracks.add(*extracted)


class ReviewerFactory(SpeakerFactory):
    """A staff user with a profile; put them in a ReviewerTeamFactory to make them a reviewer."""

    is_staff = True


# --- issue 14, answers slice: questions, their options and answers -------------------------


class QuestionFactory(factory.django.DjangoModelFactory):
    """A proposal question of one line of text; pass `kind`, `target` and the rest."""

    class Meta:
        model = "cfp.Question"

    event = factory.SubFactory(EventFactory)
    question = factory.Sequence(lambda n: f"Question {n}?")
    position = factory.Sequence(lambda n: n)


class QuestionOptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "cfp.QuestionOption"

    question = factory.SubFactory(QuestionFactory, kind="choice")
    text = factory.Sequence(lambda n: f"Option {n}")
    position = factory.Sequence(lambda n: n)


class AnswerFactory(factory.django.DjangoModelFactory):
    """An answer of a proposal (pass `proposal`) or of a speaker (pass `speaker` and no
    proposal); `options=[…]` for choices, `file=ContentFile(…, name=…)` for files."""

    class Meta:
        model = "cfp.Answer"
        skip_postgeneration_save = True

    question = factory.SubFactory(QuestionFactory)
    value = "An answer"

    @factory.post_generation
    def options(self, create, extracted, **kwargs):
        if create and extracted:
            self.options.add(*extracted)
