"""Real local receivers for the outside world: an SMTP server (aiosmtpd) and an HTTP server that
records signed POSTs (webhooks, the SMS gateway). Both listen on 127.0.0.1 only."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from qitong.adapters.signing import SIGNATURE_HEADER, TIMESTAMP_HEADER, verify


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@dataclass
class SmtpSink:
    """Accepts mail; the first `refuse` messages get a temporary failure (451)."""

    refuse: int = 0
    messages: list[EmailMessage] = field(default_factory=list)
    envelopes: list[tuple[str, list[str]]] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.refuse > 0:
            self.refuse -= 1
            return "451 4.3.0 邮件系统繁忙，请稍后重试"
        msg = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(msg, EmailMessage)
        self.messages.append(msg)
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 2.0.0 OK"


@contextmanager
def smtp_server(login: tuple[str, str] | None = None) -> Iterator[tuple[SmtpSink, int]]:
    """With `login`, the server checks AUTH against that user and password (plain text: loopback only)."""
    sink = SmtpSink()
    port = free_port()
    kw: dict[str, Any] = {}
    if login is not None:
        def authenticator(_server: Any, _session: Any, _envelope: Any, _mechanism: str, data: Any) -> AuthResult:
            ok = isinstance(data, LoginPassword) and (data.login.decode(), data.password.decode()) == login
            return AuthResult(success=ok)

        kw = {"authenticator": authenticator, "auth_require_tls": False}
    ctrl = Controller(sink, hostname="127.0.0.1", port=port, **kw)
    ctrl.start()
    try:
        yield sink, port
    finally:
        ctrl.stop()


@dataclass
class Received:
    path: str
    headers: dict[str, str]  # names in lower case
    body: bytes
    signature_ok: bool

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class HttpReceiver:
    """Answers each POST with the next status in `script` (then 200), and the JSON `answer`.
    Checks the signature with `secret` against `now()` as the receiving side would."""

    secret: str = ""
    script: list[int] = field(default_factory=list)
    answer: dict[str, Any] = field(default_factory=lambda: {"accepted": True})
    now: int = 0
    received: list[Received] = field(default_factory=list)
    port: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    def handle(self, path: str, headers: dict[str, str], body: bytes) -> tuple[int, bytes]:
        ok = verify(self.secret, headers.get(TIMESTAMP_HEADER.lower()), headers.get(SIGNATURE_HEADER.lower()), body,
                    now=self.now)
        self.received.append(Received(path, headers, body, ok))
        status = self.script.pop(0) if self.script else 200
        if not ok:
            status = 401
        return status, json.dumps(self.answer).encode()


@contextmanager
def http_receiver(secret: str = "", now: int = 0) -> Iterator[HttpReceiver]:
    rec = HttpReceiver(secret=secret, now=now)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            status, out = rec.handle(self.path, {k.lower(): v for k, v in self.headers.items()}, body)
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(out)))
            self.end_headers()
            self.wfile.write(out)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    rec.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield rec
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
