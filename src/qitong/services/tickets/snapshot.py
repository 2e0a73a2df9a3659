"""A ticket's audited fields as plain JSON values, for before/after in the audit log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from qitong.db.models import Ticket

AUDITED = (
    "status",
    "ticket_type",
    "category",
    "complexity",
    "urgency",
    "lead_unit_id",
    "layer",
    "tier",
    "stage_due_at",
    "contact_due_at",
    "reply_due_at",
    "resolve_due_at",
    "deadlines_provisional",
    "reply",
    "rating_process",
    "rating_result",
    "close_reason",
    "return_count",
    "redispatch_count",
    "extension_count",
    "dissatisfied_count",
    "duplicate_of_id",
    "closed_by_timeout",
)


def snapshot(t: Ticket) -> dict[str, Any]:
    return {k: _json(getattr(t, k)) for k in AUDITED}


def _json(v: object) -> Any:
    if isinstance(v, datetime):
        return v.isoformat()
    return v
