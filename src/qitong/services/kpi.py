"""The dashboards' figures (数据看板, 大屏, 信息公开's ranking): ONE definition, the rollups.

Every figure over a period is a sum of the incremental counters of `services.rollups` (per local day,
department, category, region; docs/evaluation.md) and every rate a ratio of two such sums, the same
ones `GET /api/kpis`, the 红黑榜 and the reports use. Nothing here scans `tickets` for a period: the
only reads of the ticket table are the inherently live figures (the open tickets per status and the
overdue list, now), both restricted to open tickets through the status indexes (docs/evaluation.md,
"Dashboards", has the EXPLAIN plans). The raw computation survives only as the oracle of the tests
and the baseline of bench/kpi_scale.py.

The period is the last N local days up to today (whole days), or everything. A counter falls in the
period by its own day: 受理 by the day submitted, 办结 by the day closed, a rating by the day rated.

The six gauges (the seeds' targets):
- 办结率 ≥ 95 %: received_finished ÷ received — of the tickets received in the period, those closed
  (or lawfully terminated) by now.
- 满意率 ≥ 95 %: satisfied ÷ rated (every round's rating, upheld appeals excluded).
- 中心解决率 ≥ 90 %: solved_at_center ÷ closed (closed at the board or center layer).
- 提交县领导率 ≤ 10 %: sent_to_leadership ÷ closed (closed at 三分例会 or 县委县政府).
- 1个工作日内联系率: contacted_in_time ÷ closed_dispatched.
- 按时办结率: closed_on_time ÷ closed.

Scope: the center and oversight roles see the county, or one department or region they pick; a
department's handler and leader see their own department only (its counters, trend, categories,
overdue list) and, of the others, only the public ranking (name, tickets, satisfaction, index).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Any, Literal
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Select, case, func, literal, null, select, union_all
from sqlalchemy.orm import Session

from qitong.db.models import Category, Department, Region, Ticket
from qitong.domain.errors import Forbidden, InvalidInput
from qitong.domain.evaluation.kpi import COUNTERS, KPI_LABELS, Kpi, composite, rank, rates
from qitong.domain.evaluation.kpi import red_black as split_red_black
from qitong.domain.tickets.lifecycle import (
    CENTER_ROLES,
    DEPARTMENT_ROLES,
    OPEN_STATUSES,
    OVERSIGHT_ROLES,
    STATUS_LABELS,
    Status,
)
from qitong.services import rollups
from qitong.services.auth import Principal
from qitong.services.context import Context
from qitong.services.tickets.queries import overdue_clause

Counts = dict[str, int]
COUNTY_ROLES = frozenset({*CENTER_ROLES, *OVERSIGHT_ROLES})  # the whole county, any filter
DASHBOARD_ROLES = frozenset({*COUNTY_ROLES, *DEPARTMENT_ROLES})  # departments: their own only
PERIOD_DAYS = (7, 30, 90, 365)
DEFAULT_PERIOD_DAYS = 90
OVERDUE_LIST_LIMIT = 20
TREND_WEEKS = 13
BOARD_SIZE = 3  # units on each of the 红榜 and the 黑榜
EPOCH = date(2000, 1, 1)  # "everything" starts here
CENTER_KEY = "center"  # the center's own row (department 0 in the rollups)


def _pct(num: int, den: int) -> float | None:
    return round(100.0 * num / den, 1) if den else None


# -------------------------------------------------------------------------------------------- period


@dataclass(frozen=True)
class Period:
    start: date  # first local day
    end: date  # the day after the last (today + 1)
    as_of: datetime  # now, for the live figures
    days: int | None  # None: everything
    tz: ZoneInfo

    @property
    def label(self) -> str:
        return "全部" if self.days is None else f"近 {self.days} 天"

    @property
    def rollup(self) -> rollups.Period:
        return rollups.Period(self.start, self.end, self.label)


def period_of(now: datetime, days: int | None, tz: ZoneInfo) -> Period:
    """The last `days` local days up to today, or everything (None)."""
    today = now.astimezone(tz).date()
    start = EPOCH if days is None else today - timedelta(days=days - 1)
    return Period(start, today + timedelta(days=1), now, days, tz)


def parse_period_days(raw: str | None) -> int | None:
    """`?period=` → days: 7/30/90/365, 'all' → None; anything else → the default."""
    if raw == "all":
        return None
    return int(raw) if raw and raw.isdigit() and int(raw) in PERIOD_DAYS else DEFAULT_PERIOD_DAYS


# --------------------------------------------------------------------------------------------- scope


@dataclass(frozen=True)
class Scope:
    """Whose figures: the county (no filter), one department (the lead unit / the unit a counter is
    charged to) or one region."""

    department_id: int | None = None
    department_code: str | None = None
    department_name: str | None = None
    region_id: int | None = None
    region_code: str | None = None
    region_name: str | None = None
    own: bool = False  # a department user's own dashboard: no other filter, only the public ranking

    @property
    def match(self) -> dict[str, int | str]:
        """The rollup key columns this scope fixes."""
        out: dict[str, int | str] = {}
        if self.department_id is not None:
            out["department_id"] = self.department_id
        if self.region_id is not None:
            out["region_id"] = self.region_id
        return out

    def tickets(self) -> list[ColumnElement[bool]]:
        """The same restriction on the ticket table (the live figures)."""
        out: list[ColumnElement[bool]] = []
        if self.department_id is not None:
            out.append(Ticket.lead_unit_id == self.department_id)
        if self.region_id is not None:
            out.append(Ticket.region_id == self.region_id)
        return out

    @property
    def label(self) -> str:
        return " · ".join(x for x in (self.department_name, self.region_name) if x) or "全县"


def require_dashboard(p: Principal) -> None:
    if p.actor.role not in DASHBOARD_ROLES:
        raise Forbidden("数据看板供中心、督查、县领导和承办单位使用", field="role")
    if p.actor.role in DEPARTMENT_ROLES and p.actor.department_id is None:
        raise Forbidden("该账号未绑定单位，不能查看单位看板", field="department")


def scope_for(s: Session, p: Principal, department: str | None = None, region: str | None = None) -> Scope:
    """A department user's own department whatever is asked; the county roles' pick (codes)."""
    require_dashboard(p)
    if p.actor.role in DEPARTMENT_ROLES:
        d = s.get(Department, p.actor.department_id)
        assert d is not None
        return Scope(d.id, d.code, d.short_name, own=True)
    out = Scope()
    if department:
        d = s.scalar(select(Department).where(Department.code == department))
        if d is None:
            raise InvalidInput(f"没有编码为“{department}”的单位", field="department")
        out = replace(out, department_id=d.id, department_code=d.code, department_name=d.short_name)
    if region:
        r = s.scalar(select(Region).where(Region.code == region))
        if r is None:
            raise InvalidInput(f"没有编码为“{region}”的属地", field="region")
        out = replace(out, region_id=r.id, region_code=r.code, region_name=r.name)
    return out


# ------------------------------------------------------------------------------------------- targets


@dataclass(frozen=True)
class Gauge:
    """One of the seeds' targets with its current value (a percentage; None: nothing to measure yet)."""

    key: str
    label: str
    numerator: int
    denominator: int
    target: float
    higher_is_better: bool = True
    note: str = ""

    @property
    def value(self) -> float | None:
        return _pct(self.numerator, self.denominator)

    @property
    def met(self) -> bool | None:
        v = self.value
        if v is None:
            return None
        return v >= self.target if self.higher_is_better else v <= self.target

    @property
    def target_text(self) -> str:
        return f"{'≥' if self.higher_is_better else '≤'} {self.target:g}%"


