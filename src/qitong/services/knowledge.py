"""The knowledge base (知识库): entries written and kept by the center and the administrators, searched
by anyone (a business before it submits, an agent at intake). docs/knowledge.md.

An entry is a draft until published; only published entries in force on the day (effective_from ≤ day ≤
effective_to) are found by `search`. Retiring keeps the entry for the record and hides it. Every
change is audited and raises the entry's version (If-Match on the API, a hidden field on the pages)."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from qitong.db.models import Category, KnowledgeEntry, KnowledgeStatus
from qitong.domain.errors import Conflict, Forbidden, InvalidInput, NotFound, StaleVersion
from qitong.domain.tickets.lifecycle import CENTER_ROLES, Role
from qitong.services.audit import record
from qitong.services.auth import Principal
from qitong.services.context import Context
from qitong.services.retrieval import PUBLISHED_KNOWLEDGE, Doc, indexed

MANAGERS = frozenset({*CENTER_ROLES, Role.admin})
STATUS_LABELS = {KnowledgeStatus.draft: "草稿", KnowledgeStatus.published: "已发布", KnowledgeStatus.retired: "已停用"}
MIN_SCORE = 0.12  # below this a hit shares only common characters with the question (docs/knowledge.md)
_KEYWORD_SPLIT = re.compile(r"[,，、;；\s]+")


class KnowledgeInput(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    question: str = Field(min_length=4, max_length=300, description="问题（企业常问的说法）")
    answer: str = Field(min_length=4, max_length=10000, description="答复")
    category: str | None = Field(default=None, max_length=32, description="问题分类代码")
    source: str = Field(default="", max_length=300, description="依据来源：政策文件及文号，或答复单位")
    effective_from: date | None = Field(default=None, description="生效日期，默认今天")
    effective_to: date | None = Field(default=None, description="失效日期（含当天），空为长期有效")
    keywords: list[str] = Field(default_factory=list, max_length=30, description="关键词、企业常用说法")

    @field_validator("keywords", mode="before")
    @classmethod
    def _split(cls, v: Any) -> Any:
        if isinstance(v, str):
            v = _KEYWORD_SPLIT.split(v)
        if isinstance(v, list):
            seen: dict[str, None] = {}
            for k in v:
                if isinstance(k, str) and k.strip():
                    seen[k.strip()[:30]] = None
            return list(seen)
        return v

    @field_validator("category", mode="before")
    @classmethod
    def _blank(cls, v: Any) -> Any:
        return v or None

    @model_validator(mode="after")
    def _dates(self) -> KnowledgeInput:
        if self.effective_from and self.effective_to and self.effective_to < self.effective_from:
            raise ValueError("失效日期不能早于生效日期")
        return self


def need_manager(p: Principal | None) -> Principal:
    if p is None or p.actor.role not in MANAGERS:
        raise Forbidden("只有企业综合服务中心人员和系统管理员可以维护知识库", field="role")
    return p


def today(ctx: Context) -> date:
    return ctx.clock.now().astimezone(ctx.policy.tz).date()


def in_force(e: KnowledgeEntry | Doc, day: date) -> bool:
    start, end = (e.effective_from, e.effective_to) if isinstance(e, KnowledgeEntry) else e.attrs[1:3]
    return bool(start <= day and (end is None or day <= end))


def as_dict(e: KnowledgeEntry, day: date | None = None) -> dict[str, Any]:
    return {"id": e.id, "question": e.question, "answer": e.answer, "category": e.category, "source": e.source,
            "effective_from": e.effective_from.isoformat(),
            "effective_to": e.effective_to.isoformat() if e.effective_to else None,
            "status": e.status.value, "status_label": STATUS_LABELS[e.status], "keywords": list(e.keywords or ()),
            "version": e.version, "updated_at": e.updated_at.isoformat(),
            "published_at": e.published_at.isoformat() if e.published_at else None,
            "in_force": e.status == KnowledgeStatus.published and day is not None and in_force(e, day)}


def _fields(s: Session, data: KnowledgeInput, default_from: date) -> dict[str, Any]:
    if data.category and s.get(Category, data.category) is None:
        raise InvalidInput(f"问题分类“{data.category}”不存在", field="category")
    start = data.effective_from or default_from
    if data.effective_to and data.effective_to < start:
        raise InvalidInput("失效日期不能早于生效日期", field="effective_to")
    return {"question": data.question, "answer": data.answer, "category": data.category, "source": data.source,
            "effective_from": start, "effective_to": data.effective_to, "keywords": data.keywords}


def _audit_view(fields: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in fields.items()}


def create_entry(ctx: Context, p: Principal | None, data: KnowledgeInput, publish: bool = False) -> dict[str, Any]:
    me = need_manager(p)
    now, day = ctx.clock.now(), today(ctx)
    with ctx.sessions.begin() as s:
        fields = _fields(s, data, day)
        status = KnowledgeStatus.published if publish else KnowledgeStatus.draft
        e = KnowledgeEntry(**fields, status=status, created_by_id=me.actor.user_id or None,
                           updated_by_id=me.actor.user_id or None, created_at=now, updated_at=now,
                           published_at=now if publish else None)
        s.add(e)
        s.flush()
        record(s, me.who, at=now, entity="knowledge_entry", entity_id=e.id, action="create_knowledge",
               after={**_audit_view(fields), "status": status.value})
        return as_dict(e, day)


def _load(s: Session, entry_id: int, expected_version: int | None) -> KnowledgeEntry:
    e = s.get(KnowledgeEntry, entry_id, with_for_update=True)
    if e is None:
        raise NotFound(f"知识条目 {entry_id} 不存在", field="entry_id")
    if expected_version is not None and expected_version != e.version:
        raise StaleVersion("该条目已被他人修改，请刷新后重试", field="If-Match")
    return e


def update_entry(ctx: Context, p: Principal | None, entry_id: int, data: KnowledgeInput,
                 expected_version: int | None = None) -> dict[str, Any]:
    me = need_manager(p)
    now, day = ctx.clock.now(), today(ctx)
    try:
        with ctx.sessions.begin() as s:
            e = _load(s, entry_id, expected_version)
            if e.status == KnowledgeStatus.retired:
                raise Conflict("已停用的条目不能修改，请新建条目", field="status")
            fields = _fields(s, data, e.effective_from)
            before = {k: getattr(e, k) for k in fields}
            changed = {k: v for k, v in fields.items() if before[k] != v}
            if not changed:
                return as_dict(e, day)
            for k, v in changed.items():
                setattr(e, k, v)
            e.updated_at, e.updated_by_id = now, me.actor.user_id or None
            s.flush()
            record(s, me.who, at=now, entity="knowledge_entry", entity_id=e.id, action="edit_knowledge",
                   before=_audit_view({k: before[k] for k in changed}), after=_audit_view(changed))
            return as_dict(e, day)
    except StaleDataError:
        raise StaleVersion("该条目已被他人修改，请刷新后重试", field="If-Match") from None


def _set_status(ctx: Context, p: Principal | None, entry_id: int, to: KnowledgeStatus, action: str,
                allowed_from: frozenset[KnowledgeStatus], refusal: str, reason: str | None = None,
                expected_version: int | None = None) -> dict[str, Any]:
    me = need_manager(p)
    now, day = ctx.clock.now(), today(ctx)
    try:
        with ctx.sessions.begin() as s:
            e = _load(s, entry_id, expected_version)
            if e.status not in allowed_from:
                raise Conflict(refusal, field="status")
            before = e.status.value
            e.status, e.updated_at, e.updated_by_id = to, now, me.actor.user_id or None
            if to == KnowledgeStatus.published:
                e.published_at = now
            s.flush()
            record(s, me.who, at=now, entity="knowledge_entry", entity_id=e.id, action=action,
                   before={"status": before}, after={"status": to.value}, reason=reason)
            return as_dict(e, day)
    except StaleDataError:
        raise StaleVersion("该条目已被他人修改，请刷新后重试", field="If-Match") from None


def publish_entry(ctx: Context, p: Principal | None, entry_id: int,
                  expected_version: int | None = None) -> dict[str, Any]:
    return _set_status(ctx, p, entry_id, KnowledgeStatus.published, "publish_knowledge",
                       frozenset({KnowledgeStatus.draft, KnowledgeStatus.retired}), "该条目已经发布",
                       expected_version=expected_version)


def retire_entry(ctx: Context, p: Principal | None, entry_id: int, reason: str = "",
                 expected_version: int | None = None) -> dict[str, Any]:
    return _set_status(ctx, p, entry_id, KnowledgeStatus.retired, "retire_knowledge",
                       frozenset({KnowledgeStatus.draft, KnowledgeStatus.published}), "该条目已经停用",
                       reason=reason.strip() or None, expected_version=expected_version)


def get_entry(ctx: Context, p: Principal | None, entry_id: int) -> dict[str, Any]:
    """A published entry for anyone; drafts and retired entries for the managers only."""
    day = today(ctx)
    with ctx.sessions() as s:
        e = s.get(KnowledgeEntry, entry_id)
        if e is None or (e.status != KnowledgeStatus.published and (p is None or p.actor.role not in MANAGERS)):
            raise NotFound(f"知识条目 {entry_id} 不存在", field="entry_id")
        return as_dict(e, day)


def list_entries(ctx: Context, p: Principal | None, status: KnowledgeStatus | None = None, q: str = "",
                 category: str | None = None, limit: int = 200) -> dict[str, Any]:
    """The managers' list: every status, filtered by words in the question, keywords or answer."""
    need_manager(p)
    day = today(ctx)
    stmt = select(KnowledgeEntry)
    if status is not None:
        stmt = stmt.where(KnowledgeEntry.status == status)
    if category:
        stmt = stmt.where(or_(KnowledgeEntry.category == category, KnowledgeEntry.category.like(f"{category}.%")))
    for word in q.split()[:5]:
        like = f"%{word.replace('%', '').replace('_', '')}%"
        stmt = stmt.where(or_(KnowledgeEntry.question.like(like), KnowledgeEntry.answer.like(like),
                              KnowledgeEntry.source.like(like)))
    with ctx.sessions() as s:
        counts = dict(s.execute(select(KnowledgeEntry.status, func.count()).group_by(KnowledgeEntry.status)).all())
        rows = s.scalars(stmt.order_by(KnowledgeEntry.updated_at.desc(), KnowledgeEntry.id.desc())
                         .limit(min(limit, 500))).all()
        return {"items": [as_dict(e, day) for e in rows],
                "counts": {st.value: counts.get(st, 0) for st in KnowledgeStatus}}


