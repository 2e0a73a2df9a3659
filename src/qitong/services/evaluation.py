"""Ratings after the rating (docs/evaluation.md): revisit tasks (回访), the low-satisfaction ledger
(低满意度台账) and rating appeals (申诉复核).

* `after_ticket_action` (called by services.rollups' hook, inside the ticket action's transaction):
  a closed ticket in the sample, and every dissatisfied rating, gets a revisit task; a ticket rated
  dissatisfied a second time enters the ledger and is marked 疑难 (listed supervision opens on its
  own: services.supervision);
* use cases: `my_revisits`, `record_revisit`, `set_revisit_share`, `low_satisfaction`,
  `low_satisfaction_xlsx`, `file_appeal`, `decide_appeal`, `list_appeals`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from qitong.adapters.documents.sheets import Sheet, workbook
from qitong.db.models import (
    AppealStatus,
    Assignment,
    AssignmentRole,
    Department,
    EvaluationSetting,
    LowSatisfactionEntry,
    Rating,
    RatingAppeal,
    Revisit,
    RevisitMethod,
    RevisitReason,
    RevisitStatus,
    Ticket,
)
from qitong.domain.errors import Conflict, Forbidden, InvalidInput, NotFound
from qitong.domain.evaluation.sampling import in_sample
from qitong.domain.identity.masking import mask_enterprise_name
from qitong.domain.tickets.lifecycle import CENTER_ROLES, DEPARTMENT_ROLES, OVERSIGHT_ROLES, Action, Role, Status
from qitong.domain.tickets.vocab import RATING_LABELS, Complexity
from qitong.services.audit import SYSTEM, record
from qitong.services.auth import Principal
from qitong.services.context import Context

MIN_REVISIT_SHARE = 0.10
DEFAULT_REVISIT_SHARE = 0.10
LEDGER_AT = 2  # dissatisfied this many times: the ledger, 疑难
REVISIT_ROLES = CENTER_ROLES
READ_ROLES = CENTER_ROLES | OVERSIGHT_ROLES


def revisit_share(s: Session) -> float:
    row = s.get(EvaluationSetting, "revisit_share")
    return float(row.value["share"]) if row is not None else DEFAULT_REVISIT_SHARE


# ---------------------------------------------------------------------------------------------
# inside the ticket action


def _task(s: Session, t: Ticket, reason: RevisitReason, now: datetime) -> None:
    rnd = t.redispatch_count + 1
    exists = s.scalar(select(Revisit.id).where(Revisit.ticket_id == t.id, Revisit.reason == reason,
                                               Revisit.round == rnd))
    if exists is None:
        s.add(Revisit(ticket_id=t.id, reason=reason, round=rnd, method=RevisitMethod.phone,
                      status=RevisitStatus.pending, created_at=now))


def after_ticket_action(s: Session, ctx: Context, t: Ticket, action: Action, now: datetime) -> None:
    if action == Action.close and t.status == Status.closed and in_sample(t.id, revisit_share(s)):
        _task(s, t, RevisitReason.sample, now)
    if action == Action.rate_dissatisfied:
        _task(s, t, RevisitReason.dissatisfied, now)
        if t.dissatisfied_count >= LEDGER_AT:
            _enter_ledger(s, t, now)


def _enter_ledger(s: Session, t: Ticket, now: datetime) -> None:
    entry = s.scalar(select(LowSatisfactionEntry).where(LowSatisfactionEntry.ticket_id == t.id))
    if entry is not None:
        entry.dissatisfied_count = t.dissatisfied_count
        return
    s.add(LowSatisfactionEntry(ticket_id=t.id, entered_at=now, dissatisfied_count=t.dissatisfied_count,
                               department_id=t.lead_unit_id))
    before = t.complexity
    if t.complexity in (Complexity.simple, Complexity.complex):
        t.complexity = Complexity.difficult
    s.flush()  # the ticket's version moves on here, before perform() returns it
    record(s, SYSTEM, at=now, entity="ticket", entity_id=t.id, ticket_id=t.id, action="low_satisfaction",
           before={"complexity": before.value}, after={"complexity": t.complexity.value},
           reason=f"企业第 {t.dissatisfied_count} 次评价不满意：列入低满意度台账，按疑难问题办理",
           data={"dissatisfied_count": t.dissatisfied_count})


# ---------------------------------------------------------------------------------------------
# revisits


def _require(p: Principal, roles: frozenset[Role], what: str) -> None:
    if p.actor.role not in roles:
        raise Forbidden(f"您的角色不能{what}", field="role")


def _revisit_dict(r: Revisit, t: Ticket) -> dict[str, Any]:
    return {"id": r.id, "ticket_id": t.id, "number": t.number, "title": t.title, "reason": r.reason.value,
            "reason_label": "不满意必访" if r.reason == RevisitReason.dissatisfied else "抽样回访", "round": r.round,
            "method": r.method.value, "status": r.status.value, "assigned_to_id": r.assigned_to_id,
            "contact": t.submitter_name, "phone": t.submitter_phone, "created_at": r.created_at.isoformat(),
            "done_at": r.done_at.isoformat() if r.done_at else None, "satisfied": r.satisfied,
            "resolved": r.resolved, "outcome": r.outcome,
            "rating_result": t.rating_result, "rating_label": RATING_LABELS.get(t.rating_result or 0)}


def my_revisits(
    ctx: Context, p: Principal, status: RevisitStatus | None = RevisitStatus.pending
) -> list[dict[str, Any]]:
    """The revisit tasks a center agent may take: assigned to them or to nobody."""
    _require(p, REVISIT_ROLES | OVERSIGHT_ROLES, "查看回访任务")
    stmt = select(Revisit, Ticket).join(Ticket, Ticket.id == Revisit.ticket_id).order_by(Revisit.id)
    if status is not None:
        stmt = stmt.where(Revisit.status == status)
    if p.actor.role in REVISIT_ROLES:
        stmt = stmt.where((Revisit.assigned_to_id.is_(None)) | (Revisit.assigned_to_id == p.actor.user_id))
    with ctx.sessions() as s:
        return [_revisit_dict(r, t) for r, t in s.execute(stmt)]


@dataclass(frozen=True)
class RevisitOutcome:
    status: RevisitStatus  # done or unreachable
    method: RevisitMethod
    outcome: str
    satisfied: bool | None = None
    resolved: bool | None = None


def record_revisit(ctx: Context, p: Principal, revisit_id: int, o: RevisitOutcome) -> dict[str, Any]:
    _require(p, REVISIT_ROLES, "记录回访结果")
    if o.status == RevisitStatus.pending:
        raise InvalidInput("回访结果应为“已回访”或“无法联系”", field="status")
    if not o.outcome.strip():
        raise InvalidInput("请填写回访情况", field="outcome")
    if o.status == RevisitStatus.done and o.satisfied is None:
        raise InvalidInput("请选择企业是否满意", field="satisfied")
    now = ctx.clock.now()
    with ctx.sessions.begin() as s:
        r = s.get(Revisit, revisit_id, with_for_update=True)
        if r is None:
            raise NotFound(f"回访任务 {revisit_id} 不存在", field="revisit_id")
        if r.status != RevisitStatus.pending:
            raise Conflict("该回访任务已记录结果", field="revisit_id")
        r.status, r.method, r.outcome = o.status, o.method, o.outcome.strip()
        r.satisfied, r.resolved = o.satisfied, o.resolved
        r.done_at, r.done_by_id, r.assigned_to_id = now, p.who.user_id, r.assigned_to_id or p.who.user_id
        record(s, p.who, at=now, entity="revisit", entity_id=r.id, ticket_id=r.ticket_id, action="revisit",
               after={"status": r.status.value, "method": r.method.value, "satisfied": r.satisfied,
                      "resolved": r.resolved}, data={"outcome": r.outcome})
        t = s.get(Ticket, r.ticket_id)
        assert t is not None
        return _revisit_dict(r, t)


def set_revisit_share(ctx: Context, p: Principal, share: float) -> float:
    _require(p, frozenset({Role.admin}), "设置回访抽样比例")
    if not MIN_REVISIT_SHARE <= share <= 1:
        raise InvalidInput("回访抽样比例须在 10% 到 100% 之间", field="share")
    now = ctx.clock.now()
    with ctx.sessions.begin() as s:
        before = revisit_share(s)
        row = s.get(EvaluationSetting, "revisit_share", with_for_update=True)
        if row is None:
            s.add(EvaluationSetting(key="revisit_share", value={"share": share}, updated_by_id=p.who.user_id,
                                    updated_at=now))
        else:
            row.value, row.updated_by_id, row.updated_at = {"share": share}, p.who.user_id, now
        record(s, p.who, at=now, entity="evaluation_setting", entity_id="revisit_share", action="set_revisit_share",
               before={"share": before}, after={"share": share})
    return share


# ---------------------------------------------------------------------------------------------
# the low-satisfaction ledger

_LEDGER_HEAD = ("工单编号", "标题", "企业", "主办单位", "不满意次数", "最近评价", "列入时间", "当前状态",
                "问题复杂程度")


def low_satisfaction(ctx: Context, p: Principal) -> list[dict[str, Any]]:
    _require(p, READ_ROLES, "查看低满意度台账")
    tz = ctx.policy.tz
    stmt = (select(LowSatisfactionEntry, Ticket, Department.name)
            .join(Ticket, Ticket.id == LowSatisfactionEntry.ticket_id)
            .outerjoin(Department, Department.id == Ticket.lead_unit_id)
            .order_by(LowSatisfactionEntry.entered_at.desc(), LowSatisfactionEntry.id.desc()))
    with ctx.sessions() as s:
        return [{"ticket_id": t.id, "number": t.number, "title": t.title,
                 "enterprise": mask_enterprise_name(t.enterprise_name) if t.enterprise_name else "",
                 "department": dept or "", "dissatisfied_count": t.dissatisfied_count,
                 "rating_label": RATING_LABELS.get(t.rating_result or 0, ""),
                 "entered_at": e.entered_at.astimezone(tz).strftime("%Y-%m-%d %H:%M"), "status": t.status.value,
                 "complexity": t.complexity.value} for e, t, dept in s.execute(stmt)]


def low_satisfaction_xlsx(ctx: Context, p: Principal) -> bytes:
    rows = [(r["number"], r["title"], r["enterprise"], r["department"], r["dissatisfied_count"], r["rating_label"],
             r["entered_at"], r["status"], r["complexity"]) for r in low_satisfaction(ctx, p)]
    return workbook([Sheet("低满意度台账", _LEDGER_HEAD, rows)])


# ---------------------------------------------------------------------------------------------
# appeals


def _charged_department(s: Session, r: Rating) -> int | None:
    """The lead unit of the rating's round: the department the rating counts against."""
    return s.scalar(select(Assignment.department_id).where(
        Assignment.ticket_id == r.ticket_id, Assignment.round == r.round, Assignment.role == AssignmentRole.lead,
    ).order_by(Assignment.id.desc()).limit(1))


