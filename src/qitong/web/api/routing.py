"""Routing: the responsibility list (admins edit; Excel in and out), the proposal for a ticket, the
classifier's suggestions."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, File, Response, UploadFile

from qitong.domain.errors import InvalidInput
from qitong.domain.ids import Id
from qitong.services.routing import responsibility as resp
from qitong.services.routing import responsibility_xlsx as xlsx
from qitong.services.routing import suggest
from qitong.web.deps import Ctx, Me

router = APIRouter(prefix="/api", tags=["routing"])
MAX_XLSX = 10 * 1024 * 1024
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@router.get("/tickets/{ticket_id}/proposal", summary="职责清单的派单建议（主办、协办、层级、依据）")
def proposal(ticket_id: Id, ctx: Ctx, p: Me) -> dict[str, Any]:
    return suggest.proposal(ctx, p, ticket_id)


@router.get("/tickets/{ticket_id}/suggestions", summary="智能分类建议（类型、分类、主办单位，前三及置信度）")
def suggestions(ticket_id: Id, ctx: Ctx, p: Me) -> dict[str, Any]:
    return suggest.suggestions(ctx, p, ticket_id)


@router.get("/responsibility", summary="职责清单（全部版本，或某日有效的条目）")
def list_entries(ctx: Ctx, p: Me, category: str | None = None, on: date | None = None) -> list[dict[str, Any]]:
    return resp.list_entries(ctx, p, category, on)


@router.post("/responsibility", status_code=201, summary="新增职责清单条目（新版本；管理员）")
def create_entry(body: resp.EntryIn, ctx: Ctx, p: Me) -> dict[str, Any]:
    return resp.create_entry(ctx, p, body)


@router.put("/responsibility/{entry_id}", summary="更正职责清单条目（管理员）")
def update_entry(entry_id: Id, body: resp.EntryIn, ctx: Ctx, p: Me) -> dict[str, Any]:
    return resp.update_entry(ctx, p, entry_id, body)


@router.delete("/responsibility/{entry_id}", status_code=204, summary="删除职责清单条目（管理员）")
def delete_entry(entry_id: Id, ctx: Ctx, p: Me) -> Response:
    resp.delete_entry(ctx, p, entry_id)
    return Response(status_code=204)


@router.get("/responsibility/export.xlsx", summary="导出职责清单（Excel）")
def export_xlsx(ctx: Ctx, p: Me) -> Response:
    return Response(xlsx.export_xlsx(ctx, p), media_type=XLSX,
                    headers={"Content-Disposition": "attachment; filename*=UTF-8''responsibility.xlsx"})


@router.post("/responsibility/import", summary="导入职责清单（Excel；逐行导入，报告出错行；管理员）")
def import_xlsx(ctx: Ctx, p: Me, file: Annotated[UploadFile, File()]) -> dict[str, Any]:
    data = file.file.read(MAX_XLSX + 1)
    if len(data) > MAX_XLSX:
        raise InvalidInput("文件超过 10 MB", field="file")
    return xlsx.import_xlsx(ctx, p, data).as_dict()
