"""Email over SMTP with the standard library: plain text, UTF-8, optional STARTTLS and login."""

from __future__ import annotations

import smtplib
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime

from qitong.adapters.errors import DeliveryFailed
from qitong.settings import Settings


@dataclass(frozen=True)
class SmtpMailer:
    host: str
    port: int = 25
    sender: str = "企通 <noreply@qitong.local>"
    starttls: bool = False
    user: str | None = None
    password: str | None = None
    timeout: float = 10.0

    @classmethod
    def from_settings(cls, s: Settings) -> SmtpMailer | None:
        if not s.smtp_host:
            return None
        return cls(s.smtp_host, s.smtp_port, s.smtp_from, s.smtp_starttls, s.smtp_user, s.smtp_password,
                   s.delivery_timeout_seconds)

    def build(self, to: str, subject: str, body: str, *, message_id: str, at: datetime) -> EmailMessage:
        msg = EmailMessage()
        msg["From"] = self.sender
        msg["To"] = to
        msg["Subject"] = subject
        msg["Date"] = format_datetime(at)
        # stable per delivery: a receiving system that sees it twice can tell it is one message
        msg["Message-ID"] = f"<{message_id}@qitong.local>"
        msg.set_content(body + "\n\n——\n本邮件由企通平台自动发送，请勿直接回复。", charset="utf-8")
        return msg

    def send(self, to: str, subject: str, body: str, *, message_id: str, at: datetime) -> None:
        msg = self.build(to, subject, body, message_id=message_id, at=at)
        try:
            with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
                if self.starttls:
                    smtp.starttls()
                if self.user:
                    smtp.login(self.user, self.password or "")
                refused = smtp.send_message(msg)
        except (smtplib.SMTPException, OSError, UnicodeError) as e:  # smtplib logs in with ASCII only
            raise DeliveryFailed(f"SMTP {self.host}:{self.port}: {e}") from e
        if refused:
            raise DeliveryFailed(f"recipient refused: {refused}")
