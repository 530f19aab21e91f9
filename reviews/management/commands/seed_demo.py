"""Demo data: `seed_demo` for a first run, `seed_demo --proposals N` for a large event.

It lives in the reviews app, the top of the import chain, because it sets up every layer.
"""

import random
import time
from datetime import datetime, timedelta
from datetime import time as clock

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from cfp import decisions, demo_text
from cfp.enums import (
    DECISION_KINDS,
    ExperienceLevel,
    MessageState,
    ProposalState,
    QuestionKind,
    QuestionTarget,
)
from cfp.models import (
    AccessCode,
    Answer,
    CfP,
    Event,
    Invitation,
    Message,
    Proposal,
    ProposalTransition,
    Question,
    QuestionOption,
    Room,
    ScheduleVersion,
    SubmissionType,
    Tag,
    TalkSlot,
    Track,
)
from cfp.programme import schedule
from reviews import scores as review_scores
from reviews import selectors as review_selectors
from reviews import services as review_services
from reviews.models import (
    Assignment,
    Review,
    ReviewAnswer,
    ReviewerTeam,
    ReviewSettings,
    Score,
)
from speakers.models import SpeakerProfile, User

DEMO_PASSWORD = "lectern-demo"  # noqa: S105 (documented demo password, refused with DEBUG off)
DEMO_ACCOUNTS = [
    ("organizer@example.com", "Olivia Organizer", "DemoCon e.V."),
    ("reviewer1@example.com", "Rafael Revisor", "Universidad de Córdoba"),
    ("reviewer2@example.com", "Renée Réviseur", "Red Panda Labs"),
    ("speaker1@example.com", "Sofía Speaker", "Acme Cloud"),
    ("speaker2@example.com", "Sven Sprecher", "Technische Universität München"),
]
ROLES = {
    "organizer@example.com": "organizer of democon",
    "reviewer1@example.com": "reviewer",
    "reviewer2@example.com": "reviewer",
    "speaker1@example.com": "speaker",
    "speaker2@example.com": "speaker",
}
EXTRA_SPEAKERS = [
    ("chen.wei@example.com", "Chen Wei 陈伟", "株式会社サンプル"),
    ("fatima@example.com", "Fatima Al-Zahra فاطمة الزهراء", "Open Infra Foundation"),
    ("noa@example.com", "Noa Cohen נועה כהן", "Red Panda Labs"),
]
TYPES = [("Presentation", 40), ("Panel Discussion", 40), ("Lightning Talk", 5), ("Tutorial", 90)]
TRACKS = ["Developer", "Operations", "Business", "Wildcard"]
LEVELS = [c for c, _ in ExperienceLevel.choices]


