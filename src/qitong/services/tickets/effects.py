"""What each action does beyond moving the status. One small function per action."""

from __future__ import annotations

from sqlalchemy import select, update

from qitong.db.models import (
    Assignment,
    AssignmentRole,
    Category,
    Department,
    DepartmentKind,
    ExtensionRequest,
    ExtensionStatus,
    Rating,
    Ticket,
)
from qitong.domain.errors import Conflict, InvalidInput
from qitong.domain.tickets.lifecycle import STATUS_LABELS, Action, Role, Status
from qitong.domain.tickets.vocab import SATISFIED_MIN, Complexity, escalation_target
from qitong.domain.timelimits import received_day
from qitong.services import rollups
from qitong.services.audit import enqueue
from qitong.services.routing.responsibility import dispatch_audit
from qitong.services.supervision import after_ticket_action
from qitong.services.tickets.actions import Effect, Op

DISPATCHABLE = (DepartmentKind.department, DepartmentKind.town, DepartmentKind.board)


def classify(op: Op) -> None:
    """Classification the center may correct at accept or dispatch."""
    pl, t = op.payload, op.t
    if pl.category is not None:
        if op.s.get(Category, pl.category) is None:
            raise InvalidInput(f"问题分类“{pl.category}”不存在", field="category")
        t.category = pl.category
    if pl.ticket_type is not None:
        t.ticket_type = pl.ticket_type
    if pl.complexity is not None:
        t.complexity = pl.complexity
    if pl.urgency is not None:
        t.urgency = pl.urgency


def accept(op: Op) -> None:
    classify(op)
    op.t.accepted_at = op.now


def answer_on_the_spot(op: Op) -> None:
    op.payload.require("reply")
    t = op.t
    t.reply = op.payload.reply
    t.accepted_at = t.accepted_at or op.now
    # the center answered itself: its own answer needs no second verification
    t.replied_at = t.verified_at = t.awaiting_confirmation_since = op.now


def _department(op: Op, dept_id: int, field: str) -> Department:
    d = op.s.get(Department, dept_id)
    if d is None or not d.active:
        raise InvalidInput(f"单位 {dept_id} 不存在或已停用", field=field)
    if d.kind not in DISPATCHABLE:
        raise InvalidInput(f"“{d.name}”不能作为承办单位", field=field)
    return d


def _assign(op: Op, lead_id: int, co_ids: list[int]) -> None:
    if lead_id in co_ids:
        raise InvalidInput("主办单位不能同时是协办单位", field="co_unit_ids")
    if len(set(co_ids)) != len(co_ids):
        raise InvalidInput("协办单位重复", field="co_unit_ids")
    lead = _department(op, lead_id, "lead_unit_id")
    for c in co_ids:
        _department(op, c, "co_unit_ids")
    t = op.t
    op.s.execute(
        update(Assignment).where(Assignment.ticket_id == t.id, Assignment.active).values(active=False)
    )
    rnd = t.redispatch_count + 1
    op.s.add(Assignment(ticket_id=t.id, department_id=lead_id, role=AssignmentRole.lead,
                        round=rnd, assigned_at=op.now))
    for c in co_ids:
        op.s.add(Assignment(ticket_id=t.id, department_id=c, role=AssignmentRole.co,
                            round=rnd, assigned_at=op.now))
    t.lead_unit_id = lead_id
    t.dispatched_at = op.now
    op.data.update(lead_unit=lead.name, co_unit_ids=co_ids)
    op.sched.start_handling_clock(t, op.now, special_days=op.payload.days)


def dispatch(op: Op) -> None:
    op.payload.require("lead_unit_id")
    assert op.payload.lead_unit_id is not None
    if op.t.status == Status.returned and op.payload.lead_unit_id == op.t.lead_unit_id:
        raise InvalidInput("改派须选择其他主办单位；如维持原派单请使用“维持原派单”", field="lead_unit_id")
    classify(op)
    _assign(op, op.payload.lead_unit_id, op.payload.co_unit_ids or [])
    # which responsibility-list entry proposed the units, and whether the dispatcher followed it
    op.data.update(dispatch_audit(op.s, op.t.category, op.now, op.ctx.policy.tz, op.payload.lead_unit_id,
                                  op.payload.co_unit_ids or []))


def _active_co_units(op: Op) -> list[int]:
    return list(
        op.s.scalars(
            select(Assignment.department_id).where(
                Assignment.ticket_id == op.t.id, Assignment.active, Assignment.role == AssignmentRole.co
            )
        )
    )


