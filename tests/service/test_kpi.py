"""The dashboard figures (SQLite and PostgreSQL): read from the rollups, worked out by hand on a small
world, equal to the raw oracle (tests/support/kpi_raw.py) on a mixed world in every scope and period,
and scoped for a department's own dashboard."""

from __future__ import annotations

from datetime import timedelta

import pytest

from qitong.domain.clock import FixedClock
from qitong.domain.errors import Forbidden, InvalidInput
from qitong.services import kpi, rollups
from qitong.services.context import Context
from tests.support.kpi_raw import GAUGE_COUNTERS, raw_counts
from tests.support.kpi_world import build_kpi_tickets
from tests.support.loop import answered_by_center, closed, dissatisfied_twice, returned_then_closed
from tests.support.world import World, build_world


@pytest.fixture
def world(ctx: Context) -> World:
    return build_world(ctx)


def test_the_targets_on_a_world_worked_out_by_hand(world: World, clock: FixedClock) -> None:
    build_kpi_tickets(world, clock)
    d = kpi.dashboard(world.ctx, world["leader"])
    t = d.targets
    # received: t1, t2 closed, t3 escalated, t6 dissatisfied (t4 rejected, t5 never accepted); now open: t3, t5, t6
    assert (t.accepted, t.closed, t.open, t.overdue_open) == (4, 2, 3, 2)
    got = {g.key: (g.numerator, g.denominator, g.value, g.met) for g in t.gauges}
    assert got == {
        "closure": (2, 4, 50.0, False),  # of the 4 received, t1 and t2 are closed
        "satisfaction": (2, 3, 66.7, False),  # 5 and 3 (基本满意) count, t6's 1 does not
        "at_center": (2, 2, 100.0, True),
        "leadership": (0, 2, 0.0, True),  # t3 went to the 三分 meeting but is not closed yet
        "contact": (1, 2, 50.0, False),  # t2 was contacted on Wednesday, due by Tuesday
        "on_time": (1, 2, 50.0, False),  # t2 replied after its reply deadline
    }
    assert [g.target_text for g in t.gauges][:4] == ["≥ 95%", "≥ 95%", "≥ 90%", "≤ 10%"]
    assert d.statuses == {"dissatisfied": 1, "escalated": 1, "submitted": 1}  # live: the open ones


def test_trend_breakdowns_overdue_and_ranking(world: World, clock: FixedClock) -> None:
    ids = build_kpi_tickets(world, clock)
    d = kpi.dashboard(world.ctx, world["agent"])
    assert len(d.trend.weeks) == 13 and d.trend.weeks[-1] == "11-23"
    assert (d.trend.submitted[-1], d.trend.closed[-1], d.trend.satisfaction[-1]) == (4, 2, 66.7)
    assert sum(d.trend.submitted) == 4 and d.trend.satisfaction[0] is None
    dept = {u.key: u for u in d.by_department}
    assert set(dept) == {"scj", "zjj", "center"}  # t3 has no lead unit: the center's own row
    assert dept["scj"].as_dict() == {
        "key": "scj", "name": "县市场监督管理局", "total": 2, "closed": 1, "open": 1, "overdue_open": 1,
        "closure": 50.0, "satisfaction": 50.0, "at_center": 100.0, "leadership": 0.0, "contact": 100.0,
        "on_time": 100.0, "composite": 85.0}  # default weights: only satisfaction (30) at 0.5
    assert (dept["zjj"].rates["on_time"], dept["zjj"].rates["contact"], dept["zjj"].composite) == (0.0, 0.0, 65.0)
    assert (dept["center"].total, dept["center"].open, dept["center"].composite) == (1, 2, None)
    assert [(u.key, u.total) for u in d.by_category] == [("zwfw", 4)]  # under its top-level group
    assert [(u.name, u.total, u.closed, u.open) for u in d.by_region] == [("湖东镇", 4, 2, 3)]
    # the 红黑榜 of services.rollups: the center's row is not ranked
    assert [(u.key, u.rank) for u in d.ranking.ranked] == [("scj", 1), ("zjj", 2)]
    assert "满意率×30%" in d.ranking.weights_text
    # overdue now: t5 never accepted, t6 waiting for redispatch since Tuesday
    assert d.overdue.total == 2
    assert [(i.id, i.status, i.days_late) for i in d.overdue.items] == [(ids[4], "submitted", 1),
                                                                      (ids[5], "dissatisfied", 1)]
    assert d.overdue.items[1].lead_unit == "县市场监督管理局"


def test_the_period_and_who_may_look(world: World, clock: FixedClock) -> None:
    build_kpi_tickets(world, clock)
    clock.advance(timedelta(days=10))
    assert kpi.dashboard(world.ctx, world["supervisor"], 7).targets.accepted == 0
    assert kpi.dashboard(world.ctx, world["supervisor"], None).targets.accepted == 4
    assert kpi.dashboard(world.ctx, world["supervisor"], 7).targets.open == 3  # live, whatever the period
    assert kpi.parse_period_days("30") == 30 and kpi.parse_period_days("all") is None
    assert kpi.parse_period_days("1000") == kpi.DEFAULT_PERIOD_DAYS
    with pytest.raises(Forbidden):
        kpi.dashboard(world.ctx, world["ent1_user"])
    with pytest.raises(InvalidInput):
        kpi.dashboard(world.ctx, world["leader"], department="nope")
    _, public = kpi.department_ranking(world.ctx, None)
    assert [u.key for u in public.ranked] == ["scj", "zjj"]


