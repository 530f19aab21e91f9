from allauth.account.adapter import DefaultAccountAdapter

from cfp import outbox
from cfp.enums import MessageKind


class AccountAdapter(DefaultAccountAdapter):
    """Account emails (verification, password reset) go through the outbox and Celery too:
    no request waits on SMTP, and none is lost when SMTP is down."""

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
