"""The ticket lifecycle table (工单流转表): every (status, action) pair, the paths through it, and the
structural laws the closed loop depends on."""

from __future__ import annotations

import itertools
from collections import deque

import pytest

from qitong.domain.errors import Conflict, DomainError
from qitong.domain.tickets.errors import IllegalTransition
from qitong.domain.tickets.lifecycle import (
    ACTIONS,
    CENTER_ROLES,
    CLOCK_PAUSED_STATUSES,
    DEPARTMENT_ROLES,
    OPEN_STATUSES,
    OVERSIGHT_ROLES,
    STATUS_LABELS,
    TERMINAL_STATUSES,
    TRANSITIONS,
    Action,
    Party,
    Role,
    Status,
    actions_from,
    allowed_actions,
    is_open,
    transition,
)

S, A = Status, Action

# ---------------------------------------------------------------------------------------------
# The table, written out by hand. A silent change of TRANSITIONS must fail here first.
# ---------------------------------------------------------------------------------------------

MAIN_PATH: list[tuple[Status, Action, Status]] = [
    (S.submitted, A.accept, S.accepted),  # 受理
    (S.accepted, A.dispatch, S.dispatched),  # 分派
    (S.dispatched, A.sign_for, S.signed),  # 签收
    (S.signed, A.contact, S.handling),  # 联系企业
    (S.handling, A.reply_draft, S.awaiting_sign_off),  # 拟办答复
    (S.awaiting_sign_off, A.sign_off, S.awaiting_verification),  # 审签
    (S.awaiting_verification, A.verify, S.awaiting_confirmation),  # 审核
    (S.awaiting_confirmation, A.confirm, S.confirmed),  # 企业确认
    (S.confirmed, A.close, S.closed),  # 办结销号
]

SIDE_EDGES: list[tuple[Status, Action, Status]] = [
    # intake
    (S.submitted, A.reject, S.rejected),
    (S.submitted, A.answer_on_the_spot, S.awaiting_confirmation),
    (S.submitted, A.terminate, S.terminated),
    (S.submitted, A.merge, S.merged),
    (S.accepted, A.answer_on_the_spot, S.awaiting_confirmation),
    (S.accepted, A.terminate, S.terminated),
    (S.accepted, A.merge, S.merged),
    (S.accepted, A.escalate, S.escalated),
    # 退回 and the center's ruling on it
    (S.dispatched, A.return_, S.returned),
    (S.signed, A.return_, S.returned),
    (S.returned, A.dispatch, S.dispatched),
    (S.returned, A.insist, S.dispatched),
    (S.returned, A.escalate, S.escalated),
    # a duplicate found after dispatch is merged by the center
    (S.dispatched, A.merge, S.merged),
    (S.returned, A.merge, S.merged),
    (S.signed, A.merge, S.merged),
    (S.handling, A.merge, S.merged),
    # handling
    (S.handling, A.contact, S.handling),
    (S.handling, A.extension_request, S.extension_requested),
    (S.extension_requested, A.extension_approve, S.handling),
    (S.extension_requested, A.extension_refuse, S.handling),
    (S.handling, A.suspend, S.suspended),
    (S.suspended, A.resume, S.handling),
    (S.handling, A.escalate, S.escalated),
    (S.awaiting_sign_off, A.sign_off_refuse, S.handling),
    (S.awaiting_verification, A.verify_send_back, S.handling),
    # the enterprise judges, the center closes
    (S.awaiting_confirmation, A.rate_dissatisfied, S.dissatisfied),
    (S.awaiting_confirmation, A.close, S.closed),  # the confirmation time-out
    (S.dissatisfied, A.redispatch, S.dispatched),
    (S.dissatisfied, A.escalate, S.escalated),
    (S.escalated, A.escalate, S.escalated),
    (S.escalated, A.dispatch, S.dispatched),
    (S.escalated, A.answer_on_the_spot, S.awaiting_confirmation),
]

CO_OPINION_STATUSES = (
    S.dispatched,
    S.signed,
    S.handling,
    S.extension_requested,
    S.awaiting_sign_off,
)

EXPECTED_TRANSITIONS: dict[tuple[Status, Action], Status] = {
    **{(s, a): t for s, a, t in MAIN_PATH},
    **{(s, a): t for s, a, t in SIDE_EDGES},
    **{(s, A.co_opinion): s for s in CO_OPINION_STATUSES},
    **{(s, A.note): s for s in Status},
}

