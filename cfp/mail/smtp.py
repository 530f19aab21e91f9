"""The SMTP backend of the outbox: it waits for the server's verdict as long as RFC 5321 says.

Django's backend gives every reply EMAIL_TIMEOUT (10 s). That suits the greeting and the
commands, but the reply to the end of the data ("." after the message) may take a server up
to ten minutes (RFC 5321 4.5.3.2: it filters and stores the message first). Giving up sooner
means sending again a message the server took. So the final reply gets
EMAIL_DATA_REPLY_TIMEOUT, and if it still does not come (or the connection breaks while
waiting), the outcome is unknown: DeliveryUnknown, which the outbox never retries by itself.
"""

import re
import smtplib

from django.conf import settings
from django.core.mail.backends import smtp


class DeliveryUnknown(smtplib.SMTPException):
    """The whole message went out, but the server's final reply never came."""


class FinalReplyWait:
    """For smtplib.SMTP classes: the long wait, and DeliveryUnknown, after the data."""

    def data(self, msg):
        # smtplib.SMTP.data, with its final getreply() given the long timeout.
        self.putcmd("data")
        code, reply = self.getreply()
        if code != 354:
            raise smtplib.SMTPDataError(code, reply)
        if isinstance(msg, str):
            msg = re.sub(r"(?:\r\n|\n|\r(?!\n))", "\r\n", msg).encode("ascii")
        data = re.sub(rb"(?m)^\.", b"..", msg)
        if data[-2:] != b"\r\n":
            data += b"\r\n"
        self.send(data + b".\r\n")
        command_timeout = self.sock.gettimeout()
        self.sock.settimeout(settings.EMAIL_DATA_REPLY_TIMEOUT)
        try:
            code, reply = self.getreply()
        except Exception as exc:  # a timeout, a broken connection, the task's soft time limit
            raise DeliveryUnknown(f"No reply to the end of the data: {exc}") from exc
        self.sock.settimeout(command_timeout)  # QUIT and the next message: the usual wait
        return code, reply


class SMTP(FinalReplyWait, smtplib.SMTP):
    pass


class SMTP_SSL(FinalReplyWait, smtplib.SMTP_SSL):  # noqa: N801 (named as smtplib's)
    pass


class EmailBackend(smtp.EmailBackend):
    """Django's SMTP backend with the final-reply wait (EMAIL_URL's smtp schemes use it)."""

    @property
    def connection_class(self):
        return SMTP_SSL if self.use_ssl else SMTP
