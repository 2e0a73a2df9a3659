"""Validation errors in Chinese: one wording for the API, the pages, the imports and the CLI.

Takes pydantic's error dicts (`type`, `msg`, `ctx`; plain mappings, so the domain does not import
pydantic) and says what is wrong with a value in words a person can act on. A validator's own message
(`ValueError("...")`, written in Chinese next to the rule) is used as it is.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from qitong.domain.tickets.lifecycle import ACTIONS, STATUS_LABELS
from qitong.domain.tickets.vocab import (
    CHANNEL_LABELS,
    COMPLEXITY_LABELS,
    LAYER_LABELS,
    TICKET_TYPE_LABELS,
    TIER_LABELS,
    URGENCY_LABELS,
)

VALUE_ERROR = "Value error, "

_FIXED = {
    "missing": "必填",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "int_from_float": "应为整数",
    "float_parsing": "应为数字",
    "float_type": "应为数字",
    "decimal_parsing": "应为数字",
    "bool_parsing": "应为是或否（true / false）",
    "bool_type": "应为是或否（true / false）",
    "date_parsing": "日期格式不正确（例如 2026-11-22）",
    "date_from_datetime_parsing": "日期格式不正确（例如 2026-11-22）",
    "date_from_datetime_inexact": "应为日期，不含时间（例如 2026-11-22）",
    "date_type": "日期格式不正确（例如 2026-11-22）",
    "datetime_parsing": "日期时间格式不正确（例如 2026-11-22T09:30:00+08:00）",
    "datetime_from_date_parsing": "日期时间格式不正确（例如 2026-11-22T09:30:00+08:00）",
    "datetime_type": "日期时间格式不正确（例如 2026-11-22T09:30:00+08:00）",
    "timezone_aware": "应带时区（例如 +08:00）",
    "string_type": "应为文字",
    "list_type": "应为列表",
    "dict_type": "应为对象",
    "model_type": "应为对象",
    "model_attributes_type": "应为对象",
    "json_invalid": "JSON 格式错误",
    "json_type": "JSON 格式错误",
    "extra_forbidden": "不支持的字段",
    "string_pattern_mismatch": "格式不正确",
    "url_parsing": "网址格式不正确",
    "uuid_parsing": "格式不正确",
}

_BOUNDS = {
    "string_too_short": ("至少 {} 个字", "min_length"),
    "string_too_long": ("最多 {} 个字", "max_length"),
    "too_short": ("至少 {} 项", "min_length"),
    "too_long": ("最多 {} 项", "max_length"),
    "greater_than_equal": ("不能小于 {}", "ge"),
    "greater_than": ("应大于 {}", "gt"),
    "less_than_equal": ("不能大于 {}", "le"),
    "less_than": ("应小于 {}", "lt"),
}


def reason(err: Mapping[str, Any], hints: Mapping[str, str] | None = None) -> str:
    """What is wrong with the value, without naming the field: "至少 10 个字", "不能大于 5".
    `hints` overrides the wording for an error type (say, what a pattern allows)."""
    kind = str(err.get("type", ""))
    msg = str(err.get("msg", ""))
    if hints and kind in hints:
        return hints[kind]
    if msg.startswith(VALUE_ERROR):
        return msg.removeprefix(VALUE_ERROR)
    if kind in _BOUNDS:
        words, key = _BOUNDS[kind]
        bound = (err.get("ctx") or {}).get(key)
        return words.format(bound) if bound is not None else "超出允许范围"
    if kind in ("enum", "literal_error"):
        expected = _choices(str((err.get("ctx") or {}).get("expected") or ""))
        return f"取值不在允许范围内（可选：{expected}）" if expected else "取值不在允许范围内"
    return _FIXED.get(kind, "格式不正确")


# the vocabulary's codes with their Chinese names, for "可选：help（求助）、…"
_NAMES: dict[str, str] = {
    **{str(k): v for table in (CHANNEL_LABELS, TICKET_TYPE_LABELS, COMPLEXITY_LABELS, URGENCY_LABELS, LAYER_LABELS,
                               TIER_LABELS, STATUS_LABELS) for k, v in table.items()},
    **{str(a): spec.label for a, spec in ACTIONS.items()},
}
_CHOICE = re.compile(r"<[\w.]+: '([^']*)'>|'([^']*)'")


def _choices(expected: str) -> str:
    """pydantic's "'a', 'b' or 'c'" (or "<Channel.forum: 'forum'> or …") as "a（名称）、b、c"."""
    values = [a or b for a, b in _CHOICE.findall(expected)]
    return "、".join(f"{v}（{_NAMES[v]}）" if v in _NAMES else v for v in values)


def labelled(err: Mapping[str, Any], label: str, *, missing: str = "请填写",
             hints: Mapping[str, str] | None = None) -> str:
    """The whole sentence for a form or an import row: "请填写“标题”", "“内容”至少 10 个字", or a
    validator's own message (it names what it checks)."""
    kind = str(err.get("type", ""))
    if kind == "missing":
        return f"{missing}“{label}”"
    if str(err.get("msg", "")).startswith(VALUE_ERROR) and not (hints and kind in hints):
        return reason(err)
    return f"“{label}”{reason(err, hints)}"


def field_of(err: Mapping[str, Any], *, skip: tuple[str, ...] = ("body", "query", "path", "header", "form")) -> str:
    """The dotted name of the value the error is about, without pydantic's location prefixes."""
    loc = [str(x) for x in err.get("loc", ())]
    return ".".join(loc[1:] if loc and loc[0] in skip else loc)