ALL_PAIRS = list(itertools.product(Status, Action))


def _pair_id(pair: tuple[Status, Action]) -> str:
    return f"{pair[0].value}-{pair[1].value}"


def test_hand_written_table_has_no_duplicate_edges() -> None:
    edges = [(s, a) for s, a, _ in MAIN_PATH + SIDE_EDGES]
    assert len(edges) == len(set(edges))


def test_transitions_equal_the_hand_written_table() -> None:
    assert dict(TRANSITIONS) == EXPECTED_TRANSITIONS


# ---------------------------------------------------------------------------------------------
# The full cross product
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("pair", ALL_PAIRS, ids=_pair_id)
def test_transition_follows_the_table_for_every_pair(pair: tuple[Status, Action]) -> None:
    status, action = pair
    if pair in EXPECTED_TRANSITIONS:
        assert transition(status, action) is EXPECTED_TRANSITIONS[pair]
        return
    with pytest.raises(IllegalTransition) as info:
        transition(status, action)
    err = info.value
    assert isinstance(err, Conflict)
    assert err.kind == "conflict"
    assert err.field == "action"
    assert err.status is status
    assert err.action is action
    assert err.allowed == [a.value for a in actions_from(status)]
    assert f"“{STATUS_LABELS[status]}”（{status.value}）" in err.message
    assert f"“{ACTIONS[action].label}”（{action.value}）" in err.message


def test_illegal_transition_message_lists_what_may_be_done_in_order() -> None:
    with pytest.raises(IllegalTransition) as info:
        transition(S.awaiting_confirmation, A.dispatch)
    assert info.value.message == (
        "工单当前状态为“待企业确认”（awaiting_confirmation），不能执行“分派”（dispatch）。"
        "当前可执行：确认并评价（confirm）、不满意，要求重办（rate_dissatisfied）、办结销号（close）、备注（note）"
    )
    assert info.value.allowed == ["confirm", "rate_dissatisfied", "close", "note"]


def test_illegal_transition_with_nothing_allowed_says_none() -> None:
    err = IllegalTransition(S.closed, A.accept, ())
    assert err.allowed == []
    assert err.message.endswith("当前可执行：无")
    assert isinstance(err, DomainError)
    assert str(err) == err.message


def test_conflict_defaults_to_nothing_allowed() -> None:
    err = Conflict("工单已被他人处理")
    assert err.allowed == []
    assert err.field is None


# ---------------------------------------------------------------------------------------------
# Paths through the table
# ---------------------------------------------------------------------------------------------


def _walk(start: Status, actions: list[Action]) -> list[Status]:
    seen = [start]
    for action in actions:
        seen.append(transition(seen[-1], action))
    return seen


def test_main_path_closes_the_loop() -> None:
    statuses = _walk(S.submitted, [a for _, a, _ in MAIN_PATH])
    assert statuses == [
        S.submitted,
        S.accepted,
        S.dispatched,
        S.signed,
        S.handling,
        S.awaiting_sign_off,
        S.awaiting_verification,
        S.awaiting_confirmation,
        S.confirmed,
        S.closed,
    ]


