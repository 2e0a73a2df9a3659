"""Who may see a ticket (can_view), whose name a department must not learn (hides_reporter), and
who may act on it (check_action, actions_for)."""

from __future__ import annotations

import dataclasses
import itertools
from typing import Any, cast

import pytest

from qitong.domain.errors import Forbidden
from qitong.domain.tickets.access import (
    Actor,
    TicketFacts,
    _party_message,
    actions_for,
    can_view,
    check_action,
    hides_reporter,
    party_matches,
)
from qitong.domain.tickets.lifecycle import (
    CENTER_ROLES,
    DEPARTMENT_ROLES,
    OVERSIGHT_ROLES,
    Action,
    Party,
    Role,
    Status,
    allowed_actions,
)
from qitong.domain.tickets.vocab import TicketType

S, A = Status, Action

# Departments (职能部门)
ZHUJIAN = 11  # 县住建局 — lead unit (主办单位)
SHIJIAN = 12  # 县市场监管局 — co-unit (协办单位)
ZIRAN = 13  # 县自然资源局 — worked on it before, returned it (曾经手)
SHUIWU = 14  # 县税务局 — nothing to do with it

# Enterprises (经营主体) and their users
HAIXIAN = 501  # 象山海鲜加工有限公司, whose matter it is
QITA = 502  # 另一家企业
HAIXIAN_USER = 9001  # 海鲜加工公司的办事员, who submitted it
HAIXIAN_BOSS = 9002  # 海鲜加工公司的法定代表人
QITA_USER = 9101

# 诉求: 营业执照变更审批超时 — handled by 住建局 with 市场监管局 assisting
TICKET = TicketFacts(
    status=S.handling,
    enterprise_id=HAIXIAN,
    submitted_by=HAIXIAN_USER,
    lead_unit_id=ZHUJIAN,
    co_unit_ids=frozenset({SHIJIAN}),
    involved_department_ids=frozenset({ZHUJIAN, SHIJIAN, ZIRAN}),
)


def at(status: Status, **changes: Any) -> TicketFacts:
    return dataclasses.replace(TICKET, status=status, **changes)


def dept(role: Role, department_id: int | None, user_id: int = 7001) -> Actor:
    return Actor(user_id=user_id, role=role, department_id=department_id)


CENTER_AGENT = Actor(user_id=1001, role=Role.center_agent)
DISPATCHER = Actor(user_id=1002, role=Role.dispatcher)
SUPERVISOR = Actor(user_id=1003, role=Role.supervisor)
LEADER = Actor(user_id=1004, role=Role.leader)
AUDITOR = Actor(user_id=1005, role=Role.auditor)
ADMIN = Actor(user_id=1006, role=Role.admin)
LEAD_HANDLER = dept(Role.handler, ZHUJIAN, 7001)
LEAD_LEADER = dept(Role.department_leader, ZHUJIAN, 7002)
CO_HANDLER = dept(Role.handler, SHIJIAN, 7101)
CO_LEADER = dept(Role.department_leader, SHIJIAN, 7102)
FORMER_HANDLER = dept(Role.handler, ZIRAN, 7201)
OTHER_HANDLER = dept(Role.handler, SHUIWU, 7301)
OWN_ENTERPRISE = Actor(user_id=HAIXIAN_USER, role=Role.enterprise_user, enterprise_id=HAIXIAN)
OWN_COLLEAGUE = Actor(user_id=HAIXIAN_BOSS, role=Role.enterprise_user, enterprise_id=HAIXIAN)
OTHER_ENTERPRISE = Actor(user_id=QITA_USER, role=Role.enterprise_user, enterprise_id=QITA)

CAST = {
    "center_agent": CENTER_AGENT,
    "dispatcher": DISPATCHER,
    "supervisor": SUPERVISOR,
    "leader": LEADER,
    "auditor": AUDITOR,
    "admin": ADMIN,
    "lead_handler": LEAD_HANDLER,
    "lead_leader": LEAD_LEADER,
    "co_handler": CO_HANDLER,
    "co_leader": CO_LEADER,
    "former_handler": FORMER_HANDLER,
    "other_handler": OTHER_HANDLER,
    "own_enterprise": OWN_ENTERPRISE,
    "own_colleague": OWN_COLLEAGUE,
    "other_enterprise": OTHER_ENTERPRISE,
}


