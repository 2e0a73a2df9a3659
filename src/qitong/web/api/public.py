from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from qitong.domain.tickets.lifecycle import ACTIONS, STATUS_LABELS, TRANSITIONS
from qitong.services.tickets import public
from qitong.web.deps import Ctx

router = APIRouter(prefix="/api", tags=["public"])


@router.get("/public/tickets/{number}", summary="凭工单编号和查询码查询进度（无需登录）")
def follow(
    number: str, ctx: Ctx, query_code: Annotated[str, Query(min_length=6, max_length=8)]
) -> dict[str, Any]:
    return public.follow(ctx, number, query_code)


@router.get("/meta/lifecycle", summary="工单流转表：状态、操作、可执行角色")
def lifecycle() -> dict[str, Any]:
    return {
        "statuses": [{"status": s.value, "label": lbl} for s, lbl in STATUS_LABELS.items()],
        "actions": [
            {"action": a.value, "label": sp.label, "roles": sorted(r.value for r in sp.roles),
             "party": sp.party.value, "reason_required": sp.reason_required}
            for a, sp in ACTIONS.items()
        ],
        "transitions": [{"from": s.value, "action": a.value, "to": t.value} for (s, a), t in TRANSITIONS.items()],
    }