SIDE_PATHS: list[tuple[str, Status, list[Action], Status]] = [
    ("退回后中心维持原派单", S.dispatched, [A.return_, A.insist, A.sign_for], S.signed),
    ("退回后中心改派", S.dispatched, [A.return_, A.dispatch, A.sign_for], S.signed),
    ("签收后发现非本单位职责退回", S.signed, [A.return_, A.dispatch], S.dispatched),
    ("退回后提级", S.dispatched, [A.return_, A.escalate, A.dispatch], S.dispatched),
    ("申请延期获批", S.handling, [A.extension_request, A.extension_approve, A.reply_draft], S.awaiting_sign_off),
    ("申请延期被拒", S.handling, [A.extension_request, A.extension_refuse], S.handling),
    ("审签退回重拟", S.awaiting_sign_off, [A.sign_off_refuse, A.reply_draft, A.sign_off], S.awaiting_verification),
    ("审核退回重办", S.awaiting_verification, [A.verify_send_back, A.reply_draft], S.awaiting_sign_off),
    (
        "企业不满意二次交办",
        S.awaiting_confirmation,
        [A.rate_dissatisfied, A.redispatch, A.sign_for, A.contact],
        S.handling,
    ),
    ("不满意后提级", S.awaiting_confirmation, [A.rate_dissatisfied, A.escalate], S.escalated),
    ("提级后三分例会再提级", S.accepted, [A.escalate, A.escalate, A.escalate], S.escalated),
    ("提级后中心当场答复", S.handling, [A.escalate, A.answer_on_the_spot, A.confirm], S.confirmed),
    ("挂起等待材料后恢复", S.handling, [A.suspend, A.resume, A.contact], S.handling),
    ("受理后终结", S.submitted, [A.accept, A.terminate], S.terminated),
    ("重复件并单", S.submitted, [A.merge], S.merged),
    ("受理后发现重复并单", S.submitted, [A.accept, A.merge], S.merged),
    ("不予受理", S.submitted, [A.reject], S.rejected),
    ("咨询当场答复后确认办结", S.submitted, [A.answer_on_the_spot, A.confirm, A.close], S.closed),
    ("受理后当场答复", S.accepted, [A.answer_on_the_spot], S.awaiting_confirmation),
    ("确认超时由中心办结", S.awaiting_confirmation, [A.close], S.closed),
    ("多次联系企业", S.signed, [A.contact, A.contact, A.contact], S.handling),
]


@pytest.mark.parametrize(
    ("start", "actions", "end"),
    [p[1:] for p in SIDE_PATHS],
    ids=[p[0] for p in SIDE_PATHS],
)
def test_side_paths(start: Status, actions: list[Action], end: Status) -> None:
    assert _walk(start, actions)[-1] is end


@pytest.mark.parametrize("status", CO_OPINION_STATUSES)
def test_co_opinion_never_moves_the_ticket(status: Status) -> None:
    assert transition(status, A.co_opinion) is status


@pytest.mark.parametrize("status", list(Status))
def test_note_is_allowed_everywhere_and_never_moves_the_ticket(status: Status) -> None:
    assert transition(status, A.note) is status
    assert actions_from(status)[-1] is A.note


def test_co_opinion_closes_once_the_lead_unit_has_signed_off() -> None:
    for status in (S.awaiting_verification, S.awaiting_confirmation, S.returned, S.suspended):
        with pytest.raises(IllegalTransition):
            transition(status, A.co_opinion)


# ---------------------------------------------------------------------------------------------
# Structural laws
# ---------------------------------------------------------------------------------------------


def _reachable_from(start: Status) -> set[Status]:
    seen = {start}
    todo = deque([start])
    while todo:
        here = todo.popleft()
        for action in actions_from(here):
            there = TRANSITIONS[(here, action)]
            if there not in seen:
                seen.add(there)
                todo.append(there)
    return seen


def test_terminal_and_open_statuses_partition_status() -> None:
    assert frozenset({S.closed, S.rejected, S.terminated, S.merged}) == TERMINAL_STATUSES
    assert set(Status) == OPEN_STATUSES | TERMINAL_STATUSES
    assert not OPEN_STATUSES & TERMINAL_STATUSES


@pytest.mark.parametrize("status", sorted(TERMINAL_STATUSES))
def test_terminal_status_only_allows_note(status: Status) -> None:
    assert actions_from(status) == (A.note,)
    assert not is_open(status)


@pytest.mark.parametrize("status", sorted(OPEN_STATUSES))
def test_open_status_allows_something_that_moves_the_ticket(status: Status) -> None:
    assert is_open(status)
    assert any(TRANSITIONS[(status, a)] is not status for a in actions_from(status))


def test_every_status_is_reachable_from_submitted() -> None:
    assert _reachable_from(S.submitted) == set(Status)


@pytest.mark.parametrize("status", sorted(OPEN_STATUSES))
def test_closed_is_reachable_from_every_open_status(status: Status) -> None:
    assert S.closed in _reachable_from(status)


@pytest.mark.parametrize("status", sorted(TERMINAL_STATUSES))
def test_nothing_leaves_a_terminal_status(status: Status) -> None:
    assert _reachable_from(status) == {status}


def test_closed_is_entered_only_from_confirmed_or_the_confirmation_time_out() -> None:
    into_closed = {(s, a) for (s, a), t in TRANSITIONS.items() if t is S.closed and s is not S.closed}
    assert into_closed == {(S.confirmed, A.close), (S.awaiting_confirmation, A.close)}


