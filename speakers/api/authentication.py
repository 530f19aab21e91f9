"""Personal tokens in the `Authorization` header: `Bearer lct_…` (or `Token lct_…`).

A wrong token answers 401 with a JSON error, and is counted per address with allauth's rate
limiter, as wrong passwords are: past the limit every token from that address is refused
(429) before it is looked up. A revoked or expired token gets its own error code, and a
read token that tries to write a 403.
"""

from allauth.core.internal import ratelimit
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.permissions import SAFE_METHODS

from speakers.tokens import token_find, token_used

RATE_APP = "lectern.api"
SCHEMES = (b"bearer", b"token")
# Seconds an address past its wrong tries is told to wait (Retry-After): the window's length
# for the default rate ("30/m/ip").
RETRY_AFTER_WRONG_TOKENS = 60


class TokenFailed(exceptions.AuthenticationFailed):
    def __init__(self, detail, code):
        super().__init__(detail, code)


def _limited(request, *, consume: bool) -> bool:
    """Whether this address has used up its wrong tries (and, with `consume`, count one)."""
    usage = ratelimit.consume(
        request._request,
        app=RATE_APP,
        action="token_failed",
        config=settings.API_RATE_LIMITS,
        limit_get=True,
        dry_run=not consume,
    )
    return usage is None


class TokenAuthentication(BaseAuthentication):
    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() not in SCHEMES:
            return None  # no token: anonymous, or the session
        if _limited(request, consume=False):
            raise exceptions.Throttled(
                wait=RETRY_AFTER_WRONG_TOKENS,
                detail=str(_("Too many wrong tokens from this address.")),
            )
        if len(parts) != 2:
            _limited(request, consume=True)
            raise TokenFailed(_("The Authorization header holds no token."), "token_invalid")
        try:
            raw = parts[1].decode("ascii")
        except UnicodeDecodeError:
            raw = ""
        token = token_find(raw) if raw else None
        if token is None:
            _limited(request, consume=True)
            raise TokenFailed(_("This token is not valid."), "token_invalid")
        if token.is_revoked:
            raise TokenFailed(_("This token was revoked."), "token_revoked")
        if token.is_expired:
            raise TokenFailed(_("This token has expired."), "token_expired")
        if not token.user.is_active:
            raise TokenFailed(_("This account is inactive."), "account_inactive")
        if request.method not in SAFE_METHODS and not token.can_write:
            # Here rather than in a permission class, which a view's own list would drop.
            raise exceptions.PermissionDenied(
                _("This token may only read: make a token with the write scope."),
                "token_read_only",
            )
        token_used(token)
        return token.user, token

    def authenticate_header(self, request):
        return 'Bearer realm="api"'


class TokenScheme(OpenApiAuthenticationExtension):
    """The schema's name for the token: an HTTP bearer token."""

    target_class = TokenAuthentication
    name = "token"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": str(
                _("A personal token made in your profile: `Authorization: Bearer lct_…`.")
            ),
        }
