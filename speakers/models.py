from allauth.account.models import EmailAddress
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

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
