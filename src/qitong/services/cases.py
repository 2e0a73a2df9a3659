"""The case library (典型案例) and the common problems (共性问题 · 举一反三); docs/evaluation.md.

A closed ticket is proposed as a typical case by the center: its text is anonymised at once
(business names, people, phones, ID numbers, USCCs) and kept as a draft; another person reviews it
and publishes it. Every step is audited. `common_problems` groups similar closed tickets of a
category (character-shingle Jaccard), counts each group per month and warns when one grows fast."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import or_, select

from qitong.db.models import CaseStatus, Category, Ticket, TypicalCase
from qitong.domain.errors import Conflict, Forbidden, InvalidInput, NotFound
from qitong.domain.evaluation.clusters import Item, cluster, growth_warning
from qitong.domain.identity.masking import mask_enterprise_name, mask_name, redact_text
from qitong.domain.tickets.lifecycle import CENTER_ROLES, OVERSIGHT_ROLES, Role, Status
from qitong.services.audit import record
from qitong.services.auth import Principal
from qitong.services.context import Context

PROPOSE_ROLES = CENTER_ROLES
REVIEW_ROLES = frozenset({Role.dispatcher, Role.supervisor, Role.leader, Role.admin})
DRAFT_READERS = CENTER_ROLES | OVERSIGHT_ROLES


def anonymise(text: str, enterprise: str = "", people: tuple[str, ...] = ()) -> str:
    """Business and people's names masked where they appear, then phones, ID numbers and USCCs."""
    out = text
    if enterprise.strip():
        out = out.replace(enterprise.strip(), mask_enterprise_name(enterprise))
    for person in people:
        if person.strip():
            out = out.replace(person.strip(), mask_name(person))
    return redact_text(out)


def _dict(c: TypicalCase) -> dict[str, Any]:
    return {"id": c.id, "ticket_id": c.ticket_id, "category": c.category, "title": c.title, "problem": c.problem,
            "solution": c.solution, "lesson": c.lesson, "status": c.status.value,
            "created_at": c.created_at.isoformat(),
            "published_at": c.published_at.isoformat() if c.published_at else None}


def _need(p: Principal, roles: frozenset[Role], what: str) -> None:
    if p.actor.role not in roles:
        raise Forbidden(f"您的角色不能{what}", field="role")


def propose_case(ctx: Context, p: Principal, ticket_id: int, lesson: str = "") -> dict[str, Any]:
    _need(p, PROPOSE_ROLES, "推荐典型案例")
    now = ctx.clock.now()
    with ctx.sessions.begin() as s:
        t = s.get(Ticket, ticket_id)
        if t is None:
            raise NotFound(f"工单 {ticket_id} 不存在", field="ticket_id")
        if t.status != Status.closed:
            raise Conflict("只有已办结的工单可以作为典型案例", field="ticket_id")
        if t.confidential:
            raise Conflict("保密工单不能作为典型案例", field="ticket_id")
        if s.scalar(select(TypicalCase.id).where(TypicalCase.ticket_id == t.id)) is not None:
            raise Conflict("该工单已在案例库中", field="ticket_id")
        people = (t.submitter_name,)
        c = TypicalCase(ticket_id=t.id, category=t.category, title=anonymise(t.title, t.enterprise_name, people),
                        problem=anonymise(t.content, t.enterprise_name, people),
                        solution=anonymise(t.reply or "", t.enterprise_name, people),
                        lesson=anonymise(lesson, t.enterprise_name, people), status=CaseStatus.draft,
                        created_by_id=p.actor.user_id, created_at=now)
        s.add(c)
        s.flush()
        record(s, p.who, at=now, entity="typical_case", entity_id=c.id, ticket_id=t.id, action="propose_case",
               after={"status": c.status.value, "title": c.title})
        return _dict(c)


@dataclass(frozen=True)
class CaseEdit:
    title: str | None = None
    problem: str | None = None
    solution: str | None = None
    lesson: str | None = None


def edit_case(ctx: Context, p: Principal, case_id: int, e: CaseEdit) -> dict[str, Any]:
    """Edit a draft; whatever is written is anonymised again."""
    _need(p, PROPOSE_ROLES | REVIEW_ROLES, "修改典型案例")
    now = ctx.clock.now()
    with ctx.sessions.begin() as s:
        c = _load(s, case_id)
        if c.status != CaseStatus.draft:
            raise Conflict("只能修改草稿状态的案例", field="status")
        t = s.get(Ticket, c.ticket_id)
        assert t is not None
        changed = {}
        for name in ("title", "problem", "solution", "lesson"):
            v = getattr(e, name)
            if v is not None:
                v = anonymise(v.strip(), t.enterprise_name, (t.submitter_name,))
                if name == "title" and not v:
                    raise InvalidInput("案例标题不能为空", field="title")
                setattr(c, name, v)
                changed[name] = v
        record(s, p.who, at=now, entity="typical_case", entity_id=c.id, ticket_id=c.ticket_id, action="edit_case",
               after=changed)
        return _dict(c)


def _load(s: Any, case_id: int) -> TypicalCase:
    c = s.get(TypicalCase, case_id, with_for_update=True)
    if c is None:
        raise NotFound(f"案例 {case_id} 不存在", field="case_id")
    assert isinstance(c, TypicalCase)
    return c


