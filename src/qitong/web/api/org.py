from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from qitong.domain.ids import Id
from qitong.services import org
from qitong.web.deps import Ctx, Me

router = APIRouter(prefix="/api", tags=["organisation"])


@router.get("/enterprises", summary="企业列表")
def enterprises(
    ctx: Ctx,
    p: Me,
    q: Annotated[str | None, Query(max_length=100)] = None,
    page: Annotated[int, Query(ge=1)] = 1,
    per_page: Annotated[int, Query(ge=1, le=200)] = 20,
) -> dict[str, Any]:
    total, items = org.list_enterprises(ctx, p, q, page, per_page)
    return {"total": total, "page": page, "per_page": per_page, "items": items}


@router.post("/enterprises", status_code=201, summary="登记企业（校验统一社会信用代码）")
def create_enterprise(body: org.EnterpriseCreate, ctx: Ctx, p: Me) -> dict[str, Any]:
    return org.create_enterprise(ctx, p, body)


@router.get("/enterprises/{enterprise_id}", summary="企业详情")
def enterprise(enterprise_id: Id, ctx: Ctx, p: Me) -> dict[str, Any]:
    return org.get_enterprise(ctx, p, enterprise_id)


@router.get("/departments", summary="单位列表")
def departments(ctx: Ctx, p: Me) -> list[dict[str, Any]]:
    return org.list_departments(ctx, p)


@router.post("/departments", status_code=201, summary="新增单位（管理员）")
def create_department(body: org.DepartmentCreate, ctx: Ctx, p: Me) -> dict[str, Any]:
    return org.create_department(ctx, p, body)


@router.get("/users", summary="用户列表（管理员、审计员）")
def users(ctx: Ctx, p: Me) -> list[dict[str, Any]]:
    return org.list_users(ctx, p)


@router.post("/users", status_code=201, summary="新增用户（管理员）")
def create_user(body: org.UserCreate, ctx: Ctx, p: Me) -> dict[str, Any]:
    return org.create_user(ctx, p, body)
