"""The deadline sweep with an injected clock: every timer, fired once, on both databases."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from qitong.db.models import AuditEvent, OutboxMessage, TicketTimer, TimerFiring
from qitong.domain.clock import FixedClock
from qitong.domain.tickets.lifecycle import Action
from qitong.jobs.supervise import supervise_all
from qitong.jobs.sweep import SweepResult
from qitong.jobs.sweep import sweep_all as _sweep_all
from qitong.services.audit import BATCH_ACTION, verify, verify_batches
from qitong.services.context import Context
from qitong.services.tickets import queries
from qitong.services.tickets.actions import perform
from qitong.services.tickets.payloads import ActionPayload as P
from tests.service.test_closed_loop import submit
from tests.support.world import World, build_world

SH = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def world(ctx: Context) -> World:
    return build_world(ctx)


def sweep_all(ctx: Context) -> SweepResult:
    """The worker's first two steps: fire what is due, then announce it and apply the rules."""
    r = _sweep_all(ctx)
    supervise_all(ctx)
    return r


def fired(ctx: Context, tid: int) -> list[str]:
    with ctx.sessions() as s:
        return list(s.scalars(select(TimerFiring.kind).where(TimerFiring.ticket_id == tid).order_by(TimerFiring.id)))


def at(clock: FixedClock, *args: int) -> None:
    clock.set(datetime(*args, tzinfo=SH))  # type: ignore[misc]


def dispatched(w: World) -> int:
    tid = submit(w)
    perform(w.ctx, w["agent"], tid, Action.accept)
    perform(w.ctx, w["dispatcher"], tid, Action.dispatch, P(lead_unit_id=w.dept["scj"]))
    return tid


def test_unsigned_after_two_working_hours_then_no_contact(world: World, clock: FixedClock) -> None:
    w = world
    tid = dispatched(w)  # Mon 2026-11-23 09:00
    at(clock, 2026, 11, 23, 10, 29)
    sweep_all(w.ctx)
    assert fired(w.ctx, tid) == []
    at(clock, 2026, 11, 23, 10, 31)  # a quarter of the two hours left
    sweep_all(w.ctx)
    assert fired(w.ctx, tid) == ["due_soon"]
    at(clock, 2026, 11, 23, 11, 1)
    sweep_all(w.ctx)
    assert fired(w.ctx, tid) == ["due_soon", "unsigned"]
    at(clock, 2026, 11, 25, 0, 1)  # contact was due by the end of Tue 24th
    sweep_all(w.ctx)
    sweep_all(w.ctx)
    assert fired(w.ctx, tid) == ["due_soon", "unsigned", "no_contact"]


def test_due_soon_overdue_and_escalation_fire_once_and_keep_the_version(world: World, clock: FixedClock) -> None:
    w = world
    tid = dispatched(w)
    perform(w.ctx, w["scj_handler"], tid, Action.sign_for)
    perform(w.ctx, w["scj_handler"], tid, Action.contact)  # reply due end of Tue 24th (simple: 1 day)
    v = queries.ticket_detail(w.ctx, w["agent"], tid)["version"]
    at(clock, 2026, 11, 24, 0, 30)
    sweep_all(w.ctx)
    assert fired(w.ctx, tid) == ["due_soon"]
    at(clock, 2026, 11, 25, 8, 0)
    for _ in range(3):
        sweep_all(w.ctx)
    assert fired(w.ctx, tid) == ["due_soon", "overdue"]
    assert queries.list_tickets(w.ctx, w["agent"], queries.TicketFilter(overdue=True))[0] == 1
    at(clock, 2026, 11, 28, 0, 1)  # Sat: 3 working days late from the end of Fri 27th
    sweep_all(w.ctx)
    assert fired(w.ctx, tid) == ["due_soon", "overdue", "escalation_due"]
    d = queries.ticket_detail(w.ctx, w["agent"], tid)
    assert d["version"] == v  # timers are not edits: a handler's If-Match still holds
    with w.ctx.sessions() as s:
        topics = list(s.scalars(select(OutboxMessage.topic).where(OutboxMessage.topic.like("deadline.%")).order_by(OutboxMessage.id)))
    assert topics == ["deadline.due_soon", "deadline.overdue", "deadline.escalation_due"]
    labels = [e["action"] for e in queries.timeline(w.ctx, w["agent"], tid)]
    assert "timer.overdue" in labels
    assert labels.index("dispatch") < labels.index("timer.due_soon") < labels.index("timer.overdue")
    with w.ctx.sessions() as s:
        assert verify(s).ok  # the sweep's batch events extend the same chain
        assert verify_batches(s) is None
        batches = list(s.scalars(select(AuditEvent).where(AuditEvent.action == BATCH_ACTION)))
        assert [b.data["count"] for b in batches] == [1, 1, 1]  # one chained event per batch, not per firing


