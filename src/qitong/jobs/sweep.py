"""The deadline sweep. Each pass claims a batch of tickets whose next timer is due (SKIP LOCKED, so
several workers on PostgreSQL share the work), fires each due timer once (a unique key), and points
each ticket at its next timer. Its cost follows the number of tickets due, not the number open: the
query walks the `ticket_timers.next_check_at` index from the bottom, and each batch is a handful of
set-wise statements, not a round trip per ticket. What a firing sets off (its message, the
supervision rules) is the worker's next step."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from qitong.db.bulk import insert_rows, update_column
from qitong.db.models import Ticket, TicketTimer, TimerFiring
from qitong.domain.audit import FiringKey, batch_digest
from qitong.domain.tickets.timers import Timer, plan
from qitong.services.audit import BATCH_ACTION, SYSTEM, AuditEntry, next_seq, record_many
from qitong.services.context import Context
from qitong.services.tickets.timers import FactsMaker


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
    table, timers_t = cast(Table, Ticket.__table__), cast(Table, TicketTimer.__table__)
    with ctx.sessions.begin() as s:
        conn = s.connection()
        # the due timer rows first (walking their index), then their tickets by key: a join lets the
        # planner hash-join a scan of every ticket. Both locked and both SKIP LOCKED: the sweep never
        # waits, an action on a ticket waits for the batch, and a ticket whose row an action holds
        # is left for the next pass.
        claimed = conn.execute(
            select(timers_t.c.ticket_id)
            .where(timers_t.c.next_check_at <= now)
            .order_by(timers_t.c.next_check_at)
            .limit(limit)
            .with_for_update(skip_locked=True)
        ).scalars().all()
        rows: Sequence[Any] = conn.execute(
            select(*(table.c[c] for c in _COLUMNS))
            .where(table.c.id.in_(claimed))
            .with_for_update(skip_locked=True)
        ).all() if claimed else []  # one fetch, not a round of fetchone per row
        if not rows:
            return SweepResult(0, 0)
        make = FactsMaker(ctx.calendars.get(s), ctx.policy, ctx.settings)
        plans = {t.id: plan(make(t), now) for t in rows}
        new = _fire(s, {tid: p[0] for tid, p in plans.items()}, now)
        # a Core UPDATE of the timer row keeps the ticket's version: a firing is not an edit a client raced with
        update_column(conn, timers_t, "next_check_at", [(tid, p[1]) for tid, p in plans.items()], key="ticket_id")
        return SweepResult(len(claimed), sum(len(v) for v in new.values()))


def sweep_all(ctx: Context) -> SweepResult:
    """Pass after pass until nothing is due (a backlog after downtime drains in one go)."""
    tickets = fired = 0
    while True:
        r = sweep_once(ctx)
        tickets, fired = tickets + r.tickets, fired + r.fired
        if r.tickets < ctx.settings.sweep_batch:
            return SweepResult(tickets, fired)


def _fire(s: Session, timers: dict[int, list[Timer]], now: datetime) -> dict[int, list[Timer]]:
    """Record every due firing at once; the ones recorded for the first time are
    announced by the worker's next step (jobs/supervise.py), which reads them from `timer_firings`.

    The batch gets ONE chained audit event whose data seals a digest of its firings (each firing
    points at it by `audit_seq`): the chain vouches for every firing without an event apiece, and
    the ticket's timeline reads its firings from `timer_firings` (docs/adr/0005-sweep-batch-audit.md)."""
    if not any(timers.values()):
        return {}
    seq = next_seq(s)
    values = [
        {"ticket_id": tid, "kind": tm.kind.value, "due_at": tm.due_at, "fire_at": tm.at, "fired_at": now,
         "audit_seq": seq}
        for tid, tms in timers.items()
        for tm in tms
    ]
    ids = {(tid, kind): fid for fid, tid, kind in insert_rows(
        s.connection(), cast(Table, TimerFiring.__table__), values,
        conflict=("ticket_id", "kind", "due_at"), returning=("id", "ticket_id", "kind"))}
    if not ids:
        return {}
    new = {tid: [tm for tm in tms if (tid, tm.kind.value) in ids] for tid, tms in timers.items()}
    new = {tid: tms for tid, tms in new.items() if tms}
    keys: list[FiringKey] = [(ids[tid, tm.kind.value], tid, tm.kind.value, tm.due_at)
                             for tid, tms in new.items() for tm in tms]
    kinds = Counter(k[2] for k in keys)
    got = record_many(s, SYSTEM, at=now, entries=[AuditEntry(
        entity="timer_batch", entity_id=str(seq), action=BATCH_ACTION,
        data={"count": len(keys), "kinds": dict(sorted(kinds.items())), "digest": batch_digest(keys),
              "first_id": min(k[0] for k in keys), "last_id": max(k[0] for k in keys)})])
    assert got == [seq], "the chain head moved under its lock"
    return new
