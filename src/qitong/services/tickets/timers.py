"""Keeping each ticket's next timer up to date, and the facts the pure timer rules need."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Protocol, cast

from sqlalchemy import Table

from qitong.db.bulk import Rows
from qitong.db.models import Ticket, TicketTimer
from qitong.domain.tickets.lifecycle import Status
from qitong.domain.tickets.timers import TimerFacts, next_check, share_warning
from qitong.domain.timelimits import CountingPolicy, WorkCalendar
from qitong.settings import Settings

# stages measured in hours (signing for a dispatch) warn when a quarter of their time is left
_SHORT_STAGE = timedelta(hours=24)


def _deadline_day(due_at: datetime, policy: CountingPolicy) -> datetime:
    return (due_at - timedelta(microseconds=1)).astimezone(policy.tz)


def due_soon_at(t: TimerSource, cal: WorkCalendar, policy: CountingPolicy, settings: Settings) -> datetime | None:
    due = t.stage_due_at
    if due is None:
        return None
    mode, entered = settings.due_soon_mode, t.stage_entered_at
    if entered is not None and (mode.startswith("share:") or due - entered <= _SHORT_STAGE):
        share = float(mode.removeprefix("share:")) if mode.startswith("share:") else 0.25
        return share_warning(entered, due, share)
    day = _deadline_day(due, policy).date()
    # the start of the deadline's last working day (itself, if the deadline falls on one)
    last = day if cal.is_workday(day) else cal.add(day, 0).day
    warn = datetime.combine(last, time(0), policy.tz).astimezone(UTC)
    # a warning at the moment the stage begins tells nobody anything
    return None if entered is not None and warn <= entered else warn


def escalation_at(t: TimerSource, cal: WorkCalendar, policy: CountingPolicy, settings: Settings) -> datetime | None:
    if t.stage_due_at is None:
        return None
    day = _deadline_day(t.stage_due_at, policy).date()
    later = cal.add(day, settings.escalate_after_overdue_days).day
    return datetime.combine(later + timedelta(days=1), time(0), policy.tz).astimezone(UTC)


class TimerSource(Protocol):
    """What the timers read of a ticket: an ORM Ticket, or a row of just these columns (the sweep)."""

    @property
    def status(self) -> Status: ...
    @property
    def stage_due_at(self) -> datetime | None: ...
    @property
    def contact_due_at(self) -> datetime | None: ...
    @property
    def contacted_at(self) -> datetime | None: ...
    @property
    def stage_entered_at(self) -> datetime | None: ...


def facts(t: TimerSource, cal: WorkCalendar, policy: CountingPolicy, settings: Settings) -> TimerFacts:
    return FactsMaker(cal, policy, settings)(t)


class FactsMaker:
    """`facts` for many tickets at once: the calendar arithmetic is remembered per deadline, since
    the tickets a sweep picks up mostly share their deadlines (limits end at a day's boundary)."""

    def __init__(self, cal: WorkCalendar, policy: CountingPolicy, settings: Settings) -> None:
        self.cal, self.policy, self.settings = cal, policy, settings
        self._soon: dict[tuple[datetime | None, datetime | None], datetime | None] = {}
        self._escalation: dict[datetime | None, datetime | None] = {}

    def __call__(self, t: TimerSource) -> TimerFacts:
        key = (t.stage_due_at, t.stage_entered_at)
        if key not in self._soon:
            self._soon[key] = due_soon_at(t, self.cal, self.policy, self.settings)
        if t.stage_due_at not in self._escalation:
            self._escalation[t.stage_due_at] = escalation_at(t, self.cal, self.policy, self.settings)
        return TimerFacts(
            status=Status(t.status),
            stage_due_at=t.stage_due_at,
            contact_due_at=t.contact_due_at,
            contacted_at=t.contacted_at,
            due_soon_at=self._soon[key],
            escalation_at=self._escalation[t.stage_due_at],
        )


def refresh(t: Ticket, cal: WorkCalendar, policy: CountingPolicy, settings: Settings,
            after: datetime | None = None) -> None:
    """Point the ticket at its first timer (after `after`: what the sweep has just fired)."""
    at = next_check(facts(t, cal, policy, settings), after)
    if t.timer is None:
        t.timer = TicketTimer(next_check_at=at)
    elif t.timer.next_check_at != at:
        t.timer.next_check_at = at


def first_row(t: Ticket, cal: WorkCalendar, policy: CountingPolicy, settings: Settings) -> Rows:
    """A new ticket's timer as a row for `db.bulk.write_tables` (intake's one write; `t.timer` then loads
    it from the database if the transaction touches it again)."""
    at = next_check(facts(t, cal, policy, settings))
    return Rows(cast(Table, TicketTimer.__table__), [{"ticket_id": t.id, "next_check_at": at}])