def test_a_changed_firing_no_longer_matches_its_batch_digest(world: World, clock: FixedClock) -> None:
    w = world
    tid = dispatched(w)
    at(clock, 2026, 11, 30, 9, 0)
    sweep_all(w.ctx)
    with w.ctx.sessions.begin() as s:
        assert verify_batches(s) is None
        f = s.scalars(select(TimerFiring).where(TimerFiring.ticket_id == tid).order_by(TimerFiring.id)).first()
        assert f is not None and f.audit_seq is not None
        seq = f.audit_seq
        f.due_at = f.due_at + timedelta(days=1)  # a quiet edit of the record the chain vouches for
    with w.ctx.sessions() as s:
        assert verify(s).ok  # the chain itself is intact...
        assert verify_batches(s) == seq  # ...but the firing no longer matches the digest it sealed


def test_enterprise_silent_after_reply(world: World, clock: FixedClock) -> None:
    w = world
    tid = dispatched(w)
    for user, action, payload in (
        ("scj_handler", Action.sign_for, P()), ("scj_handler", Action.contact, P()),
        ("scj_handler", Action.reply_draft, P(reply="已办理。")), ("scj_leader", Action.sign_off, P()),
        ("agent", Action.verify, P()),
    ):
        perform(w.ctx, w[user], tid, action, payload)
    clock.advance(timedelta(days=8))
    sweep_all(w.ctx)
    assert "enterprise_silent" in fired(w.ctx, tid)


def test_a_transition_resets_the_timers(world: World, clock: FixedClock) -> None:
    w = world
    tid = dispatched(w)
    perform(w.ctx, w["scj_handler"], tid, Action.sign_for)
    with w.ctx.sessions() as s:
        tm = s.get(TicketTimer, tid)
        assert tm is not None and tm.next_check_at is not None
        # now waiting for contact: the next timer is the due-soon of the contact deadline
        assert tm.next_check_at.astimezone(SH) == datetime(2026, 11, 24, 0, 0, tzinfo=SH)


def test_spring_festival_deadline(world: World, clock: FixedClock) -> None:
    w = world
    at(clock, 2026, 2, 12, 10, 0)  # Thu before the 2026 Spring Festival (02-15..02-23 off)
    tid = dispatched(w)
    d = queries.ticket_detail(w.ctx, w["agent"], tid)["deadlines"]
    # contact: 1 working day → Fri 13th; reply (simple, 1) → Fri 13th; resolve the same
    assert d["contact"].startswith("2026-02-13T16:00")
    perform(w.ctx, w["agent"], tid, Action.note, P(text="节前派单"))
    at(clock, 2026, 2, 14, 9, 0)  # the adjusted Saturday is a working day: the contact is now late
    sweep_all(w.ctx)
    assert "no_contact" in fired(w.ctx, tid)


def test_year_end_2026_2027_is_provisional(world: World, clock: FixedClock) -> None:
    w = world
    at(clock, 2026, 12, 30, 10, 0)
    tid = submit(w)
    perform(w.ctx, w["agent"], tid, Action.accept, P(complexity="difficult"))
    perform(w.ctx, w["dispatcher"], tid, Action.dispatch, P(lead_unit_id=w.dept["scj"]))
    d = queries.ticket_detail(w.ctx, w["agent"], tid)["deadlines"]
    # 5 working days from Wed 2026-12-30 on a weekends-only 2027: Thu 31, Fri 1, Mon 4, Tue 5, Wed 6
    assert d["reply"].startswith("2027-01-06T16:00") and d["provisional"] is True


def test_the_sweep_reads_only_what_is_due(world: World, clock: FixedClock) -> None:
    w = world
    for _ in range(5):
        dispatched(w)
    with w.ctx.sessions() as s:
        due_now = s.scalar(select(func.count()).where(TicketTimer.next_check_at <= clock.now()))
    assert due_now == 0
    assert sweep_all(w.ctx).tickets == 0
