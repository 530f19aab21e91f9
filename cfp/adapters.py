from types import SimpleNamespace
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from allauth.core.internal import ratelimit
from django.conf import settings
from django.utils import timezone

from cfp.enums import MessageKind
from cfp.mail import outbox
from cfp.models import Invitation

# The token of the co-speaker invitation that a signed-out visitor opened last.
INVITATION_SESSION_KEY = "lectern_invitation"


def remember_invitation(request, invitation: Invitation) -> None:
    """The visitor holds this invitation's link, which was emailed to the invited address:
    signing up with that address needs no second verification email."""
    request.session[INVITATION_SESSION_KEY] = invitation.token


APP = "allauth.account"


class AccountAdapter(DefaultAccountAdapter):
    """Account emails (verification, password reset) go through the outbox and Celery too:
    no request waits on SMTP, and none is lost when SMTP is down.

    Wrong passwords are limited per account (ACCOUNT_RATE_LIMITS "login_failed", checked before
    the password, as allauth does) and counted per address ("login_failed_address"). An address
    past its count only slows failures down: each account gets one wrong try per window from
    there ("login_failed_noisy_address"), and a right password of an account that was not
    guessed at still signs in. Many people share one address (a venue, an office).
    """

    def pre_authenticate(self, request, **credentials) -> None:
        key = self._get_login_attempts_cache_key(request, **credentials)
        usage = ratelimit.consume(request, app=APP, action="login_failed", key=key)
        if usage and self._address_is_noisy(request):
            noisy = ratelimit.consume(
                request, app=APP, action="login_failed_noisy_address", key=key
            )
            if noisy:
                usage.usage.extend(noisy.usage)
            else:
                usage.rollback()
                usage = None
        # allauth's authenticate() rolls this back when the password was right.
        self._login_failed_rl_usage = usage
        if not usage:
            raise self.validation_error("too_many_login_attempts")

    def authentication_failed(self, request, **credentials) -> None:
        ratelimit.consume(request, app=APP, action="login_failed_address")

    def _address_is_noisy(self, request) -> bool:
        return not ratelimit.consume(request, app=APP, action="login_failed_address", dry_run=True)

    def is_email_verified(self, request, email: str) -> bool:
        """An address is verified when the visitor came with a pending invitation's link for
        it (that link was emailed to it); any other address is verified by email as usual."""
        token = request.session.get(INVITATION_SESSION_KEY) if request is not None else None
        if token and (
            Invitation.objects.pending()
            .filter(token=token, email__iexact=email, expires_at__gt=timezone.now())
            .exists()
        ):
            return True
        return super().is_email_verified(request, email)

    def send_mail(self, template_prefix, email, context):
        site = SimpleNamespace(name=settings.SITE_NAME, domain=urlsplit(settings.SITE_URL).netloc)
        rendered = self.render_mail(
            template_prefix,
            email,
            {
                "request": allauth_context.request,
                "email": email,
                "current_site": site,
                **context,
            },
        )
        html = next(
            (
                content
                for content, mimetype in getattr(rendered, "alternatives", [])
                if mimetype == "text/html"
            ),
            None,
        )
        outbox.message_queue(
            to=email,
            subject=rendered.subject,
            body=rendered.body,
            html=html,
            kind=MessageKind.ACCOUNT,
            user=context.get("user"),
        )
