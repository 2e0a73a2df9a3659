"""Which closed tickets get a revisit (回访): a deterministic sample by a hash of the ticket id, so
the same ticket is in or out however often the decision is made, and every dissatisfied one."""

from __future__ import annotations

import hashlib


def in_sample(ticket_id: int, share: float) -> bool:
    """True for about `share` of ticket ids (0 ≤ share ≤ 1), the same answer every time."""
    if share >= 1:
        return True
    if share <= 0:
        return False
    h = int.from_bytes(hashlib.sha256(f"revisit:{ticket_id}".encode()).digest()[:8], "big")
    return h < share * 2**64
