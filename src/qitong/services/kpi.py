"""The dashboards' figures (数据看板, 大屏, 信息公开's ranking): the read side, aggregate SQL only.

Every figure set is one function `f(s, period, ...)` over an open session, issuing a FIXED number of
GROUP BY statements whatever the number of tickets (never a loop over rows). Issue 6 will replace the
sources with rollups: keep the signatures and the dataclasses, change the bodies.

The period is a window [start, end] on `submitted_at`, end = now ("the tickets of the period"); `as_of`
is now, for the figures that compare a deadline with the present.

Definitions (docs/web.md repeats them for the pages):
- 受理件 (accepted): a ticket of the period that is not 待受理, 不予受理, 已并单 or 已终结.
- 办结率: closed ÷ tickets due to be closed (closed, or open with `resolve_due_at` passed).
- 满意率: rated with result ≥ 基本满意 (`SATISFIED_MIN`) ÷ rated (the latest rating of each ticket).
- 中心解决率: closed at layer board/center (never escalated beyond the center) ÷ closed.
- 提交县领导率: accepted at layer leader_meeting/county_committee ÷ accepted.
- 及时联系率: contacted by `contact_due_at` (1 working day) ÷ tickets whose contact is done or due.
- 按时办结率: closed by `resolve_due_at` ÷ closed with a resolve deadline.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any, Literal
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Select, and_, case, func, literal, or_, select
from sqlalchemy.orm import Session, aliased

from qitong.db.models import Category, Department, Region, Ticket
from qitong.domain.errors import Forbidden
from qitong.domain.tickets.lifecycle import CENTER_ROLES, OPEN_STATUSES, OVERSIGHT_ROLES, STATUS_LABELS, Status
from qitong.domain.tickets.vocab import SATISFIED_MIN, Layer
from qitong.services.auth import Principal
from qitong.services.context import Context
from qitong.services.tickets.queries import overdue_clause

S = Status
DASHBOARD_ROLES = frozenset({*CENTER_ROLES, *OVERSIGHT_ROLES})
NOT_ACCEPTED = (S.submitted, S.rejected, S.merged, S.terminated)
CENTER_LAYERS = (Layer.board, Layer.center)
LEADERSHIP_LAYERS = (Layer.leader_meeting, Layer.county_committee)
PERIOD_DAYS = (7, 30, 90, 365)
DEFAULT_PERIOD_DAYS = 90
OVERDUE_LIST_LIMIT = 20
# the composite for the ranking and 红黑榜: weights of the rates a unit has data for (renormalised)
COMPOSITE_WEIGHTS = {"closure": 0.3, "satisfaction": 0.3, "on_time": 0.2, "contact": 0.2}
MIN_TICKETS_TO_RANK = 1
BOARD_SIZE = 3  # units on each of the 红榜 and the 黑榜


@dataclass(frozen=True)
class Period:
    start: datetime
    end: datetime
    as_of: datetime
    days: int | None  # None: everything
    tz: ZoneInfo

    @property
    def label(self) -> str:
        return "全部" if self.days is None else f"近 {self.days} 天"


def period_of(now: datetime, days: int | None, tz: ZoneInfo) -> Period:
    """The last `days` days up to now (whole local days), or everything (None)."""
    end = now
    if days is None:
        start = datetime(2000, 1, 1, tzinfo=tz)
    else:
        first = now.astimezone(tz).date() - timedelta(days=days - 1)
        start = datetime.combine(first, time(0), tz)
    return Period(start, end, now, days, tz)


def _sum(cond: ColumnElement[bool]) -> ColumnElement[Any]:
    return func.coalesce(func.sum(case((cond, 1), else_=0)), 0)


def _in_period(p: Period) -> ColumnElement[bool]:
    return and_(Ticket.submitted_at >= p.start, Ticket.submitted_at <= p.end)


def _closed() -> ColumnElement[bool]:
    return Ticket.status == S.closed


def _open() -> ColumnElement[bool]:
    return Ticket.status.in_(OPEN_STATUSES)


def _accepted() -> ColumnElement[bool]:
    return Ticket.status.not_in(NOT_ACCEPTED)


def _due_to_close(now: datetime) -> ColumnElement[bool]:
    return or_(_closed(), and_(_open(), Ticket.resolve_due_at.is_not(None), Ticket.resolve_due_at < now))


def _rated() -> ColumnElement[bool]:
    return Ticket.rating_result.is_not(None)


def _satisfied() -> ColumnElement[bool]:
    return and_(_rated(), Ticket.rating_result >= SATISFIED_MIN)


def _contact_due(now: datetime) -> ColumnElement[bool]:
    return and_(Ticket.contact_due_at.is_not(None),
                or_(Ticket.contacted_at.is_not(None), Ticket.contact_due_at < now))


def _contacted_in_time() -> ColumnElement[bool]:
    return and_(Ticket.contacted_at.is_not(None), Ticket.contact_due_at.is_not(None),
                Ticket.contacted_at <= Ticket.contact_due_at)


def _timed_closed() -> ColumnElement[bool]:
    return and_(_closed(), Ticket.resolve_due_at.is_not(None), Ticket.closed_at.is_not(None))


def _on_time() -> ColumnElement[bool]:
    return and_(_timed_closed(), Ticket.closed_at <= Ticket.resolve_due_at)


def _rate(num: int, den: int) -> float | None:
    return round(100.0 * num / den, 1) if den else None


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
        return _rate(self.numerator, self.denominator)

    @property
    def met(self) -> bool | None:
        v = self.value
        if v is None:
            return None
        return v >= self.target if self.higher_is_better else v <= self.target

    @property
    def target_text(self) -> str:
        return f"{'≥' if self.higher_is_better else '≤'} {self.target:g}%"


@dataclass(frozen=True)
class Targets:
    total: int  # tickets of the period
    accepted: int
    closed: int
    open: int
    overdue_open: int
    gauges: list[Gauge]


def targets(s: Session, p: Period) -> Targets:
    """The six target gauges and the period's totals: ONE aggregate statement."""
    now = p.as_of
    row = s.execute(select(
        func.count(),
        _sum(_accepted()),
        _sum(_closed()),
        _sum(_open()),
        _sum(overdue_clause(now)),
        _sum(_due_to_close(now)),
        _sum(_rated()),
        _sum(_satisfied()),
        _sum(and_(_closed(), Ticket.layer.in_(CENTER_LAYERS))),
        _sum(and_(_accepted(), Ticket.layer.in_(LEADERSHIP_LAYERS))),
        _sum(_contact_due(now)),
        _sum(_contacted_in_time()),
        _sum(_timed_closed()),
        _sum(_on_time()),
    ).where(_in_period(p))).one()
    (total, accepted, closed, open_, overdue, due, rated, satisfied, at_center, leadership,
     contact_due, contacted, timed, on_time) = (int(x or 0) for x in row)
    gauges = [
        Gauge("closure", "办结率", closed, due, 95, note="已办结 ÷ 应办结（已办结或已过办结时限）"),
        Gauge("satisfaction", "满意率", satisfied, rated, 95, note="基本满意及以上 ÷ 已评价"),
        Gauge("at_center", "中心解决率", at_center, closed, 90, note="未提级到县领导层面办结 ÷ 已办结"),
        Gauge("leadership", "提交县领导率", leadership, accepted, 10, higher_is_better=False,
              note="提交“三分”例会或县委县政府 ÷ 受理件"),
        Gauge("contact", "1个工作日内联系率", contacted, contact_due, 95, note="按时联系企业 ÷ 应联系"),
        Gauge("on_time", "按时办结率", on_time, timed, 95, note="办结时间不晚于办结时限 ÷ 已办结"),
    ]
    return Targets(total, accepted, closed, open_, overdue, gauges)


