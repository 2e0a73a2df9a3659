"""Who may see a ticket, who may act on it, and what a viewer must not learn.

Pure: the services build the two views from the database and ask these functions."""

from __future__ import annotations

from dataclasses import dataclass, field

from qitong.domain.errors import Forbidden
from qitong.domain.tickets.lifecycle import (
    ACTIONS,
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


@dataclass(frozen=True)
class Actor:
    user_id: int
    role: Role
    department_id: int | None = None
    enterprise_id: int | None = None


@dataclass(frozen=True)
class TicketFacts:
    status: Status
    enterprise_id: int | None
    submitted_by: int | None
    lead_unit_id: int | None
    co_unit_ids: frozenset[int] = field(default_factory=frozenset)
    # departments the ticket was ever sent to: they keep read access to what they worked on
    involved_department_ids: frozenset[int] = field(default_factory=frozenset)
    ticket_type: TicketType = TicketType.help
    reported_department_id: int | None = None
    confidential: bool = False


def can_view(actor: Actor, t: TicketFacts) -> bool:
    if actor.role in CENTER_ROLES or actor.role in OVERSIGHT_ROLES:
        return True
    if actor.role in DEPARTMENT_ROLES:
        d = actor.department_id
        return d is not None and (d == t.lead_unit_id or d in t.co_unit_ids or d in t.involved_department_ids)
    if actor.role == Role.enterprise_user:
        return _is_own(actor, t)
    return False


def _is_own(actor: Actor, t: TicketFacts) -> bool:
    if actor.enterprise_id is not None and actor.enterprise_id == t.enterprise_id:
        return True
    return t.submitted_by is not None and t.submitted_by == actor.user_id


def hides_reporter(actor: Actor, t: TicketFacts) -> bool:
    """A 举报's reporter is hidden from the department reported on; a confidential ticket's
    submitter is hidden from every department (the center keeps the contact)."""
    if actor.role not in DEPARTMENT_ROLES:
        return False
    if t.confidential:
        return True
    d = actor.department_id
    return t.ticket_type == TicketType.report and d is not None and d == t.reported_department_id


def party_matches(actor: Actor, party: Party, t: TicketFacts) -> bool:
    if party == Party.center:
        return actor.role in CENTER_ROLES or actor.role == Role.leader
    if party == Party.lead_unit:
        return actor.department_id is not None and actor.department_id == t.lead_unit_id
    if party == Party.co_unit:
        return actor.department_id is not None and actor.department_id in t.co_unit_ids
    if party == Party.enterprise:
        return actor.role == Role.center_agent or _is_own(actor, t)
    return can_view(actor, t)


def check_action(actor: Actor, action: Action, t: TicketFacts) -> None:
    """Raise Forbidden unless `actor` may perform `action` on this ticket (status aside)."""
    spec = ACTIONS[action]
    if actor.role not in spec.roles:
        raise Forbidden(f"角色“{actor.role.value}”无权执行“{spec.label}”", field="action")
    if not can_view(actor, t):
        raise Forbidden("无权查看或办理该工单", field="ticket")
    if not party_matches(actor, spec.party, t):
        raise Forbidden(_party_message(spec.party, spec.label), field="action")


def _party_message(party: Party, label: str) -> str:
    who = {
        Party.center: "企业综合服务中心",
        Party.lead_unit: "主办单位",
        Party.co_unit: "协办单位",
        Party.enterprise: "提出诉求的企业",
        Party.anyone_involved: "工单相关单位",
    }[party]
    return f"“{label}”只能由{who}执行"


def actions_for(actor: Actor, t: TicketFacts) -> tuple[Action, ...]:
    """The actions to offer this actor now: the transition table, then the party check."""
    out = []
    for a in allowed_actions(t.status, actor.role):
        try:
            check_action(actor, a, t)
        except Forbidden:
            continue
        out.append(a)
    return tuple(out)
