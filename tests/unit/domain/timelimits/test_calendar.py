from __future__ import annotations

from datetime import date, timedelta

import chinese_calendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qitong.domain.timelimits import WorkCalendar, WorkdayCount, WorkdayResult

CAL = WorkCalendar.from_chinese_calendar()
# Local days off in a known and an unknown year, a stray one far outside the span,
# a Saturday made a working day, and 2027 loaded as a full official schedule.
CAL_2027 = WorkCalendar.from_chinese_calendar(
    overrides={
        date(2026, 2, 13): False,
        date(1999, 5, 3): False,
        date(2028, 3, 1): False,
        date(2027, 1, 1): False,
        date(2027, 2, 6): True,
        date(2027, 2, 8): False,
    },
    loaded_years=[2027],
)
ONE = timedelta(days=1)


def _brute_between(cal: WorkCalendar, a: date, b: date) -> int:
    lo, hi, sign = (a, b, 1) if a <= b else (b, a, -1)
    return sign * sum(cal.is_workday(lo + timedelta(days=i)) for i in range(1, (hi - lo).days + 1))


# --- contract --------------------------------------------------------------------------------------


def test_contract_spring_festival_2026() -> None:
    assert CAL.add(date(2026, 2, 12), 3) == WorkdayResult(date(2026, 2, 24), provisional=False)
    assert CAL.between(date(2026, 2, 12), date(2026, 2, 24)) == WorkdayCount(3, provisional=False)


def test_spring_festival_2026_adjusted_saturdays_and_holiday() -> None:
    assert CAL.is_workday(date(2026, 2, 14))  # Saturday, 调休
    assert CAL.is_workday(date(2026, 2, 28))  # Saturday, 调休
    assert not CAL.is_workday(date(2026, 2, 7))  # an ordinary Saturday
    for day in range(15, 24):
        assert not CAL.is_workday(date(2026, 2, day))
    assert CAL.is_workday(date(2026, 2, 24))
    # Feb 14, 24, 25, 26, 27, 28.
    assert CAL.between(date(2026, 2, 13), date(2026, 2, 28)).days == 6
    assert CAL.add(date(2026, 2, 13), 1).day == date(2026, 2, 14)
    assert CAL.add(date(2026, 2, 14), 1).day == date(2026, 2, 24)


def test_national_day_2026() -> None:
    # Package data: Mid-Autumn 9-25..9-27, National Day 10-1..10-7, 调休 9-20 (Sun) and 10-10 (Sat).
    assert CAL.is_workday(date(2026, 9, 20))
    assert CAL.is_workday(date(2026, 10, 10))
    assert not CAL.is_workday(date(2026, 9, 25))
    assert all(not CAL.is_workday(date(2026, 10, d)) for d in range(1, 8))
    assert CAL.add(date(2026, 9, 18), 1).day == date(2026, 9, 20)
    assert CAL.add(date(2026, 9, 30), 1).day == date(2026, 10, 8)
    assert CAL.add(date(2026, 10, 8), 2).day == date(2026, 10, 10)
    assert CAL.between(date(2026, 9, 30), date(2026, 10, 10)).days == 3


def test_new_year_2026_adjusted_sunday() -> None:
    assert CAL.add(date(2025, 12, 31), 1) == WorkdayResult(date(2026, 1, 4), provisional=False)


# --- add / between branches ------------------------------------------------------------------------


def test_add_zero_on_workday_and_day_off() -> None:
    assert CAL.add(date(2026, 2, 12), 0) == WorkdayResult(date(2026, 2, 12), False)
    assert CAL.add(date(2026, 2, 15), 0) == WorkdayResult(date(2026, 2, 24), False)
    assert CAL.add(date(2027, 1, 2), 0) == WorkdayResult(date(2027, 1, 4), True)


def test_add_rejects_negative() -> None:
    with pytest.raises(ValueError):
        CAL.add(date(2026, 1, 5), -1)


def test_next_workday() -> None:
    assert CAL.next_workday(date(2026, 2, 13)).day == date(2026, 2, 14)
    assert CAL.next_workday(date(2026, 2, 12)).day == date(2026, 2, 13)


def test_between_same_day_and_negative() -> None:
    assert CAL.between(date(2026, 2, 12), date(2026, 2, 12)) == WorkdayCount(0, False)
    assert CAL.between(date(2026, 2, 24), date(2026, 2, 12)) == WorkdayCount(-3, False)
    assert CAL.between(date(2027, 3, 1), date(2027, 3, 1)) == WorkdayCount(0, False)


