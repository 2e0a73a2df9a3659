"""数据看板 and 大屏: the county's for the center, supervision and leaders (who may pick a department
or a region: `?department=<code>&region=<code>`), a department's own for its handlers and leader. The
figures come from services/kpi.py (the rollups); the page renders the numbers and tables,
static/js/dashboard.js draws the ECharts charts from the JSON of `dashboard_data` (the CSP allows no
inline script)."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import JSONResponse

from qitong.domain.tickets.lifecycle import STATUS_LABELS, Status
from qitong.services import kpi
from qitong.services.auth import Principal
from qitong.web.deps import Ctx
from qitong.web.pages import ui
from qitong.web.pages.render import render
from qitong.web.pages.route import PageRoute
from qitong.web.pages.session import require_user

router = APIRouter(route_class=PageRoute, include_in_schema=False)

PERIOD_CHOICES = [(str(d), f"近 {d} 天") for d in kpi.PERIOD_DAYS] + [("all", "全部")]


def require_dashboard_user(p: Annotated[Principal, Depends(require_user)]) -> Principal:
    kpi.require_dashboard(p)
    return p


DashboardUser = Annotated[Principal, Depends(require_dashboard_user)]


def _params(request: Request) -> tuple[str, int | None, str | None, str | None]:
    """The period key and days, and the department and region filters (codes; ignored by the
    service for a department user)."""
    days = kpi.parse_period_days(request.query_params.get("period"))
    q = request.query_params
    return ("all" if days is None else str(days)), days, q.get("department") or None, q.get("region") or None


def _query(d: kpi.Dashboard, period_key: str) -> str:
    sc = d.scope
    return urlencode({"period": period_key, **({} if sc.own else {
        k: v for k, v in (("department", sc.department_code), ("region", sc.region_code)) if v})})


def _load(request: Request, ctx: Ctx, me: Principal) -> tuple[kpi.Dashboard, str]:
    key, days, department, region = _params(request)
    return kpi.dashboard(ctx, me, days, department, region), key


def _units(rows: list[kpi.UnitFigures], limit: int = 15) -> list[dict[str, Any]]:
    return [r.as_dict() for r in rows[:limit]]


def _ranking(r: kpi.Ranking, each_end: int = 6) -> list[dict[str, Any]]:
    """The best and the worst few (all when there are not many), each marked with its board."""
    red, black = {u.key for u in r.red}, {u.key for u in r.black}
    units = r.ranked if len(r.ranked) <= 2 * each_end else [*r.ranked[:each_end], *r.ranked[-each_end:]]
    return [{"name": u.name, "composite": u.composite, "rank": u.rank,
             "board": "red" if u.key in red else "black" if u.key in black else None} for u in units]


def chart_data(d: kpi.Dashboard) -> dict[str, Any]:
    """What the charts draw. Status colours are Tabler colour names from ui.STATUS_COLOURS (the one
    mapping); the script resolves them to the stylesheet's colours."""
    pos = d.position
    return {
        "period": {"label": d.period.label, "days": d.period.days},
        "scope": {"label": d.scope.label, "own": d.scope.own, "department": d.scope.department_code,
                  "region": d.scope.region_code,
                  "position": None if pos is None else {"rank": pos.rank, "of": len(d.ranking.ranked),
                                                        "composite": pos.composite}},
        "gauges": [{"key": g.key, "label": g.label, "value": g.value, "target": g.target,
                    "higher_is_better": g.higher_is_better, "met": g.met, "target_text": g.target_text,
                    "numerator": g.numerator, "denominator": g.denominator} for g in d.targets.gauges],
        "totals": {"accepted": d.targets.accepted, "closed": d.targets.closed, "open": d.targets.open,
                   "overdue_open": d.overdue.total},
        "trend": {"weeks": d.trend.weeks, "submitted": d.trend.submitted, "closed": d.trend.closed,
                  "satisfaction": d.trend.satisfaction},
        "statuses": [{"status": s.value, "label": STATUS_LABELS[s], "count": d.statuses[s.value],
                      "colour": ui.STATUS_COLOURS[s]} for s in Status if d.statuses.get(s.value)],
        "by_department": _units(d.by_department),
        "by_category": _units(d.by_category),
        "by_region": _units(d.by_region),
        "ranking": _ranking(d.ranking),
    }


@router.get("/dashboard", name="dashboard")
def dashboard_page(request: Request, ctx: Ctx, me: DashboardUser) -> Response:
    d, key = _load(request, ctx, me)
    return render(request, "dashboard/index.html", {
        "d": d, "period_key": key, "periods": PERIOD_CHOICES, "query": _query(d, key),
        "filters": urlencode({k: v for k, v in (("department", d.scope.department_code),
                                                 ("region", d.scope.region_code)) if v and not d.scope.own}),
        "data_url": f"/dashboard/data.json?{_query(d, key)}",
    })


@router.get("/dashboard/data.json", name="dashboard_data")
def dashboard_json(request: Request, ctx: Ctx, me: DashboardUser) -> Response:
    d, _ = _load(request, ctx, me)
    return JSONResponse(chart_data(d), headers={"Cache-Control": "no-store"})


@router.get("/screen", name="screen")
def screen_page(request: Request, ctx: Ctx, me: DashboardUser) -> Response:
    """大屏: the same figures, full screen, dark, refreshed every minute by the script."""
    d, key = _load(request, ctx, me)
    return render(request, "dashboard/screen.html", {
        "d": d, "period_key": key, "query": _query(d, key), "data_url": f"/dashboard/data.json?{_query(d, key)}",
        "now": ctx.clock.now(),
    })
