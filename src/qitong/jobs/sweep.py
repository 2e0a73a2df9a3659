"""The deadline sweep. Each pass claims the tickets whose next timer is due (SKIP LOCKED, so
several workers on PostgreSQL share the work), fires each due timer once (a unique key), and
points the ticket at its next timer. Its cost follows the number of tickets due, not the number
open: the query walks the next_check_at index from the bottom."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from qitong.db.models import Ticket, TimerFiring
from qitong.domain.tickets.lifecycle import STATUS_LABELS
from qitong.domain.tickets.timers import TIMER_LABELS, Timer, due, next_check
from qitong.services.audit import SYSTEM, enqueue, record
from qitong.services.context import Context
from qitong.services.tickets.timers import facts

# called for every ticket a pass touched, inside its transaction (supervision plugs in here)
TicketHook = Callable[[Session, Context, Ticket, list[Timer], datetime], None]
HOOKS: list[TicketHook] = []


@dataclass(frozen=True)
class SweepResult:
    tickets: int
    fired: int


def sweep_once(ctx: Context, limit: int | None = None) -> SweepResult:
    limit = limit or ctx.settings.sweep_batch
    now = ctx.clock.now()
    fired = 0
    with ctx.sessions.begin() as s:
        rows = list(
            s.scalars(
                select(Ticket)
                .where(Ticket.next_check_at <= now)
                .order_by(Ticket.next_check_at)
                .limit(limit)
                .with_for_update(skip_locked=True)
            )
        )
        cal = ctx.calendars.get(s)
        for t in rows:
            f = facts(t, cal, ctx.policy, ctx.settings)
            done = [timer for timer in due(f, now) if _fire(s, t, timer, now)]
            fired += len(done)
            for hook in HOOKS:
                hook(s, ctx, t, done, now)
            # a Core UPDATE keeps the ticket's version: a timer firing is not an edit a client raced
            nxt = next_check(facts(t, cal, ctx.policy, ctx.settings), after=now)
            s.execute(
                update(Ticket).where(Ticket.id == t.id).values(next_check_at=nxt),
                execution_options={"synchronize_session": False},
            )
    return SweepResult(len(rows), fired)


def sweep_all(ctx: Context) -> SweepResult:
    """Pass after pass until nothing is due (a backlog after downtime drains in one go)."""
    tickets = fired = 0
    while True:
        r = sweep_once(ctx)
        tickets, fired = tickets + r.tickets, fired + r.fired
        if r.tickets < ctx.settings.sweep_batch:
            return SweepResult(tickets, fired)


def _fire(s: Session, t: Ticket, timer: Timer, now: datetime) -> bool:
    """Record the firing once; only the first recording tells anyone."""
    values = {"ticket_id": t.id, "kind": timer.kind.value, "due_at": timer.due_at, "fire_at": timer.at,
              "fired_at": now}
    ins = pg_insert(TimerFiring) if s.get_bind().dialect.name == "postgresql" else sqlite_insert(TimerFiring)
    stmt = ins.values(**values).on_conflict_do_nothing(index_elements=["ticket_id", "kind", "due_at"])
    if s.execute(stmt.returning(TimerFiring.id)).first() is None:
        return False
    label = TIMER_LABELS[timer.kind]
    ev = record(s, SYSTEM, at=now, entity="ticket", entity_id=t.id, ticket_id=t.id, action=f"timer.{timer.kind.value}",
                data={"label": label, "due_at": timer.due_at.isoformat(), "status": t.status.value})
    enqueue(s, topic=f"deadline.{timer.kind.value}", key=f"audit:{ev.seq}", ticket_id=t.id, at=now,
            payload={"ticket_id": t.id, "number": t.number, "kind": timer.kind.value, "label": label,
                     "deadline": timer.due_at.isoformat(), "status": t.status.value,
                     "status_label": STATUS_LABELS[t.status], "lead_unit_id": t.lead_unit_id,
                     "enterprise_id": t.enterprise_id})
    return True
