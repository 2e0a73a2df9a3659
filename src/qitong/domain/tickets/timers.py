"""The timers a ticket carries: pure. Given its stored deadlines and status, which events fall due
and when. The worker fires each at most once; the ticket keeps the time of its next one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from qitong.domain.tickets.lifecycle import CLOCK_PAUSED_STATUSES, OPEN_STATUSES, Status


class TimerKind(StrEnum):
    due_soon = "due_soon"  # 临期预警
    overdue = "overdue"  # 超期
    unsigned = "unsigned"  # 派单后超时未签收
    no_contact = "no_contact"  # 未在时限内联系企业
    enterprise_silent = "enterprise_silent"  # 答复后企业逾期未确认：中心可按超时办结
    escalation_due = "escalation_due"  # 超期过久：建议提级


TIMER_LABELS = {
    TimerKind.due_soon: "临期预警",
    TimerKind.overdue: "超期",
    TimerKind.unsigned: "超时未签收",
    TimerKind.no_contact: "超时未联系企业",
    TimerKind.enterprise_silent: "企业逾期未确认",
    TimerKind.escalation_due: "超期建议提级",
}


@dataclass(frozen=True)
class TimerFacts:
    status: Status
    stage_due_at: datetime | None
    contact_due_at: datetime | None
    contacted_at: datetime | None
    # when the due-soon warning fires, computed by the service from the calendar (e.g. the start of
    # the last working day) so this module stays free of calendars
    due_soon_at: datetime | None
    # when an overdue matter should be proposed for escalation (N working days late)
    escalation_at: datetime | None


@dataclass(frozen=True)
class Timer:
    kind: TimerKind
    at: datetime
    # the deadline the timer belongs to: with the ticket and kind, the key that makes it fire once
    due_at: datetime


def timers(f: TimerFacts) -> list[Timer]:
    """Every timer of the ticket's current stage, past or future."""
    if f.status not in OPEN_STATUSES or f.status in CLOCK_PAUSED_STATUSES or f.stage_due_at is None:
        return []
    due = f.stage_due_at
    out: list[Timer] = []
    if f.due_soon_at is not None and f.due_soon_at < due:
        out.append(Timer(TimerKind.due_soon, f.due_soon_at, due))
    out.append(Timer(_overdue_kind(f.status), due, due))
    if f.escalation_at is not None and f.status not in _CENTER_OWN:
        out.append(Timer(TimerKind.escalation_due, f.escalation_at, due))
    if f.contact_due_at is not None and f.contacted_at is None and f.status == Status.dispatched:
        out.append(Timer(TimerKind.no_contact, f.contact_due_at, f.contact_due_at))
    return out


_CENTER_OWN = frozenset({Status.awaiting_confirmation, Status.confirmed, Status.awaiting_verification,
                         Status.submitted, Status.accepted})


def _overdue_kind(status: Status) -> TimerKind:
    match status:
        case Status.dispatched:
            return TimerKind.unsigned
        case Status.signed:
            return TimerKind.no_contact
        case Status.awaiting_confirmation:
            return TimerKind.enterprise_silent
        case _:
            return TimerKind.overdue


def due(f: TimerFacts, now: datetime) -> list[Timer]:
    """The timers that should have fired by `now`."""
    return [t for t in timers(f) if t.at <= now]


def next_check(f: TimerFacts, after: datetime | None = None) -> datetime | None:
    """When the worker should next look at this ticket: the first timer (after `after`, if given)."""
    ats = [t.at for t in timers(f) if after is None or t.at > after]
    return min(ats) if ats else None


def plan(f: TimerFacts, now: datetime) -> tuple[list[Timer], datetime | None]:
    """`due(f, now)` and `next_check(f, after=now)` in one pass (the sweep needs both per ticket)."""
    fired: list[Timer] = []
    nxt: datetime | None = None
    for t in timers(f):
        if t.at <= now:
            fired.append(t)
        elif nxt is None or t.at < nxt:
            nxt = t.at
    return fired, nxt


def share_warning(start: datetime, due_at: datetime, share_left: float) -> datetime:
    """A warning when only `share_left` of the stage's time remains (e.g. 0.2 → at 80 %)."""
    return due_at - timedelta(seconds=(due_at - start).total_seconds() * share_left)
