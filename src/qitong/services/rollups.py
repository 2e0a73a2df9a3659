"""KPI rollups kept incrementally (issue 6; docs/evaluation.md).

Every ticket contributes counters to a few rollup rows, each keyed by (day, department, category,
region): what it contributes is a function of its stored state (the ticket, its lead assignments,
its ratings, its `return` audit events, whether an `unsigned` timer fired). `after_ticket_action`
runs at the end of every ticket action, in its transaction: it recomputes the ticket's share,
compares it with the share last applied (`kpi_contributions`) and adds only the difference to
`kpi_rollups` with INSERT … ON CONFLICT DO UPDATE, so concurrent actions add up and never overwrite.
The same difference, summed per calendar month and per single dimension (department, category or
region), goes into `kpi_rollups_monthly`, `kpi_slices` and `kpi_slices_monthly` by the same upsert in
the same transaction. `rebuild_rollups` computes all four from the raw tables: they agree exactly
with the incremental ones (tests prove it).

Reading: `kpis` (per department, region, category or the county, for a period), the composite
index with the weights an admin sets (`set_weights`, audited), `red_black` (monthly 红黑榜) and
`annual_ranking`."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Table, delete, func, insert, null, select, union_all
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from qitong.db.models import (
    Assignment,
    AssignmentRole,
    AuditEvent,
    Category,
    Department,
    EvaluationSetting,
    KpiRollup,
    KpiRollupMonthly,
    KpiSlice,
    KpiSliceMonthly,
    Rating,
    Region,
    RollupContribution,
    Ticket,
    TimerFiring,
)
from qitong.domain.errors import Forbidden, InvalidInput
from qitong.domain.evaluation.kpi import (
    COUNTERS,
    DEFAULT_WEIGHTS,
    KPI_LABELS,
    Kpi,
    Ranked,
    check_weights,
    composite,
    rank,
    rates,
)
from qitong.domain.evaluation.kpi import red_black as split_red_black
from qitong.domain.tickets.lifecycle import Action, Role, Status
from qitong.domain.tickets.timers import TimerKind
from qitong.domain.tickets.vocab import SATISFIED_MIN, Layer
from qitong.services.audit import record
from qitong.services.auth import Principal
from qitong.services.context import Context

Key = tuple[date, int, str, int]  # day, department (0: the center), category ("" none), region (0 none)
SliceKey = tuple[date, str, str]  # day, dimension, member (the key of that dimension as text)
Counts = dict[str, int]
DIMENSIONS = ("department", "category", "region")  # the dimensions of kpi_slices
KEY_COLUMNS = ("department_id", "category", "region_id")
CENTER_LABEL = "中心直办"
NOT_RECEIVED = frozenset({Status.submitted, Status.rejected, Status.merged})
AT_CENTER = frozenset({Layer.board, Layer.center})
AT_LEADERSHIP = frozenset({Layer.leader_meeting, Layer.county_committee})
FINISHED = frozenset({Status.closed, Status.terminated})  # handling is over: 办结 or 终结


# ---------------------------------------------------------------------------------------------
# what one ticket contributes


@dataclass(frozen=True)
class TicketInputs:
    """Everything a ticket's contribution depends on, read from the raw tables."""

    t: Ticket
    leads: Sequence[tuple[int, int, datetime]]  # (round, department, assigned_at) of lead assignments, by id
    ratings: Sequence[tuple[int, int, datetime, bool]]  # (round, result, created_at, excluded)
    returns: Sequence[tuple[int | None, datetime]]  # (returning department, when)
    unsigned_fired: bool


