"""信息公开: closed tickets disclosed to the public, without signing in. Business names, people's
names, phone numbers, ID numbers and USCCs are masked (qitong.domain.identity); confidential
tickets and reports (举报) are never disclosed. A fixed number of statements per page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, and_, func, select

from qitong.db.models import Category, Department, Region, Ticket
from qitong.domain.identity import mask_enterprise_name, mask_name, redact_text
from qitong.domain.tickets.lifecycle import Status
from qitong.domain.tickets.vocab import TicketType
from qitong.services.context import Context

PER_PAGE = 20
REPLY_CHARS = 200
NOT_DISCLOSED_TYPES = (TicketType.report,)


@dataclass(frozen=True)
class Disclosed:
    number: str
    title: str
    enterprise: str  # masked
    ticket_type: str
    category: str | None
    region: str | None
    lead_unit: str | None
    submitted_at: datetime
    closed_at: datetime | None
    reply: str  # masked, shortened
    rating_result: int | None


@dataclass(frozen=True)
class DisclosurePage:
    rows: list[Disclosed]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def _disclosable() -> ColumnElement[bool]:
    return and_(Ticket.status == Status.closed, Ticket.confidential.is_(False),
                Ticket.ticket_type.not_in(NOT_DISCLOSED_TYPES))


def _mask(text: str, enterprise: str, masked: str, person: str) -> str:
    """Free text: the business's and the submitter's names wherever they appear, then phones, IDs, USCCs."""
    if enterprise:
        text = text.replace(enterprise, masked)
    if person and len(person) >= 2:
        text = text.replace(person, mask_name(person))
    return redact_text(text)


def closed_tickets(ctx: Context, page: int = 1, per_page: int = PER_PAGE) -> DisclosurePage:
    """Closed tickets, the latest first: three statements (regions for masking, the count, the page)."""
    where = _disclosable()
    with ctx.sessions() as s:
        regions = [n for (n,) in s.execute(select(Region.name))]
        total = int(s.scalar(select(func.count()).select_from(Ticket).where(where)) or 0)
        page = min(max(1, page), max(1, -(-total // per_page)))
        stmt = (
            select(Ticket.number, Ticket.title, Ticket.enterprise_name, Ticket.submitter_name, Ticket.ticket_type,
                   Category.name, Region.name, Department.short_name, Ticket.submitted_at, Ticket.closed_at,
                   Ticket.reply, Ticket.rating_result)
            .outerjoin(Category, Category.code == Ticket.category)
            .outerjoin(Region, Region.id == Ticket.region_id)
            .outerjoin(Department, Department.id == Ticket.lead_unit_id)
            .where(where)
            .order_by(Ticket.closed_at.desc(), Ticket.id.desc())
            .offset((page - 1) * per_page).limit(per_page)
        )
        rows = []
        for number, title, ent, person, ttype, cat, region, unit, sub_at, closed_at, reply, rating in s.execute(stmt):
            masked = mask_enterprise_name(ent, regions=regions) if ent else "（个人或未登记企业）"
            text = _mask(reply or "", ent, masked, person)
            rows.append(Disclosed(
                number or "", _mask(title, ent, masked, person), masked, TicketType(ttype).value, cat, region, unit,
                sub_at, closed_at, text if len(text) <= REPLY_CHARS else text[:REPLY_CHARS] + "……", rating,
            ))
    return DisclosurePage(rows, total, page, per_page)