def test_awaiting_confirmation_is_entered_only_by_verify_or_answer_on_the_spot() -> None:
    into = {a for (s, a), t in TRANSITIONS.items() if t is S.awaiting_confirmation and s is not t}
    assert into == {A.verify, A.answer_on_the_spot}


def test_confirmed_is_entered_only_by_confirm() -> None:
    into = {a for (s, a), t in TRANSITIONS.items() if t is S.confirmed and s is not t}
    assert into == {A.confirm}


def test_every_action_except_note_appears_in_the_table_with_a_real_use() -> None:
    used = {a for (_, a) in TRANSITIONS}
    assert used == set(Action)
    for action in set(Action) - {A.note}:
        statuses = {s for (s, a) in TRANSITIONS if a is action}
        assert statuses, action
        assert statuses != set(Status), f"{action} should not be allowed from every status"


def test_only_suspended_pauses_the_clock_and_it_is_left_only_by_resume() -> None:
    assert frozenset({S.suspended}) == CLOCK_PAUSED_STATUSES
    assert actions_from(S.suspended) == (A.resume, A.note)


# ---------------------------------------------------------------------------------------------
# Action specs
# ---------------------------------------------------------------------------------------------

REASON_REQUIRED = {
    A.reject,
    A.return_,
    A.terminate,
    A.extension_request,
    A.extension_refuse,
    A.sign_off_refuse,
    A.verify_send_back,
    A.suspend,
    A.escalate,
    A.insist,
    A.rate_dissatisfied,
}


def test_every_action_has_a_spec_under_its_own_name() -> None:
    assert set(ACTIONS) == set(Action)
    for action, spec in ACTIONS.items():
        assert spec.action is action


@pytest.mark.parametrize("action", list(Action))
def test_every_action_has_roles_and_a_chinese_label(action: Action) -> None:
    spec = ACTIONS[action]
    assert spec.roles
    assert spec.roles <= set(Role)
    assert spec.label
    assert all("\u4e00" <= ch <= "\u9fff" or ch in "，" for ch in spec.label), spec.label


def test_action_labels_are_unique() -> None:
    labels = [spec.label for spec in ACTIONS.values()]
    assert len(labels) == len(set(labels))


def test_reason_is_required_exactly_where_the_rules_say() -> None:
    assert {a for a, spec in ACTIONS.items() if spec.reason_required} == REASON_REQUIRED


@pytest.mark.parametrize(
    ("action", "label", "roles", "party"),
    [
        (A.accept, "受理", CENTER_ROLES, Party.center),
        (A.dispatch, "分派", {Role.dispatcher}, Party.center),
        (A.sign_for, "签收", DEPARTMENT_ROLES, Party.lead_unit),
        (A.return_, "退回", DEPARTMENT_ROLES, Party.lead_unit),
        (A.co_opinion, "提交协办意见", DEPARTMENT_ROLES, Party.co_unit),
        (A.sign_off, "审签通过", {Role.department_leader}, Party.lead_unit),
        (A.sign_off_refuse, "审签退回", {Role.department_leader}, Party.lead_unit),
        (A.verify, "审核通过", CENTER_ROLES, Party.center),
        (A.confirm, "确认并评价", {Role.enterprise_user, Role.center_agent}, Party.enterprise),
        (A.rate_dissatisfied, "不满意，要求重办", {Role.enterprise_user, Role.center_agent}, Party.enterprise),
        (A.close, "办结销号", CENTER_ROLES, Party.center),
        (A.redispatch, "二次交办", {Role.dispatcher}, Party.center),
        (A.escalate, "提级办理", {Role.dispatcher, Role.leader}, Party.center),
        (A.note, "备注", CENTER_ROLES | DEPARTMENT_ROLES | {Role.supervisor, Role.leader}, Party.anyone_involved),
    ],
)
def test_key_action_specs(action: Action, label: str, roles: set[Role], party: Party) -> None:
    spec = ACTIONS[action]
    assert (spec.label, spec.roles, spec.party) == (label, frozenset(roles), party)


def test_department_roles_never_act_for_the_center_or_the_enterprise() -> None:
    for spec in ACTIONS.values():
        if spec.party in (Party.center, Party.enterprise):
            assert not spec.roles & DEPARTMENT_ROLES, spec.action


