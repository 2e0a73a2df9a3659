"""After the sweep: every new firing is announced (its outbox message) and the must-supervise rules
look at its ticket. A step of its own, so the sweep stays a few set-wise statements whatever the
firings then set off; the firing row, written in the sweep's transaction, is the durable event this
step turns into messages exactly once (claimed with SKIP LOCKED, marked in the same transaction, the
message keyed by the firing) — see docs/adr/0005-sweep-batch-audit.md."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update

from qitong.db.models import Ticket, TimerFiring
from qitong.domain.tickets.lifecycle import STATUS_LABELS
from qitong.domain.tickets.timers import TIMER_LABELS, TimerKind
from qitong.services.audit import enqueue_many
from qitong.services.context import Context
from qitong.services.supervision import apply_triggers


def supervise_fired(ctx: Context, limit: int = 200) -> int:
    """One batch of firings not yet followed up; returns how many tickets were examined."""
    now = ctx.clock.now()
    with ctx.sessions.begin() as s:
        firings = list(s.execute(
            select(TimerFiring.id, TimerFiring.ticket_id, TimerFiring.kind, TimerFiring.due_at)
            .where(TimerFiring.supervised_at.is_(None))
            .order_by(TimerFiring.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        ))
        if not firings:
            return 0
        ticket_ids = sorted({f.ticket_id for f in firings})
        tickets = {t.id: t for t in s.scalars(select(Ticket).where(Ticket.id.in_(ticket_ids)).order_by(Ticket.id))}
        enqueue_many(s, at=now, messages=[_message(tickets[f.ticket_id], f) for f in firings])
        for tid in ticket_ids:
            apply_triggers(s, ctx, tickets[tid], now)
        s.execute(update(TimerFiring).where(TimerFiring.id.in_([f.id for f in firings])).values(supervised_at=now))
        return len(ticket_ids)


def _message(t: Ticket, f: Any) -> dict[str, Any]:
    label = TIMER_LABELS[TimerKind(f.kind)]
    payload = {"ticket_id": t.id, "number": t.number, "kind": f.kind, "label": label,
               "deadline": f.due_at.isoformat(), "status": t.status.value, "status_label": STATUS_LABELS[t.status],
               "lead_unit_id": t.lead_unit_id, "enterprise_id": t.enterprise_id, "firing_id": f.id}
    return {"topic": f"deadline.{f.kind}", "key": f"firing:{f.id}", "ticket_id": t.id, "payload": payload}


def supervise_all(ctx: Context) -> int:
    total = 0
    while n := supervise_fired(ctx):
        total += n
    return total
