"""When supervision opens by itself: the rules, evaluated on a frozen snapshot of one ticket.

Guangxi's three levels (seeds/02 二(七)) and Jinan's four must-supervise matters (seeds/03 三(三)):

* reminder — unsigned past the signing limit, no contact with the enterprise in time, overdue
  (the reply limit passed), due soon (Jinan: 临近办理时限), a major matter, repeated reports;
* listed — buck-passing (returned twice or more), two dissatisfied ratings, repeated non-compliant
  closure requests (the center sent the reply back twice or more);
* interview — never automatic: a supervisor decides it, with a reason (`Trigger.manual`).

`evaluate` says what holds now; `occurrence` names the fact that holds, so a service opens one
supervision per occurrence — the same overdue deadline never opens twice, a new deadline (after
an extension or a redispatch) may.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import NamedTuple

from qitong.domain.supervision.levels import SupervisionLevel
from qitong.domain.tickets.lifecycle import OPEN_STATUSES, Status


class Trigger(StrEnum):
    unsigned = "unsigned"
    overdue = "overdue"
    no_contact = "no_contact"
    due_soon = "due_soon"
    buck_passing = "buck_passing"
    dissatisfied_twice = "dissatisfied_twice"
    noncompliant_closure = "noncompliant_closure"
    major = "major"
    repeated = "repeated"
    manual = "manual"


TRIGGER_LABELS: Mapping[Trigger, str] = {
    Trigger.unsigned: "超时未签收",
    Trigger.overdue: "超期未办结",
    Trigger.no_contact: "未按时联系企业",
    Trigger.due_soon: "临近办理时限",
    Trigger.buck_passing: "推诿扯皮（多次退回）",
    Trigger.dissatisfied_twice: "办理结果两次不满意",
    Trigger.noncompliant_closure: "多次申请办结不规范",
    Trigger.major: "重大事项",
    Trigger.repeated: "企业多次或集中反映",
    Trigger.manual: "督查督办决定",
}

AUTOMATIC_LEVELS: Mapping[Trigger, SupervisionLevel] = {
    Trigger.unsigned: SupervisionLevel.reminder,
    Trigger.overdue: SupervisionLevel.reminder,
    Trigger.no_contact: SupervisionLevel.reminder,
    Trigger.due_soon: SupervisionLevel.reminder,
    Trigger.major: SupervisionLevel.reminder,
    Trigger.repeated: SupervisionLevel.reminder,
    Trigger.buck_passing: SupervisionLevel.listed,
    Trigger.dissatisfied_twice: SupervisionLevel.listed,
    Trigger.noncompliant_closure: SupervisionLevel.listed,
}

# the lead unit holds the ticket: signing, contacting, handling, its leader's sign-off
DEPARTMENT_STAGES = frozenset(
    {Status.dispatched, Status.signed, Status.handling, Status.extension_requested, Status.awaiting_sign_off}
)


@dataclass(frozen=True)
class Thresholds:
    buck_passing_returns: int = 2
    dissatisfied_ratings: int = 2
    noncompliant_send_backs: int = 2
    # deadlines end at midnight after a working day, so 24 hours = "on the last day"
    due_soon: timedelta = timedelta(hours=24)
    # the first rule for repeated reports (services.supervision.concentrated)
    repeated_tickets: int = 3
    repeated_window_days: int = 30


DEFAULT_THRESHOLDS = Thresholds()


@dataclass(frozen=True)
class SupervisionFacts:
    """What the rules read about one ticket. Datetimes are aware."""

    status: Status
    lead_unit_id: int | None
    stage_due_at: datetime | None = None
    contact_due_at: datetime | None = None
    reply_due_at: datetime | None = None
    signed_at: datetime | None = None
    contacted_at: datetime | None = None
    return_count: int = 0
    last_returned_by: int | None = None  # the department that returned the ticket last
    dissatisfied_count: int = 0
    send_back_count: int = 0  # verify_send_back, from the audit log
    major: bool = False
    repeated: bool = False  # the answer of the concentrated-reports hook


class Finding(NamedTuple):
    trigger: Trigger
    level: SupervisionLevel


Rule = Callable[[SupervisionFacts, datetime, Thresholds], bool]


def _in_department(f: SupervisionFacts) -> bool:
    return f.status in DEPARTMENT_STAGES and f.lead_unit_id is not None


def _past(due: datetime | None, now: datetime) -> bool:
    """A deadline has run out from its own instant on (the sweep fires timers at `at <= now`)."""
    return due is not None and due <= now


def _unsigned(f: SupervisionFacts, now: datetime, th: Thresholds) -> bool:
    return f.status == Status.dispatched and f.lead_unit_id is not None and _past(f.stage_due_at, now)


def _no_contact(f: SupervisionFacts, now: datetime, th: Thresholds) -> bool:
    signed = f.status != Status.dispatched and f.signed_at is not None
    return _in_department(f) and signed and f.contacted_at is None and _past(f.contact_due_at, now)


def _overdue(f: SupervisionFacts, now: datetime, th: Thresholds) -> bool:
    return _in_department(f) and _past(f.reply_due_at, now)


def _due_soon(f: SupervisionFacts, now: datetime, th: Thresholds) -> bool:
    due = f.reply_due_at
    return _in_department(f) and due is not None and now < due <= now + th.due_soon


def _open_with_lead(f: SupervisionFacts) -> bool:
    return f.status in OPEN_STATUSES and f.lead_unit_id is not None


def _buck_passing(f: SupervisionFacts, now: datetime, th: Thresholds) -> bool:
    who = f.last_returned_by or f.lead_unit_id
    return f.status in OPEN_STATUSES and who is not None and f.return_count >= th.buck_passing_returns


def _dissatisfied(f: SupervisionFacts, now: datetime, th: Thresholds) -> bool:
    return _open_with_lead(f) and f.dissatisfied_count >= th.dissatisfied_ratings


def _noncompliant(f: SupervisionFacts, now: datetime, th: Thresholds) -> bool:
    return _open_with_lead(f) and f.send_back_count >= th.noncompliant_send_backs


def _major(f: SupervisionFacts, now: datetime, th: Thresholds) -> bool:
    return _open_with_lead(f) and f.major


def _repeated(f: SupervisionFacts, now: datetime, th: Thresholds) -> bool:
    return _open_with_lead(f) and f.repeated


RULES: Mapping[Trigger, Rule] = {
    Trigger.unsigned: _unsigned,
    Trigger.no_contact: _no_contact,
    Trigger.overdue: _overdue,
    Trigger.due_soon: _due_soon,
    Trigger.buck_passing: _buck_passing,
    Trigger.dissatisfied_twice: _dissatisfied,
    Trigger.noncompliant_closure: _noncompliant,
    Trigger.major: _major,
    Trigger.repeated: _repeated,
}


def evaluate(
    facts: SupervisionFacts, now: datetime, thresholds: Thresholds = DEFAULT_THRESHOLDS
) -> list[Finding]:
    """Every automatic trigger that holds for the ticket at `now`, with the level it opens."""
    if now.tzinfo is None:
        raise ValueError("now must be an aware datetime")
    return [Finding(t, AUTOMATIC_LEVELS[t]) for t, rule in RULES.items() if rule(facts, now, thresholds)]


def addressee(trigger: Trigger, facts: SupervisionFacts) -> int | None:
    """The department a supervision for `trigger` is addressed to."""
    if trigger == Trigger.buck_passing:
        return facts.last_returned_by or facts.lead_unit_id
    return facts.lead_unit_id


def _iso(at: datetime | None) -> str:
    return at.astimezone(UTC).isoformat() if at else "-"


def occurrence(trigger: Trigger, facts: SupervisionFacts) -> str:
    """The fact a finding stands on. One supervision per (ticket, trigger, occurrence), ever."""
    match trigger:
        case Trigger.unsigned:
            return f"sign_due:{_iso(facts.stage_due_at)}"
        case Trigger.no_contact:
            return f"contact_due:{_iso(facts.contact_due_at)}"
        case Trigger.overdue | Trigger.due_soon:
            return f"reply_due:{_iso(facts.reply_due_at)}"
        case Trigger.buck_passing:
            return f"returns:{facts.return_count}"
        case Trigger.dissatisfied_twice:
            return f"dissatisfied:{facts.dissatisfied_count}"
        case Trigger.noncompliant_closure:
            return f"send_backs:{facts.send_back_count}"
        case Trigger.major | Trigger.repeated:
            return trigger.value
    raise ValueError(f"{trigger} is not an automatic trigger")
