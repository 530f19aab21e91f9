"""Personal API tokens: made, found and revoked (the API's credential, speakers.api).

A token reads `lct_` and 43 random URL-safe characters (256 bits). Only its SHA-256 is kept;
the whole token is shown once, when it is made.
"""

import hashlib
import secrets
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F
from django.db.models.functions import Now
from django.utils import timezone

from speakers.backends import users_with_flags
from speakers.models import ApiToken, ApiTokenScope, User

TOKEN_START = "lct_"  # noqa: S105 (the visible start of every token, not a secret)
# How many characters of a token its lists show (the start, then "…").
SHOWN = len(TOKEN_START) + 6


def token_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()


@transaction.atomic
def token_create(
    *, user: User, name: str, scope: str = ApiTokenScope.READ, expires_at: datetime | None = None
) -> tuple[ApiToken, str]:
    """Make a token for the user; returns it and its secret, which is never shown again."""
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


def token_revoke(*, token: ApiToken, by: User) -> bool:
    """Revoke one of `by`'s own tokens; False if it was revoked already or is not theirs."""
    return bool(
        ApiToken.objects.filter(pk=token.pk, user=by, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
    )


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
