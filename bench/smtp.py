"""A local SMTP sink for the benchmark: accepts every message and counts it."""

import logging
import socket

from aiosmtpd.controller import Controller


class _Counter:
    def __init__(self):
        self.count = 0

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        self.count += 1
        return "250 OK"


class SmtpSink:
    def __init__(self):
        logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd's per-command log
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self._handler = _Counter()
        self._controller = Controller(self._handler, hostname="127.0.0.1", port=self.port)

    @property
    def count(self) -> int:
        return self._handler.count

    def start(self) -> None:
        self._controller.start()

    def stop(self) -> None:
        self._controller.stop()
