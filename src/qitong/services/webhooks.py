"""Webhook subscriptions: which outside systems hear which topics, and the event they receive.
Subscriptions are managed by the admin, each change audited; the secret is shown once."""

from __future__ import annotations

import json
import secrets
from datetime import datetime
from fnmatch import fnmatchcase
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator
from sqlalchemy import select
from sqlalchemy.orm import Session

from qitong.db.models import OutboxMessage, WebhookSubscription
from qitong.domain.errors import Forbidden, NotFound
from qitong.domain.tickets.lifecycle import Role
from qitong.services.audit import record
from qitong.services.auth import Principal
from qitong.services.context import Context


def require_admin(p: Principal) -> None:
    if p.actor.role != Role.admin:
        raise Forbidden("仅系统管理员可以执行此操作", field="role")


def matches(topics: list[Any], topic: str) -> bool:
    return any(isinstance(pat, str) and fnmatchcase(topic, pat) for pat in topics)


def subscribers(s: Session, topic: str) -> list[WebhookSubscription]:
    subs = s.scalars(select(WebhookSubscription).where(WebhookSubscription.active).order_by(WebhookSubscription.id))
    return [w for w in subs if matches(w.topics, topic)]


def event_body(msg: OutboxMessage) -> str:
    """The JSON a subscriber receives: stable bytes, so a retry is byte-for-byte the same."""
    event = {
        "id": msg.idempotency_key,
        "topic": msg.topic,
        "created_at": msg.created_at.isoformat(),
        "data": msg.payload,
    }
    return json.dumps(event, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


class WebhookCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    name: str = Field(min_length=2, max_length=64, description="订阅名称")
    url: str = Field(max_length=500, pattern=r"^https?://", description="接收地址")
    topics: list[str] = Field(min_length=1, max_length=50, description="主题，可用通配符，如 ticket.*")

    @field_validator("topics")
    @classmethod
    def _topics(cls, v: list[str]) -> list[str]:
        for t in v:
            if not t or len(t) > 64 or " " in t:
                raise ValueError(f"主题“{t}”格式不正确")
        return v


def _out(w: WebhookSubscription) -> dict[str, Any]:
    return {"id": w.id, "name": w.name, "url": w.url, "topics": w.topics, "active": w.active,
            "created_at": w.created_at.isoformat()}


def create_subscription(ctx: Context, p: Principal, data: WebhookCreate) -> dict[str, Any]:
    require_admin(p)
    now = ctx.clock.now()
    with ctx.sessions.begin() as s:
        w = WebhookSubscription(name=data.name, url=data.url, topics=data.topics,
                                secret=secrets.token_hex(32), active=True, created_at=now)
        s.add(w)
        s.flush()
        record(s, p.who, at=now, entity="webhook", entity_id=w.id, action="create",
               after={"name": w.name, "url": w.url, "topics": w.topics})
        return {**_out(w), "secret": w.secret}


def list_subscriptions(ctx: Context, p: Principal) -> list[dict[str, Any]]:
    require_admin(p)
    with ctx.sessions() as s:
        return [_out(w) for w in s.scalars(select(WebhookSubscription).order_by(WebhookSubscription.id))]


def set_active(ctx: Context, p: Principal, sub_id: int, active: bool) -> dict[str, Any]:
    require_admin(p)
    now: datetime = ctx.clock.now()
    with ctx.sessions.begin() as s:
        w = s.get(WebhookSubscription, sub_id, with_for_update=True)
        if w is None:
            raise NotFound(f"Webhook 订阅 {sub_id} 不存在", field="id")
        if w.active != active:
            record(s, p.who, at=now, entity="webhook", entity_id=w.id,
                   action="activate" if active else "deactivate",
                   before={"active": w.active}, after={"active": active})
            w.active = active
        return _out(w)
