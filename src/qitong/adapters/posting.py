"""One signed JSON POST, shared by the SMS gateway and webhooks. Non-2xx is a failure."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import httpx

from qitong.adapters.errors import DeliveryFailed
from qitong.adapters.signing import signed_headers


def canonical_json(data: Mapping[str, Any]) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()


def post_signed(
    url: str,
    secret: str,
    body: bytes,
    *,
    at: datetime,
    timeout: float,
    headers: Mapping[str, str] | None = None,
) -> httpx.Response:
    hdrs = {**signed_headers(secret, int(at.timestamp()), body), **(headers or {})}
    try:
        r = httpx.post(url, content=body, headers=hdrs, timeout=timeout, follow_redirects=False)
    except httpx.HTTPError as e:
        raise DeliveryFailed(f"POST {url}: {type(e).__name__}: {e}") from e
    if not 200 <= r.status_code < 300:
        raise DeliveryFailed(f"POST {url}: HTTP {r.status_code} {r.text[:200]}")
    return r
