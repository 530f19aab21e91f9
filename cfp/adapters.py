from allauth.account.adapter import DefaultAccountAdapter
from django.utils import timezone

from cfp import outbox
from cfp.enums import MessageKind
from cfp.models import Invitation

# The token of the co-speaker invitation that a signed-out visitor opened last.
INVITATION_SESSION_KEY = "lectern_invitation"


def remember_invitation(request, invitation: Invitation) -> None:
    """The visitor holds this invitation's link, which was emailed to the invited address:
    signing up with that address needs no second verification email."""
    request.session[INVITATION_SESSION_KEY] = invitation.token


class AccountAdapter(DefaultAccountAdapter):
    """Account emails (verification, password reset) go through the outbox and Celery too:
    no request waits on SMTP, and none is lost when SMTP is down."""

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
        rendered = self.render_mail(template_prefix, email, context)
        html = next(
            (
                content
                for content, mimetype in getattr(rendered, "alternatives", [])
                if mimetype == "text/html"
            ),
            None,
        )
        outbox.queue(
            to=email,
            subject=rendered.subject,
            body=rendered.body,
            html=html,
            kind=MessageKind.ACCOUNT,
            user=context.get("user"),
        )
