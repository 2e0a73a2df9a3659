"""Webhooks: POST the event as JSON, signed ``X-Qitong-Signature: sha256=<hmac hex>`` over
``<timestamp>.<raw body>`` with the timestamp in ``X-Qitong-Timestamp`` (Stripe's scheme,
GitHub's header form). Non-2xx, a time-out or a refused connection is a failure."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from qitong.adapters.posting import post_signed
from qitong.adapters.signing import verify

EVENT_HEADER = "X-Qitong-Event"
DELIVERY_HEADER = "X-Qitong-Delivery"

__all__ = ["DELIVERY_HEADER", "EVENT_HEADER", "WebhookPoster", "verify"]


@dataclass(frozen=True)
class WebhookPoster:
    timeout: float = 10.0

    def post(self, url: str, secret: str, body: bytes, *, topic: str, delivery_id: str, at: datetime) -> None:
        post_signed(url, secret, body, at=at, timeout=self.timeout,
                    headers={EVENT_HEADER: topic, DELIVERY_HEADER: delivery_id})