def _appeal_dict(a: RatingAppeal) -> dict[str, Any]:
    return {"id": a.id, "rating_id": a.rating_id, "ticket_id": a.ticket_id, "department_id": a.department_id,
            "reason": a.reason, "status": a.status.value, "filed_at": a.filed_at.isoformat(),
            "decided_at": a.decided_at.isoformat() if a.decided_at else None, "decision": a.decision}


def file_appeal(ctx: Context, p: Principal, rating_id: int, reason: str) -> dict[str, Any]:
    """A department appeals a rating charged to it that it believes wrong."""
    _require(p, DEPARTMENT_ROLES, "提出评价申诉")
    reason = (reason or "").strip()
    if len(reason) < 5:
        raise InvalidInput("请写明申诉理由（至少 5 个字）", field="reason")
    now = ctx.clock.now()
    with ctx.sessions.begin() as s:
        r = s.get(Rating, rating_id)
        if r is None:
            raise NotFound(f"评价 {rating_id} 不存在", field="rating_id")
        dept = _charged_department(s, r)
        if dept is None or dept != p.actor.department_id:
            raise Forbidden("只能对计入本单位的评价提出申诉", field="rating_id")
        if r.excluded:
            raise Conflict("该评价已经申诉复核不计入考核", field="rating_id")
        if s.scalar(select(RatingAppeal.id).where(RatingAppeal.rating_id == r.id,
                                                  RatingAppeal.status == AppealStatus.pending)) is not None:
            raise Conflict("该评价已有待复核的申诉", field="rating_id")
        a = RatingAppeal(rating_id=r.id, ticket_id=r.ticket_id, department_id=dept, reason=reason,
                         status=AppealStatus.pending, filed_by_id=p.actor.user_id, filed_at=now)
        s.add(a)
        s.flush()
        record(s, p.who, at=now, entity="rating_appeal", entity_id=a.id, ticket_id=r.ticket_id, action="appeal",
               after=_appeal_dict(a), reason=reason, data={"rating_id": r.id, "result": r.result})
        return _appeal_dict(a)


