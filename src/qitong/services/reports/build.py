"""Building the reports from the rollups (KPIs), the ticket table (channels), the case library and
the common problems; rendering them; storing the scheduled ones once."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from qitong.adapters.documents.report import render_report_pdf, render_report_xlsx
from qitong.db.models import LowSatisfactionEntry, ReportRun, Ticket
from qitong.domain.errors import Forbidden, InvalidInput
from qitong.domain.evaluation.kpi import KPI_LABELS, TARGETS, Kpi, rates
from qitong.domain.evaluation.report import Report, Table, pct
from qitong.domain.tickets.lifecycle import CENTER_ROLES, OVERSIGHT_ROLES
from qitong.domain.tickets.vocab import CHANNEL_LABELS, Channel
from qitong.services import cases
from qitong.services.auth import Principal
from qitong.services.context import Context
from qitong.services.rollups import NOT_RECEIVED, Period, kpis_in, month, quarter, sums
from qitong.services.rollups import red_black as red_black_list

READERS = CENTER_ROLES | OVERSIGHT_ROLES
KINDS = ("monthly", "quarterly")


def _bounds(ctx: Context, p: Period) -> tuple[datetime, datetime]:
    tz = ctx.policy.tz
    return (datetime(p.start.year, p.start.month, p.start.day, tzinfo=tz),
            datetime(p.end.year, p.end.month, p.end.day, tzinfo=tz))


def _channels(s: Session, start: datetime, end: datetime) -> list[tuple[str, int]]:
    rows = s.execute(select(Ticket.channel, func.count()).where(
        Ticket.submitted_at >= start, Ticket.submitted_at < end, Ticket.status.not_in(list(NOT_RECEIVED)),
    ).group_by(Ticket.channel)).all()
    return sorted(((CHANNEL_LABELS[Channel(c)], int(n)) for c, n in rows), key=lambda x: -x[1])


def _content(ctx: Context, kind: str, p: Period) -> Report:
    start, end = _bounds(ctx, p)
    with ctx.sessions() as s:
        county = sums(s, "county", p)["county"]
        r = rates(county)
        depts = kpis_in(s, "department", p)
        cats = kpis_in(s, "category", p)
        channels = _channels(s, start, end)
        ledger = s.scalar(select(func.count()).select_from(LowSatisfactionEntry).where(
            LowSatisfactionEntry.entered_at >= start, LowSatisfactionEntry.entered_at < end)) or 0
    summary = [
        f"{p.text}，全县通过各渠道受理涉企问题 {county['received']} 件，办结 {county['closed']} 件；"
        f"按时办结率 {pct(r[Kpi.on_time])}，满意率 {pct(r[Kpi.satisfaction])}（参评 {county['rated']} 件，"
        f"不满意 {county['dissatisfied']} 件），中心层面解决占比 {pct(r[Kpi.center_share])}（目标不低于 90%），"
        f"提交县领导协调占比 {pct(r[Kpi.leadership_share])}（目标不高于 10%）。",
        f"本期新增列入低满意度台账 {ledger} 件；退回 {county['returns']} 次，二次交办 {county['redispatches']} 次，"
        f"延期 {county['extensions']} 次。",
    ]
    tables = [
        Table("受理渠道", ("渠道", "件数"), tuple(channels), chart=("各渠道受理量（件）", 1)),
        Table("问题分类", ("分类", "受理", "办结", "满意率"),
              tuple((c.label, c.counts["received"], c.counts["closed"], pct(c.rates[Kpi.satisfaction]))
                    for c in sorted(cats, key=lambda c: -c.counts["received"])), chart=("各类问题受理量（件）", 1)),
        Table("时效与满意度", ("指标", "本期", "目标"),
              tuple((KPI_LABELS[k], pct(v), _target(k)) for k, v in r.items())),
        Table("承办单位办理情况", ("单位", "交办", "办结", "按时办结率", "及时联系率", "满意率", "退回率", "综合指数"),
              tuple((d.label, d.counts["dispatches"], d.counts["closed"], pct(d.rates[Kpi.on_time]),
                     pct(d.rates[Kpi.contact]), pct(d.rates[Kpi.satisfaction]), pct(d.rates[Kpi.return_rate]),
                     "—" if d.index is None else d.index)
                    for d in sorted(depts, key=lambda d: -(d.index or 0))), chart=("各单位综合指数", 7)),
    ]
    if kind == "monthly":
        rb = red_black_list(ctx, p.start.year, p.start.month)
        tables.append(Table("红黑榜", ("榜单", "单位", "综合指数", "名次"),
                            tuple(("红榜", x.label, x.index or 0, x.rank) for x in rb.red)
                            + tuple(("黑榜", x.label, x.index or 0, x.rank) for x in rb.black)))
    months = 3 if kind == "quarterly" else 1
    problems = cases.common_problems(ctx, months=max(months, 3), until=p.end - timedelta(days=1), limit=10)
    tables.append(Table("共性问题（热点）", ("分类", "代表问题", "件数", "趋势", "风险提示"),
                        tuple((c["category_name"], c["label"], c["size"],
                               " / ".join(str(t["count"]) for t in c["trend"]), c["warning"] or "")
                              for c in problems)))
    typical = cases.cases_between(ctx, start, end)
    return Report(
        kind=kind,
        title=f"{p.text}“企业问题解决”数智分析报告" if kind == "quarterly" else f"{p.text}涉企问题办理情况通报",
        issuer=ctx.settings.supervision_issuer, period=p.text,
        as_of=min(ctx.clock.now(), end).astimezone(ctx.policy.tz).strftime("%Y年%m月%d日 %H:%M"),
        summary=tuple(summary), tables=tuple(tables),
        cases=tuple((c["title"], f"问题：{c['problem']} 办理：{c['solution']} 启示：{c['lesson']}") for c in typical),
        suggestions=tuple(_suggestions(r, depts, problems)),
    )


def _target(k: Kpi) -> str:
    if k not in TARGETS:
        return ""
    op, v = TARGETS[k]
    return f"{'≥' if op == '>=' else '≤'}{v * 100:.0f}%"


def _suggestions(r: dict[Kpi, float | None], depts: list[Any], problems: list[dict[str, Any]]) -> list[str]:
    """Policy suggestions drawn from the figures: rule-based, stated with their evidence."""
    out = []
    for c in problems:
        if c["warning"]:
            out.append(f"“{c['label']}”等同类问题（{c['category_name']}）{c['warning']}。建议主管部门梳理共性原因，"
                       "出台统一办事指引或政策解读，由“解决一件事”转向“解决一类事”。")
        elif c["size"] >= 3:
            out.append(f"“{c['label']}”等 {c['size']} 件同类问题反复出现，建议纳入举一反三清单，推动制度性解决。")
    center = r[Kpi.center_share]
    if center is not None and center < 0.9:
        out.append(f"中心层面解决占比 {pct(center)}，低于 90% 的目标，建议加强部门会商和板块协调。")
    lead = r[Kpi.leadership_share]
    if lead is not None and lead > 0.1:
        out.append(f"提交县领导协调占比 {pct(lead)}，高于 10% 的控制线，建议前移协调关口。")
    low = [d for d in depts if d.key != 0 and d.rates[Kpi.satisfaction] is not None and d.rates[Kpi.satisfaction] < 0.8]
    for d in low:
        out.append(f"{d.label}满意率 {pct(d.rates[Kpi.satisfaction])}，建议开展回访核查并约谈提醒。")
    return out or ["本期各项指标总体平稳，建议持续做好回访和典型案例总结推广。"]


def _period(kind: str, year: int, n: int) -> Period:
    if kind == "monthly":
        return month(year, n)
    if kind == "quarterly":
        return quarter(year, n)
    raise InvalidInput("报告类型应为 monthly 或 quarterly", field="kind")


def build_monthly(ctx: Context, year: int, m: int) -> Report:
    return _content(ctx, "monthly", month(year, m))


def build_quarterly(ctx: Context, year: int, q: int) -> Report:
    return _content(ctx, "quarterly", quarter(year, q))


def _check_started(ctx: Context, p: Period) -> None:
    if ctx.clock.now().astimezone(ctx.policy.tz).date() < p.start:
        raise InvalidInput(f"{p.text}尚未开始，无法生成报告", field="period")


def report_file(ctx: Context, p: Principal | None, kind: str, year: int, n: int, fmt: str) -> bytes:
    """On demand: the report as of now, as "pdf" or "xlsx". p None: the command line."""
    if p is not None and p.actor.role not in READERS:
        raise Forbidden("您的角色不能查看分析报告", field="role")
    period = _period(kind, year, n)
    _check_started(ctx, period)
    content = _content(ctx, kind, period)
    if fmt == "pdf":
        return render_report_pdf(content)
    if fmt == "xlsx":
        return render_report_xlsx(content)
    raise InvalidInput("格式应为 pdf 或 xlsx", field="format")


def generate(ctx: Context, kind: str, year: int, n: int) -> bool:
    """Generate and store one report once; False when it was there already."""
    period = _period(kind, year, n)
    content = _content(ctx, kind, period)
    pdf, xlsx = render_report_pdf(content), render_report_xlsx(content)
    try:
        with ctx.sessions.begin() as s:
            if s.scalar(select(ReportRun.id).where(ReportRun.report == kind, ReportRun.period == period.label)):
                return False
            s.add(ReportRun(report=kind, period=period.label, pdf=pdf, xlsx=xlsx, generated_at=ctx.clock.now()))
    except IntegrityError:  # another worker stored it first
        return False
    return True


def generate_scheduled_reports(ctx: Context) -> list[str]:
    """The worker's step: last month's bulletin and last quarter's report, each once. Returns the
    periods it generated (empty when there was nothing new)."""
    today = ctx.clock.now().astimezone(ctx.policy.tz).date()
    y, m = (today.year - 1, 12) if today.month == 1 else (today.year, today.month - 1)
    q_now = (today.month - 1) // 3 + 1
    qy, q = (today.year - 1, 4) if q_now == 1 else (today.year, q_now - 1)
    done = []
    if generate(ctx, "monthly", y, m):
        done.append(f"monthly:{y}-{m:02d}")
    if generate(ctx, "quarterly", qy, q):
        done.append(f"quarterly:{qy}-Q{q}")
    return done


def stored(ctx: Context, p: Principal, kind: str, period: str, fmt: str) -> bytes | None:
    if p.actor.role not in READERS:
        raise Forbidden("您的角色不能查看分析报告", field="role")
    with ctx.sessions() as s:
        run = s.scalar(select(ReportRun).where(ReportRun.report == kind, ReportRun.period == period))
        return None if run is None else (run.pdf if fmt == "pdf" else run.xlsx)


def runs(ctx: Context, p: Principal) -> list[dict[str, Any]]:
    """The stored (scheduled) reports, newest first, without their files."""
    if p.actor.role not in READERS:
        raise Forbidden("您的角色不能查看分析报告", field="role")
    with ctx.sessions() as s:
        rows = s.execute(select(ReportRun.report, ReportRun.period, ReportRun.generated_at)
                         .order_by(ReportRun.generated_at.desc(), ReportRun.id.desc())).all()
    return [{"report": r, "period": per, "generated_at": at} for r, per, at in rows]
