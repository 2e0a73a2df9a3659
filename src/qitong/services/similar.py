"""Similar cases for a ticket being handled (相似案例与答复): the closed tickets most like it with their
replies, the published typical cases, and the knowledge entries in force. docs/knowledge.md.

Who sees what: staff only (a business never sees other businesses' tickets). Confidential tickets are
never offered; 举报 tickets are never offered to a department (the reported department could learn
who reported it). A department sees the other tickets with business names, people's names, phones, ID
numbers and USCCs masked; the center and oversight, who may open every ticket anyway, see them as they
are and get a link."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from qitong.db.models import Category, Department, KnowledgeEntry, KnowledgeStatus, Ticket, TypicalCase
from qitong.domain.errors import Forbidden
from qitong.domain.identity.masking import mask_enterprise_name
from qitong.domain.tickets.access import actions_for, can_view
from qitong.domain.tickets.lifecycle import DEPARTMENT_ROLES, Action, Role, Status
from qitong.domain.tickets.vocab import TicketType
from qitong.services.auth import Principal
from qitong.services.cases import anonymise
from qitong.services.context import Context
from qitong.services.knowledge import in_force, today
from qitong.services.retrieval import (
    CLOSED_TICKETS,
    PUBLISHED_CASES,
    PUBLISHED_KNOWLEDGE,
    Doc,
    indexed,
    ticket_text,
)
from qitong.services.tickets.facts import facts_of, load

TICKET_MIN_SCORE = 0.1
CASE_MIN_SCORE = 0.1
KNOWLEDGE_MIN_SCORE = 0.12
EXCERPT = 240


def _excerpt(text: str, n: int = EXCERPT) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


def _names(s: Session, model: Any, key: Any, keys: set[Any]) -> dict[Any, str]:
    if not keys:
        return {}
    return {k: n for k, n in s.execute(select(key, model.name).where(key.in_(keys)))}


def _ticket_items(s: Session, p: Principal, hits: list[tuple[Doc, float]]) -> list[dict[str, Any]]:
    rows = {t.id: t for t in s.scalars(select(Ticket).where(Ticket.id.in_([d.id for d, _ in hits])))}
    department = p.actor.role in DEPARTMENT_ROLES
    units = _names(s, Department, Department.id, {t.lead_unit_id for t in rows.values() if t.lead_unit_id})
    cats = _names(s, Category, Category.code, {t.category for t in rows.values() if t.category})
    out = []
    for d, score in hits:
        t = rows.get(d.id)
        if t is None or t.status != Status.closed or t.confidential or (
                department and t.ticket_type == TicketType.report):
            continue  # the row has the last word over the index
        if department:
            def clean(text: str, t: Ticket = t) -> str:
                return anonymise(text, t.enterprise_name, (t.submitter_name,))
            enterprise = mask_enterprise_name(t.enterprise_name) if t.enterprise_name else ""
        else:
            def clean(text: str, t: Ticket = t) -> str:
                return text
            enterprise = t.enterprise_name
        out.append({
            "id": t.id, "number": t.number, "title": clean(t.title), "content": _excerpt(clean(t.content)),
            "reply": clean(t.reply or ""), "enterprise": enterprise, "ticket_type": t.ticket_type.value,
            "category": t.category, "category_name": cats.get(t.category, ""),
            "lead_unit": units.get(t.lead_unit_id, "企业综合服务中心" if t.lead_unit_id is None else ""),
            "closed_at": t.closed_at.isoformat() if t.closed_at else None,
            "rating_result": t.rating_result, "score": round(score, 4), "masked": department,
            "link": None if department else f"/tickets/{t.id}",
            # the matter without who raised it: the same template from two businesses is one matter
            "_matter": (t.title, _without_names(t.content, t.enterprise_name, t.submitter_name)),
        })
    return out


def _case_items(s: Session, hits: list[tuple[Doc, float]]) -> list[dict[str, Any]]:
    rows = {c.id: c for c in s.scalars(select(TypicalCase).where(TypicalCase.id.in_([d.id for d, _ in hits])))}
    cats = _names(s, Category, Category.code, {c.category for c in rows.values() if c.category})
    return [{"id": c.id, "title": c.title, "problem": _excerpt(c.problem), "solution": c.solution,
             "lesson": c.lesson, "category": c.category, "category_name": cats.get(c.category or "", ""),
             "score": round(score, 4)}
            for d, score in hits if (c := rows.get(d.id)) is not None]


def _knowledge_items(ctx: Context, s: Session, query: str, limit: int) -> list[dict[str, Any]]:
    day = today(ctx)
    hits = indexed(ctx, s, PUBLISHED_KNOWLEDGE).search(query, limit, KNOWLEDGE_MIN_SCORE, lambda d: in_force(d, day))
    rows = {e.id: e for e in s.scalars(select(KnowledgeEntry).where(
        KnowledgeEntry.id.in_([d.id for d, _ in hits]), KnowledgeEntry.status == KnowledgeStatus.published))}
    return [{"id": e.id, "question": e.question, "answer": e.answer, "source": e.source,
             "effective_to": e.effective_to.isoformat() if e.effective_to else None, "score": round(score, 4)}
            for d, score in hits if (e := rows.get(d.id)) is not None and in_force(e, day)]


def _without_names(text: str, *names: str | None) -> str:
    """The text with who raised it taken out, so that one template from two businesses reads the same."""
    for name in names:
        if name and name.strip():
            text = text.replace(name.strip(), "〔〕")
    return text


def _distinct(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One slot per matter: closed tickets with the same title and text, business and contact names
    masked (the same problem raised again, or by several businesses) show once, the best-scoring, with
    how many others said the same."""
    out: dict[tuple[str, str], dict[str, Any]] = {}
    for it in items:
        key = it.pop("_matter")
        if key in out:
            out[key]["same"] += 1
        else:
            out[key] = {**it, "same": 0}
    return list(out.values())


def similar_for_ticket(ctx: Context, p: Principal, ticket_id: int, limit: int = 5) -> dict[str, Any]:
    """The `limit` most similar closed tickets, up to `limit` published cases and 3 knowledge entries.
    `answer_on_the_spot` says whether this viewer may answer the ticket now (a consultation at intake)."""
    if p.actor.role == Role.enterprise_user:
        raise Forbidden("企业用户不能查看其他企业的办理案例", field="role")
    limit = max(1, min(limit, 20))
    with ctx.sessions() as s:
        t = load(s, ticket_id)
        facts = facts_of(s, t)
        if not can_view(p.actor, facts):
            raise Forbidden("无权查看该工单", field="ticket_id")
        query = ticket_text(t.title, t.content)
        department = p.actor.role in DEPARTMENT_ROLES

        def keep(d: Doc) -> bool:
            ticket_type, confidential = d.attrs
            return d.id != t.id and not confidential and not (department and ticket_type == TicketType.report)

        # a few spare hits, in case rows changed since the index was read
        ticket_hits = indexed(ctx, s, CLOSED_TICKETS).search(query, 4 * limit + 3, TICKET_MIN_SCORE, keep)
        case_hits = indexed(ctx, s, PUBLISHED_CASES).search(query, limit, CASE_MIN_SCORE)
        return {
            "ticket_id": t.id,
            "version": t.version,
            "tickets": _distinct(_ticket_items(s, p, ticket_hits))[:limit],
            "cases": _case_items(s, case_hits),
            "knowledge": _knowledge_items(ctx, s, query, 3),
            "answer_on_the_spot": Action.answer_on_the_spot in actions_for(p.actor, facts),
            "masked": department,
        }
