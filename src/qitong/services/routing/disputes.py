"""派单异议审核: a department returned a ticket (退回) saying it is not theirs; the center rules on the
return against the responsibility list, through the lifecycle's existing actions:

- upheld (异议成立): `dispatch` to the list's lead unit (or another unit the dispatcher names), with the
  list's co-units; the return was justified, so it no longer counts towards buck-passing
  (`tickets.return_count` goes down by one, the supervision trigger reads it);
- rejected (异议不成立): `insist` — back to the same department, the return stands as buck-passing.

The ruling is written into the action's own audit event (`data.ruling`: decision, the entry and version
of the list it was ruled against, what the list says, whether the ruling follows it), in the action's
transaction. See docs/routing.md."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from qitong.db.models import Ticket
from qitong.domain.errors import Conflict, Forbidden, InvalidInput, NotFound
from qitong.domain.ids import Id
from qitong.domain.tickets.lifecycle import Action, Role, Status
from qitong.services.auth import Principal
from qitong.services.context import Context
from qitong.services.routing.responsibility import propose_dispatch
from qitong.services.tickets.actions import Op, perform
from qitong.services.tickets.payloads import ActionPayload


class Decision(StrEnum):
    upheld = "upheld"  # 异议成立：改派
    rejected = "rejected"  # 异议不成立：维持原派单


DECISION_LABELS = {Decision.upheld: "异议成立，改派", Decision.rejected: "异议不成立，维持原派单"}


class RulingIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    decision: Decision
    reason: str = Field(min_length=2, max_length=2000, description="审核意见")
    lead_unit_id: Id | None = Field(default=None, description="异议成立时的新主办单位；不填则按职责清单")
    co_unit_ids: list[Id] | None = Field(default=None, max_length=20)


def _load(ctx: Context, ticket_id: int) -> tuple[int | None, dict[str, Any] | None]:
    """The returning department and the list's proposal for the ticket's category, today."""
    with ctx.sessions() as s:
        t = s.get(Ticket, ticket_id)
        if t is None:
            raise NotFound(f"工单 {ticket_id} 不存在", field="ticket_id")
        if t.status != Status.returned:
            raise Conflict("该工单当前不是“已退回”状态，无需审核派单异议", field="status")
        prop = propose_dispatch(s, t.category, ctx.clock.now(), ctx.policy.tz)
        return t.lead_unit_id, prop.as_dict() if prop else None


def rule_on_return(ctx: Context, p: Principal, ticket_id: int, data: RulingIn,
                   if_match: int | None = None) -> dict[str, Any]:
    if p.actor.role != Role.dispatcher:
        raise Forbidden("只有中心分派员可以审核派单异议", field="role")
    returned_by, prop = _load(ctx, ticket_id)
    list_lead = prop["lead_unit_id"] if prop else None
    if data.decision == Decision.upheld:
        lead = data.lead_unit_id or list_lead
        if lead is None:
            raise InvalidInput("职责清单中没有该分类的条目，请指定新的主办单位", field="lead_unit_id")
        if lead == returned_by:
            raise InvalidInput("职责清单认定该事项属于退回单位：异议成立须另行指定主办单位，否则请裁定异议不成立",
                               field="lead_unit_id")
        co = data.co_unit_ids
        if co is None:
            co = [c for c in prop["co_unit_ids"] if c not in (lead, returned_by)] if prop and lead == list_lead else []
        action, payload = Action.dispatch, ActionPayload(lead_unit_id=lead, co_unit_ids=co, reason=data.reason)
        follows = None if list_lead is None else lead == list_lead
    else:
        action, payload = Action.insist, ActionPayload(reason=data.reason)
        lead, follows = returned_by, (None if list_lead is None else list_lead == returned_by)
    ruling: dict[str, Any] = {
        "decision": data.decision.value, "returned_by": returned_by, "list_lead_unit_id": list_lead,
        "entry_id": prop["entry_id"] if prop else None, "version": prop["version"] if prop else None,
        "source": prop["source"] if prop else None, "follows_list": follows,
    }

    def record_ruling(op: Op) -> None:
        if op.t.status != Status.returned:  # perform's transition would allow dispatch from elsewhere
            raise Conflict("工单已被他人处理，请刷新后重试", field="status")
        if data.decision == Decision.upheld:  # a justified return is not buck-passing
            op.t.return_count = max(0, op.t.return_count - 1)
        op.data["ruling"] = {**ruling, "return_count": op.t.return_count}

    version = perform(ctx, p, ticket_id, action, payload, if_match=if_match, extra=record_ruling)
    return {"ticket_id": ticket_id, "version": version, "action": action.value, "lead_unit_id": lead, **ruling}
