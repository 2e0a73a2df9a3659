"""What the ticket page shows, in one call: the detail (with the allowed actions from the transition
table), the timeline, and the form choices (category names; units for the dispatch forms)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from qitong.domain.tickets.lifecycle import Status
from qitong.services.auth import Principal
from qitong.services.choices import Choices, form_choices
from qitong.services.context import Context
from qitong.services.tickets.queries import ticket_detail, timeline


@dataclass(frozen=True)
class TicketPage:
    detail: dict[str, Any]
    timeline: list[dict[str, Any]]
    choices: Choices
    # for the dispatcher of a ticket awaiting dispatch: the responsibility list's proposal and the
    # classifier's suggestions; `routing["suggestions"]["preselect"]` holds what to preselect (docs/routing.md)
    routing: dict[str, Any] | None = None


_DISPATCHABLE = frozenset({Status.submitted.value, Status.accepted.value, Status.returned.value})
_CLASSIFYING = frozenset({"accept", "dispatch", "insist"})


def ticket_page(ctx: Context, p: Principal, ticket_id: int) -> TicketPage:
    detail = ticket_detail(ctx, p, ticket_id)
    events = timeline(ctx, p, ticket_id)
    routing = None
    # whoever may accept (type and category) or dispatch (units) it now sees what the text suggests
    if detail["status"] in _DISPATCHABLE and _CLASSIFYING & {a["action"] for a in detail["allowed_actions"]}:
        from qitong.services.routing import suggest

        routing = {"proposal": suggest.proposal(ctx, p, ticket_id)["proposal"],
                   "suggestions": suggest.suggestions(ctx, p, ticket_id)}
    return TicketPage(detail, events, form_choices(ctx), routing)
