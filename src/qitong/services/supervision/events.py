"""What every supervision change writes besides itself: an audit snapshot and an outbox row."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from qitong.db.models import Supervision, Ticket
from qitong.services.audit import enqueue

_AUDITED = ("level", "trigger", "document_no", "department_id", "status", "response_due_at", "response",
            "responded_at", "close_note", "closed_at")


def snapshot(sup: Supervision) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k in _AUDITED:
        v = getattr(sup, k)
        out[k] = v.isoformat() if isinstance(v, datetime) else v
    return out


def notify(s: Session, topic: str, sup: Supervision, t: Ticket, audit_seq: int, now: datetime) -> None:
    enqueue(
        s,
        topic=topic,
        key=f"audit:{audit_seq}",
        ticket_id=t.id,
        at=now,
        payload={
            "ticket_id": t.id,
            "number": t.number,
            "level": sup.level.value,
            "document_no": sup.document_no,
            "deadline": sup.response_due_at.isoformat(),
            "supervision_id": sup.id,
            "trigger": sup.trigger.value,
            "department_id": sup.department_id,
            "status": sup.status.value,
        },
    )
