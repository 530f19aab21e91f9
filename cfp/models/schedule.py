"""The schedule: rooms, the organizers' working slots, and the versions they publish.

TalkSlot rows are the organizers' draft, changed freely in the grid. Publishing copies
them into a ScheduleVersion (PublishedSlot rows); the public reads only the newest
version, so a half-built draft is never seen. Times are stored in UTC.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from cfp.models.event import Event
from cfp.models.proposal import Proposal
from speakers.validators import validate_clean_text, validate_no_markup, validate_one_line_text

# A talk whose submission type is gone (or never set) still takes room in the grid.
FALLBACK_DURATION = 30
MAX_DURATION = 24 * 60


class Room(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="rooms")
    name = models.CharField(max_length=100, validators=[validate_one_line_text, validate_no_markup])
    capacity = models.PositiveIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(1_000_000)]
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]
        constraints = [models.UniqueConstraint(fields=["event", "name"], name="room_unique_name")]

    def __str__(self) -> str:
        return self.name


class TalkSlot(models.Model):
    """A talk (or a break, when there is no proposal) in a room at a start time.

    A break without a room spans every room (lunch). A talk has one slot at most.
    """

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="slots")
    proposal = models.OneToOneField(
        Proposal, on_delete=models.CASCADE, null=True, blank=True, related_name="slot"
    )
    room = models.ForeignKey(
        Room, on_delete=models.CASCADE, null=True, blank=True, related_name="slots"
    )
    start = models.DateTimeField()
    duration = models.PositiveIntegerField(
        "duration (minutes)",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_DURATION)],
        help_text="Empty: the length of the talk's submission type.",
    )
    title = models.CharField(
        "break title",
        max_length=200,
        blank=True,
        validators=[validate_one_line_text, validate_no_markup],
        help_text="For a break, e.g. “Lunch”.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["start", "room__position", "pk"]
        indexes = [models.Index(fields=["event", "start"])]

    def __str__(self) -> str:
        return self.label

    @property
    def is_break(self) -> bool:
        return self.proposal_id is None

    @property
    def label(self) -> str:
        if self.is_break:
            return self.title or "Break"
        return self.proposal.title

    @property
    def minutes(self) -> int:
        if self.duration:
            return self.duration
        if self.proposal_id and self.proposal.submission_type_id:
            return self.proposal.submission_type.default_duration
        return FALLBACK_DURATION

    @property
    def end(self) -> datetime:
        return self.start + timedelta(minutes=self.minutes)


class ScheduleVersionQuerySet(models.QuerySet):
    def current_for(self, event: Event):
        """The version the public sees: the newest one published."""
        return self.filter(event=event).order_by("-published_at", "-pk").first()


class ScheduleVersion(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="schedule_versions")
    name = models.CharField(
        "version",
        max_length=50,
        validators=[validate_one_line_text, validate_no_markup],
        help_text="Shown to the public and in the feeds, e.g. “1.0” or “Day 2 fixes”.",
    )
    comment = models.TextField(
        "what changed",
        max_length=2000,
        blank=True,
        validators=[validate_clean_text],
        help_text="Public. Markdown.",
    )
    published_at = models.DateTimeField(default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = ScheduleVersionQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-pk"]
        get_latest_by = "published_at"
        constraints = [
            models.UniqueConstraint(fields=["event", "name"], name="schedule_version_unique_name")
        ]

    def __str__(self) -> str:
        return f"{self.event} – version {self.name}"


class PublishedSlot(models.Model):
    """A copy of a slot as it was published. Talks accepted or confirmed at publishing
    time are all in the version, unscheduled ones without a room and time."""

    version = models.ForeignKey(ScheduleVersion, on_delete=models.CASCADE, related_name="slots")
    proposal = models.ForeignKey(
        Proposal,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="published_slots",
    )
    # The room as it was named then; renaming or removing a room later changes no version.
    room = models.ForeignKey(
        Room, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    room_name = models.CharField(max_length=100, blank=True)
    room_position = models.PositiveSmallIntegerField(default=0)
    start = models.DateTimeField(null=True, blank=True)
    end = models.DateTimeField(null=True, blank=True)
    title = models.CharField("break title", max_length=200, blank=True)

    class Meta:
        ordering = ["start", "room_position", "room_name", "pk"]
        indexes = [models.Index(fields=["version", "start"])]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "proposal"], name="published_slot_one_per_talk"
            )
        ]

    def __str__(self) -> str:
        return self.title or (self.proposal.title if self.proposal_id else "Break")

    @property
    def is_break(self) -> bool:
        return self.proposal_id is None

    @property
    def is_scheduled(self) -> bool:
        return self.start is not None

    @property
    def minutes(self) -> int | None:
        if self.start is None or self.end is None:
            return None
        return int((self.end - self.start).total_seconds() // 60)
