"""A list as an Excel ledger (台账), written with openpyxl in write-only mode."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from io import BytesIO
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from qitong.domain.tickets.vocab import CHANNEL_LABELS, RATING_LABELS, TICKET_TYPE_LABELS
from qitong.services.tickets.worklist import Queue, WorkRow

Column = tuple[str, int, Callable[[WorkRow, ZoneInfo], object]]


def _t(v: datetime | None, tz: ZoneInfo) -> str:
    return v.astimezone(tz).strftime("%Y-%m-%d %H:%M") if v else ""


COLUMNS: tuple[Column, ...] = (
    ("工单编号", 20, lambda r, tz: r.number),
    ("诉求标题", 36, lambda r, tz: r.title),
    ("企业名称", 30, lambda r, tz: r.enterprise_name),
    ("诉求类型", 12, lambda r, tz: TICKET_TYPE_LABELS[r.ticket_type]),
    ("问题分类", 14, lambda r, tz: r.category_name or ""),
    ("来源渠道", 12, lambda r, tz: CHANNEL_LABELS[r.channel]),
    ("属地", 12, lambda r, tz: r.region or ""),
    ("当前状态", 12, lambda r, tz: r.status_label),
    ("主办单位", 22, lambda r, tz: r.lead_unit or ""),
    ("提交时间", 17, lambda r, tz: _t(r.created_at, tz)),
    ("签收时间", 17, lambda r, tz: _t(r.milestones.get("signed"), tz)),
    ("联系企业时间", 17, lambda r, tz: _t(r.milestones.get("contacted"), tz)),
    ("答复期限", 17, lambda r, tz: _t(r.reply_due_at, tz)),
    ("本环节期限", 17, lambda r, tz: _t(r.stage_due_at, tz)),
    ("是否超期", 9, lambda r, tz: "超期" if r.overdue else ("临期" if r.due_soon else "")),
    ("办结时间", 17, lambda r, tz: _t(r.milestones.get("closed"), tz)),
    ("过程评价", 11, lambda r, tz: RATING_LABELS.get(r.rating_process or 0, "")),
    ("结果评价", 11, lambda r, tz: RATING_LABELS.get(r.rating_result or 0, "")),
)


def workbook(queue: Queue, rows: list[WorkRow], tz: ZoneInfo, title: str) -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(queue.label[:31])
    for i, (_, width, _f) in enumerate(COLUMNS):
        ws.column_dimensions[chr(ord("A") + i)].width = width
    ws.freeze_panes = "A3"
    ws.append([title])
    head = []
    for name, _, _f in COLUMNS:
        cell = _header(ws, name)
        head.append(cell)
    ws.append(head)
    for r in rows:
        ws.append([f(r, tz) for _, _, f in COLUMNS])
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


def _header(ws: object, name: str) -> object:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

    assert isinstance(ws, WriteOnlyWorksheet)
    c = WriteOnlyCell(ws, value=name)
    c.font = Font(bold=True, color="FFFFFF")
    c.fill = PatternFill("solid", fgColor="206BC4")
    c.alignment = Alignment(horizontal="center", vertical="center")
    return c
