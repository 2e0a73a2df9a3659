"""Delivering the outbox, the state side. Three short transactions per message:

1. `claim_due`: lock due pending rows (SKIP LOCKED on PostgreSQL; SQLite's BEGIN IMMEDIATE
   serialises workers), fan each out (in-app rows written right there; one Delivery per email,
   SMS and webhook, each unique per (message, medium, recipient)), lease the row and hand back
   what to send. Fan-out is idempotent: running it again adds only what is missing.
2. `record_result`: after each send, outside any transaction, the delivery's outcome:
   sent, or failed with backoff + jitter, or dead after the last attempt.
3. `settle`: the message follows its deliveries: pending (at the earliest retry) while any is
   open, dead if any died, sent when all were sent.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from qitong.db.models import (
    Delivery,
    DeliveryStatus,
    Medium,
    Notification,
    OutboxMessage,
    OutboxStatus,
    WebhookSubscription,
)
from qitong.domain.notifications import RetryPolicy, backoff_delay
from qitong.services import notify, webhooks
from qitong.services.context import Context
from qitong.settings import Settings

OPEN = (DeliveryStatus.pending, DeliveryStatus.failed)
MAX_ERROR = 2000


@dataclass(frozen=True)
class Job:
    """One send, with everything it needs, so sending touches no database."""

    delivery_id: int
    outbox_id: int
    topic: str
    medium: Medium
    recipient: str
    subject: str
    body: str
    url: str | None = None
    secret: str | None = None

    @property
    def message_id(self) -> str:
        """The same on every retry: receivers use it to drop duplicates."""
        return f"qitong-delivery-{self.delivery_id}"


@dataclass(frozen=True)
class Claimed:
    outbox_id: int
    jobs: tuple[Job, ...]


def retry_policy(s: Settings) -> RetryPolicy:
    return RetryPolicy(s.outbox_max_attempts, s.outbox_backoff_base_seconds, s.outbox_backoff_cap_seconds)


def claim_due(ctx: Context, limit: int, rng: random.Random, *, email: bool) -> list[Claimed]:
    now = ctx.clock.now()
    out: list[Claimed] = []
    with ctx.sessions.begin() as s:
        rows = s.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.status == OutboxStatus.pending, OutboxMessage.next_attempt_at <= now)
            .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
            .limit(limit)
            .with_for_update(skip_locked=True)  # SQLite renders no FOR UPDATE; BEGIN IMMEDIATE holds
        )
        for m in list(rows):
            out.append(_claim(s, ctx, m, now, rng, email=email))
    return out


def _claim(s: Session, ctx: Context, m: OutboxMessage, now: datetime, rng: random.Random,
           *, email: bool) -> Claimed:
    m.attempts += 1
    try:
        with s.begin_nested():
            fan_out(s, m, now, ctx.policy.tz, email=email)
    except Exception as e:  # a bad row must not block the others: it retries, then dead-letters
        _retry_message(m, f"fan-out: {type(e).__name__}: {e}", now, retry_policy(ctx.settings), rng)
        return Claimed(m.id, ())
    jobs = tuple(_due_jobs(s, m, now))
    if jobs:
        m.next_attempt_at = now + timedelta(seconds=ctx.settings.outbox_lease_seconds)
    else:
        _settle(s, m)
    return Claimed(m.id, jobs)


def fan_out(s: Session, m: OutboxMessage, now: datetime, tz: ZoneInfo, *, email: bool) -> None:
    p = notify.plan(s, m, tz, email=email)
    have = set(s.scalars(select(Notification.user_id).where(Notification.source_key == m.idempotency_key)))
    for n in p.in_app:
        if n.user_id not in have:
            s.add(Notification(user_id=n.user_id, ticket_id=m.ticket_id, topic=m.topic, title=n.title,
                               body=n.body, source_key=m.idempotency_key, created_at=now))
    known = {(md, r) for md, r in s.execute(select(Delivery.medium, Delivery.recipient)
                                            .where(Delivery.outbox_id == m.id))}

    def add(medium: Medium, recipient: str, subject: str, body: str, **kw: int | None) -> None:
        if (medium, recipient) not in known:
            known.add((medium, recipient))
            s.add(Delivery(outbox_id=m.id, medium=medium, recipient=recipient, subject=subject, body=body,
                           status=DeliveryStatus.pending, attempts=0, next_attempt_at=now, created_at=now, **kw))

    for o in p.outgoing:
        add(o.medium, o.recipient, o.subject, o.body, user_id=o.user_id)
    subs = webhooks.subscribers(s, m.topic)
    if subs:
        body = webhooks.event_body(m)
        for w in subs:
            add(Medium.webhook, f"webhook:{w.id}", m.topic, body, subscription_id=w.id)
    s.flush()


def _due_jobs(s: Session, m: OutboxMessage, now: datetime) -> list[Job]:
    rows = s.scalars(
        select(Delivery)
        .where(Delivery.outbox_id == m.id, Delivery.status.in_(OPEN), Delivery.next_attempt_at <= now)
        .order_by(Delivery.id)
    )
    jobs: list[Job] = []
    for d in rows:
        url = secret = None
        if d.medium == Medium.webhook:
            w = s.get(WebhookSubscription, d.subscription_id) if d.subscription_id else None
            if w is None or not w.active:
                d.status, d.last_error = DeliveryStatus.dead, "Webhook 订阅已停用或已删除"
                continue
            url, secret = w.url, w.secret
        jobs.append(Job(d.id, m.id, m.topic, d.medium, d.recipient, d.subject, d.body, url, secret))
    return jobs


def record_result(ctx: Context, job: Job, error: str | None, rng: random.Random) -> DeliveryStatus:
    now = ctx.clock.now()
    policy = retry_policy(ctx.settings)
    with ctx.sessions.begin() as s:
        d = s.get(Delivery, job.delivery_id, with_for_update=True)
        assert d is not None
        d.attempts += 1
        if error is None:
            d.status, d.sent_at, d.last_error = DeliveryStatus.sent, now, None
        elif policy.exhausted(d.attempts):
            d.status, d.last_error = DeliveryStatus.dead, error[:MAX_ERROR]
        else:
            d.status, d.last_error = DeliveryStatus.failed, error[:MAX_ERROR]
            d.next_attempt_at = now + backoff_delay(policy, d.attempts, rng.random())
        return d.status


def settle(ctx: Context, outbox_id: int) -> OutboxStatus:
    with ctx.sessions.begin() as s:
        m = s.get(OutboxMessage, outbox_id, with_for_update=True)
        assert m is not None
        _settle(s, m)
        return m.status


def _settle(s: Session, m: OutboxMessage) -> None:
    s.flush()
    rows = s.execute(
        select(Delivery.status, Delivery.next_attempt_at, Delivery.medium, Delivery.last_error)
        .where(Delivery.outbox_id == m.id)
        .order_by(Delivery.id)
    ).all()
    still_open = [r for r in rows if r.status in OPEN]
    dead = [r for r in rows if r.status == DeliveryStatus.dead]
    if still_open:
        m.status, m.next_attempt_at = OutboxStatus.pending, min(r.next_attempt_at for r in still_open)
        m.last_error = next((r.last_error for r in still_open if r.last_error), None)
    elif dead:
        m.status = OutboxStatus.dead
        m.last_error = f"{len(dead)} 个投递失败；{dead[0].medium}: {dead[0].last_error}"[:MAX_ERROR]
    else:
        m.status, m.last_error = OutboxStatus.sent, None


def _retry_message(m: OutboxMessage, error: str, now: datetime, policy: RetryPolicy, rng: random.Random) -> None:
    m.last_error = error[:MAX_ERROR]
    if policy.exhausted(m.attempts):
        m.status = OutboxStatus.dead
    else:
        m.next_attempt_at = now + backoff_delay(policy, m.attempts, rng.random())
