"""What organizers add to a CfP around the proposals: access codes, tags, and the times
speakers can speak."""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils.crypto import get_random_string
from django.utils.translation import gettext_lazy as _

from cfp.models.event import Event, SubmissionType, Track
from speakers.validators import validate_no_markup, validate_one_line_text

ACCESS_CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"

validate_access_code = RegexValidator(
    r"^[A-Za-z0-9_-]{4,64}$",
    _("Use 4 to 64 letters, digits, hyphens or underscores."),
    code="invalid_access_code",
)

validate_colour = RegexValidator(
    r"^#[0-9a-fA-F]{6}$", _("Give a colour as # and six hex digits, e.g. #1f6feb."), code="colour"
)


def generate_access_code() -> str:
    return get_random_string(12, ACCESS_CODE_ALPHABET)


class AccessCode(models.Model):
    """Lets a speaker submit after the deadline (until `valid_until`), and/or to tracks and
    submission types the public form does not offer. A proposal made with it counts as a use."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="access_codes")
    code = models.CharField(
        _("code"), max_length=64, default=generate_access_code, validators=[validate_access_code]
    )
    description = models.CharField(
        _("note"),
        max_length=200,
        blank=True,
        validators=[validate_one_line_text],
        help_text=_("For the organizers: whom the code is for."),
    )
    valid_until = models.DateTimeField(
        _("valid until"),
        null=True,
        blank=True,
        help_text=_(
            "In the event's time zone. Until then the code opens the form, even after the "
            "deadline. Empty: until the CfP's deadline."
        ),
    )
    tracks = models.ManyToManyField(
        Track,
        verbose_name=_("opens these tracks"),
        blank=True,
        related_name="access_codes",
        help_text=_("Tracks offered only with a code."),
    )
    submission_types = models.ManyToManyField(
        SubmissionType,
        verbose_name=_("opens these submission types"),
        blank=True,
        related_name="access_codes",
        help_text=_("Submission types offered only with a code."),
    )
    max_uses = models.PositiveIntegerField(
        _("maximum uses"), null=True, blank=True, help_text=_("Empty: no limit.")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("access code")
        verbose_name_plural = _("access codes")
        constraints = [
            # Codes are typed from emails and letters: "Keynote" and "keynote" are one code.
            models.UniqueConstraint(
                "event", Lower("code"), name="accesscode_unique_per_event_any_case"
            )
        ]

    def __str__(self) -> str:
        return self.code


class Tag(models.Model):
    """An organizers' label on proposals; speakers never see tags."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="tags")
    name = models.CharField(
        _("name"), max_length=50, validators=[validate_one_line_text, validate_no_markup]
    )
    colour = models.CharField(
        _("colour"), max_length=7, default="#6c757d", validators=[validate_colour]
    )
    visible_to_reviewers = models.BooleanField(
        _("reviewers see it"), default=False, help_text=_("Otherwise only organizers see it.")
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        constraints = [models.UniqueConstraint(fields=["event", "name"], name="tag_unique_name")]

    def __str__(self) -> str:
        return self.name


class SpeakerAvailability(models.Model):
    """A time a speaker can speak during the event (given when they confirm a talk)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="availabilities")
    speaker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="availabilities"
    )
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("until"))

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("availability")
        verbose_name_plural = _("availabilities")
        indexes = [models.Index(fields=["event", "speaker"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="availability_ends_after_it_starts",
            )
        ]

    def __str__(self) -> str:
        return f"{self.speaker}: {self.starts_at} – {self.ends_at}"