def contribution(x: TicketInputs, tz: ZoneInfo) -> dict[Key, Counts]:
    t = x.t
    cat, region, lead = t.category or "", t.region_id or 0, t.lead_unit_id or 0
    out: dict[Key, Counts] = defaultdict(lambda: dict.fromkeys(COUNTERS, 0))

    def day(at: datetime) -> date:
        return at.astimezone(tz).date()

    if t.status not in NOT_RECEIVED:
        r = out[(day(t.submitted_at), lead, cat, region)]
        r["received"] += 1
        r["received_finished"] += t.status in FINISHED
    for _, dept, at in x.leads:
        out[(day(at), dept, cat, region)]["dispatches"] += 1
    for by, at in x.returns:
        out[(day(at), by or 0, cat, region)]["returns"] += 1
    if t.status == Status.closed and t.closed_at is not None:
        c = out[(day(t.closed_at), lead, cat, region)]
        c["closed"] += 1
        c["resolved"] += t.confirmed_at is not None
        c["closed_on_time"] += t.reply_due_at is None or (t.replied_at is not None and t.replied_at <= t.reply_due_at)
        c["solved_at_center"] += t.layer in AT_CENTER
        c["sent_to_leadership"] += t.layer in AT_LEADERSHIP
        if t.lead_unit_id is not None:
            c["closed_dispatched"] += 1
            c["contacted_in_time"] += (t.contacted_at is not None and t.contact_due_at is not None
                                       and t.contacted_at <= t.contact_due_at)
            c["signed_in_time"] += t.signed_at is not None and not x.unsigned_fired
            c["redispatches"] += t.redispatch_count
            c["extensions"] += t.extension_count
    round_lead = {rnd: dept for rnd, dept, _ in x.leads}  # the last lead of each round
    for rnd, result, at, excluded in x.ratings:
        if excluded:
            continue
        c = out[(day(at), round_lead.get(rnd, 0), cat, region)]
        c["rated"] += 1
        c["satisfied"] += result >= SATISFIED_MIN
        c["dissatisfied"] += result < SATISFIED_MIN
    return {k: v for k, v in out.items() if any(v.values())}


def _inputs(s: Session, tickets: Sequence[Ticket]) -> list[TicketInputs]:
    """The raw rows of a batch of tickets, in five queries whatever the batch size."""
    ids = [t.id for t in tickets]
    leads: dict[int, list[tuple[int, int, datetime]]] = defaultdict(list)
    for tid, rnd, dept, at in s.execute(
        select(Assignment.ticket_id, Assignment.round, Assignment.department_id, Assignment.assigned_at)
        .where(Assignment.ticket_id.in_(ids), Assignment.role == AssignmentRole.lead).order_by(Assignment.id)
    ):
        leads[tid].append((rnd, dept, at))
    ratings: dict[int, list[tuple[int, int, datetime, bool]]] = defaultdict(list)
    for tid, rnd, result, at, excluded in s.execute(
        select(Rating.ticket_id, Rating.round, Rating.result, Rating.created_at, Rating.excluded)
        .where(Rating.ticket_id.in_(ids)).order_by(Rating.id)
    ):
        ratings[tid].append((rnd, result, at, excluded))
    returns: dict[int, list[tuple[int | None, datetime]]] = defaultdict(list)
    for rtid, by, at in s.execute(
        select(AuditEvent.ticket_id, AuditEvent.actor_department_id, AuditEvent.created_at)
        .where(AuditEvent.ticket_id.in_(ids), AuditEvent.entity == "ticket",
               AuditEvent.action == Action.return_.value).order_by(AuditEvent.seq)
    ):
        assert rtid is not None
        returns[rtid].append((by, at))
    unsigned = set(s.scalars(select(TimerFiring.ticket_id).where(
        TimerFiring.ticket_id.in_(ids), TimerFiring.kind == TimerKind.unsigned.value)))
    return [TicketInputs(t, leads[t.id], ratings[t.id], returns[t.id], t.id in unsigned) for t in tickets]


# ---------------------------------------------------------------------------------------------
# applying it


def _key_of(r: RollupContribution) -> Key:
    return (r.day, r.department_id, r.category, r.region_id)


def _by_month(rows: Mapping[Any, Counts]) -> dict[Any, Counts]:
    """Rows keyed by (day, ...) summed per (first day of the month, ...)."""
    out: dict[Any, Counts] = defaultdict(lambda: dict.fromkeys(COUNTERS, 0))
    for k, v in rows.items():
        m = out[(k[0].replace(day=1), *k[1:])]
        for c in COUNTERS:
            m[c] += v[c]
    return dict(out)


