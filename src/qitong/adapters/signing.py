"""HMAC-SHA256 request signing, shared by webhooks and the SMS gateway (Stripe's scheme).

The signed string is ``<unix timestamp>.<raw body>``; the signature header reads
``sha256=<hex>``. Signing the timestamp with the body lets a receiver refuse old requests
(replays) without trusting an unsigned header."""

from __future__ import annotations

import hashlib
import hmac

SIGNATURE_HEADER = "X-Qitong-Signature"
TIMESTAMP_HEADER = "X-Qitong-Timestamp"
DEFAULT_TOLERANCE_SECONDS = 300


def sign(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def verify(
    secret: str,
    timestamp: str | None,
    signature: str | None,
    body: bytes,
    *,
    now: int,
    tolerance: int = DEFAULT_TOLERANCE_SECONDS,
) -> bool:
    """What a receiver does: a known timestamp within `tolerance` of `now`, and a matching
    signature compared in constant time."""
    if not timestamp or not signature or not timestamp.isdigit():
        return False
    ts = int(timestamp)
    if abs(now - ts) > tolerance:
        return False
    return hmac.compare_digest(sign(secret, ts, body), signature)


def signed_headers(secret: str, timestamp: int, body: bytes) -> dict[str, str]:
    return {
        "Content-Type": "application/json; charset=utf-8",
        TIMESTAMP_HEADER: str(timestamp),
        SIGNATURE_HEADER: sign(secret, timestamp, body),
    }
