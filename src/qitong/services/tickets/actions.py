"""perform(): the one use case that moves a ticket. Check access → lock → the pure transition →
the action's own effects → deadlines → audit + outbox, all in one transaction."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified
from sqlalchemy.orm.exc import StaleDataError

from qitong.db.models import Ticket
from qitong.domain.errors import StaleVersion
from qitong.domain.tickets.access import actions_for, check_action
from qitong.domain.tickets.errors import IllegalTransition
from qitong.domain.tickets.lifecycle import Action, Status, transition
from qitong.services.audit import record
from qitong.services.auth import Principal
from qitong.services.context import Context
from qitong.services.tickets.facts import facts_of, load_for_update
from qitong.services.tickets.payloads import ActionPayload, check_reason
from qitong.services.tickets.schedule import Scheduler
from qitong.services.tickets.snapshot import snapshot
from qitong.services.tickets.timers import refresh as refresh_timers


@dataclass
class Op:
    """Everything an action's effect function may touch."""

    s: Session
    ctx: Context
    p: Principal
    t: Ticket
    action: Action
    payload: ActionPayload
    now: datetime
    sched: Scheduler
    target: Status
    data: dict[str, Any] = field(default_factory=dict)
    # extra recipients for the notification, beyond the defaults
    notify: dict[str, Any] = field(default_factory=dict)


Effect = Callable[[Op], None]


def perform(
    ctx: Context,
    p: Principal,
    ticket_id: int,
    action: Action,
    payload: ActionPayload | None = None,
    *,
    if_match: int | None = None,
    extra: Effect | None = None,
) -> int:
    """Carry out `action` on a ticket; returns the ticket's new version. `extra` runs after the
    action's own effect, in the same transaction (a dispute ruling, auto-dispatch: audit data)."""
    from qitong.services.tickets.effects import EFFECTS, after_effects

    payload = payload or ActionPayload()
    try:
        with ctx.sessions.begin() as s:
            t = load_for_update(s, ticket_id)
            facts = facts_of(s, t)
            check_action(p.actor, action, facts)
            if if_match is not None and if_match != t.version:
                raise StaleVersion(
                    f"工单已被他人更新（当前版本 {t.version}，您提交的是 {if_match}），请刷新后重试",
                    field="If-Match",
                )
            try:
                target = transition(t.status, action)
            except IllegalTransition:
                # what this actor may do now, not what anyone may: the answer a person can act on
                raise IllegalTransition(t.status, action, actions_for(p.actor, facts)) from None
            check_reason(action, payload)
            now = ctx.clock.now()
            before = snapshot(t)
            sched = Scheduler(ctx.calendars.get(s), ctx.policy, ctx.profile_for(t.ticket_type))
            op = Op(s, ctx, p, t, action, payload, now, sched, target)
            EFFECTS.get(action, _no_effect)(op)
            if extra is not None:
                extra(op)
            status_before = t.status
            t.status = op.target
            if op.target != status_before or action in _RESTAGE:
                sched.enter_stage(t, op.target, now)
            refresh_timers(t, sched.cal, ctx.policy, ctx.settings)
            t.updated_at = now
            flag_modified(t, "updated_at")  # every action, a note too, is a new version
            s.flush()
            ev = record(
                s,
                p.who,
                at=now,
                entity="ticket",
                entity_id=t.id,
                ticket_id=t.id,
                action=action.value,
                before=_diff(before, snapshot(t), before),
                after=_diff(before, snapshot(t), snapshot(t)),
                reason=payload.reason,
                data={**payload.as_audit(), **op.data},
            )
            after_effects(op, status_before, ev.seq)
            version = t.version
    except StaleDataError:
        raise StaleVersion("工单已被他人同时更新，请刷新后重试", field="If-Match") from None
    if action == Action.accept and ctx.settings.routing_autodispatch:
        from qitong.services.routing.autodispatch import after_accept

        version = after_accept(ctx, ticket_id) or version  # its own transaction, docs/routing.md
    return version


# actions that keep the status but restart its clock
_RESTAGE = frozenset({Action.insist, Action.extension_approve})


def _no_effect(op: Op) -> None:
    return None


def _diff(a: dict[str, Any], b: dict[str, Any], side: dict[str, Any]) -> dict[str, Any]:
    return {k: side[k] for k in b if a.get(k) != b.get(k)}

