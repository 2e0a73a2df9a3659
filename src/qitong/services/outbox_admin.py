"""The admin's view of the outbox: list messages (the dead letters first of all) and replay one.

Replay re-arms the message and its dead deliveries with fresh attempts; what was already sent
stays sent, and fan-out adds nothing twice, so replaying is safe to repeat."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select, update

from qitong.db.models import Delivery, DeliveryStatus, Medium, OutboxMessage, OutboxStatus
from qitong.domain.errors import Conflict, NotFound
from qitong.domain.identity import mask_phone
from qitong.services.audit import record
from qitong.services.auth import Principal
from qitong.services.context import Context
from qitong.services.webhooks import require_admin


def _recipient(d: Delivery) -> str:
    return mask_phone(d.recipient) if d.medium == Medium.sms else d.recipient


def _delivery_out(d: Delivery) -> dict[str, Any]:
    return {"id": d.id, "medium": d.medium.value, "recipient": _recipient(d), "status": d.status.value,
            "attempts": d.attempts, "next_attempt_at": d.next_attempt_at.isoformat(),
            "last_error": d.last_error, "sent_at": d.sent_at.isoformat() if d.sent_at else None}


def _message_out(m: OutboxMessage, deliveries: list[Delivery]) -> dict[str, Any]:
    return {"id": m.id, "key": m.idempotency_key, "topic": m.topic, "ticket_id": m.ticket_id,
            "status": m.status.value, "attempts": m.attempts, "next_attempt_at": m.next_attempt_at.isoformat(),
            "last_error": m.last_error, "created_at": m.created_at.isoformat(), "payload": m.payload,
            "deliveries": [_delivery_out(d) for d in deliveries]}


def list_messages(
    ctx: Context, p: Principal, status: OutboxStatus | None, page: int, per_page: int
) -> tuple[int, list[dict[str, Any]]]:
    require_admin(p)
    stmt = select(OutboxMessage)
    if status is not None:
        stmt = stmt.where(OutboxMessage.status == status)
    with ctx.sessions() as s:
        total = s.scalar(select(func.count()).select_from(stmt.subquery())) or 0
        msgs = list(s.scalars(stmt.order_by(OutboxMessage.id.desc()).offset((page - 1) * per_page).limit(per_page)))
        by_msg: dict[int, list[Delivery]] = {m.id: [] for m in msgs}
        if msgs:
            for d in s.scalars(select(Delivery).where(Delivery.outbox_id.in_(by_msg)).order_by(Delivery.id)):
                by_msg[d.outbox_id].append(d)
        return total, [_message_out(m, by_msg[m.id]) for m in msgs]


def replay(ctx: Context, p: Principal, outbox_id: int) -> dict[str, Any]:
    require_admin(p)
    now = ctx.clock.now()
    with ctx.sessions.begin() as s:
        m = s.get(OutboxMessage, outbox_id, with_for_update=True)
        if m is None:
            raise NotFound(f"消息 {outbox_id} 不存在", field="id")
        if m.status != OutboxStatus.dead:
            raise Conflict(f"只能重放投递失败（dead）的消息；该消息状态为 {m.status.value}", field="status")
        before = {"status": m.status.value, "attempts": m.attempts, "last_error": m.last_error}
        rearmed = s.execute(
            update(Delivery)
            .where(Delivery.outbox_id == m.id, Delivery.status == DeliveryStatus.dead)
            .values(status=DeliveryStatus.pending, attempts=0, next_attempt_at=now, last_error=None)
            .execution_options(synchronize_session=False)
        )
        count = int(getattr(rearmed, "rowcount", 0) or 0)
        m.status, m.attempts, m.next_attempt_at, m.last_error = OutboxStatus.pending, 0, now, None
        record(s, p.who, at=now, entity="outbox", entity_id=m.id, action="replay",
               before=before, after={"status": m.status.value},
               data={"topic": m.topic, "ticket_id": m.ticket_id, "deliveries": count})
        deliveries = list(s.scalars(select(Delivery).where(Delivery.outbox_id == m.id).order_by(Delivery.id)))
        return _message_out(m, deliveries)
