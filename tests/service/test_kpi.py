"""The dashboard figures on a small world whose every number is worked out by hand (SQLite and
PostgreSQL): the six target gauges, the weekly trend, the breakdowns, the overdue list, the ranking."""

from __future__ import annotations

from datetime import timedelta

import pytest

from qitong.domain.clock import FixedClock
from qitong.domain.errors import Forbidden
from qitong.services import kpi
from qitong.services.context import Context
from tests.support.kpi_world import build_kpi_tickets
from tests.support.world import World, build_world


@pytest.fixture
def world(ctx: Context) -> World:
    return build_world(ctx)


def test_the_targets_on_a_world_worked_out_by_hand(world: World, clock: FixedClock) -> None:
    build_kpi_tickets(world, clock)
    d = kpi.dashboard(world.ctx, world["leader"])
    t = d.targets
    # 6 tickets; accepted = not submitted/rejected: t1, t2 closed, t3 escalated, t6 dissatisfied
    assert (t.total, t.accepted, t.closed, t.open, t.overdue_open) == (6, 4, 2, 3, 2)
    got = {g.key: (g.numerator, g.denominator, g.value, g.met) for g in t.gauges}
    assert got == {
        "closure": (2, 3, 66.7, False),  # t6 is past its resolve deadline and not closed
        "satisfaction": (2, 3, 66.7, False),  # 5 and 3 (基本满意) count, 1 does not
        "at_center": (2, 2, 100.0, True),
        "leadership": (1, 4, 25.0, False),  # t3 went to the 三分 meeting; the target is ≤ 10 %
        "contact": (2, 3, 66.7, False),  # t2 was contacted on Wednesday, due by Tuesday
        "on_time": (1, 2, 50.0, False),  # t2 closed after its resolve deadline
    }
    assert [g.target_text for g in t.gauges][:4] == ["≥ 95%", "≥ 95%", "≥ 90%", "≤ 10%"]
    assert d.statuses == {"closed": 2, "dissatisfied": 1, "escalated": 1, "rejected": 1, "submitted": 1}


def test_trend_breakdowns_overdue_and_ranking(world: World, clock: FixedClock) -> None:
    ids = build_kpi_tickets(world, clock)
    d = kpi.dashboard(world.ctx, world["agent"])
    assert len(d.trend.weeks) == 13 and d.trend.weeks[-1] == "11-23"
    assert (d.trend.submitted[-1], d.trend.closed[-1], d.trend.satisfaction[-1]) == (6, 2, 100.0)
    assert sum(d.trend.submitted) == 6 and d.trend.satisfaction[0] is None
    dept = {u.key: u for u in d.by_department}
    assert set(dept) == {"scj", "zjj"}
    assert dept["scj"].as_dict() == {"key": "scj", "name": "县市场监督管理局", "total": 2, "closed": 1, "open": 1,
                                     "overdue_open": 1, "closure": 50.0, "satisfaction": 50.0, "on_time": 100.0,
                                     "contact": 100.0, "composite": 70.0}
    assert (dept["zjj"].rates, dept["zjj"].composite) == (
        {"closure": 100.0, "satisfaction": 100.0, "on_time": 0.0, "contact": 0.0}, 60.0)
    assert [(u.key, u.total) for u in d.by_category] == [("zwfw", 6)]  # under its top-level group
    assert [(u.name, u.total, u.closed) for u in d.by_region] == [("湖东镇", 6, 2)]
    assert [u.key for u in d.ranking.ranked] == ["scj", "zjj"]
    assert ([u.key for u in d.ranking.red], [u.key for u in d.ranking.black]) == (["scj"], ["zjj"])
    # overdue now: t5 never accepted, t6 waiting for redispatch since Tuesday
    assert d.overdue.total == 2
    assert [(i.id, i.status, i.days_late) for i in d.overdue.items] == [(ids[4], "submitted", 1),
                                                                      (ids[5], "dissatisfied", 1)]
    assert d.overdue.items[1].lead_unit == "县市场监督管理局"


def test_the_period_and_who_may_look(world: World, clock: FixedClock) -> None:
    build_kpi_tickets(world, clock)
    clock.advance(timedelta(days=10))
    assert kpi.dashboard(world.ctx, world["supervisor"], 7).targets.total == 0
    assert kpi.dashboard(world.ctx, world["supervisor"], None).targets.total == 6
    assert kpi.parse_period_days("30") == 30 and kpi.parse_period_days("all") is None
    assert kpi.parse_period_days("1000") == kpi.DEFAULT_PERIOD_DAYS
    for user in ("scj_handler", "ent1_user"):
        with pytest.raises(Forbidden):
            kpi.dashboard(world.ctx, world[user])
    _, public = kpi.department_ranking(world.ctx, None)
    assert [u.key for u in public.ranked] == ["scj", "zjj"]


def test_ranking_boards_never_overlap() -> None:
    def unit(key: str, closed: int, due: int) -> kpi.UnitFigures:
        return kpi.UnitFigures(key, key, due, closed, due - closed, 0, due, 0, 0, 0, 0, 0, 0)

    units = [unit(k, c, 10) for k, c in (("a", 10), ("b", 9), ("c", 8), ("d", 2), ("e", 1))]
    r = kpi.ranking(units)
    assert [u.key for u in r.red] == ["a", "b"] and [u.key for u in r.black] == ["e", "d"]
    assert kpi.ranking(units[:1]).red == [] and kpi.ranking([]).ranked == []
