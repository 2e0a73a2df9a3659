"""Time limits: working-day calendar, SLA profiles and deadline arithmetic."""

from qitong.domain.timelimits.calendar import WorkCalendar, WorkdayCount, WorkdayResult
from qitong.domain.timelimits.deadlines import (
    DEFAULT_POLICY,
    OFFICE_HOURS,
    SHANGHAI,
    CountingPolicy,
    Due,
    due_after,
    due_after_hours,
    received_day,
    shift_for_pause,
    working_days_late,
)
from qitong.domain.timelimits.profiles import (
    PROFILES,
    Complexity,
    SlaProfile,
    UnknownProfile,
    get_profile,
    with_overrides,
)

__all__ = [
    "DEFAULT_POLICY",
    "OFFICE_HOURS",
    "PROFILES",
    "SHANGHAI",
    "Complexity",
    "CountingPolicy",
    "Due",
    "SlaProfile",
    "UnknownProfile",
    "WorkCalendar",
    "WorkdayCount",
    "WorkdayResult",
    "due_after",
    "due_after_hours",
    "get_profile",
    "received_day",
    "shift_for_pause",
    "with_overrides",
    "working_days_late",
]
