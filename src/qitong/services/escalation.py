"""Escalation: what the worker proposes for escalation, and the agenda of a coordination meeting."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import and_, exists, or_, select

from qitong.db.models import AuditEvent, Department, Ticket, TimerFiring
from qitong.domain.errors import Forbidden
from qitong.domain.tickets.agenda import Agenda, AgendaItem, build_agenda, history_text
from qitong.domain.tickets.lifecycle import CENTER_ROLES, OPEN_STATUSES, STATUS_LABELS, Role, Status
from qitong.domain.tickets.timers import TimerKind
from qitong.domain.tickets.vocab import Layer
from qitong.services.auth import Principal
from qitong.services.context import Context

_MAY_SEE = frozenset({*CENTER_ROLES, Role.leader, Role.supervisor, Role.auditor, Role.admin})


def _check(p: Principal) -> None:
    if p.actor.role not in _MAY_SEE:
        raise Forbidden("只有中心、督查和县领导可以查看提级建议和会议议题", field="role")


def proposals(ctx: Context, p: Principal, dissatisfied_times: int = 2) -> list[dict[str, Any]]:
    """Open tickets the worker proposes to escalate: overdue beyond the configured working days
    (an escalation_due timer fired), or dissatisfied twice; not yet escalated."""
    _check(p)
    fired = exists().where(TimerFiring.ticket_id == Ticket.id, TimerFiring.kind == TimerKind.escalation_due.value)
    stmt = (
        select(Ticket, Department.name)
        .outerjoin(Department, Department.id == Ticket.lead_unit_id)
        .where(Ticket.status.in_(OPEN_STATUSES - {Status.escalated}))
        .where(or_(fired, and_(Ticket.dissatisfied_count >= dissatisfied_times)))
        .order_by(Ticket.stage_due_at)
        .limit(500)
    )
    with ctx.sessions() as s:
        return [
            {"id": t.id, "number": t.number, "title": t.title, "status": t.status.value,
             "status_label": STATUS_LABELS[t.status], "lead_unit": dept, "layer": t.layer.value,
             "reason": "不满意 2 次及以上" if t.dissatisfied_count >= dissatisfied_times else "超期未办结",
             "stage_due_at": t.stage_due_at.isoformat() if t.stage_due_at else None}
            for t, dept in s.execute(stmt)
        ]


def meeting_agenda(ctx: Context, p: Principal, layer: Layer, meeting_date: date) -> Agenda:
    """The escalated matters waiting at `layer` ("成熟一批、上会一批"), oldest escalation first."""
    _check(p)
    last_escalation = (
        select(AuditEvent.ticket_id, AuditEvent.reason, AuditEvent.created_at)
        .where(AuditEvent.action == "escalate")
        .order_by(AuditEvent.seq.desc())
    )
    with ctx.sessions() as s:
        rows = s.execute(
            select(Ticket, Department.name)
            .outerjoin(Department, Department.id == Ticket.lead_unit_id)
            .where(Ticket.status == Status.escalated, Ticket.layer == layer)
            .order_by(Ticket.id)
        ).all()
        reasons: dict[int, tuple[str, str]] = {}
        ids = [t.id for t, _ in rows]
        if ids:
            for tid, reason, at in s.execute(last_escalation.where(AuditEvent.ticket_id.in_(ids))):
                if tid is not None:
                    reasons.setdefault(tid, (reason or "", at.astimezone(ctx.policy.tz).strftime("%Y-%m-%d")))
        items = [
            AgendaItem(
                number=t.number or "", title=t.title, enterprise=t.enterprise_name, category=t.category or "—",
                lead_unit=dept or "—", reason=reasons.get(t.id, ("", ""))[0],
                history=history_text(t.return_count, t.redispatch_count, t.dissatisfied_count, t.extension_count),
                escalated_on=reasons.get(t.id, ("", ""))[1],
            )
            for t, dept in rows
        ]
        items.sort(key=lambda i: i.escalated_on)
    return build_agenda(ctx.settings.supervision_issuer, layer, meeting_date, items)