def in_force_entries(ctx: Context, category: str | None = None, limit: int = 200) -> list[dict[str, Any]]:
    """Published entries in force today, by category then question (the FAQ page without a query)."""
    day = today(ctx)
    stmt = select(KnowledgeEntry).where(
        KnowledgeEntry.status == KnowledgeStatus.published, KnowledgeEntry.effective_from <= day,
        or_(KnowledgeEntry.effective_to.is_(None), KnowledgeEntry.effective_to >= day))
    if category:
        stmt = stmt.where(or_(KnowledgeEntry.category == category, KnowledgeEntry.category.like(f"{category}.%")))
    with ctx.sessions() as s:
        rows = s.scalars(stmt.order_by(KnowledgeEntry.category, KnowledgeEntry.id).limit(min(limit, 500))).all()
        return [as_dict(e, day) for e in rows]


def search(ctx: Context, q: str, category: str | None = None, on: date | None = None, limit: int = 5,
           min_score: float = MIN_SCORE) -> list[dict[str, Any]]:
    """Published entries in force on `on` (default today), most similar to `q` first. Open to anyone."""
    q = q.strip()[:2000]
    if not q:
        return []
    day = on or today(ctx)

    def keep(d: Doc) -> bool:
        cat = d.attrs[0] or ""
        return in_force(d, day) and (not category or cat == category or cat.startswith(f"{category}."))

    with ctx.sessions() as s:
        hits = indexed(ctx, s, PUBLISHED_KNOWLEDGE).search(q, max(1, min(limit, 20)), min_score, keep)
        if not hits:
            return []
        rows = {e.id: e for e in s.scalars(select(KnowledgeEntry).where(
            KnowledgeEntry.id.in_([d.id for d, _ in hits]), KnowledgeEntry.status == KnowledgeStatus.published))}
        names = {c.code: c.name for c in s.scalars(select(Category).where(
            Category.code.in_({e.category for e in rows.values() if e.category})))}
        out = []
        for d, score in hits:
            e = rows.get(d.id)
            if e is not None and in_force(e, day):  # the row, not the index, has the last word
                out.append({**as_dict(e, day), "score": round(score, 4),
                            "category_name": names.get(e.category or "", "")})
        return out
