"""信息公开 (no sign-in): closed tickets with business names and personal data masked, and the
department ranking of the last 90 days."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from qitong.services.disclosure import closed_tickets
from qitong.services.kpi import DEFAULT_PERIOD_DAYS, department_ranking
from qitong.web.deps import Ctx
from qitong.web.pages.render import render
from qitong.web.pages.route import PageRoute

router = APIRouter(route_class=PageRoute, include_in_schema=False)


@router.get("/public", name="public_disclosure")
def public_page(request: Request, ctx: Ctx) -> Response:
    raw = request.query_params.get("page")
    page = int(raw) if raw and raw.isdigit() and 0 < int(raw) < 100000 else 1
    period, rank = department_ranking(ctx, DEFAULT_PERIOD_DAYS)
    return render(request, "public/index.html", {
        "page": closed_tickets(ctx, page), "ranking": rank, "period": period,
        "qs": lambda **kw: f"page={kw.get('page', 1)}",
    })