def test_year_end_2026_into_2027_is_provisional_weekends_only() -> None:
    assert CAL.add(date(2026, 12, 30), 1) == WorkdayResult(date(2026, 12, 31), False)
    # 2027-01-01 is a Friday; without a schedule it counts as a working day.
    assert CAL.add(date(2026, 12, 31), 1) == WorkdayResult(date(2027, 1, 1), True)
    assert CAL.add(date(2026, 12, 30), 3) == WorkdayResult(date(2027, 1, 4), True)
    assert CAL.between(date(2026, 12, 31), date(2027, 1, 4)) == WorkdayCount(2, True)
    assert CAL.add(date(2027, 2, 5), 1) == WorkdayResult(date(2027, 2, 8), True)
    assert not CAL.is_workday(date(2027, 2, 6))
    assert CAL.is_workday(date(2027, 2, 8))


def test_before_2004_is_provisional() -> None:
    # 2004-01-01 is a holiday; only 2003-12-31 is in an unknown year.
    assert CAL.add(date(2003, 12, 30), 3) == WorkdayResult(date(2004, 1, 5), True)
    assert CAL.add(date(2003, 12, 31), 1) == WorkdayResult(date(2004, 1, 2), False)
    assert CAL.between(date(2003, 12, 1), date(2003, 12, 31)) == WorkdayCount(22, True)


def test_far_outside_the_span_uses_weekday_formula() -> None:
    a, b = date(1990, 1, 1), date(2100, 6, 30)
    assert CAL.between(a, date(1990, 1, 31)).days == 22  # Mon 1st itself is excluded
    assert CAL.add(date(2100, 6, 25), 1).day == date(2100, 6, 28)  # Fri -> Mon
    assert CAL.add(date(1990, 1, 5), 5).day == date(1990, 1, 12)
    assert CAL.between(a, b).days == -CAL.between(b, a).days
    assert CAL.add(a, CAL.between(a, b).days).day == date(2100, 6, 30)


def test_is_known() -> None:
    assert CAL.is_known(date(2004, 1, 1))
    assert CAL.is_known(date(2026, 12, 31))
    assert not CAL.is_known(date(2027, 1, 1))
    assert not CAL.is_known(date(2003, 12, 31))
    assert CAL.known_years == frozenset(range(2004, 2027))


def test_matches_package_every_day_of_known_range() -> None:
    day = date(2004, 1, 1)
    while day.year <= 2026:
        assert CAL.is_workday(day) == chinese_calendar.is_workday(day), day
        day += ONE


# --- overrides -------------------------------------------------------------------------------------


def test_local_day_off_in_known_year() -> None:
    assert not CAL_2027.is_workday(date(2026, 2, 13))
    assert CAL_2027.add(date(2026, 2, 12), 3).day == date(2026, 2, 25)


def test_loaded_official_schedule_makes_2027_known() -> None:
    assert CAL_2027.is_known(date(2027, 6, 1))
    assert not CAL_2027.is_known(date(2028, 1, 1))
    assert CAL_2027.add(date(2026, 12, 31), 1) == WorkdayResult(date(2027, 1, 4), False)
    assert CAL_2027.is_workday(date(2027, 2, 6))  # Saturday made a working day
    assert not CAL_2027.is_workday(date(2027, 2, 8))  # Monday made a day off
    assert CAL_2027.between(date(2027, 2, 5), date(2027, 2, 9)) == WorkdayCount(2, False)
    assert CAL_2027.add(date(2027, 12, 31), 1) == WorkdayResult(date(2028, 1, 3), True)


def test_local_day_off_in_unknown_year_still_applies() -> None:
    assert not CAL_2027.is_workday(date(2028, 3, 1))
    assert CAL_2027.add(date(2028, 2, 29), 1) == WorkdayResult(date(2028, 3, 2), True)
    assert not CAL_2027.is_workday(date(1999, 5, 3))
    assert not CAL_2027.is_known(date(1999, 5, 3))
    assert CAL_2027.between(date(1999, 5, 1), date(1999, 5, 7)) == WorkdayCount(4, True)


def test_working_day_override_without_loading_stays_provisional() -> None:
    cal = WorkCalendar.from_chinese_calendar({date(2027, 1, 9): True})
    assert cal.is_workday(date(2027, 1, 9))
    assert cal.add(date(2027, 1, 8), 1) == WorkdayResult(date(2027, 1, 9), True)


