"""Writing and checking the hash-chained audit log. Every use case calls `record` inside its own
transaction, so an action and its audit event commit or vanish together."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from itertools import groupby
from typing import Any, cast

from sqlalchemy import Table, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from qitong.db.bulk import Rows, insert_rows
from qitong.db.models import AuditEvent, AuditHead, OutboxMessage, OutboxStatus, TimerFiring
from qitong.domain.audit import GENESIS, ChainReport, FiringKey, batch_digest, event_hash, verify_chain


@dataclass(frozen=True)
class Who:
    """The actor as the audit log names it."""

    user_id: int | None
    name: str
    role: str
    department_id: int | None = None


SYSTEM = Who(None, "系统", "system")


_HASHED = ("seq", "ticket_id", "entity", "entity_id", "action", "actor_id", "actor_name", "actor_role", "before",
           "after", "reason", "data", "created_at")


def _hash_record(e: AuditEvent) -> dict[str, Any]:
    return {k: getattr(e, k) for k in _HASHED}


def _head(s: Session) -> AuditHead:
    head = s.scalars(select(AuditHead).where(AuditHead.id == 1).with_for_update()).one_or_none()
    if head is None:
        head = AuditHead(id=1, seq=0, hash=GENESIS)
        s.add(head)
    return head


def next_seq(s: Session) -> int:
    """Lock the chain head and tell the seq the next event will get (rows that a batch event will
    vouch for are written first, pointing at it)."""
    return _head(s).seq + 1


@dataclass(frozen=True)
class AuditEntry:
    """One event of a batch written by `record_many` (the worker's sweep)."""

    entity: str
    entity_id: str
    action: str
    ticket_id: int | None = None
    data: Mapping[str, Any] | None = None
    reason: str | None = None


def record_many(s: Session, who: Who, *, at: datetime, entries: list[AuditEntry]) -> list[int]:
    """Append many events under one lock of the chain head, in one INSERT; returns their seqs."""
    if not entries:
        return []
    head = _head(s)
    rows: list[dict[str, Any]] = []
    prev, seq = head.hash, head.seq
    for e in entries:
        seq += 1
        row = _event_row(seq, prev, who, at=at, entity=e.entity, entity_id=e.entity_id, action=e.action,
                         reason=e.reason, data=e.data, ticket_id=e.ticket_id)
        prev = row["hash"]
        rows.append(row)
    insert_rows(s.connection(), cast(Table, AuditEvent.__table__), rows)
    head.seq, head.hash = seq, prev
    return [r["seq"] for r in rows]


def enqueue_many(s: Session, *, at: datetime, messages: list[dict[str, Any]]) -> None:
    """Outbox rows for a batch: each dict has topic, key, ticket_id, payload."""
    if messages:
        insert_rows(s.connection(), cast(Table, OutboxMessage.__table__), [
            _outbox_row(m["topic"], m["key"], m["payload"], at, m.get("ticket_id")) for m in messages])


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
    head = _head(s)
    ev = AuditEvent(**_event_row(head.seq + 1, head.hash, who, at=at, entity=entity, entity_id=entity_id,
                                 action=action, before=before, after=after, reason=reason, data=data,
                                 ticket_id=ticket_id))
    head.seq, head.hash = ev.seq, ev.hash
    s.add(ev)
    return ev


def _event_row(seq: int, prev_hash: str, who: Who, *, at: datetime, entity: str, entity_id: object, action: str,
               before: Mapping[str, Any] | None = None, after: Mapping[str, Any] | None = None,
               reason: str | None = None, data: Mapping[str, Any] | None = None,
               ticket_id: int | None = None) -> dict[str, Any]:
    """An audit event's columns, its hash chained on `prev_hash` over the _HASHED fields."""
    row: dict[str, Any] = {
        "seq": seq, "ticket_id": ticket_id, "entity": entity, "entity_id": str(entity_id), "action": action,
        "actor_id": who.user_id, "actor_name": who.name, "actor_role": who.role, "before": dict(before or {}),
        "after": dict(after or {}), "reason": reason, "data": dict(data or {}), "created_at": at,
    }
    row["hash"] = event_hash(prev_hash, row)
    row.update(prev_hash=prev_hash, actor_department_id=who.department_id)
    return row


def record_rows(
    s: Session,
    who: Who,
    *,
    at: datetime,
    entity: str,
    entity_id: object,
    action: str,
    after: Mapping[str, Any] | None = None,
    data: Mapping[str, Any] | None = None,
    ticket_id: int | None = None,
) -> tuple[int, list[Rows]]:
    """`record` for a set-wise write: the same event, returned with the chain head's new state as rows
    for `db.bulk.write_tables` (which the caller must run in this transaction) instead of added to the
    session. The head object is advanced in place as if already written, so a later `record` in the
    transaction chains on from this event. Returns (seq, rows)."""
    head = _head(s)
    if head in s.new:  # the chain's first event ever: the head row must exist for the upsert to replace
        s.flush()
    row = _event_row(head.seq + 1, head.hash, who, at=at, entity=entity, entity_id=entity_id, action=action,
                     after=after, data=data, ticket_id=ticket_id)
    set_committed_value(head, "seq", row["seq"])
    set_committed_value(head, "hash", row["hash"])
    return row["seq"], [Rows(cast(Table, AuditEvent.__table__), [row]),
                        Rows(cast(Table, AuditHead.__table__), [{"id": 1, "seq": row["seq"], "hash": row["hash"]}],
                             upsert_on=("id",))]


def outbox_rows(*, topic: str, key: str, payload: Mapping[str, Any], at: datetime,
                ticket_id: int | None = None) -> Rows:
    """`enqueue` as rows for `db.bulk.write_tables`."""
    return Rows(cast(Table, OutboxMessage.__table__), [_outbox_row(topic, key, payload, at, ticket_id)])


def _outbox_row(topic: str, key: str, payload: Mapping[str, Any], at: datetime,
                ticket_id: int | None) -> dict[str, Any]:
    """A pending outbox message's columns, due now."""
    return {"idempotency_key": key, "topic": topic, "ticket_id": ticket_id, "payload": dict(payload),
            "status": OutboxStatus.pending, "next_attempt_at": at, "created_at": at}


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
    s.add(OutboxMessage(**_outbox_row(topic, key, payload, at, ticket_id)))


def verify(s: Session, batch: int = 5000) -> ChainReport:
    """Stream the chain in seq order and name the first broken link."""

    def rows() -> Iterator[tuple[int, str, str, Mapping[str, Any]]]:
        stmt = select(AuditEvent).order_by(AuditEvent.seq).execution_options(yield_per=batch)
        for e in s.scalars(stmt):
            yield e.seq, e.prev_hash, e.hash, _hash_record(e)
            s.expunge(e)

    return verify_chain(rows())


BATCH_ACTION = "timer.batch"


def verify_batches(s: Session, batch: int = 5000) -> int | None:
    """Recompute every sweep batch's digest from the firings that point at it, streaming both in seq
    order; the seq of the first batch whose firings no longer match (or that no event seals), or None."""
    stmt = (select(TimerFiring.audit_seq, TimerFiring.id, TimerFiring.ticket_id, TimerFiring.kind,
                   TimerFiring.due_at)
            .where(TimerFiring.audit_seq.is_not(None))
            .order_by(TimerFiring.audit_seq, TimerFiring.id)
            .execution_options(yield_per=batch))
    groups = groupby(s.execute(stmt), key=lambda r: int(r[0] or 0))
    events = s.execute(select(AuditEvent.seq, AuditEvent.data).where(AuditEvent.action == BATCH_ACTION)
                       .order_by(AuditEvent.seq)).all()
    pending = next(groups, None)
    for seq, data in events:
        if pending is not None and pending[0] < seq:
            return pending[0]  # firings that claim a batch event which does not exist
        items: list[FiringKey] = []
        if pending is not None and pending[0] == seq:
            items = [(r[1], r[2], r[3], r[4]) for r in pending[1]]
            pending = next(groups, None)
        if batch_digest(items) != data.get("digest"):
            return int(seq)
    return pending[0] if pending is not None else None
