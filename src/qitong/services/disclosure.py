"""信息公开: closed tickets disclosed to the public, without signing in. Business names, people's
names, phone numbers, ID numbers and USCCs are masked (qitong.domain.identity); confidential
tickets and reports (举报) are never disclosed. A fixed number of statements per page.

Search (keyword, category, lead unit, month closed) runs over the same disclosed rows. The keyword is
matched against the title, the reply and the category name, but never finds a ticket through the
masked data: a keyword that is part of (or contains) the business's or the submitter's name matches
nothing there, and digit strings (phones, ID numbers, USCCs) are refused unless they are a ticket
number."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, tzinfo

from sqlalchemy import ColumnElement, Select, String, and_, cast, func, literal, not_, or_, select, union_all

from qitong.db.models import Category, Department, DepartmentKind, Region, Ticket
from qitong.domain.errors import InvalidInput
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
class DisclosureSearch:
    q: str = ""
    category: str = ""
    department_id: int | None = None
    month: str = ""  # YYYY-MM, the month closed (local time)

    @property
    def active(self) -> bool:
        return bool(self.q or self.category or self.department_id or self.month)

    def query(self, **extra: object) -> dict[str, str]:
        """The search as query parameters (for the pager's links)."""
        out = {"q": self.q, "category": self.category, "department": str(self.department_id or ""),
               "month": self.month, **{k: str(v) for k, v in extra.items()}}
        return {k: v for k, v in out.items() if v}


_MONTH = re.compile(r"(\d{4})-(\d{2})")
_NUMBER = re.compile(r"QT\d{14}", re.I)
_DIGITS = re.compile(r"\d{5,}")
MAX_KEYWORD = 50


def parse_search(params: Mapping[str, str]) -> DisclosureSearch:
    """The search from the page's query string; InvalidInput names the field to correct."""
    q = " ".join((params.get("q") or "").split())[:MAX_KEYWORD]
    if q and not _NUMBER.fullmatch(q) and _DIGITS.search(q):
        raise InvalidInput("关键词不能包含电话号码、证件号码等连续数字；查询工单请输入完整工单编号", field="q")
    month = (params.get("month") or "").strip()
    m = _MONTH.fullmatch(month)
    if month and (m is None or not 1 <= int(m.group(2)) <= 12 or not 2000 <= int(m.group(1)) <= 2100):
        raise InvalidInput("月份格式应为 2026-11", field="month")
    dept = (params.get("department") or "").strip()
    if dept and not dept.isdigit():
        raise InvalidInput("承办单位不正确", field="department")
    category = (params.get("category") or "").strip()[:32]
    return DisclosureSearch(q, category, int(dept) if dept else None, month)


@dataclass(frozen=True)
class SearchOptions:
    categories: list[tuple[str, str, str]]  # code, name, parent's name ("" at the top)
    departments: list[tuple[int, str]]


def search_options(ctx: Context) -> SearchOptions:
    """The search form's choices: categories and units in one statement."""
    units = (DepartmentKind.department, DepartmentKind.town, DepartmentKind.board)
    cats = select(literal("c").label("k"), Category.code.label("key"), Category.name.label("name"),
                  Category.parent_code.label("parent"), literal(0).label("o")).where(Category.active)
    deps = select(literal("d"), cast(Department.id, String), Department.short_name, literal(None, String),
                  Department.id).where(Department.kind.in_(units))
    both = union_all(cats, deps).subquery()
    with ctx.sessions() as s:
        rows = s.execute(select(both).order_by(both.c.k, both.c.o, both.c.key)).all()
    names = {key: name for k, key, name, _p, _o in rows if k == "c"}
    return SearchOptions([(key, name, names.get(parent or "", "")) for k, key, name, parent, _o in rows if k == "c"],
                         [(int(key), name) for k, key, name, _p, _o in rows if k == "d"])


@dataclass(frozen=True)
class DisclosurePage:
    rows: list[Disclosed]
    total: int
    page: int
    per_page: int
    search: DisclosureSearch = field(default_factory=DisclosureSearch)

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


def _not_through_names(q: str) -> ColumnElement[bool]:
    """The keyword is not part of the business's or the submitter's name, nor contains either."""
    kw = literal(q)
    return and_(
        not_(Ticket.enterprise_name.contains(q, autoescape=True)),
        not_(Ticket.submitter_name.contains(q, autoescape=True)),
        or_(Ticket.enterprise_name == "", not_(kw.contains(Ticket.enterprise_name))),
        or_(func.length(Ticket.submitter_name) < 2, not_(kw.contains(Ticket.submitter_name))),
    )


def _searched(search: DisclosureSearch, tz: tzinfo) -> list[ColumnElement[bool]]:
    out: list[ColumnElement[bool]] = []
    if search.q and _NUMBER.fullmatch(search.q):
        out.append(Ticket.number == search.q.upper())
    elif search.q:
        text = or_(Ticket.title.contains(search.q, autoescape=True), Ticket.reply.contains(search.q, autoescape=True),
                   Category.name.contains(search.q, autoescape=True))
        out += [text, _not_through_names(search.q)]
    if search.category:
        out.append(or_(Ticket.category == search.category, Category.parent_code == search.category))
    if search.department_id is not None:
        out.append(Ticket.lead_unit_id == search.department_id)
    if search.month:
        y, m = (int(x) for x in search.month.split("-"))
        start = datetime(y, m, 1, tzinfo=tz)
        end = datetime(y + m // 12, m % 12 + 1, 1, tzinfo=tz)
        out += [Ticket.closed_at >= start, Ticket.closed_at < end]
    return out


def _joined(stmt: Select[tuple[int]]) -> Select[tuple[int]]:
    return stmt.select_from(Ticket).outerjoin(Category, Category.code == Ticket.category)


def closed_tickets(ctx: Context, page: int = 1, per_page: int = PER_PAGE,
                   search: DisclosureSearch | None = None) -> DisclosurePage:
    """Closed tickets, the latest first: three statements (regions for masking, the count, the page)."""
    search = search or DisclosureSearch()
    where = and_(_disclosable(), *_searched(search, ctx.policy.tz))
    with ctx.sessions() as s:
        regions = [n for (n,) in s.execute(select(Region.name))]
        total = int(s.scalar(_joined(select(func.count())).where(where)) or 0)
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
    return DisclosurePage(rows, total, page, per_page, search)
