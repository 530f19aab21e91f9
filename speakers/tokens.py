"""Personal API tokens: made, found and revoked (the API's credential, speakers.api).

A token reads `lct_` and 43 random URL-safe characters (256 bits). Only its SHA-256 is kept;
the whole token is shown once, when it is made.

People make and revoke their own tokens on the public site (speakers.views) and in the staff
panel (speakers.staff_tokens); both go through these functions. Making one needs an active
account with a verified email address, is limited to MAX_LIVE tokens that still work, and, at
a form, to a few an hour (`token_create_limited`).
"""

import hashlib
import secrets
from datetime import date, datetime, time, timedelta

from allauth.account.models import EmailAddress
from allauth.core.internal import ratelimit
from django.conf import settings
from django.core.cache import cache
from django.db import models, transaction
from django.db.models import F
from django.db.models.functions import Now
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from speakers.backends import users_with_flags
from speakers.models import ApiToken, ApiTokenScope, User

TOKEN_START = "lct_"  # noqa: S105 (the visible start of every token, not a secret)
# How many characters of a token its lists show (the start, then "…").
SHOWN = len(TOKEN_START) + 6


# Tokens that still work (neither revoked nor expired) an account may hold at once.
MAX_LIVE = 50
# The furthest expiry a token may have: a credential that outlives its purpose by years is
# a leak waiting to happen (and a date in the year 9999 is a typing slip).
MAX_LIFETIME = timedelta(days=3 * 366)
RATE_APP = "lectern.api"
# New tokens an account may make from the forms, unless API_RATE_LIMITS says otherwise.
CREATE_RATE = "10/h/user"
# How long a sent token form is remembered (a reload of its answer makes no second token).
FORM_REMEMBERED = 24 * 60 * 60


class TokenRefused(Exception):
    """A token the rules do not allow to make now; the message says why."""


class AlreadyMade(TokenRefused):
    """The form that asked was sent before and made its token then."""


class TokenExpiry(models.TextChoices):
    """When a new token stops working, as the forms offer it."""

    NEVER = "never", gettext_lazy("Never")
    DAYS_30 = "30", gettext_lazy("In 30 days")
    DAYS_90 = "90", gettext_lazy("In 90 days")
    YEAR = "365", gettext_lazy("In a year")
    ON_DATE = "date", gettext_lazy("On a date")


def token_expires_at(choice: str, on: date | None = None) -> datetime | None:
    """The moment a token made now with this expiry stops working: None for never; a number
    of days from now; or, for a date, the end of that day in the site's time zone (the token
    still works all day long)."""
    if choice == TokenExpiry.NEVER:
        return None
    if choice == TokenExpiry.ON_DATE:
        if on is None:
            raise ValueError("an expiry on a date needs the date")
        next_day = datetime.combine(on + timedelta(days=1), time.min)
        return timezone.make_aware(next_day) - timedelta(microseconds=1)
    return timezone.now() + timedelta(days=int(choice))


def latest_expiry_date() -> date:
    """The last day a token's expiry may fall on (see MAX_LIFETIME)."""
    return timezone.localdate() + MAX_LIFETIME - timedelta(days=1)


def account_verified(user: User) -> bool:
    """Whether the account has a verified email address (allauth's)."""
    return EmailAddress.objects.filter(user_id=user.pk, verified=True).exists()


def own_tokens(user: User):
    """The account's tokens, newest first (revoked and expired ones too): what its lists show."""
    return ApiToken.objects.filter(user_id=user.pk).order_by("-created_at", "-pk")


def token_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()


