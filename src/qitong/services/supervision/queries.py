"""The read side: supervisions listed and shown to whoever may see them, two statements a page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import Session, aliased

from qitong.db.models import Department, Supervision, Ticket, User
from qitong.domain.errors import Forbidden, NotFound
from qitong.domain.supervision import (
    DOCUMENT_NAMES,
    LEVEL_LABELS,
    STATUS_LABELS,
    TRIGGER_LABELS,
    SupervisionLevel,
    SupervisionStatus,
    Trigger,
    rank,
)
from qitong.domain.supervision.access import check_view, sees_all
from qitong.domain.tickets.access import Actor
from qitong.domain.tickets.lifecycle import DEPARTMENT_ROLES
from qitong.services.auth import Principal
from qitong.services.context import Context


@dataclass(frozen=True)
class SupervisionFilter:
    status: tuple[SupervisionStatus, ...] = ()
    level: SupervisionLevel | None = None
    trigger: Trigger | None = None
    department_id: int | None = None
    ticket_id: int | None = None
    overdue: bool | None = None  # still unanswered after the response deadline


def _visible(actor: Actor) -> ColumnElement[bool]:
    if sees_all(actor):
        return Supervision.id.is_not(None)
    if actor.role in DEPARTMENT_ROLES and actor.department_id is not None:
        return Supervision.department_id == actor.department_id
    raise Forbidden("当前角色无权查看督办事项", field="role")


def _filtered(actor: Actor, f: SupervisionFilter, now: datetime) -> Select[Supervision, str | None, str, str]:
    conds = [_visible(actor)]
    if f.status:
        conds.append(Supervision.status.in_(f.status))
    for col, val in ((Supervision.level, f.level), (Supervision.trigger, f.trigger),
                     (Supervision.department_id, f.department_id), (Supervision.ticket_id, f.ticket_id)):
        if val is not None:
            conds.append(col == val)
    late = (Supervision.status == SupervisionStatus.open) & (Supervision.response_due_at < now)
    if f.overdue is not None:
        conds.append(late if f.overdue else ~late)
    return (select(Supervision, Ticket.number, Ticket.title, Department.name)
            .join(Ticket, Ticket.id == Supervision.ticket_id)
            .join(Department, Department.id == Supervision.department_id)
            .where(*conds))


def _iso(v: datetime | None) -> str | None:
    return v.isoformat() if v else None


def _summary(sup: Supervision, number: str | None, title: str, dept: str, now: datetime) -> dict[str, Any]:
    return {
        "id": sup.id,
        "document_no": sup.document_no,
        "document_name": DOCUMENT_NAMES[sup.level],
        "level": sup.level.value,
        "level_label": LEVEL_LABELS[sup.level],
        "level_rank": rank(sup.level),
        "trigger": sup.trigger.value,
        "trigger_label": TRIGGER_LABELS[sup.trigger],
        "status": sup.status.value,
        "status_label": STATUS_LABELS[sup.status],
        "ticket_id": sup.ticket_id,
        "ticket_number": number,
        "ticket_title": title,
        "department_id": sup.department_id,
        "department": dept,
        "opened_at": _iso(sup.opened_at),
        "response_due_at": _iso(sup.response_due_at),
        "response_overdue": sup.status == SupervisionStatus.open and sup.response_due_at < now,
        "automatic": sup.opened_by_id is None,
    }


def list_supervisions(
    ctx: Context, p: Principal, f: SupervisionFilter, page: int = 1, per_page: int = 20
) -> tuple[int, list[dict[str, Any]]]:
    now = ctx.clock.now()
    stmt = _filtered(p.actor, f, now)
    with ctx.sessions() as s:
        total = s.scalar(select(func.count()).select_from(stmt.subquery())) or 0
        rows = s.execute(stmt.order_by(Supervision.opened_at.desc(), Supervision.id.desc())
                         .offset((page - 1) * per_page).limit(per_page)).all()
        return total, [_summary(sup, n, t, d, now) for sup, n, t, d in rows]


def _names(s: Session, sup: Supervision) -> dict[str, str | None]:
    users = aliased(User)
    ids = {"opened_by": sup.opened_by_id, "responded_by": sup.responded_by_id, "closed_by": sup.closed_by_id}
    wanted = {i for i in ids.values() if i is not None}
    found = dict(s.execute(select(users.id, users.display_name).where(users.id.in_(wanted))).all()) if wanted else {}
    return {k: (found.get(v) if v is not None else None) for k, v in ids.items()}


def supervision_detail(ctx: Context, p: Principal, supervision_id: int) -> dict[str, Any]:
    now = ctx.clock.now()
    with ctx.sessions() as s:
        sup, number, title, dept = _one(s, supervision_id)
        check_view(p.actor, sup.department_id)
        names = _names(s, sup)
        out = _summary(sup, number, title, dept, now)
        out.update(
            reason=sup.reason,
            basis=sup.basis,
            year=sup.year,
            seq=sup.seq,
            opened_by=names["opened_by"] or "系统",
            response=sup.response,
            responded_at=_iso(sup.responded_at),
            responded_by=names["responded_by"],
            responded_on_time=(sup.responded_at <= sup.response_due_at) if sup.responded_at else None,
            closed_at=_iso(sup.closed_at),
            closed_by=names["closed_by"],
            close_note=sup.close_note,
            documents={"html": f"/api/supervisions/{sup.id}/document.html",
                       "pdf": f"/api/supervisions/{sup.id}/document.pdf"},
        )
        return out


def _one(s: Session, supervision_id: int) -> tuple[Supervision, str | None, str, str]:
    row = s.execute(
        select(Supervision, Ticket.number, Ticket.title, Department.name)
        .join(Ticket, Ticket.id == Supervision.ticket_id)
        .join(Department, Department.id == Supervision.department_id)
        .where(Supervision.id == supervision_id)
    ).first()
    if row is None:
        raise NotFound(f"督办事项 {supervision_id} 不存在", field="supervision_id")
    sup, number, title, dept = row
    return sup, number, title, dept