# (key, label, numerator, denominator, target, higher is better, note): the gauges as counter ratios
GAUGES: tuple[tuple[str, str, str, str, float, bool, str], ...] = (
    ("closure", "办结率", "received_finished", "received", 95, True, "本期受理件中已办结（含依法终结）÷ 本期受理件"),
    ("satisfaction", "满意率", "satisfied", "rated", 95, True, "基本满意及以上 ÷ 本期评价（每轮一评）"),
    ("at_center", "中心解决率", "solved_at_center", "closed", 90, True, "在服务板块或中心层面办结 ÷ 本期办结"),
    ("leadership", "提交县领导率", "sent_to_leadership", "closed", 10, False,
     "经“三分”例会或县委县政府办结 ÷ 本期办结"),
    ("contact", "1个工作日内联系率", "contacted_in_time", "closed_dispatched", 95, True,
     "按时联系企业 ÷ 本期办结的派单件"),
    ("on_time", "按时办结率", "closed_on_time", "closed", 95, True, "在答复时限内答复 ÷ 本期办结"),
)


def gauges(c: Mapping[str, int]) -> list[Gauge]:
    return [Gauge(k, lab, c[num], c[den], target, better, note) for k, lab, num, den, target, better, note in GAUGES]


@dataclass(frozen=True)
class Targets:
    counts: Counts  # the period's summed counters in scope
    open: int  # live: open tickets now
    overdue_open: int  # live: open tickets past their stage deadline now
    gauges: list[Gauge]

    @property
    def accepted(self) -> int:
        return self.counts["received"]

    @property
    def closed(self) -> int:
        return self.counts["closed"]


