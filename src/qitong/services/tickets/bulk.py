"""Bulk dispatch from the 待分派 queue: each ticket in its own transaction, so one refusal does not
undo the others; the result says which went where and why the others did not."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from qitong.db.models import Ticket
from qitong.domain.errors import DomainError, InvalidInput
from qitong.domain.tickets.lifecycle import Action
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
    if not items:
        raise InvalidInput("请先勾选要分派的工单", field="ticket")
    if len(items) > MAX_BULK:
        raise InvalidInput(f"一次最多分派 {MAX_BULK} 件", field="ticket")
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


def _numbers(ctx: Context, ids: list[int]) -> dict[int, str]:
    with ctx.sessions() as s:
        return {i: n or f"#{i}" for i, n in s.execute(select(Ticket.id, Ticket.number).where(Ticket.id.in_(ids)))}