def test_a_department_sees_its_own_dashboard_and_the_public_ranking(world: World, clock: FixedClock) -> None:
    ids = build_kpi_tickets(world, clock)
    for user in ("scj_handler", "scj_leader"):
        d = kpi.dashboard(world.ctx, world[user], department="zjj", region="330299101")  # the filters are ignored
        assert d.scope.own and d.scope.department_code == "scj" and d.scope.region_id is None
        assert {g.key: (g.numerator, g.denominator) for g in d.targets.gauges} == {
            "closure": (1, 2), "satisfaction": (1, 2), "at_center": (1, 1), "leadership": (0, 1),
            "contact": (1, 1), "on_time": (1, 1)}
        assert [u.key for u in d.by_department] == ["scj"] and [u.total for u in d.by_category] == [2]
        assert (d.targets.open, d.statuses) == (1, {"dissatisfied": 1})
        assert [i.id for i in d.overdue.items] == [ids[5]]  # t5 (not accepted, no lead) is not theirs
        assert d.position is not None and (d.position.rank, d.position.composite) == (1, 85.0)
        assert [u.key for u in d.ranking.ranked] == ["scj", "zjj"]  # the public ranking, as on 信息公开
        assert d.departments == [] and d.regions == []  # nothing to pick
        assert sum(d.trend.submitted) == 2
    # the county roles pick the same view
    picked = kpi.dashboard(world.ctx, world["leader"], department="scj")
    own = kpi.dashboard(world.ctx, world["scj_handler"])
    assert picked.targets == own.targets and not picked.scope.own and picked.departments
    region = kpi.dashboard(world.ctx, world["leader"], region="330299101")
    assert region.targets.counts == kpi.dashboard(world.ctx, world["leader"]).targets.counts


def _breakdowns_add_up(d: kpi.Dashboard) -> None:
    """Each breakdown (department, category, region) sums to the scope's counters."""
    for units in (d.by_department, d.by_category, d.by_region):
        assert kpi.total(u.counts for u in units) == d.targets.counts


def test_the_rollup_figures_equal_the_raw_oracle_in_every_scope(world: World, clock: FixedClock) -> None:
    w = world
    build_kpi_tickets(w, clock)
    closed(w, clock, "scj", 5)
    dissatisfied_twice(w, clock)
    answered_by_center(w, clock)
    clock.advance(timedelta(days=8))  # a later week: the 7-day period holds only what follows
    returned_then_closed(w, clock)
    closed(w, clock, "zjj", 3, hours=30)  # replied days after the limit
    for days in (7, 30, None):
        d = kpi.dashboard(w.ctx, w["leader"], days)
        p = d.period
        assert {c: d.targets.counts[c] for c in GAUGE_COUNTERS} == raw_counts(w.ctx, p.start, p.end), days
        for code in ("scj", "zjj"):
            scoped = kpi.dashboard(w.ctx, w["leader"], days, department=code)
            want = raw_counts(w.ctx, p.start, p.end, department_id=w.dept[code])
            assert {c: scoped.targets.counts[c] for c in GAUGE_COUNTERS} == want, (days, code)
            _breakdowns_add_up(scoped)
        picked = kpi.dashboard(w.ctx, w["leader"], days, region="330299101", department="scj")
        assert picked.scope.region_id is not None
        want = raw_counts(w.ctx, p.start, p.end, department_id=w.dept["scj"], region_id=picked.scope.region_id)
        assert {c: picked.targets.counts[c] for c in GAUGE_COUNTERS} == want, days
        region = kpi.dashboard(w.ctx, w["leader"], days, region="330299101")
        want = raw_counts(w.ctx, p.start, p.end, region_id=region.scope.region_id)
        assert {c: region.targets.counts[c] for c in GAUGE_COUNTERS} == want, days
        for view in (d, picked, region):  # county-wide from the slices, in a scope from the base rows
            _breakdowns_add_up(view)
            with w.ctx.sessions() as s:  # one dimension at a time, as GET /api/kpis asks
                for by in ("department", "category", "region"):
                    one = rollups.sums(s, by, p.rollup, view.scope.match)
                    assert kpi.total(one.values()) == view.targets.counts, (days, by)
                assert rollups.sums(s, "county", p.rollup, view.scope.match) == {"county": view.targets.counts}
            if view is not d:
                county = {u.key: u.counts for u in d.by_department}
                assert {u.key: u.counts for u in view.ranking.ranked} == {u.key: county[u.key] for u in
                                                                         d.ranking.ranked}
        raw_trend = raw_counts(w.ctx, kpi.week_starts(p)[0], p.end)
        assert (sum(d.trend.submitted), sum(d.trend.closed)) == (raw_trend["received"], raw_trend["closed"])
    week = kpi.dashboard(w.ctx, w["leader"], 7).targets.counts
    # the last 7 days hold only the late zjj ticket's close (it was submitted ten days before)
    assert (week["received"], week["closed"], week["closed_on_time"], week["rated"]) == (0, 1, 0, 1)
