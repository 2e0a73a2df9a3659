"""The ticket lifecycle as data: one TRANSITIONS table that the services enforce and the
API and pages read to show what may be done next. Nothing else decides what follows what."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from qitong.domain.tickets.errors import IllegalTransition


class Status(StrEnum):
    submitted = "submitted"  # 待受理
    accepted = "accepted"  # 待分派
    rejected = "rejected"  # 不予受理
    dispatched = "dispatched"  # 待签收
    returned = "returned"  # 已退回，待中心审核
    signed = "signed"  # 已签收，待联系企业
    handling = "handling"  # 办理中
    extension_requested = "extension_requested"  # 延期待审批
    suspended = "suspended"  # 已挂起
    awaiting_sign_off = "awaiting_sign_off"  # 待审签
    awaiting_verification = "awaiting_verification"  # 待审核
    awaiting_confirmation = "awaiting_confirmation"  # 待企业确认
    confirmed = "confirmed"  # 企业已确认，待办结
    dissatisfied = "dissatisfied"  # 企业不满意，待二次交办
    escalated = "escalated"  # 已提级，待协调
    closed = "closed"  # 已办结
    terminated = "terminated"  # 已终结
    merged = "merged"  # 已并单


class Action(StrEnum):
    accept = "accept"
    reject = "reject"
    answer_on_the_spot = "answer_on_the_spot"
    dispatch = "dispatch"
    sign_for = "sign_for"
    return_ = "return"
    insist = "insist"  # the center keeps the original dispatch after a return
    contact = "contact"
    co_opinion = "co_opinion"
    extension_request = "extension_request"
    extension_approve = "extension_approve"
    extension_refuse = "extension_refuse"
    reply_draft = "reply_draft"
    sign_off = "sign_off"
    sign_off_refuse = "sign_off_refuse"
    verify = "verify"
    verify_send_back = "verify_send_back"
    confirm = "confirm"
    rate_dissatisfied = "rate_dissatisfied"
    close = "close"
    redispatch = "redispatch"
    escalate = "escalate"
    suspend = "suspend"
    resume = "resume"
    terminate = "terminate"
    merge = "merge"
    note = "note"  # an internal remark; changes nothing but the timeline


class Role(StrEnum):
    enterprise_user = "enterprise_user"
    center_agent = "center_agent"
    dispatcher = "dispatcher"
    handler = "handler"
    department_leader = "department_leader"
    supervisor = "supervisor"
    leader = "leader"
    admin = "admin"
    auditor = "auditor"


class Party(StrEnum):
    """Whose turn an action is, relative to the ticket: decides the department/enterprise check."""

    center = "center"  # type: ignore[assignment]  # glossary name shadows str.center
    lead_unit = "lead_unit"
    co_unit = "co_unit"
    enterprise = "enterprise"
    anyone_involved = "anyone_involved"


CENTER_ROLES = frozenset({Role.center_agent, Role.dispatcher})
DEPARTMENT_ROLES = frozenset({Role.handler, Role.department_leader})
OVERSIGHT_ROLES = frozenset({Role.supervisor, Role.leader, Role.auditor, Role.admin})


@dataclass(frozen=True)
class ActionSpec:
    action: Action
    label: str  # Chinese, for buttons and the timeline
    roles: frozenset[Role]
    party: Party
    reason_required: bool = False


def _spec(
    action: Action, label: str, roles: Iterable[Role], party: Party, reason: bool = False
) -> ActionSpec:
    return ActionSpec(action, label, frozenset(roles), party, reason)


_C = CENTER_ROLES
_D = DEPARTMENT_ROLES
_DISPATCH = {Role.dispatcher}
ACTIONS: Mapping[Action, ActionSpec] = {
    s.action: s
    for s in (
        _spec(Action.accept, "受理", _C, Party.center),
        _spec(Action.reject, "不予受理", _C, Party.center, reason=True),
        _spec(Action.answer_on_the_spot, "当场答复", _C, Party.center),
        _spec(Action.dispatch, "分派", _DISPATCH, Party.center),
        _spec(Action.sign_for, "签收", _D, Party.lead_unit),
        _spec(Action.return_, "退回", _D, Party.lead_unit, reason=True),
        _spec(Action.insist, "维持原派单", _DISPATCH, Party.center, reason=True),
        _spec(Action.contact, "联系企业", _D, Party.lead_unit),
        _spec(Action.co_opinion, "提交协办意见", _D, Party.co_unit),
        _spec(Action.extension_request, "申请延期", _D, Party.lead_unit, reason=True),
        _spec(Action.extension_approve, "同意延期", _DISPATCH, Party.center),
        _spec(Action.extension_refuse, "不同意延期", _DISPATCH, Party.center, reason=True),
        _spec(Action.reply_draft, "提交拟办答复", _D, Party.lead_unit),
        _spec(Action.sign_off, "审签通过", {Role.department_leader}, Party.lead_unit),
        _spec(Action.sign_off_refuse, "审签退回", {Role.department_leader}, Party.lead_unit, reason=True),
        _spec(Action.verify, "审核通过", _C, Party.center),
        _spec(Action.verify_send_back, "审核退回", _C, Party.center, reason=True),
        # center agents may record an answer given by phone on the enterprise's behalf
        _spec(Action.confirm, "确认并评价", {Role.enterprise_user, Role.center_agent}, Party.enterprise),
        _spec(
            Action.rate_dissatisfied,
            "不满意，要求重办",
            {Role.enterprise_user, Role.center_agent},
            Party.enterprise,
            reason=True,
        ),
        _spec(Action.close, "办结销号", _C, Party.center),
        _spec(Action.redispatch, "二次交办", _DISPATCH, Party.center),
        _spec(Action.escalate, "提级办理", {*_DISPATCH, Role.leader}, Party.center, reason=True),
        _spec(Action.suspend, "挂起", _C, Party.center, reason=True),
        _spec(Action.resume, "恢复办理", _C, Party.center),
        _spec(Action.terminate, "终结", _C, Party.center, reason=True),
        _spec(Action.merge, "并单", _C, Party.center),
        _spec(Action.note, "备注", {*_C, *_D, Role.supervisor, Role.leader}, Party.anyone_involved),
    )
}

S, A = Status, Action
_IN_WORK = (S.signed, S.handling, S.extension_requested, S.awaiting_sign_off)

TRANSITIONS: Mapping[tuple[Status, Action], Status] = {
    # intake
    (S.submitted, A.accept): S.accepted,
    (S.submitted, A.reject): S.rejected,
    (S.submitted, A.answer_on_the_spot): S.awaiting_confirmation,
    (S.submitted, A.terminate): S.terminated,
    (S.submitted, A.merge): S.merged,
    (S.accepted, A.answer_on_the_spot): S.awaiting_confirmation,
    (S.accepted, A.dispatch): S.dispatched,
    (S.accepted, A.terminate): S.terminated,
    (S.accepted, A.merge): S.merged,
    (S.accepted, A.escalate): S.escalated,
    # the department takes it, or says it is not theirs
    (S.dispatched, A.sign_for): S.signed,
    (S.dispatched, A.return_): S.returned,
    (S.returned, A.dispatch): S.dispatched,
    (S.returned, A.insist): S.dispatched,
    (S.returned, A.escalate): S.escalated,
    (S.signed, A.return_): S.returned,
    (S.signed, A.contact): S.handling,
    # handling
    (S.handling, A.contact): S.handling,
    (S.handling, A.extension_request): S.extension_requested,
    (S.extension_requested, A.extension_approve): S.handling,
    (S.extension_requested, A.extension_refuse): S.handling,
    (S.handling, A.reply_draft): S.awaiting_sign_off,
    (S.handling, A.suspend): S.suspended,
    (S.suspended, A.resume): S.handling,
    (S.handling, A.escalate): S.escalated,
    (S.awaiting_sign_off, A.sign_off): S.awaiting_verification,
    (S.awaiting_sign_off, A.sign_off_refuse): S.handling,
    (S.awaiting_verification, A.verify): S.awaiting_confirmation,
    (S.awaiting_verification, A.verify_send_back): S.handling,
    # the enterprise judges, the center closes
    (S.awaiting_confirmation, A.confirm): S.confirmed,
    (S.awaiting_confirmation, A.rate_dissatisfied): S.dissatisfied,
    (S.awaiting_confirmation, A.close): S.closed,  # only after the confirmation time-out, with reason
    (S.confirmed, A.close): S.closed,
    (S.dissatisfied, A.redispatch): S.dispatched,
    (S.dissatisfied, A.escalate): S.escalated,
    (S.escalated, A.escalate): S.escalated,
    (S.escalated, A.dispatch): S.dispatched,
    (S.escalated, A.answer_on_the_spot): S.awaiting_confirmation,
    # a duplicate found after dispatch is merged by the center into the original (并单), so the
    # department stops working twice on one matter
    **{(s, A.merge): S.merged for s in (S.dispatched, S.returned, S.signed, S.handling)},
    # co-units give their opinion while the lead unit works
    **{(s, A.co_opinion): s for s in (S.dispatched, *_IN_WORK)},
    # notes never move a ticket
    **{(s, A.note): s for s in Status},
}

TERMINAL_STATUSES = frozenset({S.closed, S.rejected, S.terminated, S.merged})
OPEN_STATUSES = frozenset(set(Status) - TERMINAL_STATUSES)
CLOCK_PAUSED_STATUSES = frozenset({S.suspended})

STATUS_LABELS: Mapping[Status, str] = {
    S.submitted: "待受理",
    S.accepted: "待分派",
    S.rejected: "不予受理",
    S.dispatched: "待签收",
    S.returned: "已退回",
    S.signed: "已签收",
    S.handling: "办理中",
    S.extension_requested: "延期待审批",
    S.suspended: "已挂起",
    S.awaiting_sign_off: "待审签",
    S.awaiting_verification: "待审核",
    S.awaiting_confirmation: "待企业确认",
    S.confirmed: "待办结",
    S.dissatisfied: "不满意待重办",
    S.escalated: "已提级",
    S.closed: "已办结",
    S.terminated: "已终结",
    S.merged: "已并单",
}


def transition(status: Status, action: Action) -> Status:
    """The status that `action` leads to from `status`, or IllegalTransition."""
    try:
        return TRANSITIONS[(status, action)]
    except KeyError:
        raise IllegalTransition(status, action, actions_from(status)) from None


def actions_from(status: Status) -> tuple[Action, ...]:
    """Every action the table allows from `status`, in declaration order."""
    return tuple(a for (s, a) in TRANSITIONS if s == status)


def allowed_actions(status: Status, role: Role) -> tuple[Action, ...]:
    """What someone in `role` may do from `status` (before the department/enterprise check)."""
    return tuple(a for a in actions_from(status) if role in ACTIONS[a].roles)


def is_open(status: Status) -> bool:
    return status in OPEN_STATUSES
