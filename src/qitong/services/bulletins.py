"""The monthly supervision bulletin (月度监测通报): data, HTML and PDF for one calendar month
(local time). The month still running gives a provisional bulletin as of now."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import or_, select

from qitong.adapters.documents import render_bulletin_html, render_bulletin_pdf
from qitong.db.models import Department, Supervision, Ticket
from qitong.domain.errors import InvalidInput
from qitong.domain.supervision.bulletin import Bulletin, Period, SupervisionRow, compile_bulletin
from qitong.services.context import Context


def period(ctx: Context, year: int, month: int) -> Period:
    if not (1 <= month <= 12 and 2000 <= year <= 9999):
        raise InvalidInput(f"年月不正确：{year}-{month}", field="month")
    tz = ctx.policy.tz
    start = datetime(year, month, 1, tzinfo=tz)
    end = datetime(year + month // 12, month % 12 + 1, 1, tzinfo=tz)
    now = ctx.clock.now()
    if now < start:
        raise InvalidInput(f"{year}年{month}月尚未开始，无法生成通报", field="month")
    return Period(year, month, start, end, min(now, end))


def monthly_bulletin(ctx: Context, year: int, month: int) -> Bulletin:
    """Counts by level, trigger and department, the listed items, the overdue matters and the
    departments' on-time responses. Access is the caller's to check (domain.supervision.access)."""
    p = period(ctx, year, month)
    stmt = (
        select(Supervision, Department.name, Ticket.number, Ticket.title)
        .join(Department, Department.id == Supervision.department_id)
        .join(Ticket, Ticket.id == Supervision.ticket_id)
        .where(or_(Supervision.opened_at.between(p.start, p.end), Supervision.response_due_at.between(p.start, p.end)))
    )
    with ctx.sessions() as s:
        rows = [
            SupervisionRow(
                document_no=sup.document_no, level=sup.level, trigger=sup.trigger, status=sup.status,
                department_id=sup.department_id, department=dept, ticket_number=number or str(sup.ticket_id),
                ticket_title=title, opened_at=sup.opened_at, response_due_at=sup.response_due_at,
                responded_at=sup.responded_at,
            )
            for sup, dept, number, title in s.execute(stmt)
        ]
    return compile_bulletin(rows, p, ctx.policy.tz, ctx.settings.supervision_issuer)


def bulletin_html(ctx: Context, year: int, month: int) -> str:
    return render_bulletin_html(monthly_bulletin(ctx, year, month))


def bulletin_pdf(ctx: Context, year: int, month: int) -> bytes:
    return render_bulletin_pdf(monthly_bulletin(ctx, year, month))
