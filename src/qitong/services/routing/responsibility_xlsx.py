"""The responsibility list as an Excel workbook (openpyxl): export every version; import rows as new
versions, each row in its own transaction, so a bad row is reported with its line and the good land.
A row identical to a stored version is skipped: importing an export back changes nothing."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from openpyxl import Workbook, load_workbook
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from qitong.adapters.hotline import NOT_A_WORKBOOK
from qitong.db.models import Category, Department, ResponsibilityEntry
from qitong.domain.errors import DomainError, InvalidInput
from qitong.domain.input_errors import field_of, labelled
from qitong.domain.tickets.vocab import TIER_LABELS, Tier
from qitong.services.auth import Principal
from qitong.services.context import Context
from qitong.services.routing.responsibility import EntryIn, _admin, _all, _reader, add_entry

HEADERS = ("分类代码", "分类名称", "版本", "主办单位", "协办单位", "层级", "法定依据", "关键词",
           "生效日期", "失效日期", "备注")
COLUMNS = {"category_code": "分类代码", "lead_unit_id": "主办单位", "co_unit_ids": "协办单位", "tier": "层级",
           "legal_basis": "法定依据", "keywords": "关键词", "effective_from": "生效日期", "effective_to": "失效日期",
           "note": "备注"}  # a row's field as its column is headed
_SPLIT = re.compile(r"[、,，;；\s]+")
_TIERS = {**{label: t for t, label in TIER_LABELS.items()}, **{t.value: t for t in Tier}}


@dataclass
class ImportReport:
    created: int = 0
    unchanged: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"created": self.created, "unchanged": self.unchanged, "failed": len(self.errors),
                "errors": self.errors}


def export_xlsx(ctx: Context, p: Principal) -> bytes:
    _reader(p)
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "职责清单"
    ws.append(HEADERS)
    with ctx.sessions() as s:
        cats = {a: b for a, b in s.execute(select(Category.code, Category.name))}
        # units by full name, as people read the sheet; the import takes names or codes (a name holding
        # a list separator goes out as its code, so the co-units column splits back the same)
        codes = {i: (name if not _SPLIT.search(name) else code)
                 for i, code, name in s.execute(select(Department.id, Department.code, Department.name))}
        for e, _names in _all(s, None, None):
            ws.append((e.category_code, cats.get(e.category_code, ""), e.version, codes.get(e.lead_unit_id, ""),
                       "、".join(codes.get(int(c), str(c)) for c in e.co_unit_ids), TIER_LABELS[e.tier],
                       e.legal_basis, "、".join(e.keywords), e.effective_from, e.effective_to, e.note))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def import_xlsx(ctx: Context, p: Principal, content: bytes) -> ImportReport:
    _admin(p)
    try:
        wb = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a file that is not a workbook
        raise InvalidInput(NOT_A_WORKBOOK, field="file") from None
    ws = wb.worksheets[0]
    rows = ws.iter_rows(values_only=True)
    header = [str(h).strip() if h is not None else "" for h in next(rows, ())]
    missing = [h for h in ("分类代码", "主办单位", "生效日期") if h not in header]
    if missing:
        raise InvalidInput(f"表头缺少：{'、'.join(missing)}（第 1 行应为：{'、'.join(HEADERS)}）", field="file")
    report = ImportReport()
    for line, values in enumerate(rows, start=2):
        row = {h: v for h, v in zip(header, values, strict=False) if h}
        if all(v in (None, "") for v in row.values()):
            continue
        try:
            with ctx.sessions.begin() as s:
                data = _entry(s, row)
                if _same_exists(s, data):
                    report.unchanged += 1
                    continue
                add_entry(s, ctx, p, data)
                report.created += 1
        except DomainError as e:
            report.errors.append({"line": line, "reason": e.message, "field": e.field})
        except ValidationError as e:
            err = e.errors()[0]
            column = COLUMNS.get(field_of(err), field_of(err))
            report.errors.append({"line": line, "reason": labelled(err, column, missing="缺少"), "field": column})
    wb.close()
    return report


def _text(v: Any) -> str:
    return "" if v is None else str(v).strip()


def _date(v: Any, name: str) -> date | None:
    if v in (None, ""):
        return None
    if isinstance(v, datetime):
        return v.date()
    if isinstance(v, date):
        return v
    try:
        return date.fromisoformat(_text(v).replace("/", "-"))
    except ValueError:
        raise InvalidInput(f"{name}“{v}”不是日期（例如 2027-01-01）", field=name) from None


def _unit(s: Session, ref: str, name: str) -> int:
    d = s.scalars(select(Department.id).where((Department.code == ref) | (Department.name == ref))).first()
    if d is None:
        raise InvalidInput(f"{name}“{ref}”不存在（填单位代码或全称）", field=name)
    return d


def _entry(s: Session, row: dict[str, Any]) -> EntryIn:
    tier = _text(row.get("层级")) or TIER_LABELS[Tier.county]
    if tier not in _TIERS:
        raise InvalidInput(f"层级“{tier}”无效（属地、县级、市级、省级）", field="层级")
    lead = _text(row.get("主办单位"))
    if not lead:
        raise InvalidInput("缺少主办单位", field="主办单位")
    start = _date(row.get("生效日期"), "生效日期")
    if start is None:
        raise InvalidInput("缺少生效日期", field="生效日期")
    return EntryIn(
        category_code=_text(row.get("分类代码")),
        lead_unit_id=_unit(s, lead, "主办单位"),
        co_unit_ids=[_unit(s, c, "协办单位") for c in _SPLIT.split(_text(row.get("协办单位"))) if c],
        tier=_TIERS[tier],
        legal_basis=_text(row.get("法定依据")),
        keywords=[w for w in _SPLIT.split(_text(row.get("关键词"))) if w],
        effective_from=start,
        effective_to=_date(row.get("失效日期"), "失效日期"),
        note=_text(row.get("备注")),
    )


def _same_exists(s: Session, d: EntryIn) -> bool:
    for e in s.scalars(select(ResponsibilityEntry).where(ResponsibilityEntry.category_code == d.category_code)):
        if (e.lead_unit_id, sorted(e.co_unit_ids), e.tier, e.legal_basis, list(e.keywords), e.effective_from,
                e.effective_to) == (d.lead_unit_id, sorted(d.co_unit_ids), d.tier, d.legal_basis, d.keywords,
                                    d.effective_from, d.effective_to):
            return True
    return False
