"""Which time limit governs each open status. Pure: the services turn a limit into a deadline."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from qitong.domain.tickets.lifecycle import Status
from qitong.domain.timelimits import SlaProfile

# a matter escalated to a meeting or a higher tier gets this many working days to be coordinated
ESCALATION_DAYS = 5
# the center's own steps: verify a reply, close a confirmed ticket
CENTER_STEP_DAYS = 1


class Deadline(StrEnum):
    """A stored deadline the stage follows, instead of a limit of its own."""

    contact = "contact_due_at"
    reply = "reply_due_at"


@dataclass(frozen=True)
class StageLimit:
    days: int | None = None
    hours: float | None = None
    follows: Deadline | None = None


def stage_limit(status: Status, profile: SlaProfile) -> StageLimit | None:
    """The limit for the stage a ticket has just entered; None for closed and paused stages."""
    match status:
        case Status.submitted:
            return StageLimit(days=profile.accept_days)
        case Status.accepted | Status.returned | Status.dissatisfied:
            return StageLimit(days=profile.dispatch_days)
        case Status.dispatched:
            return StageLimit(hours=profile.sign_hours)
        case Status.signed:
            return StageLimit(follows=Deadline.contact)
        case Status.handling | Status.extension_requested | Status.awaiting_sign_off:
            return StageLimit(follows=Deadline.reply)
        case Status.awaiting_verification | Status.confirmed:
            return StageLimit(days=CENTER_STEP_DAYS)
        case Status.awaiting_confirmation:
            return StageLimit(days=profile.confirm_days)
        case Status.escalated:
            return StageLimit(days=ESCALATION_DAYS)
        case _:
            return None
