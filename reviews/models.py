from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from cfp.models import Event, Proposal, Question, QuestionOption, Track
from cfp.models.questions import ANSWER_MAX
from reviews.enums import ConflictSource, QueueMode
from speakers.validators import validate_clean_text, validate_no_markup, validate_one_line_text

User = settings.AUTH_USER_MODEL


class ReviewSettings(models.Model):
    """How an event reviews: blind or not, until when, and what reviewers see."""

    event = models.OneToOneField(Event, on_delete=models.CASCADE, related_name="review_settings")
    blind = models.BooleanField(
        "blind review",
        default=False,
        help_text="Reviewers never see speakers' names, emails, biographies, affiliations, "
        "photos or links.",
    )
    deadline = models.DateTimeField(
        "review deadline",
        null=True,
        blank=True,
        help_text="In the event's time zone. After it, reviews are read-only. Empty: no deadline.",
    )
    hide_others_until_scored = models.BooleanField(
        "hide other reviewers' scores until you have scored", default=True
    )
    queue = models.CharField(
        "reviewers see", max_length=20, choices=QueueMode.choices, default=QueueMode.ASSIGNED
    )
    reviews_per_proposal = models.PositiveSmallIntegerField(
        "reviewers per proposal",
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(50)],
        help_text="How many reviewers automatic assignment gives each proposal.",
    )
    # Every change to the event's reviews adds one; reviews.scores stores the version its
    # figures were computed at. Different: the normalised scores are being recalculated.
    scores_version = models.PositiveBigIntegerField(default=0, editable=False)
    scores_refreshed_version = models.PositiveBigIntegerField(default=0, editable=False)
    # Every proposal of the event up to this id has a ProposalScore row (see reviews.scores).
    scores_through_proposal = models.PositiveBigIntegerField(default=0, editable=False)
    # When the event-wide figures (scales, ReviewerTally, TrackTally) were last computed.
    scores_refreshed_at = models.DateTimeField(null=True, editable=False)

    class Meta:
        verbose_name = "review settings"
        verbose_name_plural = "review settings"

    def __str__(self) -> str:
        return f"Review settings of {self.event}"

    def is_open(self, now: datetime | None = None) -> bool:
        return self.deadline is None or (now or timezone.now()) < self.deadline


class ReviewerTeam(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="reviewer_teams")
    name = models.CharField(max_length=100, validators=[validate_one_line_text, validate_no_markup])
    members = models.ManyToManyField(User, related_name="review_teams", blank=True)
    tracks = models.ManyToManyField(
        Track,
        blank=True,
        related_name="reviewer_teams",
        help_text="Limit the team to these tracks. None: every track.",
    )

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["event", "name"], name="team_unique_name")]

    def __str__(self) -> str:
        return self.name


class Criterion(models.Model):
    """One thing reviewers score, on a scale from min_score to max_score."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="review_criteria")
    name = models.CharField(max_length=100, validators=[validate_one_line_text, validate_no_markup])
    min_score = models.SmallIntegerField("lowest score", default=1)
    max_score = models.SmallIntegerField("highest score", default=5)
    labels = models.TextField(
        blank=True,
        max_length=2000,
        validators=[validate_clean_text],
        help_text="One per line, e.g. “1 = Poor”. Values without a label show as numbers.",
    )
    weight = models.DecimalField(
        max_digits=5, decimal_places=2, default=Decimal("1"), validators=[MinValueValidator(0)]
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name_plural = "criteria"
        constraints = [
            models.UniqueConstraint(fields=["event", "name"], name="criterion_unique_name"),
            models.CheckConstraint(
                condition=models.Q(max_score__gt=models.F("min_score")),
                name="criterion_scale_not_empty",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.min_score is not None and self.max_score is not None:
            if self.max_score <= self.min_score:
                raise ValidationError({"max_score": "The highest score must be above the lowest."})
            if self.max_score - self.min_score > 100:
                raise ValidationError({"max_score": "A scale has at most 101 values."})
        if self.weight is not None and self.weight <= 0:
            raise ValidationError({"weight": "The weight must be above zero."})
        try:
            labels = self.label_map()
        except ValueError as exc:
            raise ValidationError({"labels": str(exc)}) from None
        outside = [v for v in labels if not self.min_score <= v <= self.max_score]
        if outside:
            raise ValidationError({"labels": f"{outside[0]} is outside the scale."})

    def label_map(self) -> dict[int, str]:
        """The labels as {value: label}; raises ValueError on a line that is not `N = text`."""
        result = {}
        for line in self.labels.splitlines():
            if not line.strip():
                continue
            value, sep, label = line.partition("=")
            try:
                number = int(value.strip())
            except ValueError:
                raise ValueError(f"“{line.strip()}” should look like “1 = Poor”.") from None
            if not sep or not label.strip():
                raise ValueError(f"“{line.strip()}” should look like “1 = Poor”.")
            result[number] = label.strip()
        return result

    def choices(self) -> list[tuple[int, str]]:
        labels = self.label_map()
        return [
            (v, f"{v} – {labels[v]}" if v in labels else str(v))
            for v in range(self.min_score, self.max_score + 1)
        ]


class Review(models.Model):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(User, on_delete=models.CASCADE, related_name="reviews")
    # The weighted mean of the criteria scores, kept by services.review_save for the aggregates.
    score = models.FloatField(editable=False)
    comment = models.TextField(
        "comment for the organizers", blank=True, max_length=5000, validators=[validate_clean_text]
    )
    feedback = models.TextField(
        "feedback for the speaker",
        blank=True,
        max_length=5000,
        validators=[validate_clean_text],
        help_text="Optional. Organizers may share it with the speakers.",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["proposal", "reviewer"], name="review_one_per_reviewer")
        ]
        indexes = [models.Index(fields=["proposal", "score"]), models.Index(fields=["reviewer"])]

    def __str__(self) -> str:
        return f"Review of {self.proposal} by {self.reviewer}"


class Score(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="scores")
    value = models.SmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["review", "criterion"], name="score_one_per_criterion")
        ]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.value}"


class ReviewAnswer(models.Model):
    """A reviewer's answer, in one review, to a question the event asks of reviewers."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="review_answers")
    value = models.TextField(blank=True, max_length=ANSWER_MAX, validators=[validate_clean_text])
    options = models.ManyToManyField(QuestionOption, blank=True, related_name="review_answers")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["review", "question"], name="reviewanswer_one_per_question"
            )
        ]

    def __str__(self) -> str:
        return f"{self.question}: {self.value}"


