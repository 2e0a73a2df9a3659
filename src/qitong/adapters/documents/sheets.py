"""Excel workbooks through openpyxl: plain sheets of a header and rows, bold header, frozen top row,
column widths fitted to the content (a CJK character counts as two)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from io import BytesIO
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter


@dataclass(frozen=True)
class Sheet:
    title: str  # at most 31 characters (Excel's limit)
    header: Sequence[str]
    rows: Sequence[Sequence[Any]]


def _width(v: Any) -> int:
    s = "" if v is None else str(v)
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in s)


def workbook(sheets: Sequence[Sheet]) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)  # type: ignore[arg-type]
    for sh in sheets:
        ws = wb.create_sheet(sh.title[:31])
        ws.append(list(sh.header))
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for row in sh.rows:
            ws.append(list(row))
        ws.freeze_panes = "A2"
        for i, col in enumerate(zip(sh.header, *sh.rows, strict=False), 1):
            ws.column_dimensions[get_column_letter(i)].width = min(60, max(8, *(_width(v) + 2 for v in col)))
    buf = BytesIO()
    wb.save(buf)
    return buf.getvalue()