def _by_dimension(rows: Mapping[Key, Counts]) -> dict[SliceKey, Counts]:
    """Rows keyed by (day, department, category, region) summed per (day, dimension, member): what
    `kpi_slices` holds."""
    out: dict[SliceKey, Counts] = defaultdict(lambda: dict.fromkeys(COUNTERS, 0))
    for (d, dept, cat, region), v in rows.items():
        for dim, member in (("department", str(dept)), ("category", cat), ("region", str(region))):
            m = out[(d, dim, member)]
            for c in COUNTERS:
                m[c] += v[c]
    return dict(out)


def _row(columns: Sequence[str], k: tuple[Any, ...], v: Counts) -> dict[str, Any]:
    return {**dict(zip(columns, k, strict=True)), **v}


# (model, its key columns, what turns daily base rows into its rows): the order of the upserts
def _tables() -> tuple[tuple[Any, tuple[str, ...], Any], ...]:
    return ((KpiRollup, ("day", *KEY_COLUMNS), dict), (KpiRollupMonthly, ("month", *KEY_COLUMNS), _by_month),
            (KpiSlice, ("day", "dimension", "member"), _by_dimension),
            (KpiSliceMonthly, ("month", "dimension", "member"), lambda r: _by_month(_by_dimension(r))))


def _upsert_into(s: Session, table: Table, columns: Sequence[str], deltas: Mapping[Any, Counts]) -> None:
    rows = [_row(columns, k, deltas[k]) for k in sorted(deltas) if any(deltas[k].values())]
    if not rows:
        return
    dialect = s.get_bind().dialect.name
    ins = postgresql.insert(table) if dialect == "postgresql" else sqlite.insert(table)
    stmt = ins.on_conflict_do_update(
        index_elements=list(columns),
        set_={c: table.c[c] + ins.excluded[c] for c in COUNTERS},
    )
    s.execute(stmt, rows)


def _upsert(s: Session, deltas: Mapping[Key, Counts]) -> None:
    """Add `deltas` to the daily and monthly rollup rows and to the daily and monthly slices, creating
    them as needed; keys in one order, the tables in one order, so concurrent actions cannot deadlock."""
    if deltas:
        for model, columns, derive in _tables():
            _upsert_into(s, model.__table__, columns, derive(deltas))


def refresh_ticket(s: Session, ctx: Context, t: Ticket) -> None:
    """Bring the rollups up to date with `t`'s current state, in the caller's transaction."""
    s.flush()
    new = contribution(_inputs(s, [t])[0], ctx.policy.tz)
    old_rows = list(s.scalars(select(RollupContribution).where(RollupContribution.ticket_id == t.id)))
    old = {_key_of(r): {c: getattr(r, c) for c in COUNTERS} for r in old_rows}
    if old == new:
        return
    deltas: dict[Key, Counts] = {}
    for k in old.keys() | new.keys():
        a, b = old.get(k), new.get(k)
        d = {c: (b[c] if b else 0) - (a[c] if a else 0) for c in COUNTERS}
        if any(d.values()):
            deltas[k] = d
    _upsert(s, deltas)
    s.execute(delete(RollupContribution).where(RollupContribution.ticket_id == t.id))
    if new:
        s.execute(insert(RollupContribution), _contribution_rows(t.id, new))


def _contribution_rows(ticket_id: int, new: Mapping[Key, Counts]) -> list[dict[str, Any]]:
    return [{"ticket_id": ticket_id, "day": k[0], "department_id": k[1], "category": k[2], "region_id": k[3], **v}
            for k, v in sorted(new.items())]


def after_ticket_action(s: Session, ctx: Context, t: Ticket, action: Action, now: datetime) -> None:
    """Called last in the ticket actions' after-effects (services/tickets/effects.py), inside the
    action's transaction: the revisit tasks and ledger an action may start, then the rollups."""
    from qitong.services import evaluation

    evaluation.after_ticket_action(s, ctx, t, action, now)
    refresh_ticket(s, ctx, t)