def decide_appeal(ctx: Context, p: Principal, appeal_id: int, upheld: bool, decision: str) -> dict[str, Any]:
    """The center decides: upheld → the rating counts in no KPI (the rollups follow at once)."""
    from qitong.services.rollups import refresh_ticket

    _require(p, CENTER_ROLES, "复核评价申诉")
    decision = (decision or "").strip()
    if len(decision) < 2:
        raise InvalidInput("请写明复核意见", field="decision")
    now = ctx.clock.now()
    with ctx.sessions.begin() as s:
        a = s.get(RatingAppeal, appeal_id)
        if a is None:
            raise NotFound(f"申诉 {appeal_id} 不存在", field="appeal_id")
        t = s.scalars(select(Ticket).where(Ticket.id == a.ticket_id).with_for_update()).one()
        s.refresh(a, with_for_update=True)
        if a.status != AppealStatus.pending:
            raise Conflict("该申诉已复核", field="appeal_id")
        a.status = AppealStatus.upheld if upheld else AppealStatus.rejected
        a.decided_by_id, a.decided_at, a.decision = p.actor.user_id, now, decision
        if upheld:
            r = s.get(Rating, a.rating_id)
            assert r is not None
            r.excluded = True
        record(s, p.who, at=now, entity="rating_appeal", entity_id=a.id, ticket_id=a.ticket_id,
               action="appeal_upheld" if upheld else "appeal_rejected", after=_appeal_dict(a), reason=decision,
               data={"rating_id": a.rating_id})
        refresh_ticket(s, ctx, t)
        return _appeal_dict(a)


