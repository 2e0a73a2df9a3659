"""Loading a ticket and the facts the access rules need."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from qitong.db.models import Assignment, AssignmentRole, Ticket
from qitong.domain.errors import NotFound
from qitong.domain.tickets.access import TicketFacts


def load_for_update(s: Session, ticket_id: int) -> Ticket:
    t = s.scalars(select(Ticket).where(Ticket.id == ticket_id).with_for_update()).one_or_none()
    if t is None:
        raise NotFound(f"工单 {ticket_id} 不存在", field="ticket_id")
    return t


def load(s: Session, ticket_id: int) -> Ticket:
    t = s.get(Ticket, ticket_id)
    if t is None:
        raise NotFound(f"工单 {ticket_id} 不存在", field="ticket_id")
    return t


def facts_of(s: Session, t: Ticket) -> TicketFacts:
    rows = s.execute(
        select(Assignment.department_id, Assignment.role, Assignment.active).where(
            Assignment.ticket_id == t.id
        )
    ).all()
    return facts_from(t, [(d, r, a) for d, r, a in rows])


def facts_from(t: Ticket, assignments: list[tuple[int, AssignmentRole, bool]]) -> TicketFacts:
    return TicketFacts(
        status=t.status,
        enterprise_id=t.enterprise_id,
        submitted_by=t.submitted_by_id,
        lead_unit_id=t.lead_unit_id,
        co_unit_ids=frozenset(d for d, r, a in assignments if a and r == AssignmentRole.co),
        involved_department_ids=frozenset(d for d, _, _ in assignments),
        ticket_type=t.ticket_type,
        reported_department_id=t.reported_department_id,
        confidential=t.confidential,
    )