def rebuild_rollups(ctx: Context, batch: int = 2000) -> int:
    """Recompute every rollup and contribution from the raw tables; returns the tickets counted.
    Locks the rollup table on PostgreSQL so no action adds to it half-way."""
    tz = ctx.policy.tz
    total: dict[Key, Counts] = defaultdict(lambda: dict.fromkeys(COUNTERS, 0))
    n = 0
    with ctx.sessions.begin() as s:
        if s.get_bind().dialect.name == "postgresql":
            s.execute(select(func.pg_advisory_xact_lock(6_0001)))
            s.connection().exec_driver_sql("LOCK TABLE kpi_rollups, kpi_rollups_monthly, kpi_slices, "
                                           "kpi_slices_monthly, kpi_contributions IN EXCLUSIVE MODE")
        s.execute(delete(RollupContribution))
        for model, _, _ in _tables():
            s.execute(delete(model))
        last = 0
        while True:
            tickets = list(s.scalars(select(Ticket).where(Ticket.id > last).order_by(Ticket.id).limit(batch)))
            if not tickets:
                break
            last = tickets[-1].id
            rows: list[dict[str, Any]] = []
            for x in _inputs(s, tickets):
                share = contribution(x, tz)
                for k, v in share.items():
                    for c in COUNTERS:
                        total[k][c] += v[c]
                rows += _contribution_rows(x.t.id, share)
                n += 1
            if rows:
                s.execute(insert(RollupContribution), rows)
            s.expunge_all()
        for model, columns, derive in _tables():
            rows_ = derive(dict(total))
            if rows_:
                s.execute(insert(model), [_row(columns, k, v) for k, v in sorted(rows_.items())])
    return n


SNAPSHOT_NAMES = ("day", "month", "slice_day", "slice_month")  # rollup_snapshot's keys, in _tables() order


def rollup_snapshot(ctx: Context) -> dict[str, dict[tuple[Any, ...], Counts]]:
    """Every non-zero row of the daily and monthly rollups and slices (a moved share leaves zeros
    behind): what the tests compare."""
    out: dict[str, dict[tuple[Any, ...], Counts]] = {name: {} for name in SNAPSHOT_NAMES}
    with ctx.sessions() as s:
        for name, (model, columns, _) in zip(SNAPSHOT_NAMES, _tables(), strict=True):
            for r in s.scalars(select(model)):
                counts = {c: getattr(r, c) for c in COUNTERS}
                if any(counts.values()):
                    out[name][tuple(getattr(r, col) for col in columns)] = counts
    return out


def slices_of(rows: Mapping[Key, Counts]) -> dict[SliceKey, Counts]:
    """Daily base rows summed per (day, dimension, member), zero rows left out: what `kpi_slices` must
    hold for them (the tests compare)."""
    return {k: v for k, v in _by_dimension(rows).items() if any(v.values())}


# ---------------------------------------------------------------------------------------------
# periods


@dataclass(frozen=True)
class Period:
    start: date  # first day
    end: date  # the day after the last
    label: str  # 2026-11, 2026-Q4, 2026

    @property
    def text(self) -> str:
        if "Q" in self.label:
            y, q = self.label.split("-Q")
            return f"{y}年第{q}季度"
        if "-" in self.label:
            y, m = self.label.split("-")
            return f"{y}年{int(m)}月"
        return f"{self.label}年"