def test_ticket_facts_defaults() -> None:
    facts = TicketFacts(status=S.submitted, enterprise_id=HAIXIAN, submitted_by=HAIXIAN_USER, lead_unit_id=None)
    assert facts.co_unit_ids == frozenset()
    assert facts.involved_department_ids == frozenset()
    assert facts.ticket_type is TicketType.help
    assert facts.reported_department_id is None
    assert facts.confidential is False


# ---------------------------------------------------------------------------------------------
# can_view
# ---------------------------------------------------------------------------------------------

BARE = TicketFacts(status=S.submitted, enterprise_id=None, submitted_by=None, lead_unit_id=None)


@pytest.mark.parametrize("role", sorted(CENTER_ROLES | OVERSIGHT_ROLES))
def test_center_and_oversight_see_every_ticket(role: Role) -> None:
    actor = Actor(user_id=1, role=role)
    assert can_view(actor, TICKET)
    assert can_view(actor, BARE)
    assert can_view(actor, at(S.closed, confidential=True, ticket_type=TicketType.report))


@pytest.mark.parametrize("role", sorted(DEPARTMENT_ROLES))
@pytest.mark.parametrize(
    ("department_id", "expected"),
    [(ZHUJIAN, True), (SHIJIAN, True), (ZIRAN, True), (SHUIWU, False), (None, False)],
    ids=["主办单位", "协办单位", "曾经手单位", "无关单位", "未归属单位"],
)
def test_department_sees_only_tickets_it_leads_assists_or_worked_on(
    role: Role, department_id: int | None, expected: bool
) -> None:
    assert can_view(dept(role, department_id), TICKET) is expected


@pytest.mark.parametrize(
    "facts",
    [
        at(S.dispatched, lead_unit_id=ZHUJIAN, co_unit_ids=frozenset(), involved_department_ids=frozenset()),
        at(S.dispatched, lead_unit_id=None, co_unit_ids=frozenset({ZHUJIAN}), involved_department_ids=frozenset()),
        at(S.returned, lead_unit_id=None, co_unit_ids=frozenset(), involved_department_ids=frozenset({ZHUJIAN})),
    ],
    ids=["只作主办", "只作协办", "只曾经手"],
)
def test_each_department_link_alone_grants_the_view(facts: TicketFacts) -> None:
    assert can_view(LEAD_HANDLER, facts)
    assert not can_view(OTHER_HANDLER, facts)


@pytest.mark.parametrize("role", sorted(DEPARTMENT_ROLES))
def test_department_without_a_unit_never_matches_an_unassigned_ticket(role: Role) -> None:
    assert not can_view(dept(role, None), BARE)


def test_enterprise_sees_its_own_tickets() -> None:
    assert can_view(OWN_ENTERPRISE, TICKET)
    assert can_view(OWN_COLLEAGUE, TICKET)  # same enterprise, another user
    assert not can_view(OTHER_ENTERPRISE, TICKET)


def test_submitter_sees_what_they_submitted_even_without_an_enterprise_link() -> None:
    individual = Actor(user_id=HAIXIAN_USER, role=Role.enterprise_user, enterprise_id=None)
    assert can_view(individual, TICKET)
    moved = Actor(user_id=HAIXIAN_USER, role=Role.enterprise_user, enterprise_id=QITA)
    assert can_view(moved, TICKET)


def test_enterprise_user_without_enterprise_does_not_match_a_ticket_without_one() -> None:
    stranger = Actor(user_id=QITA_USER, role=Role.enterprise_user, enterprise_id=None)
    assert not can_view(stranger, at(S.submitted, enterprise_id=None))
    assert not can_view(stranger, BARE)


def test_unknown_role_sees_nothing() -> None:
    visitor = Actor(user_id=1, role=cast(Role, "visitor"))
    assert not can_view(visitor, TICKET)
    assert not can_view(visitor, BARE)


# ---------------------------------------------------------------------------------------------
# hides_reporter
# ---------------------------------------------------------------------------------------------

