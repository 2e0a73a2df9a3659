"""The dispatch pick: what the dispatch form preselects and what auto-dispatch sends, from one rule.

- The ticket has a category (set or confirmed by the center at acceptance) and the responsibility list
  (or the category's default units) answers for it: that lead unit and those co-units, confidence 1.0 —
  the list is the rule, not a guess.
- Otherwise the classifier's top lead unit, with its confidence; preselected at or above
  `settings.routing_threshold`, the co-units then taken from the list's entry for the classifier's top
  category when that entry names the same lead. Below the threshold nothing is preselected and the
  form offers the ranked three.
- Never the department a report (举报) is about: that pick is refused and left to a person.

Auto-dispatch (`settings.routing_autodispatch`, off by default) runs right after `accept` commits,
when the pick's confidence is at or above `settings.routing_autodispatch_threshold`: it performs the
real `dispatch` action as the system, and the dispatch's audit event carries which entry or model
decided it (`data.autodispatch`). See docs/routing.md."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from qitong.db.models import Ticket
from qitong.domain.errors import DomainError
from qitong.domain.tickets.access import Actor
from qitong.domain.tickets.lifecycle import Action, Role, Status
from qitong.services.audit import Who
from qitong.services.auth import Principal
from qitong.services.context import Context
from qitong.services.routing.responsibility import Proposal, propose_dispatch
from qitong.services.routing.suggest import suggest_for

RULE = "responsibility_list"


@dataclass(frozen=True)
class Pick:
    lead_unit_id: int | None  # None: nothing preselected
    co_unit_ids: list[int]
    category: str | None  # the classifier's category, for a ticket that has none
    confidence: float
    source: str  # responsibility_list | category_default | model | keywords
    entry_id: int | None
    version: int | None
    preselected: bool
    ranked: list[dict[str, Any]] = field(default_factory=list)  # the classifier's top three lead units
    refused: int | None = None  # a lead unit not picked because the report is about it

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def pick_from(proposal: dict[str, Any] | None, suggestions: dict[str, Any], threshold: float,
              category_proposal: dict[str, Any] | None = None, reported_department_id: int | None = None) -> Pick:
    """Pure: the pick from the ticket page's routing data (`TicketPage.routing`). `proposal` is the
    list's answer for the ticket's own category; `category_proposal` for the classifier's category."""
    ranked = [x for x in suggestions.get("lead_unit", []) if x.get("known")][:3]
    if proposal is not None and proposal["lead_unit_id"] != reported_department_id:
        return Pick(proposal["lead_unit_id"], list(proposal["co_unit_ids"]), None, 1.0, proposal["source"],
                    proposal["entry_id"], proposal["version"], True, ranked)
    refused = proposal["lead_unit_id"] if proposal is not None else None
    ranked = [x for x in ranked if int(x["value"]) != reported_department_id]
    source = str(suggestions.get("source", "keywords"))
    category = (suggestions.get("preselect") or {}).get("category") if proposal is None else None
    top = ranked[0] if ranked else None
    if top is None or top["confidence"] < threshold:
        return Pick(None, [], category, top["confidence"] if top else 0.0, source, None, None, False, ranked,
                    refused)
    lead = int(top["value"])
    same = category_proposal is not None and category_proposal["lead_unit_id"] == lead
    cp = category_proposal if same else None
    return Pick(lead, list(cp["co_unit_ids"]) if cp else [], category, float(top["confidence"]), source,
                cp["entry_id"] if cp else None, cp["version"] if cp else None, True, ranked, refused)


def _proposal_dict(p: Proposal | None) -> dict[str, Any] | None:
    return p.as_dict() if p is not None else None


def category_proposal(s: Session, ctx: Context, suggestions: dict[str, Any]) -> dict[str, Any] | None:
    """The list's entry for the classifier's preselected category, today (for its co-units)."""
    cat = (suggestions.get("preselect") or {}).get("category")
    return _proposal_dict(propose_dispatch(s, cat, ctx.clock.now(), ctx.policy.tz)) if cat else None


def form_pick(ctx: Context, routing: dict[str, Any] | None, ticket_id: int) -> Pick | None:
    """The dispatch form's pick for the ticket page (routing is None for anyone but a dispatcher)."""
    if routing is None:
        return None
    sugg = routing["suggestions"]
    with ctx.sessions() as s:
        t = s.get(Ticket, ticket_id)
        reported = t.reported_department_id if t is not None else None
        cat_prop = category_proposal(s, ctx, sugg) if routing["proposal"] is None else None
    return pick_from(routing["proposal"], sugg, ctx.settings.routing_threshold, cat_prop, reported)


def pick_for(s: Session, ctx: Context, t: Ticket, threshold: float) -> tuple[Pick, dict[str, Any] | None]:
    """The pick for a stored ticket, and the model's meta (None on the keyword cold start)."""
    now = ctx.clock.now()
    prop = _proposal_dict(propose_dispatch(s, t.category, now, ctx.policy.tz)) if t.category else None
    sugg = suggest_for(s, ctx, t.title, t.content)
    cat_prop = category_proposal(s, ctx, sugg) if prop is None else None
    return pick_from(prop, sugg, threshold, cat_prop, t.reported_department_id), sugg.get("model")


@dataclass(frozen=True)
class _System(Principal):
    """The system acting as the center's dispatcher; the audit log names it as the system."""

    @property
    def who(self) -> Who:
        return Who(None, "系统自动分派", "system")


SYSTEM_DISPATCHER = _System(Actor(0, Role.dispatcher), "system", "系统自动分派")


def decided(pick: Pick, threshold: float, model: dict[str, Any] | None) -> dict[str, Any]:
    """What the dispatch's audit event records about the pick that decided it (entry or model)."""
    return {"confidence": round(pick.confidence, 4), "threshold": threshold, "source": pick.source,
            "entry_id": pick.entry_id, "version": pick.version,
            "model": {k: model[k] for k in ("trained_at", "source", "samples") if k in model} if model else None}


def after_accept(ctx: Context, ticket_id: int) -> int | None:
    """Dispatch a just-accepted ticket when the pick is confident enough; the new version, or None
    when it is left to the dispatcher (below the threshold, nothing to pick, or the dispatch refused)."""
    from qitong.services.tickets.actions import Op, perform
    from qitong.services.tickets.payloads import ActionPayload

    if not ctx.settings.routing_autodispatch:
        return None
    threshold = ctx.settings.routing_autodispatch_threshold
    with ctx.sessions() as s:
        t = s.get(Ticket, ticket_id)
        if t is None or t.status != Status.accepted:
            return None
        pick, model = pick_for(s, ctx, t, threshold)
    if pick.lead_unit_id is None or pick.confidence < threshold:
        return None
    why = decided(pick, threshold, model)

    def mark(op: Op) -> None:
        op.data["autodispatch"] = why

    payload = ActionPayload(lead_unit_id=pick.lead_unit_id, co_unit_ids=pick.co_unit_ids, category=pick.category)
    try:
        return perform(ctx, SYSTEM_DISPATCHER, ticket_id, Action.dispatch, payload, extra=mark)
    except DomainError:
        return None  # an inactive unit, a race with a person: the dispatcher decides
