"""Reading a 12345 hotline export (Excel, CSV or JSON) through a field mapping: source column → our
field. The mapping is a JSON file the deployment keeps next to its exports, e.g.

    {"source": "12345",
     "fields": {"工单编号": "source_id", "标题": "title", "诉求内容": "content", "来电人": "submitter_name",
                "联系电话": "submitter_phone", "企业名称": "enterprise_name", "诉求类型": "ticket_type"},
     "values": {"ticket_type": {"咨询": "consultation", "投诉": "complaint"}},
     "defaults": {"urgency": "normal"}}

A flat {"column": "field"} object is read as "fields". Rows come out with their line in the file
(Excel and CSV: the sheet/file line, header = 1; JSON: the item's position, from 1)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

FIELDS = frozenset({
    "source_id", "title", "content", "ticket_type", "category", "urgency", "complexity", "submitter_name",
    "submitter_phone", "enterprise_name", "enterprise_uscc", "region_code", "received_at", "origin",
})


class UnreadableFile(ValueError):
    """The file or the mapping cannot be read at all (no row was looked at)."""


@dataclass(frozen=True)
class FieldMapping:
    fields: dict[str, str]
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    defaults: dict[str, str] = field(default_factory=dict)
    source: str = "12345"


@dataclass(frozen=True)
class SourceRow:
    line: int
    values: dict[str, str]


NOT_A_WORKBOOK = "无法读取 Excel 文件：请确认是 .xlsx 格式（不是 .xls 或改了扩展名的文件）且未损坏"


def json_problem(e: Exception) -> str:
    """Where a JSON text goes wrong, in Chinese (the decoder's own message is English)."""
    if isinstance(e, json.JSONDecodeError):
        return f"第 {e.lineno} 行第 {e.colno} 列附近格式错误（注意键名须用英文双引号，末尾不能多逗号）"
    if isinstance(e, UnicodeDecodeError):
        return "文字编码无法识别，请存为 UTF-8"
    return "格式错误"


def parse_mapping(raw: bytes | str) -> FieldMapping:
    try:
        obj = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as e:
        raise UnreadableFile(f"字段映射不是有效的 JSON：{json_problem(e)}") from None
    if not isinstance(obj, dict):
        raise UnreadableFile("字段映射须是 JSON 对象")
    structured = "fields" in obj
    fields = obj.get("fields") if structured else obj
    if not isinstance(fields, dict) or not fields:
        raise UnreadableFile("字段映射缺少 fields（源列名 → 本系统字段）")
    bad = sorted(str(v) for v in fields.values() if v not in FIELDS)
    if bad:
        raise UnreadableFile(f"未知的目标字段：{'、'.join(bad)}（可用：{'、'.join(sorted(FIELDS))}）")
    if "source_id" not in fields.values():
        raise UnreadableFile("字段映射须把某一列映射为 source_id（源系统工单编号）")
    values = obj.get("values", {}) if structured else {}
    defaults = obj.get("defaults", {}) if structured else {}
    source = str(obj.get("source", "12345")) if structured else "12345"
    if not isinstance(values, dict) or not isinstance(defaults, dict) or not 0 < len(source) <= 32:
        raise UnreadableFile("字段映射的 values / defaults 须是对象，source 为 1–32 个字符")
    return FieldMapping({str(k): str(v) for k, v in fields.items()},
                        {str(k): {str(a): str(b) for a, b in dict(v).items()} for k, v in values.items()},
                        {str(k): str(v) for k, v in defaults.items()}, source)


def _cell(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, datetime | date):
        return v.isoformat()
    if isinstance(v, float) and v.is_integer():
        return str(int(v))  # Excel keeps work-order numbers as floats
    return str(v).strip()


def _map(m: FieldMapping, line: int, row: dict[str, Any]) -> SourceRow:
    out = dict(m.defaults)
    for col, ours in m.fields.items():
        v = _cell(row.get(col))
        if v:
            out[ours] = v
    for ours, table in m.values.items():
        if ours in out and out[ours] in table:
            out[ours] = table[out[ours]]
    return SourceRow(line, out)


def _decode(content: bytes) -> str:
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return content.decode(enc)
        except UnicodeDecodeError:
            continue
    raise UnreadableFile("文件编码无法识别（请用 UTF-8 或 GB18030）")


def read_rows(filename: str, content: bytes, m: FieldMapping) -> Iterator[SourceRow]:
    name = filename.lower()
    if name.endswith(".xlsx"):
        yield from _xlsx(content, m)
    elif name.endswith(".csv"):
        yield from _csv(content, m)
    elif name.endswith(".json"):
        yield from _json(content, m)
    else:
        raise UnreadableFile("只支持 .xlsx、.csv 或 .json 文件")


def _csv(content: bytes, m: FieldMapping) -> Iterator[SourceRow]:
    csv.field_size_limit(10**7)
    reader = csv.DictReader(io.StringIO(_decode(content), newline=""))
    _check_columns(reader.fieldnames or [], m)
    for row in reader:
        if any((v or "").strip() for v in row.values() if isinstance(v, str)):
            yield _map(m, reader.line_num, row)


def _xlsx(content: bytes, m: FieldMapping) -> Iterator[SourceRow]:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # a file that is no workbook raises many kinds
        raise UnreadableFile(NOT_A_WORKBOOK) from None
    try:
        rows = wb.worksheets[0].iter_rows(values_only=True)
        header = [_cell(h) for h in next(rows, ())]
        _check_columns(header, m)
        for line, values in enumerate(rows, start=2):
            if any(v not in (None, "") for v in values):
                yield _map(m, line, dict(zip(header, values, strict=False)))
    finally:
        wb.close()


def _json(content: bytes, m: FieldMapping) -> Iterator[SourceRow]:
    try:
        obj = json.loads(_decode(content))
    except ValueError as e:
        raise UnreadableFile(f"不是有效的 JSON：{json_problem(e)}") from None
    items = obj.get("items", obj.get("data")) if isinstance(obj, dict) else obj
    if not isinstance(items, list):
        raise UnreadableFile("JSON 须是工单数组（或含 items / data 数组的对象）")
    for i, item in enumerate(items, start=1):
        yield _map(m, i, item if isinstance(item, dict) else {})


def _check_columns(header: Sequence[str], m: FieldMapping) -> None:
    id_cols = [c for c, f in m.fields.items() if f == "source_id"]
    if not any(c in header for c in id_cols):
        raise UnreadableFile(f"文件缺少工单编号列“{id_cols[0]}”（表头：{'、'.join(h for h in header if h)}）")