# 举报: 住建局工作人员违规收费 — reported about 住建局, handled by 市场监管局
REPORT = at(
    S.handling,
    ticket_type=TicketType.report,
    reported_department_id=ZHUJIAN,
    lead_unit_id=SHIJIAN,
    co_unit_ids=frozenset({ZHUJIAN}),
)


@pytest.mark.parametrize("role", sorted(DEPARTMENT_ROLES))
def test_report_hides_reporter_from_the_department_reported_on(role: Role) -> None:
    assert hides_reporter(dept(role, ZHUJIAN), REPORT)


@pytest.mark.parametrize("role", sorted(DEPARTMENT_ROLES))
def test_report_shows_reporter_to_other_departments(role: Role) -> None:
    assert not hides_reporter(dept(role, SHIJIAN), REPORT)
    assert not hides_reporter(dept(role, SHUIWU), REPORT)


@pytest.mark.parametrize("ticket_type", [t for t in TicketType if t is not TicketType.report])
def test_only_a_report_hides_from_the_department_named(ticket_type: TicketType) -> None:
    complaint = dataclasses.replace(REPORT, ticket_type=ticket_type)
    assert not hides_reporter(dept(Role.handler, ZHUJIAN), complaint)


@pytest.mark.parametrize("role", sorted(DEPARTMENT_ROLES))
@pytest.mark.parametrize("department_id", [ZHUJIAN, SHIJIAN, ZIRAN, SHUIWU])
@pytest.mark.parametrize("ticket_type", list(TicketType))
def test_confidential_hides_from_every_department(role: Role, department_id: int, ticket_type: TicketType) -> None:
    secret = at(S.handling, confidential=True, ticket_type=ticket_type)
    assert hides_reporter(dept(role, department_id), secret)


@pytest.mark.parametrize("role", sorted(set(Role) - DEPARTMENT_ROLES))
def test_never_hidden_from_the_center_oversight_or_enterprise(role: Role) -> None:
    actor = Actor(user_id=HAIXIAN_USER, role=role, department_id=ZHUJIAN, enterprise_id=HAIXIAN)
    assert not hides_reporter(actor, REPORT)
    assert not hides_reporter(actor, dataclasses.replace(REPORT, confidential=True))


def test_ordinary_ticket_hides_nothing_from_the_lead_unit() -> None:
    assert not hides_reporter(LEAD_HANDLER, TICKET)
    assert not hides_reporter(LEAD_LEADER, TICKET)


# ---------------------------------------------------------------------------------------------
# check_action
# ---------------------------------------------------------------------------------------------


def _forbidden(actor: Actor, action: Action, facts: TicketFacts) -> Forbidden:
    with pytest.raises(Forbidden) as info:
        check_action(actor, action, facts)
    assert info.value.kind == "forbidden"
    return info.value


@pytest.mark.parametrize(
    ("actor", "action", "message"),
    [
        (LEAD_HANDLER, A.dispatch, "角色“handler”无权执行“分派”"),
        (LEAD_HANDLER, A.sign_off, "角色“handler”无权执行“审签通过”"),
        (CENTER_AGENT, A.dispatch, "角色“center_agent”无权执行“分派”"),
        (DISPATCHER, A.confirm, "角色“dispatcher”无权执行“确认并评价”"),
        (OWN_ENTERPRISE, A.close, "角色“enterprise_user”无权执行“办结销号”"),
        (OWN_ENTERPRISE, A.note, "角色“enterprise_user”无权执行“备注”"),
        (SUPERVISOR, A.escalate, "角色“supervisor”无权执行“提级办理”"),
        (AUDITOR, A.note, "角色“auditor”无权执行“备注”"),
        (ADMIN, A.accept, "角色“admin”无权执行“受理”"),
        (LEADER, A.dispatch, "角色“leader”无权执行“分派”"),
    ],
)
def test_wrong_role_is_forbidden(actor: Actor, action: Action, message: str) -> None:
    err = _forbidden(actor, action, TICKET)
    assert err.message == message
    assert err.field == "action"


def test_department_that_cannot_see_the_ticket_is_forbidden() -> None:
    err = _forbidden(OTHER_HANDLER, A.sign_for, at(S.dispatched))
    assert err.message == "无权查看或办理该工单"
    assert err.field == "ticket"


