"""The responsibility list: admin CRUD (each change audited), and `propose_dispatch`, the entry in force
for a category on a day, which dispatch records in its audit data."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, datetime, tzinfo
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from qitong.db.models import Category, Department, ResponsibilityEntry
from qitong.domain.errors import Forbidden, InvalidInput, NotFound
from qitong.domain.ids import Id
from qitong.domain.routing.responsibility import Period, in_force, place
from qitong.domain.tickets.lifecycle import CENTER_ROLES, OVERSIGHT_ROLES, Role
from qitong.domain.tickets.vocab import Tier
from qitong.services.audit import record
from qitong.services.auth import Principal
from qitong.services.context import Context


class EntryIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    category_code: str = Field(min_length=1, max_length=32, description="问题分类代码")
    lead_unit_id: Id = Field(description="主办单位")
    co_unit_ids: list[Id] = Field(default_factory=list, max_length=20, description="协办单位")
    tier: Tier = Tier.county
    legal_basis: str = Field(default="", max_length=4000, description="法定依据（法律法规、三定方案）")
    keywords: list[str] = Field(default_factory=list, max_length=200, description="关键词（冷启动分类用）")
    effective_from: date
    effective_to: date | None = None
    note: str = Field(default="", max_length=255)

    @field_validator("keywords")
    @classmethod
    def _keywords(cls, v: list[str]) -> list[str]:
        words = [w.strip() for w in v if w.strip()]
        if any(len(w) > 32 for w in words):
            raise ValueError("关键词每个不超过 32 个字")
        return list(dict.fromkeys(words))


@dataclass(frozen=True)
class Proposal:
    """What the list says for a category on a day. `entry_id` None: the category's default units."""

    category: str
    lead_unit_id: int
    co_unit_ids: list[int]
    tier: str
    legal_basis: str
    entry_id: int | None
    version: int | None
    source: str  # "responsibility_list" | "category_default"

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _day(at: date | datetime, tz: tzinfo | None) -> date:
    if isinstance(at, datetime):
        return (at.astimezone(tz) if tz else at).date()
    return at


def _periods(s: Session, category: str) -> list[Period]:
    rows = s.execute(
        select(ResponsibilityEntry.id, ResponsibilityEntry.version, ResponsibilityEntry.effective_from,
               ResponsibilityEntry.effective_to).where(ResponsibilityEntry.category_code == category)
    ).all()
    return [Period(i, v, a, b) for i, v, a, b in rows]


def entry_in_force(s: Session, category: str, day: date) -> ResponsibilityEntry | None:
    p = in_force(_periods(s, category), day)
    return s.get(ResponsibilityEntry, p.entry_id) if p else None


def propose_dispatch(
    s: Session, category: str | None, at: date | datetime, tz: tzinfo | None = None
) -> Proposal | None:
    """The entry in force for the category (or, failing that, for its parent categories) on the day
    of `at`; else the category's own default units; else None."""
    day = _day(at, tz)
    code = category
    seen: set[str] = set()
    while code and code not in seen:
        seen.add(code)
        e = entry_in_force(s, code, day)
        if e is not None:
            return Proposal(category or code, e.lead_unit_id, [int(c) for c in e.co_unit_ids], e.tier.value,
                            e.legal_basis, e.id, e.version, "responsibility_list")
        cat = s.get(Category, code)
        code = cat.parent_code if cat else None
    cat = s.get(Category, category) if category else None
    if cat is not None and cat.default_lead_unit_id is not None:
        return Proposal(cat.code, cat.default_lead_unit_id, [int(c) for c in cat.default_co_unit_ids],
                        Tier.county.value, "", None, None, "category_default")
    return None


def dispatch_audit(s: Session, category: str | None, at: datetime, tz: tzinfo | None,
                   lead_unit_id: int, co_unit_ids: list[int]) -> dict[str, Any]:
    """For dispatch's audit data: which entry proposed what, and whether the dispatcher followed it."""
    prop = propose_dispatch(s, category, at, tz)
    if prop is None:
        return {"proposal": None}
    follows = prop.lead_unit_id == lead_unit_id and sorted(prop.co_unit_ids) == sorted(co_unit_ids)
    return {"proposal": {"entry_id": prop.entry_id, "version": prop.version, "source": prop.source,
                         "lead_unit_id": prop.lead_unit_id, "co_unit_ids": prop.co_unit_ids,
                         "followed": follows}}


# --- admin CRUD -----------------------------------------------------------------------------------

def _admin(p: Principal) -> None:
    if p.actor.role != Role.admin:
        raise Forbidden("只有管理员可以维护职责清单", field="role")


def _reader(p: Principal) -> None:
    if p.actor.role not in CENTER_ROLES and p.actor.role not in OVERSIGHT_ROLES:
        raise Forbidden("当前角色不能查看职责清单", field="role")


def entry_out(e: ResponsibilityEntry, names: dict[int, str] | None = None) -> dict[str, Any]:
    names = names or {}
    return {
        "id": e.id, "category_code": e.category_code, "version": e.version,
        "lead_unit_id": e.lead_unit_id, "lead_unit": names.get(e.lead_unit_id),
        "co_unit_ids": list(e.co_unit_ids), "co_units": [names.get(int(c)) for c in e.co_unit_ids],
        "tier": e.tier.value, "legal_basis": e.legal_basis, "keywords": list(e.keywords),
        "effective_from": e.effective_from.isoformat(),
        "effective_to": e.effective_to.isoformat() if e.effective_to else None, "note": e.note,
    }


