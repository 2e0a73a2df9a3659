"""The list filters, read from the query string; a bad value is a 422 with the field named."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from enum import StrEnum
from typing import TypeVar
from urllib.parse import urlencode

from qitong.domain.errors import InvalidInput
from qitong.domain.tickets.lifecycle import Status
from qitong.domain.tickets.vocab import Channel, TicketType
from qitong.services.tickets.worklist import WorkFilter

E = TypeVar("E", bound=StrEnum)
FILTER_KEYS = ("q", "status", "ticket_type", "category", "lead_unit_id", "region_id", "channel", "created_from",
               "created_to")


def _enum(cls: type[E], params: Mapping[str, str], key: str, label: str) -> E | None:
    v = params.get(key) or None
    if v is None:
        return None
    if v not in cls._value2member_map_:
        raise InvalidInput(f"筛选条件“{label}”取值不正确", field=key)
    return cls(v)


def _int(params: Mapping[str, str], key: str, label: str) -> int | None:
    v = (params.get(key) or "").strip()
    if not v:
        return None
    if not v.isdigit():
        raise InvalidInput(f"筛选条件“{label}”取值不正确", field=key)
    return int(v)


def _date(params: Mapping[str, str], key: str, label: str) -> date | None:
    v = (params.get(key) or "").strip()
    if not v:
        return None
    try:
        return date.fromisoformat(v)
    except ValueError:
        raise InvalidInput(f"“{label}”应为日期，例如 2026-11-01", field=key) from None


def parse_filter(params: Mapping[str, str]) -> WorkFilter:
    q = (params.get("q") or "").strip()[:100] or None
    return WorkFilter(
        q=q,
        status=_enum(Status, params, "status", "状态"),
        ticket_type=_enum(TicketType, params, "ticket_type", "诉求类型"),
        category=(params.get("category") or None),
        lead_unit_id=_int(params, "lead_unit_id", "主办单位"),
        region_id=_int(params, "region_id", "属地"),
        channel=_enum(Channel, params, "channel", "来源渠道"),
        created_from=_date(params, "created_from", "起始日期"),
        created_to=_date(params, "created_to", "截止日期"),
    )


def query_string(params: Mapping[str, str], **override: str | int | None) -> str:
    """The list's query string with some keys replaced (page, queue), empty values dropped."""
    merged: dict[str, str | int | None] = {k: params.get(k) for k in ("queue", *FILTER_KEYS)}
    merged.update(override)
    return urlencode({k: v for k, v in merged.items() if v not in (None, "")})
