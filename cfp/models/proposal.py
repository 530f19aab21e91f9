from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import get_random_string

from cfp.enums import EDITABLE_STATES, TRANSITIONS, ExperienceLevel, ProposalState
from cfp.models.event import Event, SubmissionType, Track
from speakers.validators import validate_clean_text, validate_no_markup

# No 0/O, 1/I/L: codes are read aloud and typed from printed schedules.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8

# Length limits, shared by the model, the form's live counters and the tests.
TITLE_MAX = 200
ABSTRACT_MAX = 3000
LONG_TEXT_MAX = 2000
REQUIREMENTS_MAX = 1000


def generate_code() -> str:
    return get_random_string(CODE_LENGTH, CODE_ALPHABET)


class TransitionNotAllowed(Exception):
    """A state change that the lifecycle does not allow."""


class ProposalQuerySet(models.QuerySet):
    def for_event(self, event: Event):
        return self.filter(event=event)

    def for_speaker(self, user):
        if not user.is_authenticated:
            return self.none()
        return self.filter(speakers=user)

    def submitted(self):
        return self.filter(state=ProposalState.SUBMITTED)

    def with_listing(self):
        """Everything a list of proposals shows, in a fixed number of queries."""
        from speakers.models import User

        return self.select_related(
            "event", "event__cfp", "submission_type", "track"
        ).prefetch_related(
            Prefetch(
                "speakers",
                queryset=User.objects.select_related("profile").order_by("email"),
            )
        )


class Proposal(models.Model):
    event = models.ForeignKey(Event, on_delete=models.PROTECT, related_name="proposals")
    code = models.CharField(max_length=16, unique=True, default=generate_code, editable=False)
    title = models.CharField(
        "Title", max_length=TITLE_MAX, validators=[validate_clean_text, validate_no_markup]
    )
    submission_type = models.ForeignKey(
        SubmissionType,
        verbose_name="Submission type",
        on_delete=models.PROTECT,
        related_name="proposals",
        null=True,
        blank=True,
    )
    track = models.ForeignKey(
        Track,
        verbose_name="Category",
        on_delete=models.PROTECT,
        related_name="proposals",
        null=True,
        blank=True,
    )
    experience_level = models.CharField(
        "Experience level", max_length=20, choices=ExperienceLevel.choices, blank=True
    )
    abstract = models.TextField(
        "Abstract",
        max_length=ABSTRACT_MAX,
        blank=True,
        validators=[validate_clean_text],
        help_text="Written in the third person, in complete sentences. Public once the talk "
        "is accepted. Markdown is supported.",
    )
    audience = models.TextField(
        "Audience",
        max_length=LONG_TEXT_MAX,
        blank=True,
        validators=[validate_clean_text],
        help_text="Who is the audience, and what will they gain from the talk?",
    )
    benefits = models.TextField(
        "Benefits to the ecosystem",
        max_length=LONG_TEXT_MAX,
        blank=True,
        validators=[validate_clean_text],
    )
    technical_requirements = models.TextField(
        "Technical requirements",
        max_length=REQUIREMENTS_MAX,
        blank=True,
        validators=[validate_clean_text],
        help_text="For example: “None, all demos will be done over AWS”.",
    )
    notes = models.TextField(
        "Notes for the organizers",
        max_length=LONG_TEXT_MAX,
        blank=True,
        validators=[validate_clean_text],
        help_text="Never public.",
    )
    speakers = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="proposals")
    state = models.CharField(
        max_length=20, choices=ProposalState.choices, default=ProposalState.DRAFT, editable=False
    )
    deadline_extension = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Granted by an organizer: this proposal's speakers may edit it until then.",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ProposalQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["event", "state"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("cfp:proposal", kwargs={"event": self.event.slug, "code": self.code})

    # --- the deadline -----------------------------------------------------------------

    def edit_deadline(self) -> datetime:
        deadline = self.event.cfp.deadline
        if self.deadline_extension and self.deadline_extension > deadline:
            return self.deadline_extension
        return deadline

    def is_editable(self, now: datetime | None = None) -> bool:
        """Speakers edit only while draft or submitted, and only before the deadline."""
        now = now or timezone.now()
        return self.state in EDITABLE_STATES and now < self.edit_deadline()

    def missing_for_submission(self) -> list[str]:
        """The labels of required fields that a draft still lacks."""
        missing = []
        if not self.title.strip():
            missing.append("Title")
        if self.submission_type_id is None:
            missing.append("Submission type")
        if self.track_id is None and self.event.tracks.exists():
            missing.append("Category")
        if not self.experience_level:
            missing.append("Experience level")
        if not self.abstract.strip():
            missing.append("Abstract")
        return missing

    # --- the lifecycle: the only code that changes `state` -------------------------------

    def _change_state(self, to: str, *, by) -> "ProposalTransition":
        if (self.state, to) not in TRANSITIONS:
            raise TransitionNotAllowed(
                f"A {self.get_state_display().lower()} proposal cannot become "
                f"{ProposalState(to).label.lower()}."
            )
        from_state = self.state
        self.state = to
        fields = ["state", "updated_at"]
        if to == ProposalState.SUBMITTED and self.submitted_at is None:
            self.submitted_at = timezone.now()
            fields.append("submitted_at")
        self.save(update_fields=fields)
        return ProposalTransition.objects.create(
            proposal=self, from_state=from_state, to_state=to, by=by
        )

    def submit(self, *, by) -> "ProposalTransition":
        if self.state != ProposalState.DRAFT:
            raise TransitionNotAllowed("Only a draft can be submitted.")
        missing = self.missing_for_submission()
        if missing:
            raise TransitionNotAllowed("Please fill in: " + ", ".join(missing) + ".")
        return self._change_state(ProposalState.SUBMITTED, by=by)

    submit.alters_data = True

    def withdraw(self, *, by) -> "ProposalTransition":
        return self._change_state(ProposalState.WITHDRAWN, by=by)

    withdraw.alters_data = True


class ProposalTransition(models.Model):
    """The audit trail: every state change of a proposal, who made it and when."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="transitions")
    from_state = models.CharField(max_length=20, choices=ProposalState.choices)
    to_state = models.CharField(max_length=20, choices=ProposalState.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.proposal.code}: {self.from_state} → {self.to_state}"