def test_loaded_year_replaces_package_data() -> None:
    cal = WorkCalendar.from_chinese_calendar({date(2026, 10, 1): False}, loaded_years=[2026])
    assert cal.is_workday(date(2026, 2, 16))  # package holiday, not in the loaded schedule
    assert not cal.is_workday(date(2026, 2, 14))  # package 调休, not in the loaded schedule
    assert not cal.is_workday(date(2026, 10, 1))
    assert cal.is_known(date(2026, 2, 16))


def test_gap_year_between_package_and_loaded_year_is_provisional() -> None:
    cal = WorkCalendar.from_chinese_calendar(loaded_years=[2029])
    assert not cal.is_known(date(2027, 5, 5))
    assert cal.is_known(date(2029, 5, 5))
    assert cal.add(date(2027, 5, 5), 1).provisional
    assert not cal.add(date(2029, 5, 7), 1).provisional


def test_needs_a_known_year() -> None:
    with pytest.raises(ValueError):
        WorkCalendar(official_days_off=[], official_workdays=[], official_years=[])


def test_plain_constructor_ignores_official_days_outside_official_years() -> None:
    cal = WorkCalendar(
        official_days_off=[date(2030, 1, 1), date(2031, 1, 1)],
        official_workdays=[date(2031, 1, 4)],
        official_years=[2030],
    )
    assert not cal.is_workday(date(2030, 1, 1))
    assert cal.is_workday(date(2031, 1, 1))
    assert not cal.is_workday(date(2031, 1, 4))


def test_immutable() -> None:
    with pytest.raises(AttributeError):
        CAL.colour = "red"
    assert "2004..2026" in repr(CAL)


# --- properties ------------------------------------------------------------------------------------

dates = st.dates(min_value=date(2003, 12, 1), max_value=date(2027, 12, 31))
counts = st.integers(min_value=0, max_value=400)
calendars = st.sampled_from([CAL, CAL_2027])


@settings(deadline=None)
@given(calendars, dates, counts)
def test_add_lands_on_a_working_day_counted_by_between(cal: WorkCalendar, d: date, n: int) -> None:
    result = cal.add(d, n).day
    assert cal.is_workday(result)
    if n == 0:
        assert result == d if cal.is_workday(d) else cal.between(d, result).days == 1
    else:
        assert result > d
        assert cal.between(d, result).days == n
        assert not cal.is_workday(result - ONE) or cal.between(d, result - ONE).days == n - 1


@settings(deadline=None)
@given(calendars, dates, counts, st.integers(min_value=1, max_value=50))
def test_add_is_monotonic_in_n(cal: WorkCalendar, d: date, n: int, k: int) -> None:
    # Strictly from n >= 1; from a day off, n == 0 and n == 1 both give the next working day.
    assert cal.add(d, n).day <= cal.add(d, n + k).day
    if n >= 1 or cal.is_workday(d):
        assert cal.add(d, n).day < cal.add(d, n + k).day


@settings(deadline=None)
@given(calendars, dates, dates, counts)
def test_add_is_monotonic_in_d(cal: WorkCalendar, a: date, b: date, n: int) -> None:
    a, b = min(a, b), max(a, b)
    assert cal.add(a, n).day <= cal.add(b, n).day


@settings(deadline=None)
@given(calendars, dates, dates, dates)
def test_between_is_antisymmetric_and_additive(cal: WorkCalendar, a: date, b: date, c: date) -> None:
    assert cal.between(a, b).days == -cal.between(b, a).days
    assert cal.between(a, b).days + cal.between(b, c).days == cal.between(a, c).days


@settings(deadline=None)
@given(calendars, dates, st.integers(min_value=-60, max_value=60))
def test_between_matches_day_by_day_count(cal: WorkCalendar, a: date, delta: int) -> None:
    b = a + timedelta(days=delta)
    assert cal.between(a, b).days == _brute_between(cal, a, b)


@settings(deadline=None)
@given(dates, counts)
def test_provisional_exactly_when_an_unknown_year_is_examined(d: date, n: int) -> None:
    result = CAL.add(d, n)
    first = d if n == 0 else d + ONE
    years = range(first.year, result.day.year + 1)
    assert result.provisional == any(y not in range(2004, 2027) for y in years)


@settings(deadline=None)
@given(
    st.dates(min_value=date(2004, 1, 1), max_value=date(2026, 11, 30)),
    st.integers(min_value=1, max_value=20),
)
def test_agrees_with_chinese_calendar_find_workday(d: date, n: int) -> None:
    # find_workday(n, d) first moves to the first working day >= d, then n working
    # days on; from a day off that is one more than "n-th working day after d".
    expected = chinese_calendar.find_workday(n if chinese_calendar.is_workday(d) else n - 1, d)
    assert CAL.add(d, n) == WorkdayResult(expected, False)