# --------------------------------------------------------------------------------------------- trend


@dataclass(frozen=True)
class Trend:
    weeks: list[str]  # the Monday of each week, "MM-DD"
    submitted: list[int]
    closed: list[int]
    satisfaction: list[float | None]  # of the tickets closed that week


def _weeks(p: Period, limit: int) -> list[datetime]:
    """Local Mondays 00:00 from the period's start week to now, at most `limit` (the latest)."""
    last = p.as_of.astimezone(p.tz).date()
    last_monday = last - timedelta(days=last.weekday())
    first = max(p.start.astimezone(p.tz).date(), last_monday - timedelta(weeks=limit - 1))
    monday = first - timedelta(days=first.weekday())
    out: list[datetime] = []
    while monday <= last_monday:
        out.append(datetime.combine(monday, time(0), p.tz))
        monday += timedelta(weeks=1)
    return out


def _bucket(col: Any, starts: Sequence[datetime]) -> ColumnElement[Any]:
    """Which week a timestamp falls in, as a CASE over the week boundaries: portable (SQLite and
    PostgreSQL) and exact in local time; -1 before the first week."""
    whens = [(col >= starts[i], literal(i)) for i in range(len(starts) - 1, -1, -1)]
    return case(*whens, else_=literal(-1))


def weekly_trend(s: Session, p: Period, weeks: int = 13) -> Trend:
    """Submitted, closed and satisfaction per local week: TWO grouped statements."""
    starts = _weeks(p, weeks)
    n = len(starts)
    sub_b = _bucket(Ticket.submitted_at, starts).label("b")
    submitted = [0] * n
    for b, c in s.execute(select(sub_b, func.count()).where(Ticket.submitted_at >= starts[0],
                                                            Ticket.submitted_at <= p.as_of).group_by(sub_b)):
        if 0 <= b < n:
            submitted[b] = int(c)
    closed, rated, good = [0] * n, [0] * n, [0] * n
    clo_b = _bucket(Ticket.closed_at, starts).label("b")
    stmt = (select(clo_b, func.count(), _sum(_rated()), _sum(_satisfied()))
            .where(_closed(), Ticket.closed_at >= starts[0], Ticket.closed_at <= p.as_of).group_by(clo_b))
    for b, c, r, g in s.execute(stmt):
        if 0 <= b < n:
            closed[b], rated[b], good[b] = int(c), int(r), int(g)
    return Trend([f"{w:%m-%d}" for w in starts], submitted, closed,
                 [_rate(g, r) for g, r in zip(good, rated, strict=True)])


