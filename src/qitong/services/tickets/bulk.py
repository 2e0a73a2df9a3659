"""Bulk dispatch from the 待分派 queue: each ticket in its own transaction, so one refusal does not
undo the others; the result says which went where and why the others did not. Either all to the units
the dispatcher chose, or each to the unit its own pick preselects (按建议分派: the responsibility list,
else the classifier at or above the preselect threshold; below it the ticket is left for a person)."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from qitong.db.models import Department, Ticket
from qitong.domain.errors import DomainError, InvalidInput
from qitong.domain.tickets.lifecycle import Action, Status
from qitong.services.auth import Principal
from qitong.services.context import Context
from qitong.services.tickets.actions import perform
from qitong.services.tickets.payloads import ActionPayload

MAX_BULK = 100


@dataclass
class BulkResult:
    done: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)


def bulk_dispatch(
    ctx: Context, p: Principal, items: list[tuple[int, int | None]], payload: ActionPayload
) -> BulkResult:
    """`items` are (ticket id, version seen in the list); a ticket changed since is refused (412)."""
    _check(items)
    payload.require("lead_unit_id")
    numbers = _numbers(ctx, [i for i, _ in items])
    out = BulkResult()
    for tid, version in items:
        label = numbers.get(tid, f"#{tid}")
        try:
            perform(ctx, p, tid, Action.dispatch, payload, if_match=version)
        except DomainError as e:
            out.failed.append((label, e.message))
        else:
            out.done.append(label)
    return out


def _check(items: list[tuple[int, int | None]]) -> None:
    if not items:
        raise InvalidInput("请先勾选要分派的工单", field="ticket")
    if len(items) > MAX_BULK:
        raise InvalidInput(f"一次最多分派 {MAX_BULK} 件", field="ticket")


def _numbers(ctx: Context, ids: list[int]) -> dict[int, str]:
    with ctx.sessions() as s:
        return {i: n or f"#{i}" for i, n in s.execute(select(Ticket.id, Ticket.number).where(Ticket.id.in_(ids)))}


def dispatch_as_suggested(ctx: Context, p: Principal, items: list[tuple[int, int | None]]) -> BulkResult:
    """Each ticket to its own pick's lead and co-units; the dispatch's audit event records the pick
    (`data.suggested`: source, confidence, entry or model), as auto-dispatch does."""
    from qitong.services.routing.autodispatch import decided, pick_for
    from qitong.services.tickets.actions import Op

    _check(items)
    numbers = _numbers(ctx, [i for i, _ in items])
    threshold = ctx.settings.routing_threshold
    out = BulkResult()
    for tid, version in items:
        label = numbers.get(tid, f"#{tid}")
        with ctx.sessions() as s:
            t = s.get(Ticket, tid)
            if t is None:
                out.failed.append((label, "工单不存在"))
                continue
            pick, model = pick_for(s, ctx, t, threshold)
            unit = s.get(Department, pick.lead_unit_id) if pick.preselected and pick.lead_unit_id else None
        if unit is None or pick.lead_unit_id is None:
            best = f"（最高置信度 {pick.confidence:.0%}）" if pick.ranked else ""
            out.failed.append((label, f"没有足够把握的分派建议{best}，请打开工单逐件分派"))
            continue
        if t.status == Status.returned and t.lead_unit_id == pick.lead_unit_id:
            # the suggestion is the unit that returned it: a ruling on the return, made on the ticket page
            out.failed.append((label, f"建议的主办单位即退回单位（{unit.name}），请打开工单审核派单异议"))
            continue
        why = {**decided(pick, threshold, model), "bulk": True}

        def mark(op: Op, why: dict[str, object] = why) -> None:
            op.data["suggested"] = why

        payload = ActionPayload(lead_unit_id=pick.lead_unit_id, co_unit_ids=pick.co_unit_ids, category=pick.category)
        try:
            perform(ctx, p, tid, Action.dispatch, payload, if_match=version, extra=mark)
        except DomainError as e:
            out.failed.append((label, e.message))
        else:
            out.done.append(f"{label} → {unit.name}")
    return out
