"""Intake channels: 12345 bulk import (multipart: file + mapping), forum/visit batches, assigned and
found problems with their origin."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, UploadFile

from qitong.domain.errors import InvalidInput
from qitong.services.tickets import channels
from qitong.web.deps import Ctx, Me

router = APIRouter(prefix="/api", tags=["channels"])
MAX_IMPORT = 50 * 1024 * 1024


def _read(f: UploadFile, limit: int, field: str) -> bytes:
    data = f.file.read(limit + 1)
    if len(data) > limit:
        raise InvalidInput(f"文件超过 {limit // (1024 * 1024)} MB", field=field)
    return data


@router.post("/imports/12345", summary="导入 12345 工单（Excel/CSV/JSON + 字段映射；重复导入不重复建单）")
def import_12345(
    ctx: Ctx,
    p: Me,
    file: Annotated[UploadFile, File(description="工单文件：.xlsx / .csv / .json")],
    mapping: Annotated[UploadFile | None, File(description="字段映射 JSON 文件")] = None,
    mapping_json: Annotated[str | None, Form(description="或直接提交字段映射 JSON 文本")] = None,
) -> dict[str, Any]:
    if mapping is not None:
        m: bytes | str = _read(mapping, 1024 * 1024, "mapping")
    elif mapping_json:
        m = mapping_json
    else:
        raise InvalidInput("缺少字段映射（mapping 文件或 mapping_json）", field="mapping")
    report = channels.import_hotline(ctx, p, file.filename or "", _read(file, MAX_IMPORT, "file"), m)
    return report.as_dict()


@router.post("/intake/batch", status_code=201, summary="座谈会、走访收集的问题批量录入")
def batch(body: channels.BatchIn, ctx: Ctx, p: Me) -> dict[str, Any]:
    created = channels.batch_intake(ctx, p, body)
    return {"count": len(created), "items": [{"ticket_id": c.ticket_id, "number": c.number,
                                              "similar": list(c.similar)} for c in created]}


@router.post("/intake/assigned", status_code=201, summary="领导交办、督查发现、检查发现、主动查找的问题")
def assigned(body: channels.AssignedIn, ctx: Ctx, p: Me) -> dict[str, Any]:
    c = channels.assigned_intake(ctx, p, body)
    return {"ticket_id": c.ticket_id, "number": c.number, "query_code": c.query_code, "similar": list(c.similar)}
