"""The deadline sweep. Each pass claims a batch of tickets whose next timer is due (SKIP LOCKED, so
several workers on PostgreSQL share the work), fires each due timer once (a unique key), and points
each ticket at its next timer. Its cost follows the number of tickets due, not the number open: the
query walks the next_check_at index from the bottom, and each batch is a handful of set-wise
statements, not a round trip per ticket."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from qitong.db.bulk import insert_rows, update_column
from qitong.db.models import Ticket, TimerFiring
from qitong.domain.tickets.lifecycle import STATUS_LABELS
from qitong.domain.tickets.timers import TIMER_LABELS, Timer, due, next_check
from qitong.services.audit import SYSTEM, AuditEntry, enqueue_many, record_many
from qitong.services.context import Context
from qitong.services.tickets.timers import facts


@dataclass(frozen=True)
class SweepResult:
    tickets: int
    fired: int


# the columns the timers and the notifications need: loading whole ORM rows costs more than the work
_COLUMNS = ("id", "number", "status", "stage_due_at", "contact_due_at", "contacted_at", "stage_entered_at",
            "lead_unit_id", "enterprise_id")


def sweep_once(ctx: Context, limit: int | None = None) -> SweepResult:
    limit = limit or ctx.settings.sweep_batch
    now = ctx.clock.now()
    table = cast(Table, Ticket.__table__)
    with ctx.sessions.begin() as s:
        conn = s.connection()
        rows: list[Any] = list(conn.execute(
            select(*(table.c[c] for c in _COLUMNS))
            .where(table.c.next_check_at <= now)
            .order_by(table.c.next_check_at)
            .limit(limit)
            .with_for_update(skip_locked=True)
        ))
        if not rows:
            return SweepResult(0, 0)
        cal = ctx.calendars.get(s)
        tfacts = {t.id: facts(t, cal, ctx.policy, ctx.settings) for t in rows}
        timers = {tid: due(f, now) for tid, f in tfacts.items()}
        new = _fire(s, rows, timers, now)
        # a Core UPDATE keeps the ticket's version: a timer firing is not an edit a client raced with
        nxt = [(tid, next_check(f, after=now)) for tid, f in tfacts.items()]
        update_column(conn, table, "next_check_at", nxt)
        return SweepResult(len(rows), sum(len(v) for v in new.values()))


def sweep_all(ctx: Context) -> SweepResult:
    """Pass after pass until nothing is due (a backlog after downtime drains in one go)."""
    tickets = fired = 0
    while True:
        r = sweep_once(ctx)
        tickets, fired = tickets + r.tickets, fired + r.fired
        if r.tickets < ctx.settings.sweep_batch:
            return SweepResult(tickets, fired)


def _fire(s: Session, rows: Sequence[Any], timers: dict[int, list[Timer]], now: datetime) -> dict[int, list[Timer]]:
    """Record every due firing at once; only the ones recorded for the first time tell anyone."""
    values = [
        {"ticket_id": tid, "kind": tm.kind.value, "due_at": tm.due_at, "fire_at": tm.at, "fired_at": now}
        for tid, tms in timers.items()
        for tm in tms
    ]
    if not values:
        return {}
    inserted = {(tid, kind) for tid, kind in insert_rows(
        s.connection(), cast(Table, TimerFiring.__table__), values,
        conflict=("ticket_id", "kind", "due_at"), returning=("ticket_id", "kind"))}
    if not inserted:
        return {}
    new = {tid: [tm for tm in tms if (tid, tm.kind.value) in inserted] for tid, tms in timers.items()}
    new = {tid: tms for tid, tms in new.items() if tms}
    by_id = {t.id: t for t in rows}
    entries = [_entry(by_id[tid], tm) for tid, tms in new.items() for tm in tms]
    seqs = record_many(s, SYSTEM, at=now, entries=[e for e, _ in entries])
    enqueue_many(s, at=now, messages=[
        {"topic": f"deadline.{payload['kind']}", "key": f"audit:{seq}", "ticket_id": payload["ticket_id"],
         "payload": payload}
        for seq, (_, payload) in zip(seqs, entries, strict=True)
    ])
    return new


def _entry(t: Any, tm: Timer) -> tuple[AuditEntry, dict[str, Any]]:
    label = TIMER_LABELS[tm.kind]
    audit = AuditEntry(entity="ticket", entity_id=str(t.id), ticket_id=t.id, action=f"timer.{tm.kind.value}",
                       data={"label": label, "due_at": tm.due_at.isoformat(), "status": t.status.value})
    payload = {"ticket_id": t.id, "number": t.number, "kind": tm.kind.value, "label": label,
               "deadline": tm.due_at.isoformat(), "status": t.status.value, "status_label": STATUS_LABELS[t.status],
               "lead_unit_id": t.lead_unit_id, "enterprise_id": t.enterprise_id}
    return audit, payload