def test_department_without_a_unit_is_forbidden_even_on_an_unassigned_ticket() -> None:
    err = _forbidden(dept(Role.handler, None), A.sign_for, at(S.dispatched, lead_unit_id=None))
    assert err.field == "ticket"


@pytest.mark.parametrize(
    ("actor", "action"),
    [
        (CO_HANDLER, A.sign_for),
        (CO_HANDLER, A.return_),
        (CO_HANDLER, A.contact),
        (CO_HANDLER, A.extension_request),
        (CO_HANDLER, A.reply_draft),
        (CO_LEADER, A.sign_off),
        (CO_LEADER, A.sign_off_refuse),
        (FORMER_HANDLER, A.sign_for),
        (FORMER_HANDLER, A.reply_draft),
    ],
)
def test_only_the_lead_unit_does_lead_unit_work(actor: Actor, action: Action) -> None:
    err = _forbidden(actor, action, TICKET)
    assert err.field == "action"
    assert err.message.endswith("只能由主办单位执行")


@pytest.mark.parametrize("actor", [LEAD_HANDLER, LEAD_LEADER, FORMER_HANDLER])
def test_only_a_co_unit_gives_a_co_opinion(actor: Actor) -> None:
    err = _forbidden(actor, A.co_opinion, TICKET)
    assert err.message == "“提交协办意见”只能由协办单位执行"


@pytest.mark.parametrize("action", [A.confirm, A.rate_dissatisfied])
def test_another_enterprise_cannot_confirm_or_rate(action: Action) -> None:
    err = _forbidden(OTHER_ENTERPRISE, action, at(S.awaiting_confirmation))
    assert err.message == "无权查看或办理该工单"


@pytest.mark.parametrize("actor", [OWN_ENTERPRISE, OWN_COLLEAGUE, CENTER_AGENT])
@pytest.mark.parametrize("action", [A.confirm, A.rate_dissatisfied])
def test_the_enterprise_or_the_center_on_its_behalf_confirms(actor: Actor, action: Action) -> None:
    check_action(actor, action, at(S.awaiting_confirmation))


@pytest.mark.parametrize(
    ("actor", "action"),
    [
        (CENTER_AGENT, A.accept),
        (DISPATCHER, A.dispatch),
        (DISPATCHER, A.insist),
        (DISPATCHER, A.redispatch),
        (LEADER, A.escalate),
        (DISPATCHER, A.escalate),
        (LEAD_HANDLER, A.sign_for),
        (LEAD_HANDLER, A.contact),
        (LEAD_HANDLER, A.reply_draft),
        (LEAD_LEADER, A.sign_off),
        (LEAD_LEADER, A.reply_draft),
        (CO_HANDLER, A.co_opinion),
        (CO_LEADER, A.co_opinion),
        (LEAD_HANDLER, A.note),
        (FORMER_HANDLER, A.note),
        (SUPERVISOR, A.note),
        (LEADER, A.note),
    ],
)
def test_the_right_party_may_act(actor: Actor, action: Action) -> None:
    check_action(actor, action, TICKET)


def test_unrelated_department_cannot_even_note() -> None:
    err = _forbidden(OTHER_HANDLER, A.note, TICKET)
    assert err.field == "ticket"


# ---------------------------------------------------------------------------------------------
# party_matches and its messages
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("actor", "party", "expected"),
    [
        (CENTER_AGENT, Party.center, True),
        (DISPATCHER, Party.center, True),
        (LEADER, Party.center, True),
        (SUPERVISOR, Party.center, False),
        (LEAD_HANDLER, Party.center, False),
        (OWN_ENTERPRISE, Party.center, False),
        (LEAD_HANDLER, Party.lead_unit, True),
        (CO_HANDLER, Party.lead_unit, False),
        (CENTER_AGENT, Party.lead_unit, False),
        (CO_HANDLER, Party.co_unit, True),
        (LEAD_HANDLER, Party.co_unit, False),
        (CENTER_AGENT, Party.co_unit, False),
        (OWN_ENTERPRISE, Party.enterprise, True),
        (CENTER_AGENT, Party.enterprise, True),
        (DISPATCHER, Party.enterprise, False),
        (OTHER_ENTERPRISE, Party.enterprise, False),
        (FORMER_HANDLER, Party.anyone_involved, True),
        (SUPERVISOR, Party.anyone_involved, True),
        (OTHER_HANDLER, Party.anyone_involved, False),
        (OTHER_ENTERPRISE, Party.anyone_involved, False),
    ],
)
def test_party_matches(actor: Actor, party: Party, expected: bool) -> None:
    assert party_matches(actor, party, TICKET) is expected


