from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response

from qitong.services import calendar as svc
from qitong.web.deps import Ctx, Me

router = APIRouter(prefix="/api", tags=["calendar"])


@router.get("/workdays/add", summary="某日之后第 n 个工作日")
def add(ctx: Ctx, p: Me, day: date, n: Annotated[int, Query(ge=0, le=3650)]) -> dict[str, Any]:
    with ctx.sessions() as s:
        r = ctx.calendars.get(s).add(day, n)
    return {"date": r.day.isoformat(), "provisional": r.provisional}


@router.get("/workdays/between", summary="(a, b] 之间的工作日数")
def between(ctx: Ctx, p: Me, a: date, b: date) -> dict[str, Any]:
    with ctx.sessions() as s:
        r = ctx.calendars.get(s).between(a, b)
    return {"days": r.days, "provisional": r.provisional}


@router.get("/calendar", summary="自定义节假日安排与已知年份")
def overrides(ctx: Ctx, p: Me, year: int | None = None) -> dict[str, Any]:
    return svc.list_overrides(ctx, year)


@router.put("/calendar/overrides/{day}", summary="设置某日放假或调休上班（管理员）")
def set_override(day: date, body: svc.OverrideIn, ctx: Ctx, p: Me) -> dict[str, Any]:
    return svc.set_override(ctx, p, day, body)


@router.delete("/calendar/overrides/{day}", status_code=204, summary="删除自定义安排（管理员）")
def delete_override(day: date, ctx: Ctx, p: Me) -> Response:
    svc.delete_override(ctx, p, day)
    return Response(status_code=204)


@router.put("/calendar/years/{year}", summary="载入某年官方节假日安排（管理员）")
def load_year(year: int, body: svc.YearSchedule, ctx: Ctx, p: Me) -> dict[str, Any]:
    return svc.load_year(ctx, p, year, body)
