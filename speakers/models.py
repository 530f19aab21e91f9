from allauth.account.models import EmailAddress
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower, Now
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from speakers.validators import validate_clean_text, validate_no_markup, validate_one_line_text


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra):
        if not email:
            raise ValueError("A user needs an email address.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra):
        """The installation's administrator (`createsuperuser`): whoever runs it typed the
        address at the server, so it counts as verified and they can log in at once."""
        extra.update(is_staff=True, is_superuser=True)
        user = self._create_user(email, password, **extra)
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        return user


class User(AbstractBaseUser, PermissionsMixin):
    """An account; people log in with their email address."""

    email = models.EmailField("email address", max_length=254, unique=True)
    is_staff = models.BooleanField(
        "staff status", default=False, help_text="Can log in to the staff panel."
    )
    is_active = models.BooleanField("active", default=True)
    date_joined = models.DateTimeField("date joined", default=timezone.now)

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = "user"
        constraints = [models.UniqueConstraint(Lower("email"), name="user_email_ci_unique")]

    def __str__(self) -> str:
        return self.email

    @property
    def display_name(self) -> str:
        """The speaker's name where they gave one, else their email address."""
        profile = getattr(self, "profile", None)
        return name_or_email(profile.name if profile is not None else None, self.email)

    def get_full_name(self) -> str:
        return self.display_name

    def get_short_name(self) -> str:
        return self.display_name


def name_or_email(name: str | None, email: str) -> str:
    """User.display_name from plain values (a profile's name, or None without a profile), for
    reads that fetch values rather than users."""
    return name or email


def photo_path(profile: "SpeakerProfile", filename: str) -> str:
    # The stored name never carries the uploader's file name.
    from django.utils.crypto import get_random_string

    return f"photos/{get_random_string(16)}.{filename.rsplit('.', 1)[-1]}"


class SpeakerProfile(models.Model):
    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="profile")
    name = models.CharField(
        "Name", max_length=100, blank=True, validators=[validate_one_line_text, validate_no_markup]
    )
    biography = models.TextField(
        "Biography",
        max_length=3000,
        blank=True,
        validators=[validate_clean_text],
        help_text="Your employer, ongoing projects and previous speaking experience. "
        "Markdown is supported.",
    )
    affiliation = models.CharField(
        "Affiliation",
        max_length=150,
        blank=True,
        validators=[validate_one_line_text, validate_no_markup],
        help_text="Company, university or project you represent.",
    )
    photo = models.ImageField("Photo", upload_to=photo_path, blank=True)
    links = models.TextField(
        "Links",
        max_length=1500,
        blank=True,
        help_text="Your website, blog or social profiles: one address per line.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "speaker profile"

    def __str__(self) -> str:
        return self.name or self.user.email

    @property
    def is_complete(self) -> bool:
        """Speakers need a name and a biography before they submit."""
        return bool(self.name.strip() and self.biography.strip())

    @property
    def link_list(self) -> list[str]:
        return [line.strip() for line in self.links.splitlines() if line.strip()]


class ApiTokenScope(models.TextChoices):
    READ = "read", _("Read")
    WRITE = "write", _("Read and write")


class ApiTokenQuerySet(models.QuerySet):
    def usable(self):
        """Neither revoked nor expired, of an active account."""
        return self.filter(revoked_at__isnull=True, user__is_active=True).filter(
            models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=Now())
        )


class ApiToken(models.Model):
    """A personal token for the API (speakers.api.authentication), made and revoked by its
    owner. The secret is shown once when it is made; only its SHA-256 is stored (a random
    secret of 256 bits needs no slow hash), and its first characters identify it in lists."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(
        _("Name"),
        max_length=100,
        validators=[validate_one_line_text, validate_no_markup],
        help_text=_("What the token is for, e.g. “Website programme import”."),
    )
    scope = models.CharField(
        _("Scope"), max_length=10, choices=ApiTokenScope.choices, default=ApiTokenScope.READ
    )
    prefix = models.CharField(max_length=16, editable=False)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    expires_at = models.DateTimeField(_("Expires"), null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "-created_at"], name="apitoken_user_newest")]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def can_write(self) -> bool:
        return self.scope == ApiTokenScope.WRITE

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()

    @property
    def is_usable(self) -> bool:
        return not (self.is_revoked or self.is_expired) and self.user.is_active
