"""信息公开 (no sign-in): closed tickets with business names and personal data masked, searchable by
keyword, category, lead unit and month closed, and the department ranking of the last 90 days."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Request, Response

from qitong.domain.errors import InvalidInput
from qitong.services.disclosure import DisclosureSearch, closed_tickets, parse_search, search_options
from qitong.services.kpi import DEFAULT_PERIOD_DAYS, department_ranking
from qitong.web.deps import Ctx
from qitong.web.pages.render import render
from qitong.web.pages.route import PageRoute

router = APIRouter(route_class=PageRoute, include_in_schema=False)


@router.get("/public", name="public_disclosure")
def public_page(request: Request, ctx: Ctx) -> Response:
    params = request.query_params
    raw = params.get("page")
    page = int(raw) if raw and raw.isdigit() and 0 < int(raw) < 100000 else 1
    error = None
    try:
        search = parse_search(params)
    except InvalidInput as e:  # the page still shows, unfiltered, with the message
        search, error = DisclosureSearch(), e
    period, rank = department_ranking(ctx, DEFAULT_PERIOD_DAYS)
    return render(request, "public/index.html", {
        "page": closed_tickets(ctx, page, search=search), "ranking": rank, "period": period,
        "options": search_options(ctx), "search": search, "values": dict(params), "error": error,
        "qs": lambda **kw: urlencode(search.query(**kw)),
    }, status=422 if error else 200)