def _check_refs(s: Session, data: EntryIn) -> None:
    if s.get(Category, data.category_code) is None:
        raise InvalidInput(f"问题分类“{data.category_code}”不存在", field="category_code")
    if data.lead_unit_id in data.co_unit_ids:
        raise InvalidInput("主办单位不能同时是协办单位", field="co_unit_ids")
    ids = {data.lead_unit_id, *data.co_unit_ids}
    found = set(s.scalars(select(Department.id).where(Department.id.in_(ids), Department.active)))
    for i in sorted(ids - found):
        raise InvalidInput(f"单位 {i} 不存在或已停用",
                           field="lead_unit_id" if i == data.lead_unit_id else "co_unit_ids")


def _apply(e: ResponsibilityEntry, data: EntryIn) -> None:
    e.lead_unit_id, e.co_unit_ids, e.tier = data.lead_unit_id, list(data.co_unit_ids), data.tier
    e.legal_basis, e.keywords, e.note = data.legal_basis, list(data.keywords), data.note
    e.effective_from, e.effective_to = data.effective_from, data.effective_to


def add_entry(s: Session, ctx: Context, p: Principal, data: EntryIn) -> ResponsibilityEntry:
    """A new version for the category, inside the caller's transaction (the import uses it too)."""
    _check_refs(s, data)
    now = ctx.clock.now()
    closed = place(_periods(s, data.category_code), data.effective_from, data.effective_to)
    if closed is not None:
        prev = s.get(ResponsibilityEntry, closed.entry_id)
        assert prev is not None
        prev.effective_to, prev.updated_at = closed.end, now
        record(s, p.who, at=now, entity="responsibility", entity_id=prev.id, action="responsibility.close",
               after={"effective_to": str(closed.end)}, data={"superseded_by_from": str(data.effective_from)})
    version = (s.scalar(select(func.max(ResponsibilityEntry.version))
                        .where(ResponsibilityEntry.category_code == data.category_code)) or 0) + 1
    e = ResponsibilityEntry(category_code=data.category_code, version=version, created_at=now, updated_at=now)
    _apply(e, data)
    s.add(e)
    s.flush()
    record(s, p.who, at=now, entity="responsibility", entity_id=e.id, action="responsibility.create",
           after=entry_out(e))
    return e


def create_entry(ctx: Context, p: Principal, data: EntryIn) -> dict[str, Any]:
    _admin(p)
    with ctx.sessions.begin() as s:
        return entry_out(add_entry(s, ctx, p, data))


def update_entry(ctx: Context, p: Principal, entry_id: int, data: EntryIn) -> dict[str, Any]:
    """Correct a version in place (a typo, a missing co-unit). A change of substance from a date on is
    a new version: create one and the open-ended previous version is closed the day before."""
    _admin(p)
    with ctx.sessions.begin() as s:
        e = _get(s, entry_id)
        if data.category_code != e.category_code:
            raise InvalidInput("不能修改条目的问题分类；请为新分类新增条目", field="category_code")
        _check_refs(s, data)
        place([q for q in _periods(s, e.category_code) if q.entry_id != e.id], data.effective_from,
              data.effective_to)
        before = entry_out(e)
        _apply(e, data)
        e.updated_at = ctx.clock.now()
        s.flush()
        after = entry_out(e)
        record(s, p.who, at=e.updated_at, entity="responsibility", entity_id=e.id, action="responsibility.update",
               before={k: v for k, v in before.items() if after[k] != v},
               after={k: v for k, v in after.items() if before[k] != v})
        return after


def delete_entry(ctx: Context, p: Principal, entry_id: int) -> None:
    _admin(p)
    with ctx.sessions.begin() as s:
        e = _get(s, entry_id)
        record(s, p.who, at=ctx.clock.now(), entity="responsibility", entity_id=e.id,
               action="responsibility.delete", before=entry_out(e))
        s.delete(e)


def _get(s: Session, entry_id: int) -> ResponsibilityEntry:
    e = s.get(ResponsibilityEntry, entry_id)
    if e is None:
        raise NotFound(f"职责清单条目 {entry_id} 不存在", field="entry_id")
    return e


def list_entries(ctx: Context, p: Principal, category: str | None = None,
                 on: date | None = None) -> list[dict[str, Any]]:
    """All versions (or, with `on`, only those in force that day), by category then version."""
    _reader(p)
    with ctx.sessions() as s:
        return [entry_out(e, n) for e, n in _all(s, category, on)]


def _all(s: Session, category: str | None, on: date | None) -> list[tuple[ResponsibilityEntry, dict[int, str]]]:
    stmt = select(ResponsibilityEntry).order_by(ResponsibilityEntry.category_code, ResponsibilityEntry.version)
    if category:
        stmt = stmt.where(ResponsibilityEntry.category_code == category)
    rows = list(s.scalars(stmt))
    if on is not None:
        rows = [e for e in rows if e.effective_from <= on and (e.effective_to is None or on <= e.effective_to)]
    names = {a: b for a, b in s.execute(select(Department.id, Department.name))}
    return [(e, names) for e in rows]


def keyword_table(s: Session, day: date) -> list[ResponsibilityEntry]:
    """Entries in force on `day` (one per category): the cold-start classifier's vocabulary."""
    out: dict[str, ResponsibilityEntry] = {}
    for e in s.scalars(select(ResponsibilityEntry).order_by(ResponsibilityEntry.version)):
        if e.effective_from <= day and (e.effective_to is None or day <= e.effective_to):
            out[e.category_code] = e
    return list(out.values())
