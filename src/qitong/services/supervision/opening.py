"""Opening a supervision: inside a caller's transaction (`open_in`, `apply_triggers`) or as a
use case of its own (`open_supervision`, `interview`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from qitong.db.models import AuditHead, Department, Supervision, Ticket
from qitong.domain.errors import Conflict, InvalidInput
from qitong.domain.supervision import (
    ACTIVE_STATUSES,
    DEFAULT_THRESHOLDS,
    LEVEL_LABELS,
    SupervisionLevel,
    SupervisionStatus,
    Thresholds,
    Trigger,
    addressee,
    document_number,
    evaluate,
    occurrence,
    prefix_for,
)
from qitong.domain.supervision.access import check_open
from qitong.domain.supervision.wording import reason_for
from qitong.domain.tickets.lifecycle import Action, Status, is_open
from qitong.domain.timelimits import due_after
from qitong.services.audit import SYSTEM, Who, record
from qitong.services.auth import Principal
from qitong.services.context import Context
from qitong.services.supervision.events import notify, snapshot
from qitong.services.supervision.facts import facts_for
from qitong.services.supervision.numbers import take_number
from qitong.services.tickets.facts import load_for_update


@dataclass(frozen=True)
class Opening:
    level: SupervisionLevel
    trigger: Trigger
    reason: str
    department_id: int
    basis: str | None = None  # the occurrence of an automatic trigger


def _hold_chain(s: Session) -> None:
    """Lock the audit chain head before the number counter: a ticket action already holds it
    when its after-effects open a supervision, so every writer takes the two in this order."""
    s.execute(select(AuditHead.id).where(AuditHead.id == 1).with_for_update())


def _deadlines(t: Ticket) -> list[list[str | None]]:
    pairs = [("签收时限", t.stage_due_at if t.status == Status.dispatched else None),
             ("联系企业时限", t.contact_due_at), ("办结答复时限", t.reply_due_at)]
    return [[label, at.isoformat()] for label, at in pairs if at is not None]


def _details(t: Ticket) -> dict[str, Any]:
    return {"deadlines": _deadlines(t), "dispatched_at": t.dispatched_at.isoformat() if t.dispatched_at else None,
            "ticket_status": t.status.value}


def open_in(s: Session, ctx: Context, t: Ticket, o: Opening, *, who: Who, now: datetime) -> Supervision:
    """Open a supervision in the caller's transaction. The caller has checked access and holds
    the ticket's row lock (load_for_update). Numbers the notice, audits, enqueues."""
    _hold_chain(s)
    year = now.astimezone(ctx.policy.tz).year
    seq = take_number(s, prefix_for(o.level), year)
    due = due_after(ctx.calendars.get(s), now, ctx.settings.supervision_response_days, ctx.policy)
    sup = Supervision(
        ticket_id=t.id, level=o.level, trigger=o.trigger, basis=o.basis,
        document_no=document_number(o.level, year, seq), year=year, seq=seq, reason=o.reason,
        details=_details(t), opened_by_id=who.user_id, opened_at=now, response_due_at=due.at,
        department_id=o.department_id, status=SupervisionStatus.open,
    )
    s.add(sup)
    s.flush()
    ev = record(s, who, at=now, entity="supervision", entity_id=sup.id, ticket_id=t.id, action="supervise",
                after=snapshot(sup), reason=o.reason,
                data={"document_no": sup.document_no, "level": o.level.value, "trigger": o.trigger.value})
    notify(s, "supervision.opened", sup, t, ev.seq, now)
    return sup


def apply_triggers(
    s: Session, ctx: Context, t: Ticket, now: datetime, thresholds: Thresholds = DEFAULT_THRESHOLDS
) -> list[Supervision]:
    """Evaluate the must-supervise rules for `t` and open what is missing, as the system.

    Idempotent: a trigger opens once per occurrence (uq_supervisions_occurrence), and not at all
    while a notice for the same trigger and level is still open. Runs in the caller's
    transaction and locks the ticket row itself (a no-op when the caller already holds it)."""
    s.execute(select(Ticket.id).where(Ticket.id == t.id).with_for_update())
    facts = facts_for(s, t, thresholds)
    findings = evaluate(facts, now, thresholds)
    if not findings:
        return []
    rows = s.execute(select(Supervision.trigger, Supervision.level, Supervision.basis, Supervision.status)
                     .where(Supervision.ticket_id == t.id)).all()
    seen = {(tr, b) for tr, _, b, _ in rows}
    active = {(tr, lv) for tr, lv, _, st in rows if st in ACTIVE_STATUSES}
    opened = []
    for f in findings:
        basis = occurrence(f.trigger, facts)
        dept = addressee(f.trigger, facts)
        if (f.trigger, basis) in seen or (f.trigger, f.level) in active or dept is None:
            continue
        reason = reason_for(f.trigger, facts, ctx.policy.tz)
        opened.append(open_in(s, ctx, t, Opening(f.level, f.trigger, reason, dept, basis), who=SYSTEM, now=now))
        active.add((f.trigger, f.level))
    return opened


# the ticket actions after which a trigger may newly hold: the listed ones, and the dispatch
# that gives a major or repeated matter its addressee
RECHECK_AFTER = frozenset({Action.return_, Action.rate_dissatisfied, Action.verify_send_back,
                           Action.dispatch, Action.redispatch})


def after_ticket_action(s: Session, ctx: Context, t: Ticket, action: Action, now: datetime) -> None:
    """Called from the ticket actions' after-effects, inside the action's transaction."""
    if action in RECHECK_AFTER:
        apply_triggers(s, ctx, t, now)


def _department(s: Session, department_id: int | None, t: Ticket) -> int:
    dept = department_id if department_id is not None else t.lead_unit_id
    if dept is None:
        raise InvalidInput("该工单尚未分派主办单位，请指定被督办单位", field="department_id")
    d = s.get(Department, dept)
    if d is None or not d.active:
        raise InvalidInput(f"单位 {dept} 不存在或已停用", field="department_id")
    return dept


def _check_state(s: Session, t: Ticket, level: SupervisionLevel) -> None:
    if level == SupervisionLevel.reminder and not is_open(t.status):
        raise Conflict("工单已办结或终结，不能再发提醒敦促函", field="ticket_id")
    open_no = s.scalars(select(Supervision.document_no).where(
        Supervision.ticket_id == t.id, Supervision.trigger == Trigger.manual, Supervision.level == level,
        Supervision.status != SupervisionStatus.closed)).first()
    if open_no is not None:
        raise Conflict(f"该工单已有未办结的{LEVEL_LABELS[level]}（{open_no}），请先办结", field="level")


def open_supervision(
    ctx: Context, p: Principal, ticket_id: int, level: SupervisionLevel, reason: str,
    department_id: int | None = None,
) -> int:
    """A supervision opened by a person's decision (trigger `manual`); returns its id."""
    check_open(p.actor, level)
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("请说明督办理由", field="reason")
    with ctx.sessions.begin() as s:
        t = load_for_update(s, ticket_id)
        dept = _department(s, department_id, t)
        _check_state(s, t, level)
        sup = open_in(s, ctx, t, Opening(level, Trigger.manual, reason, dept), who=p.who, now=ctx.clock.now())
        return sup.id


def interview(ctx: Context, p: Principal, ticket_id: int, reason: str, department_id: int | None = None) -> int:
    """约谈督办: a supervisor's or leader's decision, with its reason."""
    return open_supervision(ctx, p, ticket_id, SupervisionLevel.interview, reason, department_id)
