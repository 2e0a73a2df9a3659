"""Writing and checking the hash-chained audit log. Every use case calls `record` inside its own
transaction, so an action and its audit event commit or vanish together."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from qitong.db.models import AuditEvent, AuditHead, OutboxMessage, OutboxStatus
from qitong.domain.audit import GENESIS, ChainReport, event_hash, verify_chain


@dataclass(frozen=True)
class Who:
    """The actor as the audit log names it."""

    user_id: int | None
    name: str
    role: str
    department_id: int | None = None


SYSTEM = Who(None, "系统", "system")


def _hash_record(e: AuditEvent) -> dict[str, Any]:
    return {
        "seq": e.seq,
        "ticket_id": e.ticket_id,
        "entity": e.entity,
        "entity_id": e.entity_id,
        "action": e.action,
        "actor_id": e.actor_id,
        "actor_name": e.actor_name,
        "actor_role": e.actor_role,
        "before": e.before,
        "after": e.after,
        "reason": e.reason,
        "data": e.data,
        "created_at": e.created_at,
    }


def record(
    s: Session,
    who: Who,
    *,
    at: datetime,
    entity: str,
    entity_id: object,
    action: str,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    reason: str | None = None,
    data: Mapping[str, Any] | None = None,
    ticket_id: int | None = None,
) -> AuditEvent:
    head = s.scalars(select(AuditHead).where(AuditHead.id == 1).with_for_update()).one_or_none()
    if head is None:
        head = AuditHead(id=1, seq=0, hash=GENESIS)
        s.add(head)
    ev = AuditEvent(
        seq=head.seq + 1,
        ticket_id=ticket_id,
        entity=entity,
        entity_id=str(entity_id),
        action=action,
        actor_id=who.user_id,
        actor_name=who.name,
        actor_role=who.role,
        actor_department_id=who.department_id,
        before=dict(before or {}),
        after=dict(after or {}),
        reason=reason,
        data=dict(data or {}),
        created_at=at,
        prev_hash=head.hash,
        hash="",
    )
    ev.hash = event_hash(head.hash, _hash_record(ev))
    head.seq, head.hash = ev.seq, ev.hash
    s.add(ev)
    return ev


def enqueue(
    s: Session,
    *,
    topic: str,
    key: str,
    payload: Mapping[str, Any],
    at: datetime,
    ticket_id: int | None = None,
) -> None:
    """An outbox row, committed with the change that caused it; the worker delivers it."""
    s.add(
        OutboxMessage(
            idempotency_key=key,
            topic=topic,
            ticket_id=ticket_id,
            payload=dict(payload),
            status=OutboxStatus.pending,
            next_attempt_at=at,
            created_at=at,
        )
    )


def verify(s: Session, batch: int = 5000) -> ChainReport:
    """Stream the chain in seq order and name the first broken link."""

    def rows() -> Iterator[tuple[int, str, str, Mapping[str, Any]]]:
        stmt = select(AuditEvent).order_by(AuditEvent.seq).execution_options(yield_per=batch)
        for e in s.scalars(stmt):
            yield e.seq, e.prev_hash, e.hash, _hash_record(e)
            s.expunge(e)

    return verify_chain(rows())
