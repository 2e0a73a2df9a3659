"""Working-day arithmetic on the official Chinese calendar (holidays and 调休).

The calendar is built once into a sorted tuple of working-day ordinals covering
the "span": every year with a known schedule plus every overridden date.  A
day's *rank* is the number of working days up to and including it, counted from
a fixed origin; ``between`` is a difference of ranks and ``add`` selects by rank,
so both are O(log n) whatever the distance.  Outside the span only weekends are
days off, and ranks there come from a closed formula (O(1)).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, NoReturn

__all__ = ["WorkCalendar", "WorkdayCount", "WorkdayResult"]


@dataclass(frozen=True, slots=True)
class WorkdayResult:
    """A working day; ``provisional`` when a year it depends on has no known schedule."""

    day: date
    provisional: bool


@dataclass(frozen=True, slots=True)
class WorkdayCount:
    """A signed count of working days; ``provisional`` as for :class:`WorkdayResult`."""

    days: int
    provisional: bool


def _weekdays_upto(ordinal: int) -> int:
    """Mon–Fri days in (-inf, ordinal], shifted so only differences matter.

    Ordinal 1 (0001-01-01) is a Monday, so ``ordinal - 1`` counts days from a Monday.
    """
    weeks, dow = divmod(ordinal - 1, 7)
    return 5 * weeks + min(dow, 4) + 1


def _weekday_with_count(count: int) -> int:
    """Inverse of :func:`_weekdays_upto` on Mon–Fri days."""
    weeks, dow = divmod(count - 1, 5)
    return 7 * weeks + dow + 1


def _year_runs(years: Iterable[int]) -> list[tuple[int, int]]:
    """Maximal runs of consecutive years, as (first, last).

    Kept as ordinal ranges, they turn "is every day of [a, b] in a known year"
    into one bisect, with no date objects built in the hot path.
    """
    runs: list[tuple[int, int]] = []
    for year in sorted(years):
        if runs and runs[-1][1] == year - 1:
            runs[-1] = (runs[-1][0], year)
        else:
            runs.append((year, year))
    return runs


class WorkCalendar:
    """Immutable working-day calendar; build it once and share it.

    Every day is a working day or a day off:

    * years with an official schedule (the package's years, or ``loaded_years``):
      Mon–Fri work unless listed as a holiday, Sat/Sun off unless listed as an
      adjusted working day (调休);
    * other years: Mon–Fri work, Sat/Sun off, and results are *provisional*;
    * ``overrides`` win everywhere (True = working day, False = day off).  An
      override never makes its year known: only ``loaded_years`` do that.
    """

    __slots__ = ("_days", "_hi", "_hi_base", "_known", "_lo", "_lo_base", "_run_ends", "_run_starts")

    _days: tuple[int, ...]
    _lo: int
    _hi: int
    _lo_base: int
    _hi_base: int
    _known: frozenset[int]
    _run_starts: tuple[int, ...]
    _run_ends: tuple[int, ...]

    def __init__(
        self,
        *,
        official_days_off: Iterable[date],
        official_workdays: Iterable[date],
        official_years: Iterable[int],
        overrides: Mapping[date, bool] | None = None,
        loaded_years: Iterable[int] = (),
    ) -> None:
        overrides = dict(overrides or {})
        loaded = frozenset(loaded_years)
        # A loaded schedule replaces the package's data for that year, so an admin
        # can correct a year the package got wrong.
        package_years = frozenset(official_years) - loaded
        known = package_years | loaded
        if not known:
            raise ValueError("日历至少需要一个已知年份")
        special: dict[int, bool] = {}
        for d in official_days_off:
            if d.year in package_years:
                special[d.toordinal()] = False
        for d in official_workdays:
            if d.year in package_years:
                special[d.toordinal()] = True
        for d, working in overrides.items():
            special[d.toordinal()] = bool(working)
        lo = min(date(min(known), 1, 1).toordinal(), *special)
        hi = max(date(max(known), 12, 31).toordinal(), *special)
        # A tuple, not an array: bisect on boxed ints is about twice as fast.
        days = tuple(o for o in range(lo, hi + 1) if special.get(o, (o - 1) % 7 < 5))
        init = object.__setattr__
        init(self, "_days", days)
        init(self, "_lo", lo)
        init(self, "_hi", hi)
        # Ranks outside the span continue the weekday formula from the span's edges.
        init(self, "_lo_base", _weekdays_upto(lo - 1))
        init(self, "_hi_base", _weekdays_upto(hi))
        init(self, "_known", known)
        runs = _year_runs(known)
        init(self, "_run_starts", tuple(date(a, 1, 1).toordinal() for a, _ in runs))
        init(self, "_run_ends", tuple(date(b, 12, 31).toordinal() for _, b in runs))

    @classmethod
    def from_chinese_calendar(
        cls,
        overrides: Mapping[date, bool] | None = None,
        loaded_years: Iterable[int] = (),
    ) -> WorkCalendar:
        """The calendar of the ``chinese_calendar`` package plus local overrides."""
        from chinese_calendar import constants

        holidays: Mapping[date, Any] = constants.holidays
        workdays: Mapping[date, Any] = constants.workdays
        # The package supports whole years between its first and last holiday.
        first, last = min(holidays).year, max(holidays).year
        return cls(
            official_days_off=holidays,
            official_workdays=workdays,
            official_years=range(first, last + 1),
            overrides=overrides,
            loaded_years=loaded_years,
        )

    def __setattr__(self, name: str, value: object) -> NoReturn:
        raise AttributeError("WorkCalendar is immutable")

    def __repr__(self) -> str:
        years = sorted(self._known)
        return f"WorkCalendar(known_years={years[0]}..{years[-1]} ({len(years)}), workdays={len(self._days)})"

    @property
    def known_years(self) -> frozenset[int]:
        return self._known

    def is_known(self, d: date) -> bool:
        """Whether ``d``'s year has an official schedule (package or loaded)."""
        return d.year in self._known

    def is_workday(self, d: date) -> bool:
        o = d.toordinal()
        if self._lo <= o <= self._hi:
            i = bisect_left(self._days, o)
            return i < len(self._days) and self._days[i] == o
        return (o - 1) % 7 < 5

    def add(self, d: date, n: int) -> WorkdayResult:
        """The n-th working day strictly after ``d``; for n == 0, ``d`` or the next working day."""
        if n < 0:
            raise ValueError(f"工作日数不能为负数：{n}")
        o = d.toordinal()
        rank = self._rank(o)
        if n == 0:
            # The answer hinges on d's own status, so d's year matters too.
            result = o if self._rank(o - 1) != rank else self._select(rank + 1)
            first = o
        else:
            result = self._select(rank + n)
            first = o + 1
        return WorkdayResult(date.fromordinal(result), self._provisional(first, result))

    def next_workday(self, d: date) -> WorkdayResult:
        """The first working day strictly after ``d``."""
        return self.add(d, 1)

    def between(self, a: date, b: date) -> WorkdayCount:
        """Working days in (a, b]; negative (the count in (b, a]) when b < a."""
        oa, ob = a.toordinal(), b.toordinal()
        count = self._rank(ob) - self._rank(oa)
        if oa == ob:
            return WorkdayCount(0, False)
        lo, hi = (oa, ob) if oa < ob else (ob, oa)
        return WorkdayCount(count, self._provisional(lo + 1, hi))

    def _rank(self, o: int) -> int:
        """Working days in (-inf, o], relative to the day before the span (rank 0)."""
        if self._lo <= o <= self._hi:
            return bisect_right(self._days, o)
        if o < self._lo:
            return _weekdays_upto(o) - self._lo_base
        return len(self._days) + _weekdays_upto(o) - self._hi_base

    def _select(self, rank: int) -> int:
        """The working day whose rank is ``rank``."""
        if rank <= 0:
            return _weekday_with_count(rank + self._lo_base)
        if rank > len(self._days):
            return _weekday_with_count(rank - len(self._days) + self._hi_base)
        return self._days[rank - 1]

    def _provisional(self, first: int, last: int) -> bool:
        """Whether any day in the ordinals [first, last] lies in an unknown year."""
        i = bisect_right(self._run_starts, first) - 1
        return i < 0 or last > self._run_ends[i]
