import zoneinfo
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from speakers.validators import validate_clean_text, validate_no_markup, validate_one_line_text


def validate_timezone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(f"“{value}” is not a time zone name such as Europe/Berlin.")


RESERVED_SLUGS = {
    "admin",
    "accounts",
    "me",
    "preview",
    "invitations",
    "media",
    "static",
    "api",
    "healthz",
}


def validate_event_slug(value: str) -> None:
    if value.lower() in RESERVED_SLUGS:
        raise ValidationError(f"“{value}” is reserved for Lectern's own pages.")


class EventQuerySet(models.QuerySet):
    def public(self):
        return self.filter(is_public=True)

    def organized_by(self, user):
        if user.is_superuser:
            return self.all()
        return self.filter(organizers=user)


class Event(models.Model):
    name = models.CharField(max_length=200, validators=[validate_one_line_text, validate_no_markup])
    slug = models.SlugField(
        max_length=50,
        unique=True,
        validators=[validate_event_slug],
        help_text="Used in addresses: /democon/",
    )
    timezone = models.CharField(
        max_length=64,
        default="UTC",
        validators=[validate_timezone],
        help_text="IANA time zone of the event, e.g. Europe/Berlin. Dates are shown in it.",
    )
    start_date = models.DateField()
    end_date = models.DateField()
    venue = models.CharField(max_length=300, blank=True, validators=[validate_one_line_text])
    is_public = models.BooleanField(
        "public", default=False, help_text="Hidden events are visible to their organizers only."
    )
    organizers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="organized_events",
        blank=True,
        # Organizers work in the staff panel: an account without staff status could not.
        limit_choices_to={"is_staff": True},
        help_text="Staff accounts only: give an account staff status (Users) to name it here.",
    )

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("cfp:event", kwargs={"event": self.slug})

    def clean(self) -> None:
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": "The event cannot end before it starts."})

    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)


class CfP(models.Model):
    """The call for papers of one event: when it is open and what it asks for."""

    event = models.OneToOneField(Event, on_delete=models.CASCADE, related_name="cfp")
    opens_at = models.DateTimeField(
        "opens", null=True, blank=True, help_text="In the event's time zone. Empty: open now."
    )
    deadline = models.DateTimeField(help_text="In the event's time zone, to the second.")
    confirmation_reminder_days = models.PositiveSmallIntegerField(
        "confirmation reminder after (days)",
        default=7,
        help_text="Remind accepted speakers who have not confirmed after this many days. 0: never.",
    )
    slides_reminder_days = models.PositiveSmallIntegerField(
        _("slides reminder (days before the event)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(365)],
        help_text=_(
            "Remind the speakers of confirmed talks without slides this many days before the "
            "event starts (in its time zone), once. Empty: never."
        ),
    )
    intro = models.TextField(
        "introduction",
        blank=True,
        max_length=10000,
        validators=[validate_clean_text],
        help_text="Shown on the CfP page. Markdown.",
    )
    # How the form asks each optional built-in field, where it differs from the default:
    # {"audience": {"state": "not_asked", "label": "…", "help_text": "…"}} (cfp.fields).
    field_settings = models.JSONField(_("form fields"), default=dict, blank=True)
    abstract_min_length = models.PositiveIntegerField(
        _("shortest abstract (characters)"), default=0
    )
    abstract_max_length = models.PositiveIntegerField(
        _("longest abstract (characters)"),
        default=3000,
        validators=[MinValueValidator(1), MaxValueValidator(10000)],
    )
    asks_availability = models.BooleanField(
        _("ask speakers when they can speak"),
        default=False,
        help_text=_("Speakers give their times when they confirm an accepted talk."),
    )

    class Meta:
        verbose_name = "call for papers"
        verbose_name_plural = "calls for papers"

    def __str__(self) -> str:
        return f"CfP of {self.event}"

    def clean(self) -> None:
        if self.opens_at and self.deadline and self.deadline <= self.opens_at:
            raise ValidationError({"deadline": "The deadline must come after the opening."})

    def status(self, now: datetime | None = None) -> str:
        now = now or timezone.now()
        if self.opens_at and now < self.opens_at:
            return "not_open"
        if now >= self.deadline:
            return "closed"
        return "open"

    def is_open(self, now: datetime | None = None) -> bool:
        return self.status(now) == "open"


class SubmissionType(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="submission_types")
    name = models.CharField(max_length=100, validators=[validate_one_line_text, validate_no_markup])
    default_duration = models.PositiveIntegerField(
        "default duration (minutes)",
        validators=[MinValueValidator(1), MaxValueValidator(24 * 60)],
    )
    position = models.PositiveSmallIntegerField(default=0)
    requires_access_code = models.BooleanField(
        _("only with an access code"),
        default=False,
        help_text=_("Hidden from the public form; an access code that names it opens it."),
    )

    class Meta:
        ordering = ["position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["event", "name"], name="submissiontype_unique_name")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.default_duration} min)"


class Track(models.Model):
    """A track of the event (the form, the schedule and the exports all say "Track")."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="tracks")
    name = models.CharField(max_length=100, validators=[validate_one_line_text, validate_no_markup])
    description = models.CharField(max_length=300, blank=True, validators=[validate_one_line_text])
    position = models.PositiveSmallIntegerField(default=0)
    requires_access_code = models.BooleanField(
        _("only with an access code"),
        default=False,
        help_text=_("Hidden from the public form; an access code that names it opens it."),
    )

    class Meta:
        ordering = ["position", "name"]
        constraints = [models.UniqueConstraint(fields=["event", "name"], name="track_unique_name")]

    def __str__(self) -> str:
        return self.name