# ------------------------------------------------------------------------------------------ breakdown


@dataclass(frozen=True)
class UnitFigures:
    """One department, category or region over the period."""

    key: str
    name: str
    total: int
    closed: int
    open: int
    overdue_open: int
    due: int
    rated: int
    satisfied: int
    contact_due: int
    contacted: int
    timed_closed: int
    on_time: int

    @property
    def rates(self) -> dict[str, float | None]:
        return {"closure": _rate(self.closed, self.due), "satisfaction": _rate(self.satisfied, self.rated),
                "on_time": _rate(self.on_time, self.timed_closed), "contact": _rate(self.contacted, self.contact_due)}

    @property
    def composite(self) -> float | None:
        """The weighted mean of the rates this unit has data for; None when it has none."""
        have = [(COMPOSITE_WEIGHTS[k], v) for k, v in self.rates.items() if v is not None]
        weight = sum(w for w, _ in have)
        return round(sum(w * v for w, v in have) / weight, 1) if weight else None

    def as_dict(self) -> dict[str, Any]:
        return {"key": self.key, "name": self.name, "total": self.total, "closed": self.closed,
                "open": self.open, "overdue_open": self.overdue_open, **self.rates, "composite": self.composite}


Dimension = Literal["department", "category", "region"]


def _figure_columns(now: datetime) -> list[ColumnElement[Any]]:
    return [func.count(), _sum(_closed()), _sum(_open()), _sum(overdue_clause(now)), _sum(_due_to_close(now)),
            _sum(_rated()), _sum(_satisfied()), _sum(_contact_due(now)), _sum(_contacted_in_time()),
            _sum(_timed_closed()), _sum(_on_time())]


def _grouped(p: Period, by: Dimension) -> Select[Any]:
    cols = _figure_columns(p.as_of)
    if by == "department":  # the lead unit
        return (select(Department.code, Department.short_name, *cols)
                .join(Department, Department.id == Ticket.lead_unit_id)
                .where(_in_period(p)).group_by(Department.id, Department.code, Department.short_name))
    if by == "region":
        return (select(Region.code, Region.name, *cols).join(Region, Region.id == Ticket.region_id)
                .where(_in_period(p)).group_by(Region.id, Region.code, Region.name))
    leaf, top = aliased(Category), aliased(Category)  # a category counts under its top-level group
    return (select(top.code, top.name, *cols).join(leaf, leaf.code == Ticket.category)
            .join(top, top.code == func.coalesce(leaf.parent_code, leaf.code))
            .where(_in_period(p)).group_by(top.code, top.name))


def breakdown(s: Session, p: Period, by: Dimension) -> list[UnitFigures]:
    """The period's figures per lead department, top-level category or region: ONE grouped statement.
    Most tickets first."""
    rows = [UnitFigures(str(code), str(name), *(int(x or 0) for x in nums))
            for code, name, *nums in s.execute(_grouped(p, by))]
    return sorted(rows, key=lambda r: (-r.total, r.key))


