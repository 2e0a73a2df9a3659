"""The signature scheme a receiver verifies: HMAC-SHA256 over "<timestamp>.<raw body>"."""

from __future__ import annotations

import hashlib
import hmac

from qitong.adapters.signing import sign, signed_headers, verify

SECRET = "whsec-象湖县-2026"
BODY = b'{"topic":"ticket.dispatch","data":{"number":"QT20261123000001"}}'
TS = 1_795_410_000


def test_signature_is_hmac_sha256_of_timestamp_dot_body() -> None:
    expected = hmac.new(SECRET.encode(), f"{TS}.".encode() + BODY, hashlib.sha256).hexdigest()
    assert sign(SECRET, TS, BODY) == f"sha256={expected}"


def test_verify_accepts_a_fresh_signature() -> None:
    h = signed_headers(SECRET, TS, BODY)
    assert verify(SECRET, h["X-Qitong-Timestamp"], h["X-Qitong-Signature"], BODY, now=TS + 10)


def test_verify_refuses_tampering_old_requests_and_missing_headers() -> None:
    sig = sign(SECRET, TS, BODY)
    assert not verify(SECRET, str(TS), sig, BODY + b" ", now=TS)
    assert not verify("another-secret", str(TS), sig, BODY, now=TS)
    assert not verify(SECRET, str(TS), sig, BODY, now=TS + 301)
    assert not verify(SECRET, str(TS + 1), sig, BODY, now=TS)
    assert not verify(SECRET, None, sig, BODY, now=TS)
    assert not verify(SECRET, "yesterday", sig, BODY, now=TS)
    assert not verify(SECRET, str(TS), None, BODY, now=TS)
