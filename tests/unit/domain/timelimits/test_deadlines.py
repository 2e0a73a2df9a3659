from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qitong.domain.timelimits import (
    SHANGHAI,
    CountingPolicy,
    Due,
    WorkCalendar,
    WorkdayResult,
    due_after,
    due_after_hours,
    received_day,
    shift_for_pause,
    working_days_late,
)

CAL = WorkCalendar.from_chinese_calendar()


def local(y: int, m: int, d: int, h: int = 0, mi: int = 0, s: int = 0, us: int = 0) -> datetime:
    return datetime(y, m, d, h, mi, s, us, tzinfo=SHANGHAI)


def end_of(y: int, m: int, d: int) -> datetime:
    """The deadline instant closing local day y-m-d, in UTC."""
    return (local(y, m, d) + timedelta(days=1)).astimezone(UTC)


def due(at: datetime, provisional: bool = False) -> Due:
    return Due(at.astimezone(UTC), provisional)


# --- received day / cut-off ------------------------------------------------------------------------


def test_cutoff_edges() -> None:
    assert due_after(CAL, local(2026, 2, 12, 17, 29), 3) == due(end_of(2026, 2, 24))
    assert due_after(CAL, local(2026, 2, 12, 17, 29, 59, 999999), 3) == due(end_of(2026, 2, 24))
    # From 17:30 the event is received on Fri 13th: 14th (调休), 24th, 25th.
    assert due_after(CAL, local(2026, 2, 12, 17, 30), 3) == due(end_of(2026, 2, 25))


def test_weekend_event_is_received_on_monday() -> None:
    assert received_day(CAL, local(2026, 3, 7, 10)) == WorkdayResult(date(2026, 3, 9), False)
    assert due_after(CAL, local(2026, 3, 7, 10), 1) == due(end_of(2026, 3, 10))


def test_holiday_event_is_received_after_the_holiday() -> None:
    assert received_day(CAL, local(2026, 2, 16, 10)).day == date(2026, 2, 24)
    assert due_after(CAL, local(2026, 2, 16, 10), 1) == due(end_of(2026, 2, 25))
    assert received_day(CAL, local(2026, 10, 1, 9)).day == date(2026, 10, 8)


def test_adjusted_saturday_counts_as_a_working_day() -> None:
    assert received_day(CAL, local(2026, 2, 14, 10)).day == date(2026, 2, 14)
    assert due_after(CAL, local(2026, 2, 14, 10), 1) == due(end_of(2026, 2, 24))
    assert received_day(CAL, local(2026, 2, 14, 18)).day == date(2026, 2, 24)


def test_zero_days_ends_with_the_received_day() -> None:
    assert due_after(CAL, local(2026, 3, 5, 9), 0) == due(end_of(2026, 3, 5))
    assert due_after(CAL, local(2026, 3, 5, 18), 0) == due(end_of(2026, 3, 6))


def test_input_in_other_zone_is_converted_to_local_day() -> None:
    # 09:29 UTC is 17:29 in Shanghai; 16:00 UTC is already the next local day.
    assert received_day(CAL, datetime(2026, 2, 12, 9, 29, tzinfo=UTC)).day == date(2026, 2, 12)
    assert received_day(CAL, datetime(2026, 2, 12, 9, 30, tzinfo=UTC)).day == date(2026, 2, 13)
    assert received_day(CAL, datetime(2026, 2, 12, 16, 0, tzinfo=UTC)).day == date(2026, 2, 13)


def test_result_is_utc() -> None:
    at = due_after(CAL, local(2026, 3, 5, 9), 1).at
    assert at.tzinfo is UTC
    assert at == datetime(2026, 3, 6, 16, 0, tzinfo=UTC)


def test_year_end_is_provisional() -> None:
    assert due_after(CAL, local(2026, 12, 30, 10), 1) == due(end_of(2026, 12, 31))
    assert due_after(CAL, local(2026, 12, 31, 10), 1) == due(end_of(2027, 1, 1), provisional=True)
    assert due_after(CAL, local(2026, 12, 31, 18), 0) == due(end_of(2027, 1, 1), provisional=True)
    assert received_day(CAL, local(2027, 3, 1, 9)) == WorkdayResult(date(2027, 3, 1), True)