@dataclass(frozen=True)
class Ranking:
    ranked: list[UnitFigures]  # best composite first
    red: list[UnitFigures]  # 红榜
    black: list[UnitFigures]  # 黑榜, worst first


def ranking(units: Sequence[UnitFigures], size: int = BOARD_SIZE) -> Ranking:
    """The department ranking and 红黑榜 from the department breakdown (no statement): by composite,
    ties by more tickets closed, then code. A unit is on at most one of the two boards."""
    scored = [u for u in units if u.total >= MIN_TICKETS_TO_RANK and u.composite is not None]
    ranked = sorted(scored, key=lambda u: (-(u.composite or 0.0), -u.closed, u.key))
    n = min(size, len(ranked) // 2)
    return Ranking(ranked, ranked[:n], list(reversed(ranked[len(ranked) - n:])) if n else [])


# ------------------------------------------------------------------------------------ statuses, overdue


def status_counts(s: Session, p: Period) -> dict[str, int]:
    """Tickets of the period per status: ONE grouped statement."""
    return {Status(st).value: int(c) for st, c in
            s.execute(select(Ticket.status, func.count()).where(_in_period(p)).group_by(Ticket.status))}


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


def overdue_list(s: Session, now: datetime, limit: int = OVERDUE_LIST_LIMIT) -> OverdueList:
    """Open tickets past their stage deadline now (any period), longest overdue first: ONE statement
    (the total comes from a window count)."""
    stmt = (select(Ticket.id, Ticket.number, Ticket.title, Ticket.status, Department.short_name,
                   Ticket.stage_due_at, func.count().over())
            .outerjoin(Department, Department.id == Ticket.lead_unit_id)
            .where(overdue_clause(now)).order_by(Ticket.stage_due_at, Ticket.id).limit(limit))
    items, total = [], 0
    for tid, number, title, status, unit, due, n in s.execute(stmt):
        total = int(n)
        assert due is not None  # overdue_clause requires it
        late = max(1, math.ceil((now - due) / timedelta(days=1)))
        items.append(OverdueItem(tid, number or "", title, Status(status).value, STATUS_LABELS[Status(status)],
                                 unit, due, late))
    return OverdueList(total, items)


# ------------------------------------------------------------------------------------------ dashboard


@dataclass(frozen=True)
class Dashboard:
    period: Period
    targets: Targets
    trend: Trend
    by_department: list[UnitFigures]
    by_category: list[UnitFigures]
    by_region: list[UnitFigures]
    statuses: dict[str, int]
    overdue: OverdueList
    ranking: Ranking = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "ranking", ranking(self.by_department))


def require_dashboard(p: Principal) -> None:
    if p.actor.role not in DASHBOARD_ROLES:
        raise Forbidden("数据看板供中心、督查和县领导使用", field="role")


def parse_period_days(raw: str | None) -> int | None:
    """`?period=` → days: 7/30/90/365, 'all' → None; anything else → the default."""
    if raw == "all":
        return None
    return int(raw) if raw and raw.isdigit() and int(raw) in PERIOD_DAYS else DEFAULT_PERIOD_DAYS


def dashboard(ctx: Context, p: Principal, days: int | None = DEFAULT_PERIOD_DAYS) -> Dashboard:
    """Everything the dashboard and the 大屏 show, in one read session: 8 statements."""
    require_dashboard(p)
    period = period_of(ctx.clock.now(), days, ZoneInfo(ctx.settings.timezone))
    with ctx.sessions() as s:
        return Dashboard(
            period=period,
            targets=targets(s, period),
            trend=weekly_trend(s, period),
            by_department=breakdown(s, period, "department"),
            by_category=breakdown(s, period, "category"),
            by_region=breakdown(s, period, "region"),
            statuses=status_counts(s, period),
            overdue=overdue_list(s, period.as_of),
        )


def department_ranking(ctx: Context, days: int | None = DEFAULT_PERIOD_DAYS) -> tuple[Period, Ranking]:
    """The public ranking (信息公开): ONE statement, no sign-in needed."""
    period = period_of(ctx.clock.now(), days, ZoneInfo(ctx.settings.timezone))
    with ctx.sessions() as s:
        return period, ranking(breakdown(s, period, "department"))