# --------------------------------------------------------------------------------------------- trend


@dataclass(frozen=True)
class Trend:
    weeks: list[str]  # the Monday of each week, "MM-DD"
    submitted: list[int]  # received (受理) per week, by the day submitted
    closed: list[int]
    satisfaction: list[float | None]  # of the ratings given that week


def week_starts(p: Period, limit: int = TREND_WEEKS) -> list[date]:
    """Local Mondays from the period's start week to this week, at most `limit` (the latest)."""
    last = p.end - timedelta(days=1)
    last_monday = last - timedelta(days=last.weekday())
    first = max(p.start, last_monday - timedelta(weeks=limit - 1))
    monday = first - timedelta(days=first.weekday())
    return [monday + timedelta(weeks=i) for i in range((last_monday - monday).days // 7 + 1)]


def trend_of(starts: Sequence[date], days: Mapping[date, Counts]) -> Trend:
    n = len(starts)
    sums = [dict.fromkeys(COUNTERS, 0) for _ in range(n)]
    for d, c in days.items():
        i = (d - starts[0]).days // 7
        if 0 <= i < n:
            for k in COUNTERS:
                sums[i][k] += c[k]
    return Trend([f"{w:%m-%d}" for w in starts], [x["received"] for x in sums], [x["closed"] for x in sums],
                 [_pct(x["satisfied"], x["rated"]) for x in sums])


# ------------------------------------------------------------------------------------------ breakdown


@dataclass(frozen=True)
class UnitFigures:
    """One department, category or region over the period: its summed counters, the live open and
    overdue tickets, the composite index (the admin's weights) and, in a ranking, its place."""

    key: str
    name: str
    counts: Counts
    index: float | None = None
    open: int = 0
    overdue_open: int = 0
    rank: int = 0

    @property
    def total(self) -> int:
        return self.counts["received"]

    @property
    def closed(self) -> int:
        return self.counts["closed"]

    @property
    def composite(self) -> float | None:
        return self.index

    @property
    def rates(self) -> dict[str, float | None]:
        """The gauges' rates for this unit (percentages)."""
        return {g.key: g.value for g in gauges(self.counts)}

    def as_dict(self) -> dict[str, Any]:
        return {"key": self.key, "name": self.name, "total": self.total, "closed": self.closed,
                "open": self.open, "overdue_open": self.overdue_open, **self.rates, "composite": self.composite}


Dimension = Literal["department", "category", "region"]


@dataclass(frozen=True)
class Labels:
    """Names of departments, regions and categories, read in one statement."""

    departments: dict[int, tuple[str, str]]  # id → (code, short name)
    regions: dict[int, tuple[str, str]]  # id → (code, name)
    categories: dict[str, tuple[str, str | None]]  # code → (name, parent code)

    def top(self, code: str) -> str:
        """A category's top-level group (a leaf counts under it); "" stays "" (未分类)."""
        seen = 0
        while code in self.categories and self.categories[code][1] and seen < 10:
            code, seen = self.categories[code][1] or code, seen + 1
        return code

    def unit(self, by: Dimension, key: int | str) -> tuple[str, str]:
        if by == "department":
            return (CENTER_KEY, rollups.CENTER_LABEL) if key == 0 else self.departments.get(
                int(key), (f"d{key}", f"单位{key}"))
        if by == "region":
            return ("none", "未标注区域") if key == 0 else self.regions.get(int(key), (f"r{key}", f"区域{key}"))
        return ("none", "未分类") if key == "" else (str(key), self.categories.get(str(key), (str(key), None))[0])


def labels(s: Session, departments_only: bool = False) -> Labels:
    dept = select(literal("d").label("kind"), Department.id, Department.code, Department.short_name,
                  null().label("parent"))
    parts = [dept] if departments_only else [
        dept, select(literal("r"), Region.id, Region.code, Region.name, null()),
        select(literal("c"), literal(0), Category.code, Category.name, Category.parent_code)]
    out = Labels({}, {}, {})
    for kind, id_, code, name, parent in s.execute(union_all(*parts) if len(parts) > 1 else parts[0]):
        if kind == "d":
            out.departments[int(id_)] = (str(code), str(name))
        elif kind == "r":
            out.regions[int(id_)] = (str(code), str(name))
        else:
            out.categories[str(code)] = (str(name), parent)
    return out


def units(by: Dimension, rows: Mapping[int | str, Counts], lab: Labels, live: Live | None = None,
          weights: Mapping[Kpi, float] | None = None) -> list[UnitFigures]:
    """Rollup rows per key → units (categories folded into their top-level group), most tickets first."""
    if by == "category":
        folded: dict[int | str, Counts] = defaultdict(lambda: dict.fromkeys(COUNTERS, 0))
        for k, c in rows.items():
            top = folded[lab.top(str(k))]
            for name in COUNTERS:
                top[name] += c[name]
        rows = folded
    now = live.per(by, lab) if live else {}
    out = []
    for k, c in rows.items():
        code, name = lab.unit(by, k)
        o, late = now.get(k, (0, 0))
        out.append(UnitFigures(code, name, c, composite(rates(c), weights) if weights else None, o, late))
    return sorted(out, key=lambda u: (-u.total, u.key))


def _add(a: Counts, b: Mapping[str, int]) -> None:
    for c in COUNTERS:
        a[c] += b[c]


def total(rows: Iterable[Mapping[str, int]]) -> Counts:
    out = dict.fromkeys(COUNTERS, 0)
    for r in rows:
        _add(out, r)
    return out


# ------------------------------------------------------------------------------------------ ranking


@dataclass(frozen=True)
class Ranking:
    ranked: list[UnitFigures]  # best index first; equal indexes share a rank
    red: list[UnitFigures]  # 红榜
    black: list[UnitFigures]  # 黑榜, worst first
    weights: dict[Kpi, float] = field(default_factory=dict)

    @property
    def weights_text(self) -> str:
        total_ = sum(self.weights.values()) or 1.0
        return " + ".join(f"{KPI_LABELS[k]}×{100 * w / total_:.0f}%" for k, w in self.weights.items() if w > 0)

    def position(self, key: str | None) -> UnitFigures | None:
        return next((u for u in self.ranked if u.key == key), None)


def ranking(by_department: Mapping[int | str, Counts], lab: Labels, weights: Mapping[Kpi, float],
            size: int = BOARD_SIZE) -> Ranking:
    """The departments (not the center's own row) by the composite index, as the 红黑榜 of
    services.rollups ranks them: no statement."""
    units_ = {u.key: u for u in units("department", {k: c for k, c in by_department.items() if k != 0}, lab,
                                       weights=weights)}
    ranked = rank({k: (u.name, u.index) for k, u in units_.items()})
    red, black = split_red_black(ranked, size)

    def unit(r: Any) -> UnitFigures:
        return replace(units_[str(r.key)], rank=r.rank)

    scored = [unit(r) for r in ranked if r.index is not None]
    return Ranking(scored, [unit(r) for r in red], [unit(r) for r in black], dict(weights))


# ------------------------------------------------------------------------------------- live figures


@dataclass(frozen=True)
class Live:
    """The open tickets now, per status and unit, from ONE grouped statement over the open tickets
    only (the status index); never per period."""

    rows: list[tuple[str, int, str, int, int, int]]  # status, lead, category, region, open, overdue

    @property
    def statuses(self) -> dict[str, int]:
        out: dict[str, int] = defaultdict(int)
        for st, *_, n, _late in self.rows:
            out[st] += n
        return dict(out)

    @property
    def open(self) -> int:
        return sum(r[4] for r in self.rows)

    @property
    def overdue(self) -> int:
        return sum(r[5] for r in self.rows)

    def per(self, by: Dimension, lab: Labels) -> dict[int | str, tuple[int, int]]:
        """(open, overdue) per department, top-level category or region key."""
        out: dict[int | str, tuple[int, int]] = {}
        for _st, dept, cat, region, n, late in self.rows:
            key: int | str = dept if by == "department" else region if by == "region" else lab.top(cat)
            o, x = out.get(key, (0, 0))
            out[key] = (o + n, x + late)
        return out


def live_statement(now: datetime, scope: Scope) -> Select[Any]:
    """The open tickets per status, lead unit, category and region, with how many are overdue: the
    open statuses only, so PostgreSQL reads them through ix_tickets_status (or ix_tickets_lead_status
    for a department), never the closed bulk of the table."""
    late = case((overdue_clause(now), 1), else_=0)
    return (select(Ticket.status, func.coalesce(Ticket.lead_unit_id, 0), func.coalesce(Ticket.category, ""),
                   func.coalesce(Ticket.region_id, 0), func.count(), func.coalesce(func.sum(late), 0))
            .where(Ticket.status.in_(OPEN_STATUSES), *scope.tickets())
            .group_by(Ticket.status, Ticket.lead_unit_id, Ticket.category, Ticket.region_id))


def live(s: Session, now: datetime, scope: Scope) -> Live:
    rows = s.execute(live_statement(now, scope))
    return Live([(Status(st).value, int(d), str(c), int(r), int(n), int(x)) for st, d, c, r, n, x in rows])


@dataclass(frozen=True)
class OverdueItem:
    id: int
    number: str
    title: str
    status: str
    status_label: str
    lead_unit: str | None
    stage_due_at: datetime
    days_late: int  # calendar days since the stage deadline, at least 1


@dataclass(frozen=True)
class OverdueList:
    total: int
    items: list[OverdueItem]


OverdueRow = Select[int, str | None, str, Status, str, datetime | None]


def overdue_statement(now: datetime, scope: Scope | None = None, limit: int = OVERDUE_LIST_LIMIT) -> OverdueRow:
    """The `limit` longest overdue open tickets (overdue_clause), oldest deadline first. The partial
    index ix_tickets_running_due (stage_due_at, id over the running statuses) hands them over in
    deadline order, so this reads the first rows of one range scan (a scope filters them as it goes)
    however long the backlog is; the total comes from the live statement (`Live.overdue`). The limit
    sits inside and the unit's name is joined to those rows only: a join around the scan is planned as
    a hash join over every overdue ticket (342 ms at 10M; per-status index parts merged, the earlier
    form, were planned on the same index, each filtering the whole backlog). The same on both engines."""
    where = [*(scope.tickets() if scope else ())]
    top = (select(Ticket.id, Ticket.number, Ticket.title, Ticket.status, Ticket.lead_unit_id, Ticket.stage_due_at)
           .where(overdue_clause(now), *where)
           .order_by(Ticket.stage_due_at, Ticket.id).limit(limit).subquery())
    stmt: OverdueRow = (select(top.c.id, top.c.number, top.c.title, top.c.status, Department.short_name,
                               top.c.stage_due_at)
                        .outerjoin(Department, Department.id == top.c.lead_unit_id)
                        .order_by(top.c.stage_due_at, top.c.id))
    return stmt


def overdue_list(s: Session, now: datetime, total: int, scope: Scope | None = None,
                 limit: int = OVERDUE_LIST_LIMIT) -> OverdueList:
    """Open tickets past their stage deadline now (any period), longest overdue first: ONE statement
    (`overdue_statement`); `total` is their number from the live statement."""
    items = []
    for tid, number, title, status, unit, due in s.execute(overdue_statement(now, scope, limit)):
        assert due is not None  # overdue_clause requires it
        days_late = max(1, math.ceil((now - due) / timedelta(days=1)))
        items.append(OverdueItem(tid, number or "", title, Status(status).value, STATUS_LABELS[Status(status)],
                                 unit, due, days_late))
    return OverdueList(total, items)


# ------------------------------------------------------------------------------------------ dashboard


@dataclass(frozen=True)
class Dashboard:
    period: Period
    scope: Scope
    targets: Targets
    trend: Trend
    by_department: list[UnitFigures]
    by_category: list[UnitFigures]
    by_region: list[UnitFigures]
    statuses: dict[str, int]  # open tickets now, per status
    overdue: OverdueList
    ranking: Ranking  # the county's public ranking, whatever the scope
    departments: list[tuple[str, str]] = field(default_factory=list)  # (code, name) a county role may pick
    regions: list[tuple[str, str]] = field(default_factory=list)

    @property
    def position(self) -> UnitFigures | None:
        """The scoped department's place in the ranking."""
        return self.ranking.position(self.scope.department_code)


def dashboard(ctx: Context, p: Principal, days: int | None = DEFAULT_PERIOD_DAYS, department: str | None = None,
              region: str | None = None) -> Dashboard:
    """Everything the dashboard and the 大屏 show, in one read session: a fixed number of statements
    (scope, labels, weights, the breakdowns — one statement county-wide, two in a scope —, the daily
    trend, the live open tickets, the overdue list), whatever the number of tickets."""
    period = period_of(ctx.clock.now(), days, ZoneInfo(ctx.settings.timezone))
    with ctx.sessions() as s:
        scope = scope_for(s, p, department, region)
        lab, weights = labels(s), rollups.get_weights(s)
        match = scope.match
        # the county's breakdowns from the slices (ONE statement); in a scope, the county's departments
        # (the public ranking) from the slices and the scope's breakdowns from its base rows (one more)
        county = rollups.breakdown(s, period.rollup, None, ("department",) if match else rollups.DIMENSIONS)
        scoped = rollups.breakdown(s, period.rollup, match) if match else county
        county_by_dept = county["department"]
        by_dept, by_cat, by_region = scoped["department"], scoped["category"], scoped["region"]
        starts = week_starts(period)
        days_ = rollups.daily_sums(s, starts[0], period.end, match)
        now_ = live(s, period.as_of, scope)
        overdue = overdue_list(s, period.as_of, now_.overdue, scope)
    counts = total(by_dept.values())
    public = ranking(county_by_dept, lab, weights)
    return Dashboard(
        period=period, scope=scope,
        targets=Targets(counts, now_.open, overdue.total, gauges(counts)),
        trend=trend_of(starts, days_),
        by_department=units("department", by_dept, lab, now_, weights),
        by_category=units("category", by_cat, lab, now_),
        by_region=units("region", by_region, lab, now_),
        statuses=now_.statuses, overdue=overdue, ranking=public,
        departments=[] if scope.own else sorted(lab.departments.values()),
        regions=[] if scope.own else sorted(lab.regions.values()),
    )


def department_ranking(ctx: Context, days: int | None = DEFAULT_PERIOD_DAYS) -> tuple[Period, Ranking]:
    """The public ranking (信息公开), no sign-in needed: three statements (department names, weights,
    the rollup sums per department)."""
    period = period_of(ctx.clock.now(), days, ZoneInfo(ctx.settings.timezone))
    with ctx.sessions() as s:
        lab, weights = labels(s, departments_only=True), rollups.get_weights(s)
        return period, ranking(rollups.sums(s, "department", period.rollup), lab, weights)


__all__ = ["DASHBOARD_ROLES", "DEFAULT_PERIOD_DAYS", "GAUGES", "PERIOD_DAYS", "Dashboard",
           "Gauge", "Period", "Ranking", "Scope", "Targets", "Trend", "UnitFigures", "dashboard", "department_ranking",
           "gauges", "parse_period_days", "period_of", "require_dashboard", "scope_for", "total"]
