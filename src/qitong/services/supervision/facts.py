"""The facts the must-supervise rules read, gathered from a ticket and its audit log."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from qitong.db.models import AuditEvent, Ticket
from qitong.domain.supervision import DEFAULT_THRESHOLDS, SupervisionFacts, Thresholds
from qitong.domain.tickets.lifecycle import Action
from qitong.services.fingerprints import is_concentrated as is_concentrated_report


def concentrated(s: Session, t: Ticket, th: Thresholds = DEFAULT_THRESHOLDS) -> bool:
    """企业多次或集中反映 — the hook for repeated or concentrated reports.

    The first rule: the same enterprise raised at least `th.repeated_tickets` tickets (this one
    included) in the same category within `th.repeated_window_days` days before this one.
    Replace the body to widen it (similar matters from many enterprises, one department ...);
    keep the signature: the rules call it once per evaluation, inside the caller's transaction."""
    if is_concentrated_report(s, t.id):  # near-duplicates from several enterprises (docs/duplicates.md)
        return True
    if t.enterprise_id is None or t.category is None:
        return False
    since = t.created_at - timedelta(days=th.repeated_window_days)
    n = s.scalar(
        select(func.count()).select_from(Ticket).where(
            Ticket.enterprise_id == t.enterprise_id,
            Ticket.category == t.category,
            Ticket.created_at > since,
            Ticket.created_at <= t.created_at,
        )
    )
    return (n or 0) >= th.repeated_tickets


def send_back_count(s: Session, ticket_id: int) -> int:
    """How often the center sent the reply back as not fit to close (审核退回), from the audit log."""
    n = s.scalar(
        select(func.count()).select_from(AuditEvent).where(
            AuditEvent.ticket_id == ticket_id, AuditEvent.action == Action.verify_send_back.value
        )
    )
    return n or 0


def last_returned_by(s: Session, ticket_id: int) -> int | None:
    """The department whose user returned the ticket last."""
    return s.scalars(
        select(AuditEvent.actor_department_id)
        .where(AuditEvent.ticket_id == ticket_id, AuditEvent.action == Action.return_.value)
        .order_by(AuditEvent.seq.desc())
        .limit(1)
    ).first()


def facts_for(s: Session, t: Ticket, th: Thresholds = DEFAULT_THRESHOLDS) -> SupervisionFacts:
    returned = t.return_count >= th.buck_passing_returns
    return SupervisionFacts(
        status=t.status,
        lead_unit_id=t.lead_unit_id,
        stage_due_at=t.stage_due_at,
        contact_due_at=t.contact_due_at,
        reply_due_at=t.reply_due_at,
        signed_at=t.signed_at,
        contacted_at=t.contacted_at,
        return_count=t.return_count,
        last_returned_by=last_returned_by(s, t.id) if returned else None,
        dissatisfied_count=t.dissatisfied_count,
        send_back_count=send_back_count(s, t.id),
        major=t.major,
        repeated=t.lead_unit_id is not None and concentrated(s, t, th),
    )
