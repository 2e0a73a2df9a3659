"""In-app notifications (each user their own), notification preferences, and the admin's
outbox (dead letters, replay) and webhook subscriptions."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from qitong.db.models import OutboxStatus
from qitong.domain.ids import Id
from qitong.services import notifications as svc
from qitong.services import outbox_admin, webhooks
from qitong.web.deps import Ctx, Me

router = APIRouter(tags=["notifications"])


@router.get("/api/notifications", summary="我的通知（未读在前）")
def list_notifications(
    ctx: Ctx,
    p: Me,
    unread_only: bool = False,
    page: Annotated[int, Query(ge=1)] = 1,
    per_page: Annotated[int, Query(ge=1, le=200)] = 20,
) -> dict[str, Any]:
    total, unread, items = svc.list_own(ctx, p, unread_only, page, per_page)
    return {"total": total, "unread": unread, "page": page, "per_page": per_page, "items": items}


@router.post("/api/notifications/{notification_id}/read", summary="标记为已读")
def read(notification_id: Id, ctx: Ctx, p: Me) -> dict[str, Any]:
    return svc.mark_read(ctx, p, notification_id)


@router.post("/api/notifications/read-all", summary="全部标记为已读")
def read_all(ctx: Ctx, p: Me) -> dict[str, int]:
    return {"marked": svc.mark_all_read(ctx, p)}


@router.get("/api/notifications/preferences", summary="我的通知方式")
def preferences(ctx: Ctx, p: Me) -> svc.Preferences:
    return svc.get_preferences(ctx, p)


@router.put("/api/notifications/preferences", summary="设置通知方式（邮箱、短信）")
def set_preferences(body: svc.Preferences, ctx: Ctx, p: Me) -> svc.Preferences:
    return svc.set_preferences(ctx, p, body)


@router.get("/api/admin/outbox", tags=["admin"], summary="消息投递队列（status=dead 查看投递失败）")
def outbox(
    ctx: Ctx,
    p: Me,
    status: OutboxStatus | None = None,
    page: Annotated[int, Query(ge=1)] = 1,
    per_page: Annotated[int, Query(ge=1, le=200)] = 20,
) -> dict[str, Any]:
    total, items = outbox_admin.list_messages(ctx, p, status, page, per_page)
    return {"total": total, "page": page, "per_page": per_page, "items": items}


@router.post("/api/admin/outbox/{outbox_id}/replay", tags=["admin"], summary="重放投递失败的消息")
def replay(outbox_id: Id, ctx: Ctx, p: Me) -> dict[str, Any]:
    return outbox_admin.replay(ctx, p, outbox_id)


@router.get("/api/admin/webhooks", tags=["admin"], summary="Webhook 订阅列表")
def list_webhooks(ctx: Ctx, p: Me) -> list[dict[str, Any]]:
    return webhooks.list_subscriptions(ctx, p)


@router.post("/api/admin/webhooks", status_code=201, tags=["admin"], summary="新增 Webhook 订阅（密钥仅显示一次）")
def create_webhook(body: webhooks.WebhookCreate, ctx: Ctx, p: Me) -> dict[str, Any]:
    return webhooks.create_subscription(ctx, p, body)


@router.post("/api/admin/webhooks/{sub_id}/deactivate", tags=["admin"], summary="停用 Webhook 订阅")
def deactivate_webhook(sub_id: Id, ctx: Ctx, p: Me) -> dict[str, Any]:
    return webhooks.set_active(ctx, p, sub_id, False)


@router.post("/api/admin/webhooks/{sub_id}/activate", tags=["admin"], summary="启用 Webhook 订阅")
def activate_webhook(sub_id: Id, ctx: Ctx, p: Me) -> dict[str, Any]:
    return webhooks.set_active(ctx, p, sub_id, True)
