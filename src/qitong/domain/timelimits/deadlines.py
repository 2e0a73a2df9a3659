"""Deadlines as instants: when a limit of n working days (or hours) runs out.

The rule (see docs/timelimits.md):

* an event at local time t on day D is *received* on D if D is a working day
  and t < cutoff, otherwise on the next working day;
* counting starts the working day after the received day, and a limit of n
  working days ends at the END of the n-th of them, i.e. at local midnight
  starting the following calendar day (n == 0: end of the received day).

Every instant returned is aware and in UTC; naive datetimes are rejected.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from qitong.domain.timelimits.calendar import WorkCalendar, WorkdayResult

__all__ = [
    "DEFAULT_POLICY",
    "OFFICE_HOURS",
    "SHANGHAI",
    "CountingPolicy",
    "Due",
    "due_after",
    "due_after_hours",
    "received_day",
    "shift_for_pause",
    "working_days_late",
]

SHANGHAI = ZoneInfo("Asia/Shanghai")
OFFICE_HOURS = (time(8, 30), time(17, 30))
_ONE_DAY = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class CountingPolicy:
    tz: ZoneInfo = SHANGHAI
    cutoff: time = time(17, 30)

    def __post_init__(self) -> None:
        if self.cutoff.tzinfo is not None:
            raise ValueError("截止时刻应为当地时间，不能带时区")


DEFAULT_POLICY = CountingPolicy()


@dataclass(frozen=True, slots=True)
class Due:
    at: datetime
    provisional: bool


def _local(at: datetime, policy: CountingPolicy) -> datetime:
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError(f"时间必须带时区：{at.isoformat()}")
    return at.astimezone(policy.tz)


def _end_of(day: date, policy: CountingPolicy) -> datetime:
    return datetime.combine(day + _ONE_DAY, time(0), policy.tz).astimezone(UTC)


def received_day(
    calendar: WorkCalendar, event_at: datetime, policy: CountingPolicy = DEFAULT_POLICY
) -> WorkdayResult:
    """The working day an event counts as received on (cut-off rule)."""
    local = _local(event_at, policy)
    day = local.date()
    if calendar.is_workday(day) and local.time() < policy.cutoff:
        return WorkdayResult(day, not calendar.is_known(day))
    nxt = calendar.next_workday(day)
    return WorkdayResult(nxt.day, nxt.provisional or not calendar.is_known(day))


def due_after(
    calendar: WorkCalendar, event_at: datetime, days: int, policy: CountingPolicy = DEFAULT_POLICY
) -> Due:
    """End of the ``days``-th working day after the received day."""
    received = received_day(calendar, event_at, policy)
    end = calendar.add(received.day, days)
    return Due(_end_of(end.day, policy), received.provisional or end.provisional)


def due_after_hours(
    calendar: WorkCalendar,
    event_at: datetime,
    hours: float,
    policy: CountingPolicy = DEFAULT_POLICY,
    office: tuple[time, time] = OFFICE_HOURS,
) -> Due:
    """When ``hours`` of office time on working days have passed since the event.

    Only [office start, office end) on working days counts; lunch is not deducted
    and the cut-off does not apply (hours run from the event itself).
    """
    if hours < 0:
        raise ValueError(f"工作小时数不能为负数：{hours}")
    opens, closes = (_since_midnight(t) for t in office)
    day_len = closes - opens
    if day_len <= timedelta(0):
        raise ValueError("办公时间的结束须晚于开始")
    local = _local(event_at, policy)
    day, clock = local.date(), _since_midnight(local.time())
    provisional = not calendar.is_known(day)
    if not (calendar.is_workday(day) and clock < closes):
        nxt = calendar.next_workday(day)
        day, clock, provisional = nxt.day, opens, provisional or nxt.provisional
    clock = max(clock, opens)
    remaining = timedelta(hours=hours)
    if remaining <= closes - clock:
        offset = clock + remaining
    else:
        # Whole office days are skipped in one jump; the rest lands on the last day.
        full, rest = divmod(remaining - (closes - clock), day_len)
        skip = calendar.add(day, full + 1 if rest else full)
        day, provisional = skip.day, provisional or skip.provisional
        offset = opens + (rest or day_len)
    at = datetime.combine(day, time(0), policy.tz) + offset
    return Due(at.astimezone(UTC), provisional)


def _since_midnight(t: time) -> timedelta:
    return timedelta(hours=t.hour, minutes=t.minute, seconds=t.second, microseconds=t.microsecond)


def _deadline_day(due_at: datetime, policy: CountingPolicy) -> tuple[date, time | None]:
    """The local day a deadline belongs to, and its time of day (None = end of day)."""
    local = _local(due_at, policy)
    if local.time() == time(0):
        return local.date() - _ONE_DAY, None
    return local.date(), local.time()


def shift_for_pause(
    calendar: WorkCalendar,
    due_at: datetime,
    paused_at: datetime,
    resumed_at: datetime,
    policy: CountingPolicy = DEFAULT_POLICY,
) -> Due:
    """``due_at`` moved later by the working days between pause and resume.

    Both ends use received-day semantics, so a pause and resume on the same
    received day shift nothing.  The deadline keeps its time of day.
    """
    day, clock = _deadline_day(due_at, policy)
    paused = received_day(calendar, paused_at, policy)
    resumed = received_day(calendar, resumed_at, policy)
    if resumed_at < paused_at:
        raise ValueError("恢复时间不能早于暂停时间")
    gap = calendar.between(paused.day, resumed.day)
    provisional = paused.provisional or resumed.provisional or gap.provisional
    if gap.days == 0:
        return Due(due_at.astimezone(UTC), provisional)
    moved = calendar.add(day, gap.days)
    at = _end_of(moved.day, policy) if clock is None else datetime.combine(moved.day, clock, policy.tz).astimezone(UTC)
    return Due(at, provisional or moved.provisional)


def working_days_late(
    calendar: WorkCalendar, due_at: datetime, now: datetime, policy: CountingPolicy = DEFAULT_POLICY
) -> int:
    """Working days that overlap the overdue period (due_at, now]; 0 if not late.

    A deadline at the end of Monday is 1 day late from Tuesday 00:00 on, 2 days
    late from Wednesday 00:00 on; a weekend after it adds nothing.
    """
    local_due, local_now = _local(due_at, policy), _local(now, policy)
    if local_now <= local_due:
        return 0
    first = local_due.date()
    # A "now" of exactly midnight has not yet entered the new day.
    last = (local_now - timedelta(microseconds=1)).date()
    return max(0, calendar.between(first - _ONE_DAY, last).days)
