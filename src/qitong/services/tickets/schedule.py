"""Turning the profile's limits into the deadlines stored on a ticket."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from qitong.db.models import Ticket
from qitong.domain.tickets.lifecycle import Status
from qitong.domain.tickets.stages import StageLimit, stage_limit
from qitong.domain.tickets.vocab import Complexity
from qitong.domain.timelimits import (
    CountingPolicy,
    Due,
    SlaProfile,
    WorkCalendar,
    due_after,
    due_after_hours,
    shift_for_pause,
)

DEADLINE_FIELDS = ("stage_due_at", "contact_due_at", "reply_due_at", "resolve_due_at")


class Scheduler:
    def __init__(self, cal: WorkCalendar, policy: CountingPolicy, profile: SlaProfile) -> None:
        self.cal, self.policy, self.profile = cal, policy, profile

    def after(self, at: datetime, days: int) -> Due:
        return due_after(self.cal, at, days, self.policy)

    def start_handling_clock(self, t: Ticket, at: datetime, special_days: int | None = None) -> None:
        """On dispatch and redispatch: contact, reply and resolve limits run from now.

        A 特别疑难 matter gets the days the center sets by hand; the profile's figure is a fallback."""
        c = Complexity(t.complexity)
        reply, resolve = self.profile.reply_days[c], self.profile.resolve_days[c]
        if c == Complexity.special and special_days is not None:
            reply = resolve = special_days
        dues = (
            self.after(at, self.profile.contact_days),
            self.after(at, reply),
            self.after(at, resolve),
        )
        t.contact_due_at, t.reply_due_at, t.resolve_due_at = (d.at for d in dues)
        t.deadlines_provisional = any(d.provisional for d in dues)

    def enter_stage(self, t: Ticket, status: Status, at: datetime) -> None:
        """Set the deadline of the stage the ticket has just entered."""
        limit = stage_limit(status, self.profile)
        t.stage_entered_at = at
        if limit is None:
            t.stage_due_at = None
            return
        due = self._due(t, limit, at)
        t.stage_due_at = due.at
        t.deadlines_provisional = t.deadlines_provisional or due.provisional

    def _due(self, t: Ticket, limit: StageLimit, at: datetime) -> Due:
        if limit.follows is not None:
            stored = getattr(t, limit.follows.value)
            if stored is not None:
                return Due(stored, False)
            return self.after(at, self.profile.reply_days[Complexity(t.complexity)])
        if limit.hours is not None:
            return due_after_hours(self.cal, at, limit.hours, self.policy)
        return self.after(at, limit.days or 0)

    def extend(self, t: Ticket, days: int) -> None:
        """An approved extension moves the reply and resolve deadlines on by `days` working days."""
        for name in ("reply_due_at", "resolve_due_at", "stage_due_at"):
            due = getattr(t, name)
            if due is not None:
                moved = self._add_to_deadline(due, days)
                setattr(t, name, moved.at)
                t.deadlines_provisional = t.deadlines_provisional or moved.provisional

    def _add_to_deadline(self, due_at: datetime, days: int) -> Due:
        local = (due_at - timedelta(microseconds=1)).astimezone(self.policy.tz)
        moved = self.cal.add(local.date(), days)
        end = datetime.combine(moved.day + timedelta(days=1), time(0), self.policy.tz).astimezone(UTC)
        return Due(end, moved.provisional)

    def resume(self, t: Ticket, paused_at: datetime, at: datetime) -> None:
        """The clock was stopped while suspended: every deadline moves by the working days lost."""
        for name in DEADLINE_FIELDS:
            due = getattr(t, name)
            if due is not None:
                moved = shift_for_pause(self.cal, due, paused_at, at, self.policy)
                setattr(t, name, moved.at)
                t.deadlines_provisional = t.deadlines_provisional or moved.provisional