@pytest.mark.parametrize("party", [Party.lead_unit, Party.co_unit])
def test_no_unit_never_matches_a_missing_unit(party: Party) -> None:
    assert not party_matches(dept(Role.handler, None), party, BARE)


@pytest.mark.parametrize(
    ("party", "message"),
    [
        (Party.center, "“受理”只能由企业综合服务中心执行"),
        (Party.lead_unit, "“受理”只能由主办单位执行"),
        (Party.co_unit, "“受理”只能由协办单位执行"),
        (Party.enterprise, "“受理”只能由提出诉求的企业执行"),
        (Party.anyone_involved, "“受理”只能由工单相关单位执行"),
    ],
)
def test_every_party_has_a_message(party: Party, message: str) -> None:
    assert _party_message(party, "受理") == message


# ---------------------------------------------------------------------------------------------
# actions_for
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("actor", "status", "expected"),
    [
        (CENTER_AGENT, S.submitted, (A.accept, A.reject, A.answer_on_the_spot, A.terminate, A.merge, A.note)),
        (DISPATCHER, S.accepted, (A.answer_on_the_spot, A.dispatch, A.terminate, A.merge, A.escalate, A.note)),
        (LEAD_HANDLER, S.dispatched, (A.sign_for, A.return_, A.note)),
        (CO_HANDLER, S.dispatched, (A.co_opinion, A.note)),
        (FORMER_HANDLER, S.dispatched, (A.note,)),
        (OTHER_HANDLER, S.dispatched, ()),
        (DISPATCHER, S.dispatched, (A.merge, A.note)),
        (LEAD_HANDLER, S.handling, (A.contact, A.extension_request, A.reply_draft, A.note)),
        (LEADER, S.handling, (A.escalate, A.note)),
        (SUPERVISOR, S.handling, (A.note,)),
        (AUDITOR, S.handling, ()),
        (ADMIN, S.handling, ()),
        (LEAD_LEADER, S.awaiting_sign_off, (A.sign_off, A.sign_off_refuse, A.note)),
        (LEAD_HANDLER, S.awaiting_sign_off, (A.note,)),
        (CO_LEADER, S.awaiting_sign_off, (A.co_opinion, A.note)),
        (CENTER_AGENT, S.awaiting_verification, (A.verify, A.verify_send_back, A.note)),
        (OWN_ENTERPRISE, S.awaiting_confirmation, (A.confirm, A.rate_dissatisfied)),
        (OTHER_ENTERPRISE, S.awaiting_confirmation, ()),
        (CENTER_AGENT, S.awaiting_confirmation, (A.confirm, A.rate_dissatisfied, A.close, A.note)),
        (DISPATCHER, S.awaiting_confirmation, (A.close, A.note)),
        (DISPATCHER, S.dissatisfied, (A.redispatch, A.escalate, A.note)),
        (LEAD_HANDLER, S.closed, (A.note,)),
        (OWN_ENTERPRISE, S.closed, ()),
    ],
)
def test_actions_for(actor: Actor, status: Status, expected: tuple[Action, ...]) -> None:
    assert actions_for(actor, at(status)) == expected


@pytest.mark.parametrize(
    ("name", "status"),
    list(itertools.product(CAST, Status)),
    ids=lambda v: str(v),
)
def test_actions_for_is_allowed_actions_that_pass_check_action(name: str, status: Status) -> None:
    actor, facts = CAST[name], at(status)
    offered = actions_for(actor, facts)
    for action in allowed_actions(status, actor.role):
        if action in offered:
            check_action(actor, action, facts)
        else:
            with pytest.raises(Forbidden):
                check_action(actor, action, facts)
    assert list(offered) == [a for a in allowed_actions(status, actor.role) if a in offered]