def test_custom_policy() -> None:
    policy = CountingPolicy(tz=ZoneInfo("UTC"), cutoff=time(12))
    at = datetime(2026, 3, 5, 12, tzinfo=UTC)
    assert received_day(CAL, at, policy).day == date(2026, 3, 6)
    assert due_after(CAL, at, 0, policy).at == datetime(2026, 3, 7, tzinfo=UTC)


def test_policy_cutoff_must_be_local() -> None:
    with pytest.raises(ValueError):
        CountingPolicy(cutoff=time(17, 30, tzinfo=UTC))


def test_naive_datetimes_are_rejected() -> None:
    naive = datetime(2026, 3, 5, 9)  # noqa: DTZ001
    aware = local(2026, 3, 5, 9)
    with pytest.raises(ValueError, match="时区"):
        due_after(CAL, naive, 1)
    with pytest.raises(ValueError):
        due_after_hours(CAL, naive, 1)
    with pytest.raises(ValueError):
        shift_for_pause(CAL, naive, aware, aware)
    with pytest.raises(ValueError):
        shift_for_pause(CAL, aware, naive, aware)
    with pytest.raises(ValueError):
        working_days_late(CAL, aware, naive)


# --- working hours ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("event", "hours", "expected"),
    [
        (local(2026, 2, 12, 9), 2, local(2026, 2, 12, 11)),
        (local(2026, 2, 12, 9), 0.5, local(2026, 2, 12, 9, 30)),
        (local(2026, 3, 5, 15, 30), 2, local(2026, 3, 5, 17, 30)),  # ends exactly at closing
        (local(2026, 3, 5, 7), 2, local(2026, 3, 5, 10, 30)),  # before opening
        (local(2026, 3, 5, 17, 30), 2, local(2026, 3, 6, 10, 30)),  # at closing
        (local(2026, 3, 7, 10), 2, local(2026, 3, 9, 10, 30)),  # Saturday
        (local(2026, 2, 16, 10), 2, local(2026, 2, 24, 10, 30)),  # Spring Festival
        (local(2026, 2, 13, 16, 30), 2, local(2026, 2, 14, 9, 30)),  # into an adjusted Saturday
        (local(2026, 2, 13, 16, 30), 20, local(2026, 2, 25, 9, 30)),  # 1 + 9 + 9 + 1
        (local(2026, 3, 5, 8, 30), 18, local(2026, 3, 6, 17, 30)),  # whole office days
        (local(2026, 3, 5, 7), 0, local(2026, 3, 5, 8, 30)),
        (local(2026, 3, 5, 10), 0, local(2026, 3, 5, 10)),
    ],
)
def test_due_after_hours(event: datetime, hours: float, expected: datetime) -> None:
    assert due_after_hours(CAL, event, hours) == due(expected)


def test_due_after_hours_custom_office_and_provisional() -> None:
    office = (time(9), time(12))
    assert due_after_hours(CAL, local(2026, 3, 5, 11), 2, office=office) == due(local(2026, 3, 6, 10))
    assert due_after_hours(CAL, local(2026, 12, 31, 16, 30), 2) == due(local(2027, 1, 1, 9, 30), True)


def test_due_after_hours_rejects_bad_input() -> None:
    with pytest.raises(ValueError):
        due_after_hours(CAL, local(2026, 3, 5, 9), -1)
    with pytest.raises(ValueError):
        due_after_hours(CAL, local(2026, 3, 5, 9), 1, office=(time(17), time(9)))


# --- pauses ----------------------------------------------------------------------------------------

DUE_FEB_24 = end_of(2026, 2, 24)


def test_pause_on_the_same_received_day_shifts_nothing() -> None:
    assert shift_for_pause(CAL, DUE_FEB_24, local(2026, 2, 24, 10), local(2026, 2, 24, 16)) == due(DUE_FEB_24)
    # 18:00 Thursday and 10:00 Friday are both received on Friday.
    assert shift_for_pause(CAL, DUE_FEB_24, local(2026, 3, 5, 18), local(2026, 3, 6, 10)) == due(DUE_FEB_24)


def test_pause_shifts_by_working_days() -> None:
    shifted = shift_for_pause(CAL, DUE_FEB_24, local(2026, 2, 24, 10), local(2026, 2, 26, 10))
    assert shifted == due(end_of(2026, 2, 26))


def test_pause_over_the_holiday_counts_only_working_days() -> None:
    # Received 13th and 24th: 14th (调休) and 24th lie in between.
    shifted = shift_for_pause(CAL, DUE_FEB_24, local(2026, 2, 13, 10), local(2026, 2, 24, 10))
    assert shifted == due(end_of(2026, 2, 26))