class Command(BaseCommand):
    help = "Create the demo event and accounts (idempotent), or a large event with --proposals."

    def add_arguments(self, parser):
        parser.add_argument("--proposals", type=int, help="Make a large event with N proposals.")
        parser.add_argument("--reviewers", type=int, default=0, help="Reviewer accounts to add.")
        parser.add_argument("--event-slug", help="Slug of the large event (default: large-N).")
        parser.add_argument("--seed", type=int, default=2027, help="Random seed for the text.")
        parser.add_argument(
            "--programme",
            action="store_true",
            help="With --proposals: confirm up to 300 talks, schedule them in 10 rooms over "
            "three days and publish the schedule.",
        )
        parser.add_argument(
            "--questions",
            type=int,
            default=0,
            help="With --proposals: ask N custom questions (at most 10), answered by every "
            "proposal and speaker. With --event-slug of an existing large event: add them.",
        )
        parser.add_argument(
            "--force", action="store_true", help="Run even with DEBUG off (never in production)."
        )

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                "seed_demo creates accounts with a published password; it runs only with DEBUG "
                "on. Pass --force to run it anyway (never on a production site)."
            )
        self.rng = random.Random(options["seed"])
        if options["proposals"] is not None:
            if options["proposals"] < 1:
                raise CommandError("--proposals must be at least 1.")
            self.seed_large(
                options["proposals"],
                options["reviewers"],
                options["event_slug"],
                programme=options["programme"],
                questions=options["questions"],
            )
        elif options["questions"]:
            event = Event.objects.filter(slug=options["event_slug"] or "").first()
            if event is None:
                raise CommandError("--questions alone needs the --event-slug of an event.")
            with transaction.atomic():
                self._bulk_questions(event, options["questions"])
        else:
            self.seed_demo()

    # --- the demo event ---------------------------------------------------------------

    @transaction.atomic
    def seed_demo(self) -> None:
        users = {}
        for email, name, affiliation in DEMO_ACCOUNTS + EXTRA_SPEAKERS:
            users[email] = self._account(email, name, affiliation)
        organizer = users["organizer@example.com"]
        if not organizer.is_staff:
            organizer.is_staff = True
            organizer.save(update_fields=["is_staff"])

        event = Event.objects.filter(slug="democon").first()
        if event is None:
            event = self._demo_event(users)
            self.stdout.write(self.style.SUCCESS(f"Created the event “{event.name}” (/democon/)."))
        else:
            self.stdout.write("The event democon exists already; left unchanged.")
        if not ReviewerTeam.objects.filter(event=event).exists():
            self._demo_review(event, users)
        if not ScheduleVersion.objects.filter(event=event).exists():
            self._demo_programme(event, users)
        if not event.questions.exists():
            self._demo_questions(event, users)
        self.stdout.write("\nDemo logins (password for all: " + DEMO_PASSWORD + "):")
        for email, _name, _affiliation in DEMO_ACCOUNTS:
            self.stdout.write(f"  {ROLES[email]:<22} {email}")

    def _demo_review(self, event: Event, users: dict) -> None:
        """Blind review with the default criterion; two reviewers; about half reviewed."""
        review_services.review_defaults_create(event=event)  # made with the event; or now
        ReviewSettings.objects.filter(event=event).update(blind=True, reviews_per_proposal=2)
        criterion = review_selectors.criteria_for(event)[0]
        team = ReviewerTeam.objects.create(event=event, name="Programme committee")
        reviewers = [users["reviewer1@example.com"], users["reviewer2@example.com"]]
        team.members.add(*reviewers)
        review_services.team_save_members(team=team)
        organizer = users["organizer@example.com"]
        review_services.assignment_run(event=event, by=organizer)
        assignments = Assignment.objects.filter(proposal__event=event).select_related(
            "proposal", "reviewer"
        )
        by_proposal: dict[int, list[Assignment]] = {}
        for assignment in assignments.order_by("proposal__title", "reviewer__email"):
            by_proposal.setdefault(assignment.proposal_id, []).append(assignment)
        comments = [
            "Clear scope, strong speaker experience.",
            "Interesting, but the abstract promises a lot for 40 minutes.",
            "Très pertinent pour notre public 👍",
            "Overlaps with last year's keynote.",
        ]
        for i, pair in enumerate(by_proposal.values()):
            if i % 2:  # about half of the proposals are reviewed, by both reviewers
                continue
            for j, assignment in enumerate(pair):
                review_services.review_save(
                    proposal=assignment.proposal,
                    reviewer=assignment.reviewer,
                    values={criterion.pk: 2 + (i + 3 * j) % 4},
                    comment=comments[(i + j) % len(comments)],
                )
        self.stdout.write("Set up blind review for democon with two reviewers.")

    def _demo_programme(self, event: Event, users: dict) -> None:
        """Decisions, confirmations, rooms and a published schedule, so that the public
        programme has something to show; two proposals stay undecided for the demo."""
        organizer = users["organizer@example.com"]
        submitted = list(event.proposals.filter(state=ProposalState.SUBMITTED).order_by("pk"))
        accepted = [
            decisions.proposal_decide(proposal=proposal, by=organizer, accept=True)
            for proposal in submitted[:5]
        ]
        rejected = [
            decisions.proposal_decide(proposal=proposal, by=organizer, accept=False)
            for proposal in submitted[5:6]
        ]
        # Demo history: the decision emails went out earlier (nothing is sent now).
        Message.objects.filter(
            proposal__event=event, kind__in=DECISION_KINDS, state=MessageState.DRAFT
        ).update(state=MessageState.SENT, queued_at=timezone.now(), sent_at=timezone.now())
        confirmed = [  # the fifth speaker has not answered yet
            decisions.proposal_confirm(proposal=proposal, by=proposal.speakers.order_by("pk")[0])
            for proposal in accepted[:4]
        ]
        accepted = confirmed + accepted[4:]

        rooms = [
            Room.objects.create(event=event, name=name, capacity=capacity, position=i)
            for i, (name, capacity) in enumerate(
                [("Saal Zürich", 400), ("Room Lovelace", 120), ("Room Hopper", 80)]
            )
        ]
        day = event.start_date
        at = [(rooms[0], clock(10, 0)), (rooms[1], clock(10, 0)), (rooms[0], clock(11, 0))]
        at += [(rooms[2], clock(14, 30)), (rooms[1], clock(14, 30))]
        for proposal, (room, start) in zip(accepted, at, strict=True):
            schedule.talk_place(
                event=event,
                proposal=proposal,
                room=room,
                start=schedule.local_to_utc(event, day, start),
            )
        schedule.break_add(
            event=event,
            title="Lunch",
            start=schedule.local_to_utc(event, day, clock(12, 30)),
            duration=90,
        )
        schedule.schedule_publish(
            event=event,
            name="1.0",
            by=organizer,
            comment="The first schedule.",
            notify=False,
        )
        self.stdout.write(
            f"Accepted {len(accepted)} democon talks ({len(confirmed)} confirmed), rejected "
            f"{len(rejected)}, and published schedule 1.0: /democon/schedule/"
        )

    def _demo_questions(self, event: Event, users: dict) -> None:
        """Questions of several kinds, with answers; tags; an access code for late talks."""
        tracks = {t.name: t for t in event.tracks.all()}
        ask = Question.objects.create
        first_time = ask(
            event=event,
            target=QuestionTarget.SPEAKER,
            kind=QuestionKind.BOOLEAN,
            question="Is this your first talk at a conference?",
            help_text="We pair first-time speakers with a mentor if they like.",
            position=0,
        )
        shirt = ask(
            event=event,
            target=QuestionTarget.SPEAKER,
            kind=QuestionKind.CHOICE,
            question="T-shirt size",
            required=True,
            position=1,
        )
        sizes = QuestionOption.objects.bulk_create(
            QuestionOption(question=shirt, text=size, position=i)
            for i, size in enumerate(["S", "M", "L", "XL", "XXL"])
        )
        video = ask(
            event=event,
            kind=QuestionKind.URL,
            question="Video of a previous talk",
            help_text="A recording helps the committee; it is not required.",
            is_identifying=True,
            position=2,
        )
        audience = ask(
            event=event,
            kind=QuestionKind.CHOICE,
            question="Who is the talk for?",
            required=True,
            is_public=True,
            position=3,
        )
        roles = QuestionOption.objects.bulk_create(
            QuestionOption(question=audience, text=role, position=i)
            for i, role in enumerate(["Developers", "Operators", "Managers", "Everyone"])
        )
        platforms = ask(
            event=event,
            kind=QuestionKind.MULTIPLE_CHOICE,
            question="Which platforms does the talk cover?",
            help_text="Only for the Operations track.",
            position=4,
        )
        platforms.tracks.add(tracks["Operations"])
        clouds = QuestionOption.objects.bulk_create(
            QuestionOption(question=platforms, text=name, position=i)
            for i, name in enumerate(["Kubernetes", "OpenStack", "Bare metal", "Serverless"])
        )
        travel = ask(
            event=event,
            kind=QuestionKind.BOOLEAN,
            question="Do you need travel support?",
            position=5,
        )
        attend = ask(
            event=event,
            target=QuestionTarget.REVIEWER,
            kind=QuestionKind.BOOLEAN,
            question="Would you attend this talk?",
            position=6,
        )
        proposals = list(event.proposals.exclude(state=ProposalState.DRAFT).select_related("track"))
        for i, proposal in enumerate(proposals):
            answer = Answer.objects.create(question=audience, proposal=proposal)
            answer.options.add(roles[i % len(roles)])
            Answer.objects.create(
                question=travel, proposal=proposal, value="yes" if i % 4 == 0 else "no"
            )
            if i % 3 == 0:
                Answer.objects.create(
                    question=video,
                    proposal=proposal,
                    value=f"https://video.example.org/talks/{proposal.code.lower()}",
                )
            if proposal.track_id == tracks["Operations"].pk:
                answer = Answer.objects.create(question=platforms, proposal=proposal)
                answer.options.add(*clouds[i % 3 : i % 3 + 2])
        speakers = User.objects.filter(proposals__event=event).distinct().order_by("pk")
        for i, speaker in enumerate(speakers):
            answer = Answer.objects.create(question=shirt, speaker=speaker)
            answer.options.add(sizes[i % len(sizes)])
            Answer.objects.create(
                question=first_time, speaker=speaker, value="yes" if i % 3 == 0 else "no"
            )
        for i, review in enumerate(Review.objects.filter(proposal__event=event).order_by("pk")):
            ReviewAnswer.objects.create(
                review=review, question=attend, value="yes" if i % 3 else "no"
            )
        keynote = Tag.objects.create(
            event=event, name="Keynote candidate", colour="#8250df", visible_to_reviewers=True
        )
        Tag.objects.create(event=event, name="Sponsor", colour="#bf8700")
        Tag.objects.create(event=event, name="Needs a mentor", colour="#1a7f37")
        keynote.proposals.add(*proposals[:2])
        AccessCode.objects.create(
            event=event,
            code="democon-late",
            description="Speakers we invited after the deadline",
            valid_until=timezone.now() + timedelta(days=60),
            max_uses=5,
        )
        self.stdout.write(
            "Added seven democon questions with answers, three tags and the access code "
            "democon-late."
        )

    def _account(self, email: str, name: str, affiliation: str) -> User:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(email, DEMO_PASSWORD)
            SpeakerProfile.objects.create(
                user=user,
                name=name,
                affiliation=affiliation,
                biography=f"{name} works at {affiliation} and has spoken at a dozen "
                "conferences about open infrastructure. ¡Hola! 👋",
            )
            EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        return user

    def _demo_event(self, users: dict) -> Event:
        tz_name = "Europe/Berlin"
        today = timezone.localdate()
        event = Event.objects.create(
            name="DemoCon 2027",
            slug="democon",
            timezone=tz_name,
            start_date=today + timedelta(days=120),
            end_date=today + timedelta(days=122),
            venue="Kongresshaus, Zürich",
            is_public=True,
        )
        event.organizers.add(users["organizer@example.com"])
        deadline_day = today + timedelta(days=30)
        CfP.objects.create(
            event=event,
            opens_at=timezone.now() - timedelta(days=14),
            deadline=datetime(
                deadline_day.year, deadline_day.month, deadline_day.day, 23, 59, 59, tzinfo=event.tz
            ),
            intro="DemoCon brings together the people who **build and run** open "
            "infrastructure.\n\n"
            "We welcome first-time speakers: tell us what you learned, what broke, and how "
            "you fixed it. Talks are in English; slides in any language are fine.",
        )
        types = [
            SubmissionType.objects.create(event=event, name=n, default_duration=d, position=i)
            for i, (n, d) in enumerate(TYPES)
        ]
        tracks = [
            Track.objects.create(event=event, name=n, position=i) for i, n in enumerate(TRACKS)
        ]
        speakers = [
            users[e]
            for e in ("speaker1@example.com", "speaker2@example.com")
            + tuple(e for e, _, _ in EXTRA_SPEAKERS)
        ]
        plan = (
            [ProposalState.SUBMITTED] * 8
            + [ProposalState.DRAFT] * 2
            + [ProposalState.WITHDRAWN] * 2
        )
        for i, state in enumerate(plan):
            main = speakers[i % len(speakers)]
            proposal = Proposal.objects.create(
                event=event,
                title=self._title(),
                submission_type=types[i % len(types)],
                track=tracks[i % len(tracks)],
                experience_level=LEVELS[i % len(LEVELS)],
                abstract=self._paragraph(3),
                audience="Operators and developers who " + self._paragraph(1).lower(),
                benefits=self._paragraph(1),
                technical_requirements="None, all demos will be done over AWS.",
                notes="Happy to shorten this to a lightning talk." if i % 3 == 0 else "",
            )
            proposal.add_speaker(main)
            if i % 3 == 1:  # some proposals have a co-speaker who accepted an invitation
                co = speakers[(i + 1) % len(speakers)]
                Invitation.objects.create(
                    proposal=proposal,
                    email=co.email,
                    invited_by=main,
                    state="accepted",
                    responded_at=timezone.now(),
                )
                proposal.add_speaker(co)
            if state != ProposalState.DRAFT:
                proposal.submit(by=main)
            if state == ProposalState.WITHDRAWN:
                proposal.withdraw(by=main)
        return event

    def _title(self) -> str:
        return f"{self.rng.choice(demo_text.TOPICS)} {self.rng.choice(demo_text.FLAVOURS)}"

    def _paragraph(self, sentences: int) -> str:
        return " ".join(self.rng.choice(demo_text.SENTENCES) for _ in range(sentences))

    # --- a large event, fast: bulk inserts ----------------------------------------------

    def seed_large(
        self,
        count: int,
        reviewers: int,
        slug: str | None,
        *,
        programme: bool = False,
        questions: int = 0,
    ) -> None:
        started = time.monotonic()
        slug = slug or f"large-{count}"
        if Event.objects.filter(slug=slug).exists():
            raise CommandError(f"The event {slug} exists already; pass another --event-slug.")
        with transaction.atomic():
            event = self._large_event(slug, count)
            speakers = self._bulk_users(f"speaker-{slug}", max(1, count), with_profile=True)
            reviewer_users = self._bulk_users(
                f"reviewer-{slug}", reviewers, with_profile=True, is_staff=True
            )
            self._bulk_proposals(event, count, speakers)
            self._bulk_reviews(event, reviewer_users)
            # Bulk inserts bypass the review service: store the figures it would have kept.
            review_scores.scores_refresh(event)
            if programme:
                self._bulk_programme(event)
            if questions:
                self._bulk_questions(event, questions)
        if connection.vendor == "postgresql":
            # As autovacuum does after a bulk load: statistics for the planner (without them it
            # guesses one row per table), and outside a transaction a visibility map too, for
            # index-only counts over the event's proposals.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
        elapsed = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Created /{slug}/ with {count} proposals, {len(speakers)} speakers and "
                f"{reviewers} reviewers in {elapsed:.1f} s."
            )
        )

    def _large_event(self, slug: str, count: int) -> Event:
        today = timezone.localdate()
        event = Event.objects.create(
            name=f"Large Summit ({count} proposals)",
            slug=slug,
            timezone="America/New_York",
            start_date=today + timedelta(days=90),
            end_date=today + timedelta(days=93),
            venue="Convention Center",
            is_public=True,
        )
        CfP.objects.create(
            event=event,
            opens_at=timezone.now() - timedelta(days=30),
            deadline=timezone.now() + timedelta(days=30),
            intro="A large event for benchmarks and demos.",
        )
        SubmissionType.objects.bulk_create(
            SubmissionType(event=event, name=n, default_duration=d, position=i)
            for i, (n, d) in enumerate(TYPES)
        )
        Track.objects.bulk_create(
            Track(event=event, name=n, position=i) for i, n in enumerate(TRACKS)
        )
        return event

    def _bulk_users(
        self, prefix: str, count: int, *, with_profile: bool, is_staff: bool = False
    ) -> list[User]:
        if count <= 0:
            return []
        password = make_password(DEMO_PASSWORD)  # hashed once: argon2 per user would take minutes
        now = timezone.now()
        users = User.objects.bulk_create(
            [
                User(
                    email=f"{prefix}-{i}@example.org",
                    password=password,
                    date_joined=now,
                    is_staff=is_staff,
                )
                for i in range(count)
            ],
            batch_size=2000,
        )
        EmailAddress.objects.bulk_create(
            [EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in users],
            batch_size=2000,
        )
        if with_profile:
            rng = self.rng
            SpeakerProfile.objects.bulk_create(
                [
                    SpeakerProfile(
                        user=u,
                        name=" ".join(
                            (rng.choice(demo_text.FIRST_NAMES), rng.choice(demo_text.LAST_NAMES))
                        ),
                        affiliation=rng.choice(demo_text.AFFILIATIONS),
                        biography=self._paragraph(2),
                    )
                    for u in users
                ],
                batch_size=2000,
            )
        return users

    def _bulk_proposals(self, event: Event, count: int, speakers: list[User]) -> None:
        types = list(event.submission_types.all())
        tracks = list(event.tracks.all())
        rng = self.rng
        now = timezone.now()
        states = [ProposalState.SUBMITTED] * 17 + [ProposalState.DRAFT, ProposalState.WITHDRAWN]
        drafts = []
        for i in range(count):
            state = rng.choice(states)
            at = now - timedelta(minutes=i)
            drafts.append(
                Proposal(
                    event=event,
                    title=self._title(),
                    submission_type=rng.choice(types),
                    track=rng.choice(tracks),
                    experience_level=rng.choice(LEVELS),
                    abstract=self._paragraph(4),
                    audience=self._paragraph(1),
                    benefits=self._paragraph(1),
                    technical_requirements="A projector with HDMI.",
                    state=state,
                    created_at=at,
                    submitted_at=None if state == ProposalState.DRAFT else at,
                )
            )
        proposals = Proposal.objects.bulk_create(drafts, batch_size=2000)
        through = Proposal.speakers.through
        links, transitions = [], []
        for i, proposal in enumerate(proposals):
            first = speakers[i % len(speakers)]
            links.append(through(proposal_id=proposal.pk, user_id=first.pk))
            if rng.random() < 0.5 and len(speakers) > 1:  # 1.5 speakers per proposal on average
                second = speakers[(i + 1 + rng.randrange(len(speakers) - 1)) % len(speakers)]
                if second.pk != first.pk:
                    links.append(through(proposal_id=proposal.pk, user_id=second.pk, position=1))
            if proposal.state != ProposalState.DRAFT:
                transitions.append(
                    ProposalTransition(
                        proposal=proposal,
                        from_state=ProposalState.DRAFT,
                        to_state=ProposalState.SUBMITTED,
                        by=first,
                        at=proposal.submitted_at,
                    )
                )
            if proposal.state == ProposalState.WITHDRAWN:
                transitions.append(
                    ProposalTransition(
                        proposal=proposal,
                        from_state=ProposalState.SUBMITTED,
                        to_state=ProposalState.WITHDRAWN,
                        by=first,
                        at=now,
                    )
                )
        through.objects.bulk_create(links, batch_size=5000)
        ProposalTransition.objects.bulk_create(transitions, batch_size=5000)

    PROGRAMME_ROOMS = 10
    PROGRAMME_TALKS = 300  # a large conference's programme: 10 rooms × 10 slots × 3 days

    def _bulk_programme(self, event: Event) -> None:
        """Confirm the first talks, place them hour by hour in every room, publish."""
        organizer = None
        chosen = list(
            event.proposals.filter(state=ProposalState.SUBMITTED)
            .order_by("pk")
            .values_list("pk", flat=True)[: self.PROGRAMME_TALKS]
        )
        Proposal.objects.filter(pk__in=chosen).update(state=ProposalState.CONFIRMED)
        now = timezone.now()
        ProposalTransition.objects.bulk_create(
            ProposalTransition(proposal_id=pk, from_state=a, to_state=b, by=organizer, at=now)
            for pk in chosen
            for a, b in (
                (ProposalState.SUBMITTED, ProposalState.ACCEPTED),
                (ProposalState.ACCEPTED, ProposalState.CONFIRMED),
            )
        )
        rooms = Room.objects.bulk_create(
            Room(event=event, name=f"Room {i + 1}", capacity=100 + 50 * i, position=i)
            for i in range(self.PROGRAMME_ROOMS)
        )
        days = schedule.event_days(event)
        slots = []
        for n, pk in enumerate(chosen):
            room = rooms[n % len(rooms)]
            hour = 9 + (n // len(rooms)) % 10
            day = days[(n // (len(rooms) * 10)) % len(days)]
            start = schedule.local_to_utc(event, day, clock(hour, 0))
            slots.append(TalkSlot(event=event, proposal_id=pk, room=room, start=start, duration=50))
        TalkSlot.objects.bulk_create(slots)
        schedule.schedule_publish(event=event, name="1.0", by=organizer, notify=False)

    REVIEWS_PER_PROPOSAL = 5

    def _bulk_reviews(self, event: Event, reviewers: list[User]) -> None:
        """Five reviews per proposal (fewer with fewer reviewers), harsh and lenient alike."""
        if not reviewers:
            return
        review_services.review_defaults_create(event=event)  # made with the event; or now
        ReviewSettings.objects.filter(event=event).update(
            reviews_per_proposal=self.REVIEWS_PER_PROPOSAL
        )
        criterion = review_selectors.criteria_for(event)[0]
        team = ReviewerTeam.objects.create(event=event, name="Reviewers")
        team.members.add(*reviewers)
        review_services.team_save_members(team=team)
        rng = self.rng
        bias = {r.pk: rng.uniform(-1.2, 1.2) for r in reviewers}  # harsh … lenient
        per_proposal = min(self.REVIEWS_PER_PROPOSAL, len(reviewers))
        proposals = list(
            event.proposals.exclude(state=ProposalState.DRAFT).values_list("pk", flat=True)
        )
        assignments, reviews, quality = [], [], {}
        for i, proposal_id in enumerate(proposals):
            quality[proposal_id] = rng.uniform(1.5, 4.5)
            for j in range(per_proposal):
                reviewer = reviewers[(i * per_proposal + j) % len(reviewers)]
                value = round(quality[proposal_id] + bias[reviewer.pk] + rng.gauss(0, 0.6))
                value = max(criterion.min_score, min(criterion.max_score, value))
                assignments.append(Assignment(proposal_id=proposal_id, reviewer=reviewer))
                reviews.append(
                    Review(proposal_id=proposal_id, reviewer=reviewer, score=float(value))
                )
        Assignment.objects.bulk_create(assignments, batch_size=5000)
        created = Review.objects.bulk_create(reviews, batch_size=5000)
        Score.objects.bulk_create(
            [Score(review=r, criterion=criterion, value=int(r.score)) for r in created],
            batch_size=5000,
        )

    # Up to ten questions of as many kinds for a large event, answered by every proposal
    # (and every speaker, for the speaker question): the benchmark's form and lists carry them.
    BULK_QUESTIONS = [
        (QuestionTarget.PROPOSAL, QuestionKind.CHOICE, "Who is the talk for?"),
        (QuestionTarget.PROPOSAL, QuestionKind.BOOLEAN, "Do you need travel support?"),
        (QuestionTarget.PROPOSAL, QuestionKind.TEXT, "One line for the printed programme"),
        (QuestionTarget.PROPOSAL, QuestionKind.LONG_TEXT, "What will people take home?"),
        (QuestionTarget.PROPOSAL, QuestionKind.NUMBER, "How many people should attend?"),
        (QuestionTarget.PROPOSAL, QuestionKind.URL, "Video of a previous talk"),
        (QuestionTarget.PROPOSAL, QuestionKind.DATE, "When could you rehearse?"),
        (QuestionTarget.PROPOSAL, QuestionKind.MULTIPLE_CHOICE, "Which platforms?"),
        (QuestionTarget.SPEAKER, QuestionKind.CHOICE, "T-shirt size"),
        (QuestionTarget.PROPOSAL, QuestionKind.DATETIME, "Best time for a call"),
    ]

    def _bulk_questions(self, event: Event, count: int) -> None:
        if not 1 <= count <= len(self.BULK_QUESTIONS):
            raise CommandError(f"--questions must be between 1 and {len(self.BULK_QUESTIONS)}.")
        if event.questions.exists():
            raise CommandError(f"The event {event.slug} has questions already.")
        rng = self.rng
        questions = Question.objects.bulk_create(
            Question(
                event=event,
                target=target,
                kind=kind,
                question=text,
                position=i,
                required=kind == QuestionKind.CHOICE,
                is_public=i == 0,
                is_identifying=kind == QuestionKind.URL,
            )
            for i, (target, kind, text) in enumerate(self.BULK_QUESTIONS[:count])
        )
        options = {
            q.pk: QuestionOption.objects.bulk_create(
                QuestionOption(question=q, text=f"Option {n + 1}", position=n) for n in range(5)
            )
            for q in questions
            if q.kind in (QuestionKind.CHOICE, QuestionKind.MULTIPLE_CHOICE)
        }
        proposal_ids = list(
            event.proposals.exclude(state=ProposalState.DRAFT).values_list("pk", flat=True)
        )
        speaker_ids = list(
            User.objects.filter(proposals__event=event).distinct().values_list("pk", flat=True)
        )
        values = {
            QuestionKind.BOOLEAN: lambda: rng.choice(["yes", "no"]),
            QuestionKind.TEXT: lambda: self._title(),
            QuestionKind.LONG_TEXT: lambda: self._paragraph(2),
            QuestionKind.NUMBER: lambda: str(rng.randrange(10, 500)),
            QuestionKind.URL: lambda: f"https://video.example.org/{rng.randrange(10**6)}",
            QuestionKind.DATE: lambda: str(event.start_date - timedelta(days=rng.randrange(30))),
            QuestionKind.DATETIME: lambda: (
                f"{event.start_date - timedelta(days=rng.randrange(30))}T15:30:00+00:00"
            ),
        }
        answers, chosen = [], []
        for question in questions:
            owners = (
                [("speaker_id", pk) for pk in speaker_ids]
                if question.target == QuestionTarget.SPEAKER
                else [("proposal_id", pk) for pk in proposal_ids]
            )
            for field, pk in owners:
                answer = Answer(question=question, **{field: pk})
                answer.value = values[question.kind]() if question.kind in values else ""
                answers.append(answer)
                if question.pk in options:
                    picks = rng.sample(options[question.pk], 1 if question.kind == "choice" else 2)
                    chosen.append((answer, picks))
        Answer.objects.bulk_create(answers, batch_size=5000)
        through = Answer.options.through
        through.objects.bulk_create(
            (
                through(answer_id=answer.pk, questionoption_id=option.pk)
                for answer, picks in chosen
                for option in picks
            ),
            batch_size=5000,
        )
        self.stdout.write(f"Asked {len(questions)} questions with {len(answers)} answers.")
