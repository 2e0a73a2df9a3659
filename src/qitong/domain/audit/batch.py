"""A digest that lets one chained audit event vouch for a whole batch of rows kept elsewhere.

The worker's sweep fires thousands of timers at once; hashing each into the chain would cost more
than the firing. Instead the firings stay in their own table and the batch's single chain event
carries ``batch_digest`` of them: changing, adding or dropping a firing later no longer matches the
digest the chain has sealed."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import UTC, datetime

FiringKey = tuple[int, int, str, datetime]  # firing id, ticket id, timer kind, due at


def batch_digest(items: Iterable[FiringKey]) -> str:
    """sha256 over the items sorted by id, one line each; independent of the order given."""
    h = hashlib.sha256()
    for fid, tid, kind, due_at in sorted(items, key=lambda x: x[0]):
        if due_at.tzinfo is None:
            raise ValueError("naive datetime refused")
        h.update(f"{fid}|{tid}|{kind}|{due_at.astimezone(UTC).isoformat()}\n".encode())
    return h.hexdigest()
