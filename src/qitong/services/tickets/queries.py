"""The read side: lists, detail and timeline, filtered by who is asking. A fixed number of
statements per request, whatever the list's length."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, exists, func, or_, select
from sqlalchemy.orm import Session

from qitong.db.models import (
    Assignment,
    AssignmentRole,
    Attachment,
    AuditEvent,
    Department,
    ExtensionRequest,
    Rating,
    Ticket,
)
from qitong.domain.errors import Forbidden
from qitong.domain.identity import mask_name, mask_phone
from qitong.domain.tickets.access import (
    Actor,
    TicketFacts,
    actions_for,
    can_view,
    hides_reporter,
)
from qitong.domain.tickets.lifecycle import (
    ACTIONS,
    CENTER_ROLES,
    CLOCK_PAUSED_STATUSES,
    DEPARTMENT_ROLES,
    OPEN_STATUSES,
    STATUS_LABELS,
    Action,
    Role,
    Status,
)
from qitong.domain.tickets.timers import TIMER_LABELS, TimerKind
from qitong.domain.tickets.vocab import Channel, TicketType
from qitong.services.auth import Principal
from qitong.services.context import Context
from qitong.services.tickets.facts import facts_from, load


@dataclass(frozen=True)
class TicketFilter:
    status: tuple[Status, ...] = ()
    department_id: int | None = None
    overdue: bool | None = None
    ticket_type: TicketType | None = None
    category: str | None = None
    region_id: int | None = None
    channel: Channel | None = None
    created_from: datetime | None = None
    created_to: datetime | None = None
    q: str | None = None
    enterprise_id: int | None = None


def visible_clause(actor: Actor) -> ColumnElement[bool]:
    """The SQL twin of access.can_view, so lists never load what the viewer may not see."""
    if actor.role in CENTER_ROLES or actor.role in (Role.supervisor, Role.leader, Role.auditor, Role.admin):
        return Ticket.id.is_not(None)
    if actor.role in DEPARTMENT_ROLES and actor.department_id is not None:
        return exists().where(
            Assignment.ticket_id == Ticket.id, Assignment.department_id == actor.department_id
        )
    if actor.role == Role.enterprise_user:
        own = Ticket.submitted_by_id == actor.user_id
        if actor.enterprise_id is not None:
            return or_(Ticket.enterprise_id == actor.enterprise_id, own)
        return own
    return Ticket.id.is_(None)


def overdue_clause(now: datetime) -> ColumnElement[bool]:
    return and_(
        Ticket.status.in_(OPEN_STATUSES - CLOCK_PAUSED_STATUSES),
        Ticket.stage_due_at.is_not(None),
        Ticket.stage_due_at < now,
    )


def _filtered(actor: Actor, f: TicketFilter, now: datetime) -> Select[Ticket]:
    stmt = select(Ticket).where(visible_clause(actor))
    conds: list[ColumnElement[bool]] = []
    if f.status:
        conds.append(Ticket.status.in_(f.status))
    if f.department_id is not None:
        conds.append(Ticket.lead_unit_id == f.department_id)
    if f.overdue is True:
        conds.append(overdue_clause(now))
    elif f.overdue is False:
        conds.append(~overdue_clause(now))
    for col, val in (
        (Ticket.ticket_type, f.ticket_type),
        (Ticket.category, f.category),
        (Ticket.region_id, f.region_id),
        (Ticket.channel, f.channel),
        (Ticket.enterprise_id, f.enterprise_id),
    ):
        if val is not None:
            conds.append(col == val)
    if f.created_from is not None:
        conds.append(Ticket.created_at >= f.created_from)
    if f.created_to is not None:
        conds.append(Ticket.created_at < f.created_to)
    if f.q:
        like = f"%{f.q}%"
        conds.append(or_(Ticket.title.like(like), Ticket.content.like(like), Ticket.number == f.q,
                         Ticket.enterprise_name.like(like)))
    return stmt.where(*conds)


def list_tickets(
    ctx: Context, p: Principal, f: TicketFilter, page: int = 1, per_page: int = 20
) -> tuple[int, list[dict[str, Any]]]:
    now = ctx.clock.now()
    stmt = _filtered(p.actor, f, now)
    with ctx.sessions() as s:
        total = s.scalar(select(func.count()).select_from(stmt.subquery())) or 0
        rows = list(
            s.scalars(stmt.order_by(Ticket.created_at.desc(), Ticket.id.desc())
                      .offset((page - 1) * per_page).limit(per_page))
        )
        names = _department_names(s, {t.lead_unit_id for t in rows if t.lead_unit_id})
        hidden = _hidden_reporters(s, p.actor, rows)
        return total, [_summary(t, now, names, t.id in hidden) for t in rows]


def _hidden_reporters(s: Session, actor: Actor, rows: list[Ticket]) -> set[int]:
    if actor.role not in DEPARTMENT_ROLES:
        return set()
    return {
        t.id
        for t in rows
        if hides_reporter(actor, facts_from(t, []))
    }


def _department_names(s: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return {i: n for i, n in s.execute(select(Department.id, Department.name).where(Department.id.in_(ids)))}


def _iso(v: datetime | None) -> str | None:
    return v.isoformat() if v else None


def _summary(t: Ticket, now: datetime, names: dict[int, str], hide: bool) -> dict[str, Any]:
    overdue = (
        t.status in OPEN_STATUSES
        and t.status not in CLOCK_PAUSED_STATUSES
        and t.stage_due_at is not None
        and t.stage_due_at < now
    )
    return {
        "id": t.id,
        "number": t.number,
        "title": t.title,
        "status": t.status.value,
        "status_label": STATUS_LABELS[t.status],
        "ticket_type": t.ticket_type.value,
        "category": t.category,
        "channel": t.channel.value,
        "urgency": t.urgency.value,
        "enterprise_name": "（已保密）" if hide else t.enterprise_name,
        "submitter_name": "（已保密）" if hide else mask_name(t.submitter_name),
        "submitter_phone": "（已保密）" if hide else mask_phone(t.submitter_phone),
        "lead_unit_id": t.lead_unit_id,
        "lead_unit": names.get(t.lead_unit_id) if t.lead_unit_id else None,
        "layer": t.layer.value,
        "tier": t.tier.value,
        "stage_due_at": _iso(t.stage_due_at),
        "overdue": overdue,
        "created_at": _iso(t.created_at),
        "version": t.version,
    }


def _viewable(s: Session, p: Principal, ticket_id: int) -> tuple[Ticket, TicketFacts]:
    t = load(s, ticket_id)
    rows = s.execute(
        select(Assignment.department_id, Assignment.role, Assignment.active).where(
            Assignment.ticket_id == t.id
        )
    ).all()
    facts = facts_from(t, [(d, r, a) for d, r, a in rows])
    if not can_view(p.actor, facts):
        raise Forbidden("无权查看该工单", field="ticket_id")
    return t, facts


def ticket_detail(ctx: Context, p: Principal, ticket_id: int) -> dict[str, Any]:
    now = ctx.clock.now()
    with ctx.sessions() as s:
        t, facts = _viewable(s, p, ticket_id)
        assigns = s.execute(
            select(Assignment, Department.name)
            .join(Department, Department.id == Assignment.department_id)
            .where(Assignment.ticket_id == t.id)
            .order_by(Assignment.id)
        ).all()
        names = {a.department_id: n for a, n in assigns}
        hide = hides_reporter(p.actor, facts)
        out = _summary(t, now, names, hide)
        out.update(
            content=t.content,
            query_code=t.query_code if _may_see_contact(p, hide) else None,
            submitter_phone=("（已保密）" if hide else t.submitter_phone if _may_see_contact(p, hide)
                             else mask_phone(t.submitter_phone)),
            submitter_name="（已保密）" if hide else t.submitter_name,
            complexity=t.complexity.value,
            confidential=t.confidential,
            sla_profile=t.sla_profile,
            deadlines={
                "stage": _iso(t.stage_due_at),
                "contact": _iso(t.contact_due_at),
                "reply": _iso(t.reply_due_at),
                "resolve": _iso(t.resolve_due_at),
                "provisional": t.deadlines_provisional,
            },
            milestones={k: _iso(getattr(t, f"{k}_at")) for k in _MILESTONES},
            reply=t.reply,
            close_reason=t.close_reason,
            rating={"process": t.rating_process, "result": t.rating_result, "comment": t.rating_comment}
            if t.rating_result
            else None,
            counts={"returns": t.return_count, "redispatches": t.redispatch_count,
                    "extensions": t.extension_count, "dissatisfied": t.dissatisfied_count},
            duplicate_of_id=t.duplicate_of_id,
            assignments=[
                {"department_id": a.department_id, "department": n, "role": a.role.value,
                 "active": a.active, "round": a.round, "assigned_at": _iso(a.assigned_at),
                 "signed_at": _iso(a.signed_at), "opinion": a.opinion, "opinion_at": _iso(a.opinion_at)}
                for a, n in assigns
            ],
            co_units=[n for a, n in assigns if a.active and a.role == AssignmentRole.co],
            extensions=[
                {"days": e.days, "reason": e.reason, "status": e.status.value,
                 "requested_at": _iso(e.requested_at), "decided_at": _iso(e.decided_at)}
                for e in s.scalars(select(ExtensionRequest).where(ExtensionRequest.ticket_id == t.id)
                                   .order_by(ExtensionRequest.id))
            ],
            ratings=[
                {"round": r.round, "process": r.process, "result": r.result, "comment": r.comment,
                 "at": _iso(r.created_at)}
                for r in s.scalars(select(Rating).where(Rating.ticket_id == t.id).order_by(Rating.id))
            ],
            attachments=[
                {"id": a.id, "filename": a.filename, "content_type": a.content_type, "size": a.size}
                for a in s.scalars(select(Attachment).where(Attachment.ticket_id == t.id))
            ],
            allowed_actions=[
                {"action": a.value, "label": ACTIONS[a].label, "reason_required": ACTIONS[a].reason_required}
                for a in actions_for(p.actor, facts)
            ],
        )
        return out


_MILESTONES = ("submitted", "accepted", "dispatched", "signed", "contacted", "replied", "signed_off",
               "verified", "confirmed", "closed")


def _may_see_contact(p: Principal, hide: bool) -> bool:
    return not hide and p.actor.role in (*CENTER_ROLES, *DEPARTMENT_ROLES, Role.enterprise_user,
                                        Role.supervisor)


def timeline(ctx: Context, p: Principal, ticket_id: int) -> list[dict[str, Any]]:
    with ctx.sessions() as s:
        _t, facts = _viewable(s, p, ticket_id)
        hide = hides_reporter(p.actor, facts)
        events = s.scalars(
            select(AuditEvent).where(AuditEvent.ticket_id == ticket_id).order_by(AuditEvent.seq)
        )
        internal = p.actor.role == Role.enterprise_user
        return [_event(e, hide) for e in events if not (internal and e.action in ENTERPRISE_HIDDEN)]


# the enterprise follows progress, not the government's internal back-and-forth
ENTERPRISE_HIDDEN = frozenset(
    {"note", "co_opinion", "sign_off_refuse", "verify_send_back", "insist", "return", "extension_refuse"}
)


_OTHER_LABELS = {"submit": "提交诉求", "attach": "上传附件"}


def event_label(action: str) -> str:
    """The timeline's Chinese name for an audit action: a lifecycle action, a timer, or another event."""
    if action in Action._value2member_map_:
        return ACTIONS[Action(action)].label
    if action.startswith("timer."):
        kind = action.removeprefix("timer.")
        return TIMER_LABELS[TimerKind(kind)] if kind in TimerKind._value2member_map_ else kind
    return _OTHER_LABELS.get(action, action)


def _event(e: AuditEvent, hide: bool) -> dict[str, Any]:
    label = event_label(e.action)
    masked = hide and e.actor_role == Role.enterprise_user.value
    return {
        "seq": e.seq,
        "action": e.action,
        "label": label,
        "actor": "（已保密）" if masked else e.actor_name,
        "actor_role": e.actor_role,
        "at": _iso(e.created_at),
        "reason": e.reason,
        "before": {k: v for k, v in e.before.items() if k != "reply" or not hide},
        "after": {k: v for k, v in e.after.items() if not (hide and k.startswith("submitter"))},
        "data": {k: v for k, v in e.data.items() if not (hide and k.startswith("submitter"))},
    }
