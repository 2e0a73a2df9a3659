"""A user's own in-app notifications and contact preferences.

Marking a notification read is the user's own bookkeeping and is not audited; changing where
notifications go (email address, SMS on or off) is."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import func, select, update

from qitong.db.models import Notification, NotificationPreference
from qitong.domain.errors import NotFound
from qitong.services.audit import record
from qitong.services.auth import Principal
from qitong.services.context import Context


def _out(n: Notification) -> dict[str, Any]:
    return {"id": n.id, "ticket_id": n.ticket_id, "topic": n.topic, "title": n.title, "body": n.body,
            "created_at": n.created_at.isoformat(), "read_at": n.read_at.isoformat() if n.read_at else None}


def list_own(
    ctx: Context, p: Principal, unread_only: bool, page: int, per_page: int
) -> tuple[int, int, list[dict[str, Any]]]:
    """(total, unread, page of items): unread first, newest first within each."""
    mine = Notification.user_id == p.actor.user_id
    stmt = select(Notification).where(mine)
    if unread_only:
        stmt = stmt.where(Notification.read_at.is_(None))
    with ctx.sessions() as s:
        total = s.scalar(select(func.count()).select_from(stmt.subquery())) or 0
        unread = s.scalar(select(func.count()).where(mine, Notification.read_at.is_(None))) or 0
        rows = s.scalars(
            stmt.order_by(Notification.read_at.is_not(None), Notification.id.desc())
            .offset((page - 1) * per_page)
            .limit(per_page)
        )
        return total, unread, [_out(n) for n in rows]


def mark_read(ctx: Context, p: Principal, notification_id: int) -> dict[str, Any]:
    with ctx.sessions.begin() as s:
        n = s.get(Notification, notification_id)
        if n is None or n.user_id != p.actor.user_id:  # someone else's is "not found", not "forbidden"
            raise NotFound(f"通知 {notification_id} 不存在", field="id")
        if n.read_at is None:
            n.read_at = ctx.clock.now()
        return _out(n)


def mark_all_read(ctx: Context, p: Principal) -> int:
    with ctx.sessions.begin() as s:
        res = s.execute(
            update(Notification)
            .where(Notification.user_id == p.actor.user_id, Notification.read_at.is_(None))
            .values(read_at=ctx.clock.now())
            .execution_options(synchronize_session=False)
        )
        return int(getattr(res, "rowcount", 0) or 0)


class Preferences(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    email: str | None = Field(default=None, max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$",
                              description="接收通知的电子邮箱；为空则不发邮件")
    email_enabled: bool = True
    sms_enabled: bool = Field(default=True, description="是否接收短信提醒（发往账号登记的手机号）")


def get_preferences(ctx: Context, p: Principal) -> Preferences:
    with ctx.sessions() as s:
        pref = s.get(NotificationPreference, p.actor.user_id)
        if pref is None:
            return Preferences()
        return Preferences(email=pref.email, email_enabled=pref.email_enabled, sms_enabled=pref.sms_enabled)


def set_preferences(ctx: Context, p: Principal, data: Preferences) -> Preferences:
    now = ctx.clock.now()
    with ctx.sessions.begin() as s:
        pref = s.get(NotificationPreference, p.actor.user_id, with_for_update=True)
        before = None
        if pref is None:
            pref = NotificationPreference(user_id=p.actor.user_id, updated_at=now)
            s.add(pref)
        else:
            before = {"email": pref.email, "email_enabled": pref.email_enabled, "sms_enabled": pref.sms_enabled}
        pref.email, pref.email_enabled, pref.sms_enabled = data.email, data.email_enabled, data.sms_enabled
        pref.updated_at = now
        record(s, p.who, at=now, entity="notification_preference", entity_id=p.actor.user_id, action="update",
               before=before, after=data.model_dump())
        return data