def month(year: int, m: int) -> Period:
    if not (1 <= m <= 12 and 2000 <= year <= 9999):
        raise InvalidInput(f"年月不正确：{year}-{m}", field="period")
    return Period(date(year, m, 1), date(year + m // 12, m % 12 + 1, 1), f"{year}-{m:02d}")


def quarter(year: int, q: int) -> Period:
    if not (1 <= q <= 4 and 2000 <= year <= 9999):
        raise InvalidInput(f"季度不正确：{year} 年第 {q} 季度", field="period")
    start = month(year, 3 * q - 2)
    return Period(start.start, month(year, 3 * q).end, f"{year}-Q{q}")


def year_(year: int) -> Period:
    if not 2000 <= year <= 9999:
        raise InvalidInput(f"年份不正确：{year}", field="period")
    return Period(date(year, 1, 1), date(year + 1, 1, 1), str(year))


_PERIOD = re.compile(r"^(\d{4})(?:-(?:Q([1-4])|(\d{1,2})))?$")


def parse_period(text: str) -> Period:
    """"2026-11" a month, "2026-Q4" a quarter, "2026" a year."""
    m = _PERIOD.match(text.strip())
    if m is None:
        raise InvalidInput("统计期间格式应为 2026-11、2026-Q4 或 2026", field="period")
    y = int(m[1])
    if m[2]:
        return quarter(y, int(m[2]))
    if m[3]:
        return month(y, int(m[3]))
    return year_(y)


# ---------------------------------------------------------------------------------------------
# reading


BY = ("department", "region", "category", "county")
Member = int | str  # a department or region id, or a category code


def _next_month(d: date) -> date:
    return date(d.year + d.month // 12, d.month % 12 + 1, 1)


def spans(period: Period, sliced: bool = False) -> list[tuple[Any, date, date]]:
    """The period as rollup ranges: daily rows up to the first whole month, monthly rows for the
    whole months, daily rows after the last; daily rows only when it holds no whole month. So a
    year-long or open-ended period reads about twelve monthly rows per key a year, not 365 daily ones.
    `sliced`: the ranges of kpi_slices / kpi_slices_monthly instead of kpi_rollups / kpi_rollups_monthly."""
    daily, monthly = (KpiSlice, KpiSliceMonthly) if sliced else (KpiRollup, KpiRollupMonthly)
    m1 = period.start if period.start.day == 1 else _next_month(period.start)
    m2 = period.end.replace(day=1)
    if m1 >= m2:
        return [(daily, period.start, period.end)]
    out: list[tuple[Any, date, date]] = []
    if period.start < m1:
        out.append((daily, period.start, m1))
    out.append((monthly, m1, m2))
    if m2 < period.end:
        out.append((daily, m2, period.end))
    return out


def _first(table: Any) -> Any:
    return table.month if table in (KpiRollupMonthly, KpiSliceMonthly) else table.day


def _counts(values: Iterable[Any]) -> Counts:
    return dict(zip(COUNTERS, (int(v) for v in values), strict=True))


def _summed(s: Session, parts: Sequence[Any], keys: Sequence[str]) -> list[tuple[tuple[Any, ...], Counts]]:
    """ONE statement: the UNION ALL of `parts` (rows of the columns `keys` and the counters), summed
    per `keys`."""
    u = parts[0].subquery() if len(parts) == 1 else union_all(*parts).subquery()
    cols = [u.c[k] for k in keys]
    stmt = select(*cols, *(func.coalesce(func.sum(u.c[c]), 0) for c in COUNTERS)).group_by(*cols)
    return [(tuple(row[:len(keys)]), _counts(row[len(keys):])) for row in s.execute(stmt)]


def breakdown(s: Session, period: Period, match: Mapping[str, int | str] | None = None,
              dims: Sequence[str] = DIMENSIONS) -> dict[str, dict[Member, Counts]]:
    """Summed counters per member of each dimension of `dims` (department, category, region) over the
    period, non-zero members only: ONE statement, over the ranges of `spans`.

    County-wide (no `match`): from the slices, whose rows per day (or month) are at most the number of
    departments + categories + regions, however many tickets there are. Restricted to the rows whose key
    columns equal `match` (e.g. {"department_id": 3}): one pass over those base rows (index-only scans of
    the covering ix_kpi_rollups_dept_day, ix_kpi_rollups_region_day and their monthly twins), with
    GROUPING SETS on PostgreSQL; on SQLite grouped by (department, category, region) and folded here."""
    if unknown := [d for d in dims if d not in DIMENSIONS]:
        raise InvalidInput(f"分组维度应为 {'、'.join(DIMENSIONS)} 之一：{unknown[0]}", field="by")
    out: dict[str, dict[Member, Counts]] = {d: {} for d in dims}
    if not match:
        parts = [select(t.dimension, t.member, *(getattr(t, c) for c in COUNTERS))
                 .where(_first(t) >= lo, _first(t) < hi, t.dimension.in_(list(dims)))
                 for t, lo, hi in spans(period, sliced=True)]
        for (dim, member), counts in _summed(s, parts, ("dimension", "member")):
            if any(counts.values()):
                out[dim][member if dim == "category" else int(member)] = counts
        return out
    parts = [select(*(getattr(t, k) for k in KEY_COLUMNS), *(getattr(t, c) for c in COUNTERS))
             .where(_first(t) >= lo, _first(t) < hi, *(getattr(t, k) == v for k, v in match.items()))
             for t, lo, hi in spans(period)]
    if s.get_bind().dialect.name == "postgresql":
        # one pass, GROUPING SETS ((department_id), (category), (region_id)): a row per member; the key
        # columns never hold NULL, so the one that is not NULL in a result row names its dimension
        u = parts[0].subquery() if len(parts) == 1 else union_all(*parts).subquery()
        pairs = list(zip(DIMENSIONS, KEY_COLUMNS, strict=True))
        cols = [u.c[k] if d in dims else null().label(k) for d, k in pairs]  # a dimension not asked: NULL
        stmt = (select(*cols, *(func.coalesce(func.sum(u.c[c]), 0) for c in COUNTERS))
                .group_by(func.grouping_sets(*(u.c[k] for d, k in pairs if d in dims))))
        for row in s.execute(stmt):
            counts = _counts(row[len(KEY_COLUMNS):])
            dim, member = next((d, m) for d, m in zip(DIMENSIONS, row, strict=False) if m is not None)
            if any(counts.values()):
                out[dim][member] = counts
        return out
    # elsewhere (SQLite, the small embedded default): grouped by the three key columns, folded here
    for key, counts in _summed(s, parts, KEY_COLUMNS):
        for dim, member in zip(DIMENSIONS, key, strict=True):
            if dim in out:
                acc = out[dim].setdefault(member, dict.fromkeys(COUNTERS, 0))
                for c in COUNTERS:
                    acc[c] += counts[c]
    return {d: {k: v for k, v in rows.items() if any(v.values())} for d, rows in out.items()}


def sums(s: Session, by: str, period: Period, match: Mapping[str, int | str] | None = None) -> dict[int | str, Counts]:
    """Summed counters per key of `by` (department, region, category, or the county: one row) over the
    period, restricted to the rows whose key columns equal `match` (e.g. {"department_id": 3}): ONE
    statement (`breakdown`: the slices county-wide, the base rows in a scope)."""
    if by not in BY:
        raise InvalidInput(f"分组维度应为 {'、'.join(BY)} 之一", field="by")
    if by != "county":
        return breakdown(s, period, match, (by,))[by]
    county = dict.fromkeys(COUNTERS, 0)
    for counts in breakdown(s, period, match, ("department",))["department"].values():
        for c in COUNTERS:
            county[c] += counts[c]
    return {"county": county}


def daily_sums(s: Session, start: date, end: date, match: Mapping[str, int | str] | None = None) -> dict[date, Counts]:
    """Summed counters per local day in [start, end): ONE grouped statement (what the dashboard's weekly
    trend reads), over the department slices county-wide (one row per department and day), over the
    base rows in `match` otherwise."""
    if match:
        t: Any = KpiRollup
        conds = [getattr(t, k) == v for k, v in match.items()]
    else:
        t, conds = KpiSlice, [KpiSlice.dimension == "department"]
    stmt = (select(t.day, *(func.coalesce(func.sum(getattr(t, c)), 0) for c in COUNTERS))
            .where(t.day >= start, t.day < end, *conds).group_by(t.day))
    return {row[0]: _counts(row[1:]) for row in s.execute(stmt)}


def _labels(s: Session, by: str, keys: Iterable[int | str]) -> dict[int | str, str]:
    keys = list(keys)
    if by == "department":
        names: dict[int | str, str] = {d.id: d.name for d in s.scalars(select(Department))}
        return {k: CENTER_LABEL if k == 0 else names.get(k, f"单位{k}") for k in keys}
    if by == "region":
        names = {r.id: r.name for r in s.scalars(select(Region))}
        return {k: "未标注区域" if k == 0 else names.get(k, f"区域{k}") for k in keys}
    if by == "category":
        names = {c.code: c.name for c in s.scalars(select(Category))}
        return {k: "未分类" if k == "" else names.get(k, str(k)) for k in keys}
    return {k: "全县" for k in keys}


def get_weights(s: Session) -> dict[Kpi, float]:
    row = s.get(EvaluationSetting, "composite_weights")
    if row is None:
        return dict(DEFAULT_WEIGHTS)
    return check_weights(row.value["weights"])


WEIGHT_ROLES = frozenset({Role.admin})


def set_weights(ctx: Context, p: Principal, weights: Mapping[str, float]) -> dict[str, float]:
    """An admin sets the composite index's weights; audited with the old and new figures."""
    if p.actor.role not in WEIGHT_ROLES:
        raise Forbidden("只有系统管理员可以设置综合指数权重", field="weights")
    checked = check_weights(weights)
    full = {k.value: checked.get(k, 0.0) for k in Kpi}
    now = ctx.clock.now()
    with ctx.sessions.begin() as s:
        before = {k.value: v for k, v in get_weights(s).items()}
        row = s.get(EvaluationSetting, "composite_weights", with_for_update=True)
        if row is None:
            s.add(EvaluationSetting(key="composite_weights", value={"weights": full}, updated_by_id=p.who.user_id,
                                    updated_at=now))
        else:
            row.value, row.updated_by_id, row.updated_at = {"weights": full}, p.who.user_id, now
        record(s, p.who, at=now, entity="evaluation_setting", entity_id="composite_weights", action="set_weights",
               before={"weights": before}, after={"weights": full})
    return full


@dataclass(frozen=True)
class KpiRow:
    key: int | str
    label: str
    counts: Counts
    rates: dict[Kpi, float | None]
    index: float | None

    def as_dict(self) -> dict[str, Any]:
        return {"key": self.key, "label": self.label, "counts": self.counts,
                "rates": {k.value: v for k, v in self.rates.items()}, "index": self.index}


def kpis_in(s: Session, by: str, period: Period) -> list[KpiRow]:
    weights = get_weights(s)
    data = sums(s, by, period)
    labels = _labels(s, by, data)
    rows = []
    for k in sorted(data, key=str):
        r = rates(data[k])
        rows.append(KpiRow(k, labels[k], data[k], r, composite(r, weights)))
    return rows


def kpis(ctx: Context, by: str = "department", period: Period | str | None = None) -> list[KpiRow]:
    """The KPIs per `by` (department, region, category or county) over `period` (default: the
    current month), from the rollups only."""
    with ctx.sessions() as s:
        return kpis_in(s, by, _period(ctx, period))


def _period(ctx: Context, period: Period | str | None) -> Period:
    if isinstance(period, Period):
        return period
    if period is None:
        today = ctx.clock.now().astimezone(ctx.policy.tz).date()
        return month(today.year, today.month)
    return parse_period(period)


def _ranking(s: Session, period: Period) -> list[Ranked]:
    rows = [r for r in kpis_in(s, "department", period) if r.key != 0]
    return rank({r.key: (r.label, r.index) for r in rows})


@dataclass(frozen=True)
class RedBlack:
    period: Period
    red: list[Ranked]
    black: list[Ranked]
    ranking: list[Ranked]

    def as_dict(self) -> dict[str, Any]:
        def item(r: Ranked) -> dict[str, Any]:
            return {"department_id": r.key, "department": r.label, "index": r.index, "rank": r.rank}

        return {"period": self.period.label, "period_text": self.period.text, "red": [item(r) for r in self.red],
                "black": [item(r) for r in self.black], "ranking": [item(r) for r in self.ranking]}


def red_black(ctx: Context, year: int, m: int, size: int = 3) -> RedBlack:
    """The monthly 红黑榜: departments ranked by the composite index; the best and worst `size`."""
    p = month(year, m)
    with ctx.sessions() as s:
        ranking = _ranking(s, p)
    red, black = split_red_black(ranking, size)
    return RedBlack(p, red, black, ranking)


def annual_ranking(ctx: Context, year: int) -> RedBlack:
    """The year's ranking of departments by the composite index over the whole year's counters."""
    p = year_(year)
    with ctx.sessions() as s:
        ranking = _ranking(s, p)
    red, black = split_red_black(ranking, 3)
    return RedBlack(p, red, black, ranking)


__all__ = ["BY", "CENTER_LABEL", "DIMENSIONS", "KPI_LABELS", "KpiRow", "Period", "RedBlack", "after_ticket_action",
           "annual_ranking", "breakdown", "contribution", "daily_sums", "get_weights", "kpis", "kpis_in", "month",
           "parse_period", "quarter", "rebuild_rollups", "red_black", "refresh_ticket", "rollup_snapshot",
           "set_weights", "slices_of", "spans", "sums", "year_"]