def test_enterprise_users_only_confirm_or_rate() -> None:
    own = {a for a, spec in ACTIONS.items() if Role.enterprise_user in spec.roles}
    assert own == {A.confirm, A.rate_dissatisfied}


def test_auditors_and_admins_only_read() -> None:
    for spec in ACTIONS.values():
        assert Role.auditor not in spec.roles
        assert Role.admin not in spec.roles


def test_role_groups_cover_every_role_but_the_enterprise_user_once() -> None:
    groups = [CENTER_ROLES, DEPARTMENT_ROLES, OVERSIGHT_ROLES, frozenset({Role.enterprise_user})]
    assert frozenset().union(*groups) == set(Role)
    assert sum(len(g) for g in groups) == len(Role)


# ---------------------------------------------------------------------------------------------
# actions_from / allowed_actions / labels
# ---------------------------------------------------------------------------------------------


def test_actions_from_keeps_declaration_order() -> None:
    assert actions_from(S.handling) == (
        A.contact,
        A.extension_request,
        A.reply_draft,
        A.suspend,
        A.escalate,
        A.merge,
        A.co_opinion,
        A.note,
    )
    assert actions_from(S.submitted) == (A.accept, A.reject, A.answer_on_the_spot, A.terminate, A.merge, A.note)


@pytest.mark.parametrize(
    ("status", "role", "expected"),
    [
        (S.submitted, Role.center_agent, (A.accept, A.reject, A.answer_on_the_spot, A.terminate, A.merge, A.note)),
        (S.accepted, Role.center_agent, (A.answer_on_the_spot, A.terminate, A.merge, A.note)),
        (S.accepted, Role.dispatcher, (A.answer_on_the_spot, A.dispatch, A.terminate, A.merge, A.escalate, A.note)),
        (S.accepted, Role.leader, (A.escalate, A.note)),
        (S.dispatched, Role.handler, (A.sign_for, A.return_, A.co_opinion, A.note)),
        (S.returned, Role.dispatcher, (A.dispatch, A.insist, A.escalate, A.merge, A.note)),
        (S.returned, Role.center_agent, (A.merge, A.note)),
        (S.awaiting_sign_off, Role.handler, (A.co_opinion, A.note)),
        (S.awaiting_sign_off, Role.department_leader, (A.sign_off, A.sign_off_refuse, A.co_opinion, A.note)),
        (S.awaiting_confirmation, Role.enterprise_user, (A.confirm, A.rate_dissatisfied)),
        (S.awaiting_confirmation, Role.center_agent, (A.confirm, A.rate_dissatisfied, A.close, A.note)),
        (S.dissatisfied, Role.dispatcher, (A.redispatch, A.escalate, A.note)),
        (S.closed, Role.supervisor, (A.note,)),
        (S.closed, Role.enterprise_user, ()),
        (S.handling, Role.auditor, ()),
        (S.handling, Role.admin, ()),
    ],
)
def test_allowed_actions_by_role(status: Status, role: Role, expected: tuple[Action, ...]) -> None:
    assert allowed_actions(status, role) == expected


@pytest.mark.parametrize("pair", list(itertools.product(Status, Role)), ids=lambda p: f"{p[0]}-{p[1]}")
def test_allowed_actions_is_the_table_filtered_by_role(pair: tuple[Status, Role]) -> None:
    status, role = pair
    allowed = allowed_actions(status, role)
    assert set(allowed) <= set(actions_from(status))
    assert all(role in ACTIONS[a].roles for a in allowed)
    assert all(a in allowed for a in actions_from(status) if role in ACTIONS[a].roles)


def test_status_labels_cover_every_status_in_chinese() -> None:
    assert set(STATUS_LABELS) == set(Status)
    assert STATUS_LABELS[S.submitted] == "待受理"
    assert STATUS_LABELS[S.closed] == "已办结"
    assert STATUS_LABELS[S.awaiting_confirmation] == "待企业确认"
    assert all(label for label in STATUS_LABELS.values())
    assert len(set(STATUS_LABELS.values())) == len(Status)


def test_enum_values_are_their_names() -> None:
    for enum in (Status, Role, Party):
        assert all(member.value == member.name for member in enum)
    assert all(action.value == action.name.rstrip("_") for action in Action)
