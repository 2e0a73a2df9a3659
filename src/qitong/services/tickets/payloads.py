"""What each action takes. One schema with optional fields; `require` names the missing field."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from qitong.domain.errors import InvalidInput
from qitong.domain.ids import Id
from qitong.domain.tickets.lifecycle import ACTIONS, Action
from qitong.domain.tickets.vocab import Complexity, Layer, TicketType, Tier, Urgency


class ActionPayload(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    reason: str | None = Field(default=None, max_length=2000, description="原因/说明")
    # classification, at accept or dispatch
    ticket_type: TicketType | None = None
    category: str | None = Field(default=None, max_length=32)
    complexity: Complexity | None = None
    urgency: Urgency | None = None
    # dispatch / redispatch
    lead_unit_id: Id | None = None
    co_unit_ids: list[Id] | None = None
    # replies and opinions
    reply: str | None = Field(default=None, max_length=10000)
    opinion: str | None = Field(default=None, max_length=5000)
    contact_method: str | None = Field(default=None, max_length=32, description="phone/visit/online")
    # extension; or, at dispatch of a 特别疑难 matter, its time limit set by hand
    days: int | None = Field(default=None, ge=1, le=365)
    # ratings (5 非常满意 … 1 非常不满意)
    rating_process: int | None = Field(default=None, ge=1, le=5)
    rating_result: int | None = Field(default=None, ge=1, le=5)
    comment: str | None = Field(default=None, max_length=2000)
    # escalation
    to_layer: Layer | None = None
    to_tier: Tier | None = None
    # merge
    duplicate_of: str | None = Field(default=None, max_length=32, description="原工单编号")
    text: str | None = Field(default=None, max_length=5000)

    def require(self, *names: str) -> None:
        for n in names:
            v = getattr(self, n)
            if v is None or (isinstance(v, str) and not v):
                raise InvalidInput(f"缺少必填项“{_LABELS.get(n, n)}”", field=n)

    def as_audit(self) -> dict[str, Any]:
        return self.model_dump(mode="json", exclude_none=True)


_LABELS = {
    "reason": "原因",
    "lead_unit_id": "主办单位",
    "reply": "答复内容",
    "opinion": "协办意见",
    "days": "延期天数",
    "rating_process": "过程评价",
    "rating_result": "结果评价",
    "duplicate_of": "原工单编号",
    "text": "备注内容",
}


def check_reason(action: Action, p: ActionPayload) -> None:
    if ACTIONS[action].reason_required:
        p.require("reason")