class Assignment(models.Model):
    """A proposal given to a reviewer to review."""

    proposal = models.ForeignKey(
        Proposal, on_delete=models.CASCADE, related_name="review_assignments"
    )
    reviewer = models.ForeignKey(User, on_delete=models.CASCADE, related_name="review_assignments")
    automatic = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["proposal", "reviewer"], name="assignment_unique")
        ]
        indexes = [models.Index(fields=["reviewer", "proposal"])]

    def __str__(self) -> str:
        return f"{self.proposal} → {self.reviewer}"


class Conflict(models.Model):
    """A reviewer who must not review, nor see the reviews of, a proposal."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="conflicts")
    reviewer = models.ForeignKey(User, on_delete=models.CASCADE, related_name="review_conflicts")
    source = models.CharField(max_length=20, choices=ConflictSource.choices)
    reason = models.CharField(max_length=300, blank=True, validators=[validate_one_line_text])
    created_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["proposal", "reviewer"], name="conflict_unique")
        ]

    def __str__(self) -> str:
        return f"{self.reviewer} ✕ {self.proposal}"


class ProposalScore(models.Model):
    """A proposal's review figures, stored so that the ranked list reads rather than computes.

    Kept by reviews.scores: count, mean, median and spread when a review of the proposal
    changes; the normalised score with every reviewer's scale, for the whole event, in Celery.
    Every proposal has a row (an unreviewed one with no figures), and the event is repeated
    here so that the ranked list reads its first page from one index, in the order it shows.
    """

    proposal = models.OneToOneField(
        Proposal, on_delete=models.CASCADE, primary_key=True, related_name="score"
    )
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="+")
    review_count = models.PositiveIntegerField(default=0)
    mean = models.FloatField(null=True)
    median = models.FloatField(null=True)
    stddev = models.FloatField(null=True)
    normalised = models.FloatField(null=True)
    # PostgreSQL also has an index (event, normalised DESC NULLS LAST), the ranked list's
    # default order, made in migration 0003: SQLite has no NULLS LAST in an index.

    def __str__(self) -> str:
        return f"Scores of {self.proposal_id}"


class ReviewerScale(models.Model):
    """How one reviewer's scores map onto the event's scale (see selectors.reviewer_scales)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="reviewer_scales")
    reviewer = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    factor = models.FloatField()
    offset = models.FloatField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["event", "reviewer"], name="reviewer_scale_unique")
        ]

    def __str__(self) -> str:
        return f"{self.reviewer_id}: × {self.factor:.3f} + {self.offset:.3f}"


class ReviewerTally(models.Model):
    """One reviewer's figures in one event, as the dashboard shows them: stored by the refresh
    (reviews.scores), which passes over every review and assignment of the event anyway.

    Every proposal counts here, whoever looks; the dashboard takes out what its viewer is
    conflicted on. `by_value` counts reviews by their score rounded to a whole number
    ({"4": 12}); the dashboard bins them on the event's current scale.
    """

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="+")
    reviewer = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    # Assignments of proposals under review (selectors.REVIEWABLE_STATES), and those reviewed.
    assigned = models.PositiveIntegerField(default=0)
    assigned_done = models.PositiveIntegerField(default=0)
    # Every review they gave in the event, whatever the proposal's state.
    reviews = models.PositiveIntegerField(default=0)
    score_total = models.FloatField(default=0.0)
    by_value = models.JSONField(default=dict)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["event", "reviewer"], name="reviewer_tally_unique")
        ]

    def __str__(self) -> str:
        return f"{self.reviewer_id}: {self.reviews} reviews, {self.assigned} assigned"


class TrackTally(models.Model):
    """How many reviewed proposals under review a track has per rounded mean score and
    number of reviews: the dashboard's scores per track, stored by the refresh."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="+")
    track = models.ForeignKey(Track, on_delete=models.CASCADE, null=True, related_name="+")
    value = models.SmallIntegerField()  # the mean score, rounded half up
    review_count = models.PositiveIntegerField()
    proposals = models.PositiveIntegerField()
    mean_total = models.FloatField()

    def __str__(self) -> str:
        return f"{self.track_id}: {self.proposals} at {self.value} ({self.review_count} reviews)"


class ReviewQueueItem(Proposal):
    """A proposal as a reviewer sees it in their queue (staff panel only)."""

    class Meta:
        proxy = True
        verbose_name = "proposal to review"
        verbose_name_plural = "proposals to review"


class RankedProposal(Proposal):
    """A proposal with its review aggregates, as organizers rank them (staff panel only)."""

    class Meta:
        proxy = True
        verbose_name = "ranked proposal"
        verbose_name_plural = "ranked proposals"
