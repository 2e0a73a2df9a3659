"""The monthly supervision bulletin (月度监测通报), compiled from plain rows: how many notices of
each level and trigger went to each department, the listed items, the overdue matters, and
whether departments answered their notices on time."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from qitong.domain.supervision.levels import (
    ESCALATION_ORDER,
    LEVEL_LABELS,
    STATUS_LABELS,
    SupervisionLevel,
    SupervisionStatus,
)
from qitong.domain.supervision.triggers import TRIGGER_LABELS, Trigger
from qitong.domain.supervision.wording import format_day, format_deadline


@dataclass(frozen=True)
class SupervisionRow:
    """One supervision as the bulletin needs it."""

    document_no: str
    level: SupervisionLevel
    trigger: Trigger
    status: SupervisionStatus
    department_id: int
    department: str
    ticket_number: str
    ticket_title: str
    opened_at: datetime
    response_due_at: datetime
    responded_at: datetime | None = None


@dataclass(frozen=True)
class Period:
    year: int
    month: int
    start: datetime  # first instant of the month, local
    end: datetime  # first instant of the next month
    as_of: datetime  # min(now, end): a bulletin of the running month is provisional

    @property
    def provisional(self) -> bool:
        return self.as_of < self.end


@dataclass(frozen=True)
class Count:
    key: str
    label: str
    count: int


@dataclass(frozen=True)
class Item:
    document_no: str
    level: str
    trigger: str
    department: str
    ticket_number: str
    ticket_title: str
    opened: str
    response_due: str
    status: str
    responded: str | None


@dataclass(frozen=True)
class DepartmentLine:
    department_id: int
    department: str
    reminder: int
    listed: int
    interview: int
    total: int
    responses_due: int
    on_time: int
    rate: float | None  # on-time share of responses due, None when nothing was due


@dataclass(frozen=True)
class Bulletin:
    year: int
    month: int
    issuer: str
    title: str
    period: str
    as_of: str
    provisional: bool
    total: int
    by_level: tuple[Count, ...]
    by_trigger: tuple[Count, ...]
    by_department: tuple[DepartmentLine, ...]
    listed: tuple[Item, ...]  # listed and interview notices: the ones a bulletin names
    overdue: tuple[Item, ...]  # notices about matters past their deadline
    late_responses: tuple[Item, ...]  # notices the department did not answer in time
    responses_due: int
    responses_on_time: int
    on_time_rate: float | None

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def _in(at: datetime, p: Period) -> bool:
    return p.start <= at < p.end


def _due_in(r: SupervisionRow, p: Period) -> bool:
    """A response counts in the month its deadline falls in, once that deadline has passed."""
    return _in(r.response_due_at, p) and r.response_due_at <= p.as_of


def _on_time(r: SupervisionRow) -> bool:
    return r.responded_at is not None and r.responded_at <= r.response_due_at


def _item(r: SupervisionRow, tz: ZoneInfo) -> Item:
    return Item(
        document_no=r.document_no,
        level=LEVEL_LABELS[r.level],
        trigger=TRIGGER_LABELS[r.trigger],
        department=r.department,
        ticket_number=r.ticket_number,
        ticket_title=r.ticket_title,
        opened=format_day(r.opened_at, tz),
        response_due=format_deadline(r.response_due_at, tz),
        status=STATUS_LABELS[r.status],
        responded=format_day(r.responded_at, tz) if r.responded_at else None,
    )


def _rate(on_time: int, due: int) -> float | None:
    return round(on_time / due, 4) if due else None


def _departments(opened: list[SupervisionRow], due: list[SupervisionRow]) -> tuple[DepartmentLine, ...]:
    names = {r.department_id: r.department for r in (*opened, *due)}
    lines = []
    for d, name in names.items():
        levels = Counter(r.level for r in opened if r.department_id == d)
        mine = [r for r in due if r.department_id == d]
        on_time = sum(_on_time(r) for r in mine)
        lines.append(DepartmentLine(
            d, name, levels[SupervisionLevel.reminder], levels[SupervisionLevel.listed],
            levels[SupervisionLevel.interview], sum(levels.values()), len(mine), on_time,
            _rate(on_time, len(mine)),
        ))
    # the heaviest first: interviews, then listed, then the total
    return tuple(sorted(lines, key=lambda x: (-x.interview, -x.listed, -x.total, x.department)))


def _counts(keys: Iterable[str], labels: Mapping[Any, str], counter: Counter[Any]) -> tuple[Count, ...]:
    return tuple(Count(k, labels[k], counter[k]) for k in keys)


def compile_bulletin(rows: Iterable[SupervisionRow], p: Period, tz: ZoneInfo, issuer: str) -> Bulletin:
    rows = list(rows)
    opened = sorted((r for r in rows if _in(r.opened_at, p)), key=lambda r: (r.opened_at, r.document_no))
    due = [r for r in rows if _due_in(r, p)]
    on_time = sum(_on_time(r) for r in due)
    level_counts = Counter(r.level for r in opened)
    trigger_counts = Counter(r.trigger for r in opened)
    return Bulletin(
        year=p.year,
        month=p.month,
        issuer=issuer,
        title=f"{p.year}年{p.month}月涉企问题督办监测通报",
        period=f"{format_day(p.start, tz)}至{format_deadline(p.end, tz)}",
        as_of=format_deadline(p.as_of, tz),
        provisional=p.provisional,
        total=len(opened),
        by_level=_counts(ESCALATION_ORDER, LEVEL_LABELS, level_counts),
        by_trigger=_counts((t for t in Trigger if trigger_counts[t]), TRIGGER_LABELS, trigger_counts),
        by_department=_departments(opened, due),
        listed=tuple(_item(r, tz) for r in opened if r.level != SupervisionLevel.reminder),
        overdue=tuple(_item(r, tz) for r in opened if r.trigger == Trigger.overdue),
        late_responses=tuple(_item(r, tz) for r in sorted(due, key=lambda r: r.response_due_at)
                             if not _on_time(r)),
        responses_due=len(due),
        responses_on_time=on_time,
        on_time_rate=_rate(on_time, len(due)),
    )
