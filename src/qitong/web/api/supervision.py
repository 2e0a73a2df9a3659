"""Supervision (督办): list, detail, open (by hand, or an interview), respond, close, flag a major
matter; each notice as HTML or PDF; the monthly bulletin as JSON, HTML or PDF."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Response
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, ConfigDict, Field

from qitong.domain.ids import Id
from qitong.domain.supervision import SupervisionLevel, SupervisionStatus, Trigger
from qitong.domain.supervision.access import check_bulletin
from qitong.services import bulletins
from qitong.services import supervision as sv
from qitong.services.supervision import documents
from qitong.web.deps import Ctx, Me

router = APIRouter(tags=["supervision"])


class OpenBody(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    ticket_id: Id
    level: SupervisionLevel = Field(description="reminder 提醒敦促函 / listed 整改通知书 / interview 约谈")
    reason: str = Field(min_length=2, max_length=2000, description="督办理由")
    department_id: Id | None = Field(default=None, description="被督办单位，默认为主办单位")


class RespondBody(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    response: str = Field(min_length=2, max_length=10000, description="办理或整改情况")


class CloseBody(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    note: str | None = Field(default=None, max_length=2000, description="办结说明（未反馈即办结时必填）")


class MajorBody(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    major: bool = True
    reason: str = Field(min_length=2, max_length=2000, description="认定（或取消）重大事项的理由")


@router.get("/api/supervisions", summary="督办列表（部门只看本单位）")
def list_(
    ctx: Ctx,
    p: Me,
    status: Annotated[list[SupervisionStatus] | None, Query()] = None,
    level: SupervisionLevel | None = None,
    trigger: Trigger | None = None,
    department_id: Id | None = None,
    ticket_id: Id | None = None,
    overdue: bool | None = None,
    page: Annotated[int, Query(ge=1)] = 1,
    per_page: Annotated[int, Query(ge=1, le=200)] = 20,
) -> dict[str, Any]:
    f = sv.SupervisionFilter(status=tuple(status or ()), level=level, trigger=trigger, department_id=department_id,
                             ticket_id=ticket_id, overdue=overdue)
    total, items = sv.list_supervisions(ctx, p, f, page, per_page)
    return {"total": total, "page": page, "per_page": per_page, "items": items}


@router.post("/api/supervisions", status_code=201, summary="发起督办（人工；约谈须督查督办人员或县领导）")
def open_(body: OpenBody, ctx: Ctx, p: Me, response: Response) -> dict[str, Any]:
    sid = sv.open_supervision(ctx, p, body.ticket_id, body.level, body.reason, body.department_id)
    response.headers["Location"] = f"/api/supervisions/{sid}"
    return sv.supervision_detail(ctx, p, sid)


@router.get("/api/supervisions/{supervision_id}", summary="督办详情")
def detail(supervision_id: Id, ctx: Ctx, p: Me) -> dict[str, Any]:
    return sv.supervision_detail(ctx, p, supervision_id)


@router.post("/api/supervisions/{supervision_id}/respond", summary="被督办单位反馈")
def respond(supervision_id: Id, body: RespondBody, ctx: Ctx, p: Me) -> dict[str, Any]:
    sv.respond(ctx, p, supervision_id, body.response)
    return sv.supervision_detail(ctx, p, supervision_id)


@router.post("/api/supervisions/{supervision_id}/close", summary="办结督办")
def close(supervision_id: Id, ctx: Ctx, p: Me, body: CloseBody | None = None) -> dict[str, Any]:
    sv.close(ctx, p, supervision_id, body.note if body else None)
    return sv.supervision_detail(ctx, p, supervision_id)


@router.post("/api/tickets/{ticket_id}/major", summary="认定（或取消）重大事项")
def flag_major(ticket_id: Id, body: MajorBody, ctx: Ctx, p: Me) -> dict[str, Any]:
    version = sv.flag_major(ctx, p, ticket_id, body.reason, body.major)
    _, items = sv.list_supervisions(ctx, p, sv.SupervisionFilter(ticket_id=ticket_id), 1, 200)
    return {"ticket_id": ticket_id, "major": body.major, "version": version, "supervisions": items}


def _pdf(data: bytes, filename: str) -> Response:
    return Response(data, media_type="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="{filename}"'})


@router.get("/api/supervisions/{supervision_id}/document.html", response_class=HTMLResponse, summary="督办通知（HTML）")
def document_html(supervision_id: Id, ctx: Ctx, p: Me) -> HTMLResponse:
    return HTMLResponse(documents.notice_html(ctx, p, supervision_id))


@router.get("/api/supervisions/{supervision_id}/document.pdf", summary="督办通知（PDF）")
def document_pdf(supervision_id: Id, ctx: Ctx, p: Me) -> Response:
    return _pdf(documents.notice_pdf(ctx, p, supervision_id), f"supervision-{supervision_id}.pdf")


@router.get("/api/bulletins/{year}/{month}.json", summary="月度监测通报（数据）")
def bulletin_json(year: int, month: int, ctx: Ctx, p: Me) -> dict[str, Any]:
    check_bulletin(p.actor)
    return bulletins.monthly_bulletin(ctx, year, month).as_json()


@router.get("/api/bulletins/{year}/{month}.html", response_class=HTMLResponse, summary="月度监测通报（HTML）")
def bulletin_html(year: int, month: int, ctx: Ctx, p: Me) -> HTMLResponse:
    check_bulletin(p.actor)
    return HTMLResponse(bulletins.bulletin_html(ctx, year, month))


@router.get("/api/bulletins/{year}/{month}.pdf", summary="月度监测通报（PDF）")
def bulletin_pdf(year: int, month: int, ctx: Ctx, p: Me) -> Response:
    check_bulletin(p.actor)
    return _pdf(bulletins.bulletin_pdf(ctx, year, month), f"bulletin-{year}-{month:02d}.pdf")