def _appeals_seen(p: Principal, status: AppealStatus | None) -> list[ColumnElement[bool]]:
    """A department sees its own appeals; the center and oversight all of them; optionally one status."""
    conds: list[ColumnElement[bool]] = []
    if p.actor.role in DEPARTMENT_ROLES:
        conds.append(RatingAppeal.department_id == p.actor.department_id)
    else:
        _require(p, READ_ROLES, "查看评价申诉")
    if status is not None:
        conds.append(RatingAppeal.status == status)
    return conds


def list_appeals(ctx: Context, p: Principal, status: AppealStatus | None = None) -> list[dict[str, Any]]:
    stmt = select(RatingAppeal).order_by(RatingAppeal.id)
    stmt = stmt.where(*_appeals_seen(p, status))
    with ctx.sessions() as s:
        return [_appeal_dict(a) for a in s.scalars(stmt)]


# ---------------------------------------------------------------------------------------------
# for the pages (web/pages/evaluation.py): appeals with their ticket, unit and rating; filing by round


def appeals_with_context(ctx: Context, p: Principal, status: AppealStatus | None = None) -> list[dict[str, Any]]:
    """`list_appeals` with the ticket's number and title, the unit's name and the rating, newest first."""
    stmt = (select(RatingAppeal, Ticket.number, Ticket.title, Department.name, Rating.round, Rating.result)
            .join(Ticket, Ticket.id == RatingAppeal.ticket_id)
            .join(Rating, Rating.id == RatingAppeal.rating_id)
            .outerjoin(Department, Department.id == RatingAppeal.department_id)
            .order_by(RatingAppeal.id.desc())
            .where(*_appeals_seen(p, status)))
    with ctx.sessions() as s:
        return [{**_appeal_dict(a), "number": number, "title": title, "department": dept or "",
                 "round": rnd, "result": result, "rating_label": RATING_LABELS.get(result, "")}
                for a, number, title, dept, rnd, result in s.execute(stmt)]


def file_appeal_for_round(ctx: Context, p: Principal, ticket_id: int, round_: int, reason: str) -> dict[str, Any]:
    """The ticket page names the rating by its round; the appeal is the same as `file_appeal`."""
    _require(p, DEPARTMENT_ROLES, "提出评价申诉")
    with ctx.sessions() as s:
        rating_id = s.scalar(select(Rating.id).where(Rating.ticket_id == ticket_id, Rating.round == round_)
                             .order_by(Rating.id.desc()).limit(1))
    if rating_id is None:
        raise NotFound(f"该工单第 {round_} 轮没有评价", field="round")
    return file_appeal(ctx, p, rating_id, reason)
