"""Delivering the outbox: claim due messages, send what they fan out to, record each outcome.

The sends happen between transactions, never inside one: a slow SMTP server or webhook holds
no lock. A crash between a send and its record means that delivery is sent again after the
lease runs out (at-least-once); every send carries a stable message id so receivers can drop
the duplicate. See docs/notifications.md."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

import structlog

from qitong.adapters.errors import DeliveryFailed
from qitong.adapters.mail import SmtpMailer
from qitong.adapters.sms import SmsGateway, sms_from_settings
from qitong.adapters.webhooks import WebhookPoster
from qitong.db.models import Medium
from qitong.services import outbox
from qitong.services.context import Context
from qitong.settings import Settings

log = structlog.get_logger("qitong.outbox")


class Mailer(Protocol):
    def send(self, to: str, subject: str, body: str, *, message_id: str, at: datetime) -> None: ...


class Poster(Protocol):
    def post(self, url: str, secret: str, body: bytes, *, topic: str, delivery_id: str, at: datetime) -> None: ...


@dataclass(frozen=True)
class Senders:
    mail: Mailer | None  # None: no email deliveries are planned at all
    sms: SmsGateway
    webhooks: Poster

    @classmethod
    def from_settings(cls, s: Settings) -> Senders:
        return cls(SmtpMailer.from_settings(s), sms_from_settings(s), WebhookPoster(s.delivery_timeout_seconds))


def deliver_due(
    ctx: Context,
    limit: int = 100,
    *,
    senders: Senders | None = None,
    rng: random.Random | None = None,
) -> int:
    """One pass: returns how many outbox messages it claimed (0 when nothing was due)."""
    senders = senders or Senders.from_settings(ctx.settings)
    rng = rng or random.Random()
    claimed = outbox.claim_due(ctx, limit, rng, email=senders.mail is not None)
    for c in claimed:
        for job in c.jobs:
            error = _send(senders, job, ctx.clock.now())
            status = outbox.record_result(ctx, job, error, rng)
            if error is not None:
                log.warning("delivery failed", delivery=job.delivery_id, medium=job.medium.value,
                            topic=job.topic, status=status.value, error=error)
        if c.jobs:
            outbox.settle(ctx, c.outbox_id)
    return len(claimed)


def _send(senders: Senders, job: outbox.Job, at: datetime) -> str | None:
    """None when the other side took it, else why not."""
    try:
        match job.medium:
            case Medium.email:
                if senders.mail is None:
                    raise DeliveryFailed("未配置 SMTP 服务器")
                senders.mail.send(job.recipient, job.subject, job.body, message_id=job.message_id, at=at)
            case Medium.sms:
                senders.sms.send(job.recipient, job.body, message_id=job.message_id, at=at)
            case Medium.webhook:
                assert job.url is not None and job.secret is not None
                senders.webhooks.post(job.url, job.secret, job.body.encode(), topic=job.topic,
                                      delivery_id=job.message_id, at=at)
    except DeliveryFailed as e:
        return str(e)
    except Exception as e:  # an adapter bug is one failed delivery, not a dead worker
        log.exception("delivery crashed", delivery=job.delivery_id)
        return f"{type(e).__name__}: {e}"
    return None


def deliver_all(ctx: Context, *, senders: Senders | None = None, rng: random.Random | None = None) -> int:
    """Pass after pass until nothing is due: the worker's step."""
    senders = senders or Senders.from_settings(ctx.settings)
    rng = rng or random.Random()
    total = 0
    while n := deliver_due(ctx, 100, senders=senders, rng=rng):
        total += n
        if n < 100:
            break
    return total
