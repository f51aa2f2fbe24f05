"""A real SMTP server (aiosmtpd) on 127.0.0.1 that keeps every message it receives.

The port is chosen before the server starts, so a test can point policymon at a server that
is down and start it later on the same port. Import the fixtures into a test module:
`from mail import smtp, tls_cert`.
"""
from __future__ import annotations

import email
import email.policy
import socket
import ssl
import subprocess
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    raw: bytes
    message: EmailMessage


@dataclass
class SmtpServer:
    """Start and stop at will; `messages` and `logins` survive restarts."""
    port: int = field(default_factory=free_port)
    credentials: tuple[str, str] | None = None      # require this login when set
    tls: str = "none"                               # none | starttls | ssl
    cert: tuple[Path, Path] | None = None           # (certificate, key) for tls
    messages: list[Received] = field(default_factory=list)
    logins: list[tuple[str, str]] = field(default_factory=list)
    _controller: Controller | None = None

    async def handle_DATA(self, server, session, envelope):
        raw = envelope.original_content or envelope.content
        self.messages.append(Received(envelope.mail_from, list(envelope.rcpt_tos), raw,
                                      email.message_from_bytes(raw, policy=email.policy.default)))
        return "250 Message accepted for delivery"

    def _authenticate(self, server, session, envelope, mechanism, auth_data):
        if not isinstance(auth_data, LoginPassword):
            return AuthResult(success=False, handled=False)
        login = (auth_data.login.decode(), auth_data.password.decode())
        self.logins.append(login)
        return AuthResult(success=login == self.credentials, handled=False)   # unhandled → server answers 535

    def start(self) -> "SmtpServer":
        kwargs: dict = {}
        if self.credentials:
            # Without TLS, AUTH is offered but not required (aiosmtpd warns otherwise); a test
            # proves the login by `logins`.
            kwargs.update(authenticator=self._authenticate, auth_required=self.tls != "none",
                          auth_require_tls=self.tls != "none")
        if self.tls != "none":
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            context.load_cert_chain(*map(str, self.cert))
            if self.tls == "starttls":
                kwargs.update(tls_context=context, require_starttls=True)
            else:
                kwargs.update(ssl_context=context)
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port, **kwargs)
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None


@pytest.fixture
def smtp():
    server = SmtpServer().start()
    yield server
    server.stop()


@pytest.fixture
def tls_cert(tmp_path, monkeypatch) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1, trusted by this process (SSL_CERT_FILE)."""
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                    "-nodes", "-keyout", str(key), "-out", str(cert), "-days", "1", "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"], check=True, capture_output=True)
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    return cert, key
