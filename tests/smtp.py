"""A real SMTP server for tests (aiosmtpd on 127.0.0.1), with scripted refusals."""

import asyncio
import socket
import threading
import time
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Inbox:
    """An aiosmtpd handler that keeps every message it receives."""

    def __init__(self):
        self.messages = []
        self.refusals: list[str] = []  # replies to give, in order, before accepting again
        # Seconds a slow server takes before it answers MAIL FROM.
        self.delay = 0.0
        # After the final "." the server keeps the message, then takes this long to say "250"
        # (a filtering, slow-storing server). A client that gives up or dies meanwhile cannot
        # know whether the message was taken: the one window where a resend can duplicate.
        self.reply_delay = 0.0
        # Set a gate (threading.Event) to hold the reply to the data, or to QUIT, until the test
        # opens it; `held` tells the test that a reply is being held ("data" or "quit").
        self.data_gate: threading.Event | None = None
        self.quit_gate: threading.Event | None = None
        self.held = {"data": threading.Event(), "quit": threading.Event()}
        self._lock = threading.Lock()

    async def _hold(self, name: str, gate: threading.Event | None) -> None:
        if gate is not None:
            self.held[name].set()
            await asyncio.get_running_loop().run_in_executor(None, gate.wait, 120)

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        if self.delay:
            await asyncio.sleep(self.delay)
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self._lock:
            if self.refusals:
                return self.refusals.pop(0)
        message = message_from_bytes(envelope.original_content, policy=policy.default)
        with self._lock:
            self.messages.append((list(envelope.rcpt_tos), message))
        if self.reply_delay:
            await asyncio.sleep(self.reply_delay)
        await self._hold("data", self.data_gate)
        return "250 OK"

    async def handle_QUIT(self, server, session, envelope):
        await self._hold("quit", self.quit_gate)
        return "221 Bye"

    def wait_for(self, count: int, timeout: float = 30.0) -> list:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if len(self.messages) >= count:
                    return list(self.messages)
            time.sleep(0.1)
        with self._lock:
            return list(self.messages)


@pytest.fixture
def smtp_server(settings):
    """A running SMTP server; Django's mail goes to it during the test."""
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    inbox.url = f"smtp://127.0.0.1:{controller.port}"
    settings.EMAIL_BACKEND = "cfp.mail.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield inbox
    controller.stop()
