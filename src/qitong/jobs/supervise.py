"""After the sweep: the must-supervise rules look at every ticket whose timers fired. A step of its
own, so the sweep stays a few set-wise statements however many notices the rules then open."""

from __future__ import annotations

from sqlalchemy import select, update

from qitong.db.models import Ticket, TimerFiring
from qitong.services.context import Context
from qitong.services.supervision import apply_triggers


def supervise_fired(ctx: Context, limit: int = 200) -> int:
    """One batch of unexamined firings; returns how many tickets were examined."""
    now = ctx.clock.now()
    with ctx.sessions.begin() as s:
        firings = list(s.execute(
            select(TimerFiring.id, TimerFiring.ticket_id)
            .where(TimerFiring.supervised_at.is_(None))
            .order_by(TimerFiring.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        ))
        if not firings:
            return 0
        ticket_ids = sorted({tid for _, tid in firings})
        for t in s.scalars(select(Ticket).where(Ticket.id.in_(ticket_ids)).order_by(Ticket.id)):
            apply_triggers(s, ctx, t, now)
        s.execute(update(TimerFiring).where(TimerFiring.id.in_([i for i, _ in firings])).values(supervised_at=now))
        return len(ticket_ids)


def supervise_all(ctx: Context) -> int:
    total = 0
    while n := supervise_fired(ctx):
        total += n
    return total