def publish_case(ctx: Context, p: Principal, case_id: int) -> dict[str, Any]:
    """The review: someone other than the proposer checks the anonymised text and publishes it."""
    _need(p, REVIEW_ROLES, "审核发布典型案例")
    now = ctx.clock.now()
    with ctx.sessions.begin() as s:
        c = _load(s, case_id)
        if c.status != CaseStatus.draft:
            raise Conflict("该案例不是待审核的草稿", field="status")
        if c.created_by_id == p.actor.user_id:
            raise Forbidden("案例须由推荐人以外的人员审核发布", field="case_id")
        t = s.get(Ticket, c.ticket_id)
        assert t is not None
        text = " ".join((c.title, c.problem, c.solution, c.lesson))
        if redact_text(text) != text or (t.enterprise_name and t.enterprise_name in text) or (
                t.submitter_name and t.submitter_name in text):
            raise Conflict("案例中仍有未脱敏的企业名称、人名、电话或证件号码，请修改后再发布", field="case_id")
        c.status, c.reviewed_by_id, c.published_at = CaseStatus.published, p.actor.user_id, now
        record(s, p.who, at=now, entity="typical_case", entity_id=c.id, ticket_id=c.ticket_id, action="publish_case",
               after={"status": c.status.value})
        return _dict(c)


def search_cases(ctx: Context, p: Principal, q: str = "", category: str | None = None,
                 status: CaseStatus = CaseStatus.published, limit: int = 50) -> list[dict[str, Any]]:
    if status != CaseStatus.published:
        _need(p, DRAFT_READERS, "查看未发布的案例")
    stmt = select(TypicalCase).where(TypicalCase.status == status)
    if category:
        stmt = stmt.where(or_(TypicalCase.category == category, TypicalCase.category.like(f"{category}.%")))
    for word in q.split():
        like = f"%{word.replace('%', '').replace('_', '')}%"
        stmt = stmt.where(or_(TypicalCase.title.like(like), TypicalCase.problem.like(like),
                              TypicalCase.solution.like(like), TypicalCase.lesson.like(like)))
    stmt = stmt.order_by(TypicalCase.published_at.desc(), TypicalCase.id.desc()).limit(min(limit, 200))
    with ctx.sessions() as s:
        return [_dict(c) for c in s.scalars(stmt)]


def cases_between(ctx: Context, start: datetime, end: datetime) -> list[dict[str, Any]]:
    """Published cases of a period (for the reports)."""
    with ctx.sessions() as s:
        return [_dict(c) for c in s.scalars(select(TypicalCase).where(
            TypicalCase.status == CaseStatus.published, TypicalCase.published_at >= start,
            TypicalCase.published_at < end).order_by(TypicalCase.published_at))]


# ---------------------------------------------------------------------------------------------
# common problems


def _months(end: date, n: int) -> list[str]:
    y, m = end.year, end.month
    out = []
    for _ in range(n):
        out.append(f"{y}-{m:02d}")
        y, m = (y - 1, 12) if m == 1 else (y, m - 1)
    return out[::-1]


def common_problems(ctx: Context, months: int = 6, until: date | None = None, limit: int = 20,
                    max_tickets: int = 20000) -> list[dict[str, Any]]:
    """Clusters of similar closed tickets over the last `months` months up to `until` (default
    today), largest first, each with its monthly trend and a risk warning when it grows fast."""
    tz = ctx.policy.tz
    until = until or ctx.clock.now().astimezone(tz).date()
    labels = _months(until, months)
    y0, m0 = (int(x) for x in labels[0].split("-"))
    start = datetime(y0, m0, 1, tzinfo=tz)
    end = datetime(until.year + until.month // 12, until.month % 12 + 1, 1, tzinfo=tz)
    with ctx.sessions() as s:
        names = {c.code: c.name for c in s.scalars(select(Category))}
        rows = s.execute(select(Ticket.id, Ticket.category, Ticket.title, Ticket.submitted_at).where(
            Ticket.status == Status.closed, Ticket.submitted_at >= start, Ticket.submitted_at < end,
            Ticket.confidential.is_(False)).order_by(Ticket.id).limit(max_tickets)).all()
    items = [Item(tid, cat or "", at.astimezone(tz).strftime("%Y-%m"), title) for tid, cat, title, at in rows]
    out = []
    for c in cluster(items)[:limit]:
        warn = growth_warning(c.by_month, labels)
        out.append({"category": c.category, "category_name": names.get(c.category, "未分类"),
                    "label": redact_text(c.label), "size": c.size, "ticket_ids": c.ticket_ids[:50],
                    "trend": [{"month": m, "count": c.by_month.get(m, 0)} for m in labels],
                    "warning": warn.message if warn else None, "growth": warn.growth if warn else None})
    return out


def get_case(ctx: Context, p: Principal, case_id: int) -> dict[str, Any]:
    """One case for its page: a published case for anyone signed in; a draft only for the center and
    oversight roles. With who proposed and who reviewed it (the page offers publishing to others only)."""
    with ctx.sessions() as s:
        c = s.get(TypicalCase, case_id)
        if c is None or (c.status != CaseStatus.published and p.actor.role not in DRAFT_READERS):
            raise NotFound(f"案例 {case_id} 不存在或尚未发布", field="case_id")
        return {**_dict(c), "created_by_id": c.created_by_id, "reviewed_by_id": c.reviewed_by_id}
