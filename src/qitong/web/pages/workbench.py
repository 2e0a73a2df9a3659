"""The staff workbench: role-aware queues, search and filters, bulk dispatch, the Excel ledger."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Request, Response

from qitong.domain.errors import Forbidden, InvalidInput
from qitong.domain.tickets.lifecycle import ACTIONS, Action, Role
from qitong.services.auth import Principal
from qitong.services.tickets.bulk import bulk_dispatch, dispatch_as_suggested
from qitong.services.tickets.worklist import ledger, workbench
from qitong.web.deps import Ctx
from qitong.web.pages.filters import parse_filter, query_string
from qitong.web.pages.forms import parse_payload
from qitong.web.pages.ledger import workbook
from qitong.web.pages.render import render
from qitong.web.pages.route import PageRoute
from qitong.web.pages.session import PageUser, require_user
from qitong.web.pages.tickets import PostedForm

router = APIRouter(prefix="/workbench", route_class=PageRoute, include_in_schema=False)


def require_staff(p: Annotated[Principal, Depends(require_user)]) -> Principal:
    if p.actor.role == Role.enterprise_user:
        raise Forbidden("工作台供工作人员使用；企业用户请进入“我的诉求”", field="role")
    return p


StaffUser = Annotated[Principal, Depends(require_staff)]


def _page_no(raw: str | None) -> int:
    return int(raw) if raw and raw.isdigit() and 0 < int(raw) < 100000 else 1


@router.get("", name="workbench")
def index(request: Request, ctx: Ctx, me: StaffUser) -> Response:
    params = request.query_params
    f = parse_filter(params)
    wb = workbench(ctx, me, params.get("queue"), f, _page_no(params.get("page")))
    return render(request, "workbench/index.html", {
        "wb": wb, "page": wb.page, "f": f, "params": params, "qs": lambda **kw: query_string(params, **kw),
        "can_bulk_dispatch": me.actor.role in ACTIONS[Action.dispatch].roles and wb.page.queue.key == "to_dispatch",
    })


@router.get("/export", name="workbench_export")
def export(request: Request, ctx: Ctx, me: PageUser) -> Response:
    """Any list, staff queue or the enterprise's own, as an Excel ledger."""
    params = request.query_params
    queue, rows = ledger(ctx, me, params.get("queue"), parse_filter(params))
    tz = ZoneInfo(ctx.settings.timezone)
    stamp = ctx.clock.now().astimezone(tz)
    title = f"涉企问题台账 · {queue.label} · 导出时间 {stamp:%Y-%m-%d %H:%M} · 共 {len(rows)} 件"
    data = workbook(queue, rows, tz, title)
    name = f"台账_{queue.label}_{stamp:%Y%m%d%H%M}.xlsx"
    return Response(data, media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}"})


def _items(form_values: list[str]) -> list[tuple[int, int | None]]:
    out: list[tuple[int, int | None]] = []
    for v in form_values:
        tid, _, ver = v.partition(":")
        if not tid.isdigit():
            raise InvalidInput("勾选的工单有误，请刷新后重试", field="ticket")
        out.append((int(tid), int(ver) if ver.isdigit() else None))
    return out


@router.post("/bulk-dispatch", name="bulk_dispatch")
def bulk(request: Request, ctx: Ctx, me: StaffUser, form: PostedForm) -> Response:
    items = _items([v for v in form.getlist("ticket") if isinstance(v, str)])
    if form.get("as_suggested"):  # 按建议分派: each to its own pick, no unit chosen on the form
        return render(request, "workbench/bulk_result.html", {"result": dispatch_as_suggested(ctx, me, items),
                                                              "as_suggested": True})
    payload = parse_payload(Action.dispatch.value, ACTIONS[Action.dispatch].reason_required, form)
    result = bulk_dispatch(ctx, me, items, payload)
    return render(request, "workbench/bulk_result.html", {"result": result})