@transaction.atomic
def token_create(
    *, user: User, name: str, scope: str = ApiTokenScope.READ, expires_at: datetime | None = None
) -> tuple[ApiToken, str]:
    """Make a token for the user; returns it and its secret, which is never shown again.

    Raises TokenRefused for an inactive or unverified account, one that holds MAX_LIVE working
    tokens already, a scope that is not one, or an expiry in the past or too far ahead."""
    # One creation at a time per account, so that two at once cannot both pass the cap.
    active = User.objects.select_for_update().filter(pk=user.pk, is_active=True)
    if not list(active.values_list("pk", flat=True)):
        raise TokenRefused(_("This account is inactive."))
    if not account_verified(user):
        raise TokenRefused(_("Verify your email address before you make an API token."))
    if scope not in ApiTokenScope.values:
        raise TokenRefused(_("Choose read, or read and write."))
    if expires_at is not None:
        if expires_at <= timezone.now():
            raise TokenRefused(_("The expiry must be in the future."))
        if expires_at > timezone.now() + MAX_LIFETIME:
            raise TokenRefused(_("A token may last at most three years."))
    if ApiToken.objects.filter(user_id=user.pk).usable().count() >= MAX_LIVE:
        raise TokenRefused(
            _(
                "You have %(count)d tokens that still work, the most an account may hold: "
                "revoke one you no longer use, then make the new one."
            )
            % {"count": MAX_LIVE}
        )
    raw = TOKEN_START + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=" ".join(name.split()),
        scope=scope,
        expires_at=expires_at,
        prefix=raw[:SHOWN],
        digest=token_digest(raw),
    )
    return token, raw


def token_create_limited(
    request, *, name: str, scope: str, expires_at: datetime | None, once: str = ""
) -> tuple[ApiToken, str]:
    """token_create for the signed-in person at a form (either site): at most a few new
    tokens an hour per account (allauth's rate limiter, API_RATE_LIMITS "token_create"), and
    one token per form drawn (`once`, the form's number: a reload of the page that showed the
    secret sends the form again). A refused token does not count."""
    sent = f"lectern:token-form:{request.user.pk}:{once}" if once else None
    if sent is not None and not cache.add(sent, True, timeout=FORM_REMEMBERED):
        raise AlreadyMade(
            _(
                "This form was sent before and made its token then: it is in your list. Its "
                "secret was shown once; if you did not keep it, revoke the token and make a "
                "new one."
            )
        )
    config = {"token_create": CREATE_RATE, **settings.API_RATE_LIMITS}
    usage = ratelimit.consume(request, app=RATE_APP, action="token_create", config=config)
    if usage is None:
        if sent is not None:
            cache.delete(sent)
        raise TokenRefused(
            _("You made several tokens in a short time: please wait an hour, then try again.")
        )
    try:
        return token_create(user=request.user, name=name, scope=scope, expires_at=expires_at)
    except TokenRefused:
        usage.rollback()
        if sent is not None:
            cache.delete(sent)
        raise


def token_revoke(*, token: ApiToken, by: User) -> bool:
    """Revoke one of `by`'s own tokens (any account's, for a superuser: the installation's
    administrator stops a leaked one); False if it was revoked already or is not theirs."""
    tokens = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True)
    if not by.is_superuser:
        tokens = tokens.filter(user=by)
    return bool(tokens.update(revoked_at=timezone.now()))


def token_find(raw: str) -> ApiToken | None:
    """The token with this secret and its user (profile and flags as a session's user has
    them), in one query; revoked and expired ones too, for the caller to tell apart."""
    if not raw.startswith(TOKEN_START) or len(raw) > 200:
        return None
    user = (
        users_with_flags()
        .filter(api_tokens__digest=token_digest(raw))
        .annotate(
            token_pk=F("api_tokens__pk"),
            token_name=F("api_tokens__name"),
            token_scope=F("api_tokens__scope"),
            token_prefix=F("api_tokens__prefix"),
            token_created_at=F("api_tokens__created_at"),
            token_expires_at=F("api_tokens__expires_at"),
            token_revoked_at=F("api_tokens__revoked_at"),
        )
        .first()
    )
    if user is None:
        return None
    return ApiToken(
        pk=user.token_pk,
        user=user,
        name=user.token_name,
        scope=user.token_scope,
        prefix=user.token_prefix,
        created_at=user.token_created_at,
        expires_at=user.token_expires_at,
        revoked_at=user.token_revoked_at,
    )


def token_used(token: ApiToken) -> None:
    """Note the token's use, at most once a minute (one UPDATE that changes nothing else)."""
    ApiToken.objects.filter(pk=token.pk).exclude(
        last_used_at__gt=Now() - timedelta(minutes=1)
    ).update(last_used_at=Now())
