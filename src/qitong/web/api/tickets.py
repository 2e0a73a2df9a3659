"""Tickets: create (Idempotency-Key), list with filters, detail, timeline, actions (If-Match)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, File, Header, Query, Response, UploadFile

from qitong.domain.errors import InvalidInput
from qitong.domain.ids import MAX_ID, Id
from qitong.domain.tickets.lifecycle import Action, Status
from qitong.domain.tickets.vocab import Channel, TicketType
from qitong.services.tickets import actions as act
from qitong.services.tickets import attachments, intake, queries
from qitong.services.tickets.payloads import ActionPayload
from qitong.web.deps import Ctx, Me

router = APIRouter(prefix="/api/tickets", tags=["tickets"])


@router.post("", status_code=201, summary="提交诉求（支持 Idempotency-Key）")
def create(
    body: intake.TicketCreate,
    ctx: Ctx,
    p: Me,
    response: Response,
    idempotency_key: Annotated[str | None, Header(max_length=128)] = None,
) -> dict[str, Any]:
    created = intake.create_ticket(ctx, p, body, idempotency_key)
    if created.replayed:
        response.headers["Idempotent-Replayed"] = "true"
    out = created.detail if created.detail is not None else queries.ticket_detail(ctx, p, created.ticket_id)
    out["query_code"] = created.query_code
    response.headers["Location"] = f"/api/tickets/{created.ticket_id}"
    response.headers["ETag"] = f'"{out["version"]}"'
    return out


@router.get("", summary="工单列表（筛选、分页）")
def list_(
    ctx: Ctx,
    p: Me,
    status: Annotated[list[Status] | None, Query()] = None,
    department_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    overdue: bool | None = None,
    ticket_type: TicketType | None = None,
    category: Annotated[str | None, Query(max_length=32)] = None,
    region_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    channel: Channel | None = None,
    created_from: datetime | None = None,
    created_to: datetime | None = None,
    q: Annotated[str | None, Query(max_length=100)] = None,
    enterprise_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    per_page: Annotated[int, Query(ge=1, le=200)] = 20,
) -> dict[str, Any]:
    for name, v in (("created_from", created_from), ("created_to", created_to)):
        if v is not None and v.tzinfo is None:
            raise InvalidInput("时间须带时区，例如 2026-11-01T00:00:00+08:00", field=name)
    f = queries.TicketFilter(
        status=tuple(status or ()), department_id=department_id, overdue=overdue, ticket_type=ticket_type,
        category=category, region_id=region_id, channel=channel, created_from=created_from,
        created_to=created_to, q=q, enterprise_id=enterprise_id,
    )
    lst = queries.ticket_page(ctx, p, f, page, per_page)
    # total is exact up to queries.COUNT_CAP (a search: SEARCH_COUNT_CAP); beyond, the cap and total_exact false
    return {"total": lst.total, "total_exact": lst.total_exact, "page": page, "per_page": per_page,
            "items": lst.items}


@router.get("/{ticket_id}", summary="工单详情（含当前可执行的操作）")
def detail(ticket_id: Id, ctx: Ctx, p: Me, response: Response) -> dict[str, Any]:
    out = queries.ticket_detail(ctx, p, ticket_id)
    response.headers["ETag"] = f'"{out["version"]}"'
    return out


@router.get("/{ticket_id}/timeline", summary="办理时间线")
def timeline(ticket_id: Id, ctx: Ctx, p: Me) -> list[dict[str, Any]]:
    return queries.timeline(ctx, p, ticket_id)


def _version(if_match: str | None) -> int | None:
    if if_match is None or if_match.strip() == "*":
        return None
    raw = if_match.strip().removeprefix("W/").strip('"')
    if not raw.isdigit():
        raise InvalidInput("If-Match 应为工单版本号，例如 \"3\"", field="If-Match")
    return int(raw)


@router.post("/{ticket_id}/actions/{action}", summary="执行操作（If-Match 携带版本号）")
def perform(
    ticket_id: Id,
    action: Action,
    ctx: Ctx,
    p: Me,
    response: Response,
    body: ActionPayload | None = None,
    if_match: Annotated[str | None, Header()] = None,
) -> dict[str, Any]:
    act.perform(ctx, p, ticket_id, action, body, if_match=_version(if_match))
    out = queries.ticket_detail(ctx, p, ticket_id)
    response.headers["ETag"] = f'"{out["version"]}"'
    return out


@router.post("/{ticket_id}/attachments", status_code=201, summary="上传附件")
async def upload(ticket_id: Id, ctx: Ctx, p: Me, file: Annotated[UploadFile, File()]) -> dict[str, Any]:
    data = await file.read(ctx.settings.max_attachment_bytes + 1)
    return attachments.add_attachment(ctx, p, ticket_id, file.filename or "附件",
                                      file.content_type or "application/octet-stream", data)


@router.get("/{ticket_id}/attachments/{attachment_id}", summary="下载附件")
def download(ticket_id: Id, attachment_id: Id, ctx: Ctx, p: Me) -> Response:
    a, data = attachments.read_attachment(ctx, p, ticket_id, attachment_id)
    return Response(data, media_type=a.content_type, headers={
        "Content-Disposition": f"attachment; filename*=UTF-8''{quote(a.filename)}",
        "X-Content-Type-Options": "nosniff"})