def redispatch(op: Op) -> None:
    t = op.t
    lead = op.payload.lead_unit_id or t.lead_unit_id
    if lead is None:
        raise InvalidInput("缺少必填项“主办单位”", field="lead_unit_id")
    co = op.payload.co_unit_ids if op.payload.co_unit_ids is not None else _active_co_units(op)
    op.data.update(rating_process=t.rating_process, rating_result=t.rating_result,
                   rating_comment=t.rating_comment)
    t.redispatch_count += 1
    _assign(op, lead, co)
    t.signed_at = t.contacted_at = t.replied_at = t.signed_off_at = t.verified_at = None
    t.awaiting_confirmation_since = t.confirmed_at = None


def _lead_assignment(op: Op) -> Assignment:
    return op.s.scalars(
        select(Assignment).where(
            Assignment.ticket_id == op.t.id, Assignment.active, Assignment.role == AssignmentRole.lead
        )
    ).one()


def sign_for(op: Op) -> None:
    op.t.signed_at = op.now
    _lead_assignment(op).signed_at = op.now


def return_(op: Op) -> None:
    op.t.return_count += 1
    op.data["returned_by"] = op.t.lead_unit_id


def contact(op: Op) -> None:
    op.t.contacted_at = op.t.contacted_at or op.now


def co_opinion(op: Op) -> None:
    op.payload.require("opinion")
    a = op.s.scalars(
        select(Assignment).where(
            Assignment.ticket_id == op.t.id,
            Assignment.active,
            Assignment.role == AssignmentRole.co,
            Assignment.department_id == op.p.actor.department_id,
        )
    ).one()
    a.opinion, a.opinion_at = op.payload.opinion, op.now


def extension_request(op: Op) -> None:
    op.payload.require("days")
    days = op.payload.days or 0
    settings = op.ctx.settings
    if op.t.extension_count >= settings.max_extensions:
        raise Conflict(f"延期申请已达上限（{settings.max_extensions} 次），不能再申请", field="action")
    if days > settings.max_extension_days:
        raise InvalidInput(f"单次延期不能超过 {settings.max_extension_days} 个工作日", field="days")
    assert op.payload.reason is not None
    op.s.add(ExtensionRequest(ticket_id=op.t.id, days=days, reason=op.payload.reason,
                              status=ExtensionStatus.pending, requested_by_id=op.p.actor.user_id,
                              requested_at=op.now))


def _pending_extension(op: Op) -> ExtensionRequest:
    return op.s.scalars(
        select(ExtensionRequest).where(
            ExtensionRequest.ticket_id == op.t.id, ExtensionRequest.status == ExtensionStatus.pending
        )
    ).one()


def _decide_extension(op: Op, status: ExtensionStatus) -> ExtensionRequest:
    req = _pending_extension(op)
    req.status, req.decided_by_id, req.decided_at = status, op.p.actor.user_id, op.now
    req.decision_reason = op.payload.reason
    return req


def extension_approve(op: Op) -> None:
    req = _decide_extension(op, ExtensionStatus.approved)
    days = op.payload.days or req.days
    if days > req.days:
        raise InvalidInput(f"批准天数不能超过申请的 {req.days} 个工作日", field="days")
    op.t.extension_count += 1
    op.sched.extend(op.t, days)
    op.data["approved_days"] = days


def extension_refuse(op: Op) -> None:
    _decide_extension(op, ExtensionStatus.refused)


def reply_draft(op: Op) -> None:
    op.payload.require("reply")
    op.t.reply, op.t.replied_at = op.payload.reply, op.now


def sign_off(op: Op) -> None:
    op.t.signed_off_at = op.now


def verify(op: Op) -> None:
    op.t.verified_at = op.t.awaiting_confirmation_since = op.now


def _rate(op: Op) -> Rating:
    op.payload.require("rating_process", "rating_result")
    t, pl = op.t, op.payload
    assert pl.rating_process is not None and pl.rating_result is not None
    comment = pl.comment or pl.reason or ""
    r = Rating(ticket_id=t.id, round=t.redispatch_count + 1, process=pl.rating_process,
               result=pl.rating_result, comment=comment, rated_by_id=op.p.actor.user_id,
               on_behalf=op.p.actor.role != Role.enterprise_user, created_at=op.now)
    op.s.add(r)
    t.rating_process, t.rating_result, t.rating_comment = r.process, r.result, comment
    return r


def confirm(op: Op) -> None:
    if op.payload.rating_result is not None and op.payload.rating_result < SATISFIED_MIN:
        raise InvalidInput("结果评价为不满意时，请选择“不满意，要求重办”", field="rating_result")
    _rate(op)
    op.t.confirmed_at = op.now


