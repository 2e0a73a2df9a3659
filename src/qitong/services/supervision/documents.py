"""The notice of a supervision, built from what was frozen when it opened, as content, HTML or PDF."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from qitong.adapters.documents import render_notice_html, render_notice_pdf
from qitong.db.models import Department, Supervision, Ticket
from qitong.domain.errors import NotFound
from qitong.domain.supervision.access import check_view
from qitong.domain.supervision.notice import Notice, NoticeInput, build_notice
from qitong.domain.tickets.access import Actor, hides_reporter
from qitong.domain.tickets.lifecycle import Role
from qitong.services.auth import Principal
from qitong.services.context import Context
from qitong.services.tickets.facts import facts_from


def _when(v: object) -> datetime | None:
    return datetime.fromisoformat(v) if isinstance(v, str) else None


def _enterprise(t: Ticket, department_id: int) -> str:
    """The notice goes to the department: it must not learn a reporter the ticket hides from it."""
    reader = Actor(user_id=0, role=Role.handler, department_id=department_id)
    return "（已保密）" if hides_reporter(reader, facts_from(t, [])) else t.enterprise_name


def notice_of(s: Session, ctx: Context, sup: Supervision) -> Notice:
    t = s.get(Ticket, sup.ticket_id)
    dept = s.get(Department, sup.department_id)
    assert t is not None and dept is not None
    deadlines = tuple((str(label), at) for label, raw in sup.details.get("deadlines", [])
                      if (at := _when(raw)) is not None)
    return build_notice(NoticeInput(
        document_no=sup.document_no, level=sup.level, trigger=sup.trigger, issuer=ctx.settings.supervision_issuer,
        department=dept.name, ticket_number=t.number or str(t.id), ticket_title=t.title,
        enterprise=_enterprise(t, sup.department_id), submitted_at=t.submitted_at, reason=sup.reason,
        opened_at=sup.opened_at, response_due_at=sup.response_due_at, deadlines=deadlines,
        dispatched_at=_when(sup.details.get("dispatched_at")),
    ), ctx.policy.tz)


def notice(ctx: Context, p: Principal, supervision_id: int) -> Notice:
    with ctx.sessions() as s:
        sup = s.get(Supervision, supervision_id)
        if sup is None:
            raise NotFound(f"督办事项 {supervision_id} 不存在", field="supervision_id")
        check_view(p.actor, sup.department_id)
        return notice_of(s, ctx, sup)


def notice_html(ctx: Context, p: Principal, supervision_id: int) -> str:
    return render_notice_html(notice(ctx, p, supervision_id))


def notice_pdf(ctx: Context, p: Principal, supervision_id: int) -> bytes:
    return render_notice_pdf(notice(ctx, p, supervision_id))
