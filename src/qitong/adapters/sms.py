"""SMS: a gateway protocol, an HTTP gateway (docs/notifications.md, "SMS gateway interface"),
and a file sink that appends JSON lines, for the demo and for tests."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Protocol

from qitong.adapters.errors import DeliveryFailed
from qitong.adapters.posting import canonical_json, post_signed
from qitong.settings import Settings


class SmsGateway(Protocol):
    def send(self, phone: str, text: str, *, message_id: str, at: datetime) -> None:
        """Hand the text over, or raise DeliveryFailed. `message_id` is the same on every retry."""


@dataclass(frozen=True)
class HttpSmsGateway:
    """POSTs {"message_id", "phone", "text"} signed like webhooks; expects 2xx {"accepted": true}."""

    url: str
    secret: str
    timeout: float = 10.0

    def send(self, phone: str, text: str, *, message_id: str, at: datetime) -> None:
        body = canonical_json({"message_id": message_id, "phone": phone, "text": text})
        r = post_signed(self.url, self.secret, body, at=at, timeout=self.timeout)
        try:
            answer = r.json()
        except ValueError as e:
            raise DeliveryFailed(f"SMS gateway answered non-JSON: {r.text[:200]}") from e
        if not isinstance(answer, dict) or answer.get("accepted") is not True:
            raise DeliveryFailed(f"SMS gateway refused: {str(answer)[:200]}")


@dataclass
class FileSmsSink:
    """Appends one JSON line per SMS to a file: what the demo shows instead of sending."""

    path: Path
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def send(self, phone: str, text: str, *, message_id: str, at: datetime) -> None:
        line = json.dumps({"message_id": message_id, "phone": phone, "text": text, "at": at.isoformat()},
                          ensure_ascii=False)
        try:
            with self._lock:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                with self.path.open("a", encoding="utf-8") as f:
                    f.write(line + "\n")
        except OSError as e:
            raise DeliveryFailed(f"SMS log {self.path}: {e}") from e


def sms_from_settings(s: Settings) -> SmsGateway:
    if s.sms_gateway_url:
        return HttpSmsGateway(s.sms_gateway_url, s.sms_gateway_secret, s.delivery_timeout_seconds)
    return FileSmsSink(s.sms_log_path)