def rate_dissatisfied(op: Op) -> None:
    if op.payload.rating_result is not None and op.payload.rating_result >= SATISFIED_MIN:
        raise InvalidInput("结果评价为基本满意及以上时，请选择“确认并评价”", field="rating_result")
    _rate(op)
    op.t.dissatisfied_count += 1


def close(op: Op) -> None:
    t = op.t
    if t.status == Status.awaiting_confirmation:
        _check_confirmation_timeout(op)
        t.closed_by_timeout = True
    t.close_reason = op.payload.reason
    t.closed_at = op.now


def _check_confirmation_timeout(op: Op) -> None:
    op.payload.require("reason")
    since = op.t.awaiting_confirmation_since
    assert since is not None
    cal, policy = op.sched.cal, op.sched.policy
    start = received_day(cal, since, policy).day
    today = received_day(cal, op.now, policy).day
    waited = cal.between(start, today).days
    limit = op.ctx.settings.confirm_timeout_days
    if waited < limit:
        raise Conflict(
            f"企业确认期限未满：已等待 {waited} 个工作日，需满 {limit} 个工作日后方可直接办结",
            field="action",
        )
    op.data["waited_workdays"] = waited


def escalate(op: Op) -> None:
    t = op.t
    layer, tier = escalation_target(t.layer, t.tier, op.payload.to_layer, op.payload.to_tier)
    op.data.update(from_layer=t.layer.value, from_tier=t.tier.value)
    t.layer, t.tier = layer, tier
    if t.complexity == Complexity.simple:
        t.complexity = Complexity.difficult  # what needs a higher level is not simple any more


def suspend(op: Op) -> None:
    op.t.suspended_at = op.now


def resume(op: Op) -> None:
    paused = op.t.suspended_at
    assert paused is not None
    op.sched.resume(op.t, paused, op.now)
    op.t.suspended_at = None
    op.data["paused_since"] = paused.isoformat()


def terminate(op: Op) -> None:
    op.t.close_reason = op.payload.reason


def merge(op: Op) -> None:
    op.payload.require("duplicate_of")
    orig = op.s.scalars(select(Ticket).where(Ticket.number == op.payload.duplicate_of)).one_or_none()
    if orig is None:
        raise InvalidInput(f"原工单“{op.payload.duplicate_of}”不存在", field="duplicate_of")
    if orig.id == op.t.id or orig.status == Status.merged:
        raise InvalidInput("只能并入另一张未被并单的工单", field="duplicate_of")
    op.t.duplicate_of_id = orig.id
    op.data["original"] = orig.number


def note(op: Op) -> None:
    op.payload.require("text")


EFFECTS: dict[Action, Effect] = {
    Action.accept: accept,
    Action.answer_on_the_spot: answer_on_the_spot,
    Action.dispatch: dispatch,
    Action.redispatch: redispatch,
    Action.sign_for: sign_for,
    Action.return_: return_,
    Action.contact: contact,
    Action.co_opinion: co_opinion,
    Action.extension_request: extension_request,
    Action.extension_approve: extension_approve,
    Action.extension_refuse: extension_refuse,
    Action.reply_draft: reply_draft,
    Action.sign_off: sign_off,
    Action.verify: verify,
    Action.confirm: confirm,
    Action.rate_dissatisfied: rate_dissatisfied,
    Action.close: close,
    Action.escalate: escalate,
    Action.suspend: suspend,
    Action.resume: resume,
    Action.terminate: terminate,
    Action.merge: merge,
    Action.note: note,
}


def after_effects(op: Op, status_before: Status, audit_seq: int) -> None:
    """Tell the people concerned: one outbox row per change, keyed so it is delivered once."""
    t = op.t
    enqueue(
        op.s,
        topic=f"ticket.{op.action.value}",
        key=f"audit:{audit_seq}",
        ticket_id=t.id,
        at=op.now,
        payload={
            "ticket_id": t.id,
            "number": t.number,
            "action": op.action.value,
            "status_before": status_before.value,
            "status": t.status.value,
            "status_label": STATUS_LABELS[t.status],
            "enterprise_id": t.enterprise_id,
            "lead_unit_id": t.lead_unit_id,
            "reason": op.payload.reason,
        },
    )
    after_ticket_action(op.s, op.ctx, t, op.action, op.now)  # supervision: buck-passing, dissatisfied, ...
    rollups.after_ticket_action(op.s, op.ctx, t, op.action, op.now)  # KPI rollups, revisits, ledger
