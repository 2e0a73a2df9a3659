"""Issue 6's pages: 考核排名 (KPIs per unit, region, category; the composite index, the monthly 红黑榜
and the annual ranking, the admin's weights and revisit share), 回访任务, 低满意度台账, 评价申诉 and
分析报告. The figures and every access rule come from services.rollups / evaluation / reports; the
handlers parse, call one service and render (docs/web.md, "Evaluation pages")."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Annotated, Any, Literal
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import RedirectResponse
from starlette.datastructures import FormData

from qitong.adapters.documents.sheets import Sheet, workbook
from qitong.db.models import AppealStatus, RevisitMethod, RevisitStatus
from qitong.domain.errors import Forbidden, InvalidInput, NotFound
from qitong.domain.evaluation.kpi import KPI_LABELS, LOWER_IS_BETTER, Kpi
from qitong.domain.ids import Id
from qitong.domain.tickets.lifecycle import CENTER_ROLES, DEPARTMENT_ROLES, Role
from qitong.services import evaluation, reports, rollups
from qitong.services.auth import Principal
from qitong.services.context import Context
from qitong.services.reports.build import READERS as REPORT_READERS
from qitong.services.reports.build import runs as report_runs
from qitong.services.reports.build import stored as stored_report
from qitong.services.rollups import KpiRow, Period
from qitong.web.deps import Ctx
from qitong.web.pages.render import render
from qitong.web.pages.route import PageRoute
from qitong.web.pages.session import flash, require_user
from qitong.web.pages.tickets import PostedForm

router = APIRouter(prefix="/evaluation", route_class=PageRoute, include_in_schema=False)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BY_LABELS = {"department": "承办单位", "region": "属地", "category": "问题分类", "county": "全县"}
COUNT_COLUMNS = (("received", "受理"), ("closed", "办结"), ("rated", "参评"), ("dissatisfied", "不满意"))
KPI_COLUMNS = [(k.value, KPI_LABELS[k], k in LOWER_IS_BETTER) for k in Kpi]
REVISIT_STATUS = {"pending": "待回访", "done": "已回访", "unreachable": "无法联系"}
REVISIT_METHOD = {"phone": "电话回访", "visit": "上门回访"}
APPEAL_STATUS = {"pending": "待复核", "upheld": "申诉成立", "rejected": "维持原评价"}
REPORT_KINDS = {"monthly": "月度通报", "quarterly": "季度数智分析报告"}


def _file(data: bytes, fmt: str, name: str) -> Response:
    """A download with its Chinese file name (RFC 5987)."""
    media = "application/pdf" if fmt == "pdf" else XLSX
    return Response(data, media_type=media, headers={
        "Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}"})


def require_staff(p: Annotated[Principal, Depends(require_user)]) -> Principal:
    if p.actor.role == Role.enterprise_user:
        raise Forbidden("考核评价页面供工作人员使用", field="role")
    return p


StaffUser = Annotated[Principal, Depends(require_staff)]


def _today(ctx: Context) -> date:
    return ctx.clock.now().astimezone(ctx.policy.tz).date()


# ------------------------------------------------------------------------------------------ periods


def _months_back(today: date, n: int) -> list[tuple[int, int]]:
    y, m, out = today.year, today.month, []
    for _ in range(n):
        out.append((y, m))
        y, m = (y - 1, 12) if m == 1 else (y, m - 1)
    return out


def period_choices(today: date) -> list[tuple[str, str, str]]:
    """(value, label, group) for the period select: the last 12 months, 8 quarters, 3 years."""
    out = [(f"{y}-{m:02d}", f"{y}年{m}月", "按月") for y, m in _months_back(today, 12)]
    y, q = today.year, (today.month - 1) // 3 + 1
    for _ in range(8):
        out.append((f"{y}-Q{q}", f"{y}年第{q}季度", "按季度"))
        y, q = (y - 1, 4) if q == 1 else (y, q - 1)
    out += [(str(today.year - i), f"{today.year - i}年", "按年") for i in range(3)]
    return out


def _day(raw: str | None, field: str, label: str) -> date:
    try:
        return date.fromisoformat((raw or "").strip())
    except ValueError:
        raise InvalidInput(f"请填写{label}，格式如 2026-11-01", field=field) from None


MAX_CUSTOM_DAYS = 3 * 366


def parse_period(ctx: Context, params: Any) -> tuple[Period, str, str]:
    """The chosen period → (period, its Chinese text, the select's value). `custom` takes start/end dates."""
    raw = (params.get("period") or "").strip() or f"{_today(ctx):%Y-%m}"
    if raw != "custom":
        p = rollups.parse_period(raw)
        return p, p.text, raw
    start, end = _day(params.get("start"), "start", "开始日期"), _day(params.get("end"), "end", "结束日期")
    if end < start:
        raise InvalidInput("结束日期不能早于开始日期", field="end")
    if (end - start).days > MAX_CUSTOM_DAYS:
        raise InvalidInput("自定义期间最长三年，请缩短后再查询", field="end")
    text = f"{start.year}年{start.month}月{start.day}日至{end.year}年{end.month}月{end.day}日"
    return Period(start, end + timedelta(days=1), f"{start.isoformat()}~{end.isoformat()}"), text, raw


def _rb_month(ctx: Context, period: Period) -> tuple[int, int]:
    """The 红黑榜 month: the period's month when a month is chosen, else the current one."""
    if re.fullmatch(r"\d{4}-\d{2}", period.label):
        return period.start.year, period.start.month
    today = _today(ctx)
    return today.year, today.month


def _size(raw: str | None) -> int:
    return int(raw) if raw and raw.isdigit() and 1 <= int(raw) <= 10 else 3


def _sorted(rows: list[KpiRow]) -> list[KpiRow]:
    return sorted(rows, key=lambda r: (r.index is None, -(r.index or 0), str(r.label)))


def _by(raw: str | None) -> str:
    by = raw or "department"
    if by not in BY_LABELS:
        raise InvalidInput("统计维度应为承办单位、属地、问题分类或全县", field="by")
    return by


def _figures(ctx: Context, params: Any) -> dict[str, Any]:
    period, text, value = parse_period(ctx, params)
    by = _by(params.get("by"))
    size = _size(params.get("size"))
    y, m = _rb_month(ctx, period)
    rows = _sorted(rollups.kpis(ctx, by, period))
    return {"period": period, "period_text": text, "period_value": value, "by": by, "size": size,
            "rows": rows, "red_black": rollups.red_black(ctx, y, m, size),
            "annual": rollups.annual_ranking(ctx, period.start.year)}


# ------------------------------------------------------------------------------------------ 考核排名


@router.get("", name="evaluation_home")
def home(me: StaffUser) -> Response:
    return RedirectResponse("/evaluation/kpis", status_code=303)


@router.get("/kpis", name="evaluation")
def kpi_page(request: Request, ctx: Ctx, me: StaffUser) -> Response:
    params = request.query_params
    f = _figures(ctx, params)
    with ctx.sessions() as s:
        weights = {k.value: v for k, v in rollups.get_weights(s).items()}
        share = evaluation.revisit_share(s)
    query = urlencode({k: v for k, v in params.items() if k in ("by", "period", "start", "end", "size")})
    return render(request, "evaluation/kpis.html", {
        **f, "choice_groups": _grouped(period_choices(_today(ctx))), "BY_LABELS": BY_LABELS,
        "COUNT_COLUMNS": COUNT_COLUMNS,
        "KPI_COLUMNS": KPI_COLUMNS, "weights": weights, "share": share, "is_admin": me.actor.role == Role.admin,
        "export_url": f"/evaluation/kpis.xlsx?{query}" if query else "/evaluation/kpis.xlsx",
        "start": params.get("start", ""), "end": params.get("end", ""),
    })


def _grouped(choices: list[tuple[str, str, str]]) -> list[tuple[str, list[tuple[str, str, str]]]]:
    groups: dict[str, list[tuple[str, str, str]]] = {}
    for c in choices:
        groups.setdefault(c[2], []).append(c)
    return list(groups.items())


def _pct(v: float | None) -> str:
    return "—" if v is None else f"{v * 100:.1f}%"


@router.get("/kpis.xlsx", name="evaluation_export")
def kpi_export(request: Request, ctx: Ctx, me: StaffUser) -> Response:
    """The KPI table, the 红黑榜 and the annual ranking as one workbook (a sheet each)."""
    f = _figures(ctx, request.query_params)
    head = (BY_LABELS[f["by"]], *(lbl for _, lbl in COUNT_COLUMNS), *(lbl for _, lbl, _ in KPI_COLUMNS), "综合指数")
    rows = [(r.label, *(r.counts[c] for c, _ in COUNT_COLUMNS), *(_pct(r.rates[Kpi(k)]) for k, _, _ in KPI_COLUMNS),
             "—" if r.index is None else r.index) for r in f["rows"]]
    rb, annual = f["red_black"], f["annual"]
    boards = [("红榜", x) for x in rb.red] + [("黑榜", x) for x in rb.black]
    sheets = [
        Sheet("考核指标", head, rows),
        Sheet("红黑榜", ("月份", "榜单", "名次", "单位", "综合指数"),
              [(rb.period.text, b, x.rank, x.label, x.index) for b, x in boards]),
        Sheet("年度排名", ("年度", "名次", "单位", "综合指数"),
              [(annual.period.text, x.rank, x.label, x.index) for x in annual.ranking]),
    ]
    return _file(workbook(sheets), "xlsx", f"考核排名_{f['period_text']}.xlsx")


def _number(form: FormData, name: str, label: str) -> float:
    raw = form.get(name)
    text = raw.strip() if isinstance(raw, str) else ""
    try:
        return float(text) if text else 0.0
    except ValueError:
        raise InvalidInput(f"“{label}”应为数字", field=name) from None


@router.post("/weights", name="evaluation_weights")
def weights_post(request: Request, ctx: Ctx, me: StaffUser, form: PostedForm) -> Response:
    weights = {k: _number(form, f"w_{k}", f"{lbl}权重") for k, lbl, _ in KPI_COLUMNS}
    rollups.set_weights(ctx, me, weights)
    flash(request, "已保存综合指数权重，排名已按新权重计算")
    return RedirectResponse("/evaluation/kpis#weights", status_code=303)


@router.post("/revisit-share", name="evaluation_revisit_share")
def share_post(request: Request, ctx: Ctx, me: StaffUser, form: PostedForm) -> Response:
    raw = form.get("share")
    if not isinstance(raw, str) or not raw.strip():
        raise InvalidInput("请填写回访抽样比例", field="share")
    percent = _number(form, "share", "回访抽样比例")
    share = evaluation.set_revisit_share(ctx, me, round(percent / 100, 4))
    flash(request, f"已将抽样回访比例设为 {share * 100:g}%（不满意的工单全部回访）")
    return RedirectResponse("/evaluation/kpis#weights", status_code=303)


# ------------------------------------------------------------------------------------------ 回访任务


def _revisit_status(raw: str | None) -> RevisitStatus | None:
    if raw in (None, "", "pending"):
        return RevisitStatus.pending
    if raw == "all":
        return None
    if raw not in RevisitStatus._value2member_map_:
        raise InvalidInput("回访状态筛选不正确", field="status")
    return RevisitStatus(raw)


@router.get("/revisits", name="revisits")
def revisits_page(request: Request, ctx: Ctx, me: StaffUser) -> Response:
    raw = request.query_params.get("status")
    status = _revisit_status(raw)
    return render(request, "evaluation/revisits.html", {
        "items": evaluation.my_revisits(ctx, me, status), "status": raw or "pending",
        "can_record": me.actor.role in evaluation.REVISIT_ROLES, "REVISIT_STATUS": REVISIT_STATUS,
        "REVISIT_METHOD": REVISIT_METHOD, "share": _share(ctx),
    })


def _share(ctx: Context) -> float:
    with ctx.sessions() as s:
        return evaluation.revisit_share(s)


def _yes_no(form: FormData, name: str) -> bool | None:
    raw = form.get(name)
    return {"1": True, "0": False}.get(raw) if isinstance(raw, str) else None


@router.post("/revisits/{revisit_id}", name="revisit_outcome")
def revisit_post(request: Request, ctx: Ctx, me: StaffUser, revisit_id: Id, form: PostedForm) -> Response:
    status, method, outcome = form.get("status"), form.get("method"), form.get("outcome")
    if status not in ("done", "unreachable"):
        raise InvalidInput("请选择回访结果：已回访或无法联系", field="status")
    if method not in RevisitMethod._value2member_map_:
        raise InvalidInput("请选择回访方式：电话或上门", field="method")
    o = evaluation.RevisitOutcome(RevisitStatus(str(status)), RevisitMethod(str(method)),
                                  outcome if isinstance(outcome, str) else "", _yes_no(form, "satisfied"),
                                  _yes_no(form, "resolved"))
    r = evaluation.record_revisit(ctx, me, revisit_id, o)
    flash(request, f"已记录回访结果：{r['number']}（{REVISIT_STATUS[r['status']]}）")
    return RedirectResponse("/evaluation/revisits", status_code=303)


# ------------------------------------------------------------------------------------------ 低满意度台账


@router.get("/low-satisfaction", name="low_satisfaction")
def ledger_page(request: Request, ctx: Ctx, me: StaffUser) -> Response:
    return render(request, "evaluation/ledger.html", {"items": evaluation.low_satisfaction(ctx, me)})


@router.get("/low-satisfaction.xlsx", name="low_satisfaction_export")
def ledger_export(ctx: Ctx, me: StaffUser) -> Response:
    stamp = ctx.clock.now().astimezone(ctx.policy.tz)
    return _file(evaluation.low_satisfaction_xlsx(ctx, me), "xlsx", f"低满意度台账_{stamp:%Y%m%d%H%M}.xlsx")


# ------------------------------------------------------------------------------------------ 评价申诉


def _appeal_status(raw: str | None, default: AppealStatus | None) -> AppealStatus | None:
    if raw is None or raw == "":
        return default
    if raw == "all":
        return None
    if raw not in AppealStatus._value2member_map_:
        raise InvalidInput("申诉状态筛选不正确", field="status")
    return AppealStatus(raw)


@router.get("/appeals", name="appeals")
def appeals_page(request: Request, ctx: Ctx, me: StaffUser) -> Response:
    center = me.actor.role in CENTER_ROLES
    raw = request.query_params.get("status")
    status = _appeal_status(raw, AppealStatus.pending if center else None)
    return render(request, "evaluation/appeals.html", {
        "items": evaluation.appeals_with_context(ctx, me, status), "status": raw or ("pending" if center else "all"),
        "can_decide": center, "APPEAL_STATUS": APPEAL_STATUS, "own_unit": me.actor.role in DEPARTMENT_ROLES,
    })


@router.post("/appeals/{appeal_id}/decision", name="appeal_decision")
def appeal_decide(request: Request, ctx: Ctx, me: StaffUser, appeal_id: Id, form: PostedForm) -> Response:
    upheld, decision = form.get("upheld"), form.get("decision")
    if upheld not in ("1", "0"):
        raise InvalidInput("请选择复核结论：申诉成立或维持原评价", field="upheld")
    a = evaluation.decide_appeal(ctx, me, appeal_id, upheld == "1", decision if isinstance(decision, str) else "")
    flash(request, f"已复核申诉：{APPEAL_STATUS[a['status']]}"
                   + ("，该评价不再计入考核" if a["status"] == "upheld" else ""))
    return RedirectResponse("/evaluation/appeals", status_code=303)


@router.post("/tickets/{ticket_id}/appeal", name="ticket_appeal")
def appeal_file(request: Request, ctx: Ctx, me: StaffUser, ticket_id: Id, form: PostedForm) -> Response:
    """From the ticket page (templates/evaluation/_ticket.html): the rating is named by its round."""
    rnd, reason = form.get("round"), form.get("reason")
    if not isinstance(rnd, str) or not rnd.isdigit():
        raise InvalidInput("请选择要申诉的评价", field="round")
    evaluation.file_appeal_for_round(ctx, me, ticket_id, int(rnd), reason if isinstance(reason, str) else "")
    flash(request, "已提交评价申诉，请等待企业综合服务中心复核")
    return RedirectResponse(f"/tickets/{ticket_id}", status_code=303)


# ------------------------------------------------------------------------------------------ 分析报告


def _report_periods(today: date) -> dict[str, list[dict[str, Any]]]:
    months = [{"year": y, "n": m, "label": f"{y}-{m:02d}", "text": f"{y}年{m}月", "current": i == 0}
              for i, (y, m) in enumerate(_months_back(today, 12))]
    quarters, y, q = [], today.year, (today.month - 1) // 3 + 1
    for i in range(8):
        quarters.append({"year": y, "n": q, "label": f"{y}-Q{q}", "text": f"{y}年第{q}季度", "current": i == 0})
        y, q = (y - 1, 4) if q == 1 else (y, q - 1)
    return {"quarterly": quarters, "monthly": months}


def require_report_reader(p: Annotated[Principal, Depends(require_user)]) -> Principal:
    if p.actor.role not in REPORT_READERS:
        raise Forbidden("您的角色不能查看分析报告", field="role")
    return p


ReportReader = Annotated[Principal, Depends(require_report_reader)]


@router.get("/reports", name="reports")
def reports_page(request: Request, ctx: Ctx, me: ReportReader) -> Response:
    stored = {(r["report"], r["period"]): r for r in report_runs(ctx, me)}
    return render(request, "evaluation/reports.html", {
        "periods": _report_periods(_today(ctx)), "stored": stored, "REPORT_KINDS": REPORT_KINDS,
        "runs": list(stored.values()),
    })


def _report_name(kind: str, year: int, n: int, fmt: str) -> str:
    if kind == "quarterly":
        return f"“企业问题解决”数智分析报告_{year}年第{n}季度.{fmt}"
    return f"涉企问题办理情况通报_{year}年{n}月.{fmt}"


@router.get("/reports/{kind}/{year}/{n:int}.{fmt}", name="report_file")
def report_download(kind: Literal["monthly", "quarterly"], year: int, n: int, fmt: Literal["pdf", "xlsx"],
                    ctx: Ctx, me: ReportReader) -> Response:
    """Generated on demand, from the figures as they are now."""
    return _file(reports.report_file(ctx, me, kind, year, n, fmt), fmt, _report_name(kind, year, n, fmt))


@router.get("/reports/stored/{kind}/{period}.{fmt}", name="report_stored")
def report_stored(kind: Literal["monthly", "quarterly"], period: str, fmt: Literal["pdf", "xlsx"], ctx: Ctx,
                  me: ReportReader) -> Response:
    """The copy the worker generated on schedule, as it was then."""
    data = stored_report(ctx, me, kind, period, fmt)
    if data is None:
        raise NotFound(f"没有 {period} 的定时生成报告", field="period")
    return _file(data, fmt, f"{REPORT_KINDS[kind]}_{period}_定时生成.{fmt}")


__all__ = ["parse_period", "period_choices", "router"]