def test_pause_keeps_time_of_day_deadlines() -> None:
    shifted = shift_for_pause(CAL, local(2026, 3, 5, 10, 30), local(2026, 3, 5, 9), local(2026, 3, 9, 9))
    assert shifted == due(local(2026, 3, 9, 10, 30))


def test_pause_into_2027_is_provisional() -> None:
    shifted = shift_for_pause(CAL, end_of(2026, 12, 31), local(2026, 12, 30, 9), local(2026, 12, 31, 9))
    assert shifted == due(end_of(2027, 1, 1), provisional=True)


def test_resume_before_pause_is_rejected() -> None:
    with pytest.raises(ValueError, match="恢复时间"):
        shift_for_pause(CAL, DUE_FEB_24, local(2026, 2, 26, 10), local(2026, 2, 24, 10))


# --- lateness --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("now", "late"),
    [
        (local(2026, 2, 24, 23, 59), 0),
        (local(2026, 2, 25), 0),  # exactly at the deadline
        (local(2026, 2, 25, 0, 0, 1), 1),
        (local(2026, 2, 25, 23, 59), 1),
        (local(2026, 2, 26), 1),
        (local(2026, 2, 26, 0, 0, 1), 2),
        (local(2026, 3, 1, 9), 4),  # 25, 26, 27, 28 (调休 Saturday); 1st is a Sunday
        (local(2026, 3, 2, 9), 5),
    ],
)
def test_working_days_late(now: datetime, late: int) -> None:
    assert working_days_late(CAL, DUE_FEB_24, now) == late


def test_weekend_after_deadline_adds_nothing() -> None:
    due_fri = end_of(2026, 3, 6)
    assert working_days_late(CAL, due_fri, local(2026, 3, 8, 12)) == 0
    assert working_days_late(CAL, due_fri, local(2026, 3, 9, 9)) == 1


def test_late_on_the_day_of_a_time_of_day_deadline() -> None:
    assert working_days_late(CAL, local(2026, 3, 5, 10, 30), local(2026, 3, 5, 11)) == 1


# --- properties ------------------------------------------------------------------------------------

# Hypothesis wants naive bounds and attaches the zone itself.
events = st.datetimes(
    min_value=datetime(2004, 1, 1),  # noqa: DTZ001
    max_value=datetime(2026, 10, 31),  # noqa: DTZ001
    timezones=st.just(UTC),
)


@settings(deadline=None)
@given(events, st.integers(min_value=0, max_value=60))
def test_day_deadline_is_local_midnight_after_a_working_day(event: datetime, n: int) -> None:
    result = due_after(CAL, event, n).at
    end = result.astimezone(SHANGHAI)
    assert end.time() == time(0)
    last_day = end.date() - timedelta(days=1)
    assert CAL.is_workday(last_day)
    assert CAL.between(received_day(CAL, event).day, last_day).days == n
    assert result > event
    assert due_after(CAL, event, n + 1).at > result


@settings(deadline=None)
@given(events, st.integers(min_value=0, max_value=200), st.integers(min_value=0, max_value=200))
def test_working_hours_chain(event: datetime, quarters1: int, quarters2: int) -> None:
    h1, h2 = quarters1 / 4, quarters2 / 4
    first = due_after_hours(CAL, event, h1).at
    assert due_after_hours(CAL, first, h2) == due_after_hours(CAL, event, h1 + h2)


@settings(deadline=None)
@given(
    events,
    st.integers(min_value=0, max_value=30),
    st.integers(min_value=-3 * 24 * 60, max_value=30 * 24 * 60),
)
def test_late_counts_working_days_overlapping_the_overdue_period(
    event: datetime, n: int, minutes: int
) -> None:
    deadline = due_after(CAL, event, n).at
    now = deadline + timedelta(minutes=minutes)
    # Brute force: local working days whose [start, end) meets (deadline, now].
    day, overlapping = deadline.astimezone(SHANGHAI).date() - timedelta(days=1), 0
    while local(day.year, day.month, day.day) < now:
        start = local(day.year, day.month, day.day)
        if CAL.is_workday(day) and start + timedelta(days=1) > deadline:
            overlapping += 1
        day += timedelta(days=1)
    assert working_days_late(CAL, deadline, now) == (overlapping if minutes > 0 else 0)
