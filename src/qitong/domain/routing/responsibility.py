"""The responsibility list (职责清单) as pure rules: which version is in force on a day, and whether a
new version's period clashes with the others."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from qitong.domain.errors import Conflict, InvalidInput


@dataclass(frozen=True)
class Period:
    """An entry's validity: from `start` to `end` inclusive; `end` None means until further notice."""

    entry_id: int
    version: int
    start: date
    end: date | None

    def covers(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)


def check_period(start: date, end: date | None) -> None:
    if end is not None and end < start:
        raise InvalidInput("失效日期不能早于生效日期", field="effective_to")


def in_force(periods: Iterable[Period], day: date) -> Period | None:
    """The entry in force on `day`; where periods overlap (they should not), the highest version."""
    hits = [p for p in periods if p.covers(day)]
    return max(hits, key=lambda p: p.version) if hits else None


def _overlap(a_start: date, a_end: date | None, b: Period) -> bool:
    return (b.end is None or a_start <= b.end) and (a_end is None or b.start <= a_end)


def place(existing: Sequence[Period], start: date, end: date | None, *, ignore: int | None = None) -> Period | None:
    """Check a new period against the category's others. An open-ended earlier version is closed the
    day before the new one starts (returned, with its new end, for the caller to store); any other
    overlap is refused."""
    check_period(start, end)
    closed: Period | None = None
    for p in existing:
        if p.entry_id == ignore or not _overlap(start, end, p):
            continue
        if p.end is None and p.start < start and closed is None:
            closed = Period(p.entry_id, p.version, p.start, start - timedelta(days=1))
            continue
        until = p.end.isoformat() if p.end else "长期"
        raise Conflict(
            f"与第 {p.version} 版（{p.start.isoformat()} 至 {until}）的有效期重叠，请先调整该版本",
            field="effective_from",
        )
    return closed
