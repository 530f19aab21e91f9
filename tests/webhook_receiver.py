"""A real HTTP receiver for webhook tests: a threading http.server on 127.0.0.1 that records
every request (path, headers, body) and answers as the test scripts it: a status, a
redirect, a big body, or a hang until the test ends."""

import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    at: float


@dataclass
class Answer:
    status: int = 200
    body: bytes = b"ok"
    headers: dict[str, str] = field(default_factory=dict)
    hang: float = 0  # seconds to wait before answering (cut short when the receiver stops)


class Receiver:
    def __init__(self):
        self.requests: list[Received] = []
        self.script: list[Answer] = []  # the next answers, in order; then `default`
        self.default = Answer()
        self.stopping = threading.Event()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's name)
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                receiver.requests.append(
                    Received(self.path, dict(self.headers.items()), body, time.monotonic())
                )
                answer = receiver.script.pop(0) if receiver.script else receiver.default
                if answer.hang:
                    receiver.stopping.wait(answer.hang)
                try:
                    self.send_response(answer.status)
                    for name, value in answer.headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(len(answer.body)))
                    self.end_headers()
                    self.wfile.write(answer.body)
                except OSError:
                    pass  # the sender gave up waiting and closed the connection

            do_GET = do_POST  # noqa: N815 (a redirect followed would GET)

            def log_message(self, format, *args):  # noqa: A002 (http.server's signature)
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hooks/lectern"

    def start(self) -> "Receiver":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        self.server.shutdown()
        self.server.server_close()
