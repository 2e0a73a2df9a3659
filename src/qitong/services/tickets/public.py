"""Following a ticket without signing in: number + query code, progress only, no personal data."""

from __future__ import annotations

import hmac
from typing import Any

from sqlalchemy import select

from qitong.db.models import AuditEvent, Department, Ticket
from qitong.domain.errors import NotFound
from qitong.domain.tickets.lifecycle import STATUS_LABELS
from qitong.services.context import Context
from qitong.services.tickets.queries import event_label

# the public sees the milestones, never internal notes or who disagreed with whom
PUBLIC_ACTIONS = frozenset(
    {"submit", "accept", "reject", "answer_on_the_spot", "dispatch", "sign_for", "contact", "extension_approve",
     "reply_draft", "verify", "confirm", "rate_dissatisfied", "close", "redispatch", "escalate", "suspend",
     "resume", "terminate", "merge"}
)


def follow(ctx: Context, number: str, query_code: str) -> dict[str, Any]:
    with ctx.sessions() as s:
        t = s.scalars(select(Ticket).where(Ticket.number == number)).one_or_none()
        # one message for both cases: the number alone must not confirm a ticket exists
        if t is None or not hmac.compare_digest(t.query_code, query_code):
            raise NotFound("工单编号或查询码不正确", field="query_code")
        lead = s.get(Department, t.lead_unit_id) if t.lead_unit_id else None
        events = s.scalars(select(AuditEvent).where(AuditEvent.ticket_id == t.id).order_by(AuditEvent.seq))
        return {
            "number": t.number,
            "title": t.title,
            "status": t.status.value,
            "status_label": STATUS_LABELS[t.status],
            "lead_unit": lead.name if lead else None,
            "submitted_at": t.submitted_at.isoformat(),
            "reply_due_at": t.reply_due_at.isoformat() if t.reply_due_at else None,
            "reply": t.reply if t.verified_at else None,
            "timeline": [
                {"action": e.action, "label": event_label(e.action), "at": e.created_at.isoformat()}
                for e in events
                if e.action in PUBLIC_ACTIONS
            ],
        }
