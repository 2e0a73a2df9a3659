"""KPI rollups (issue 6): kept in the ticket action's transaction, and equal to a rebuild from the
raw tables, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from qitong.db.models import Rating
from qitong.domain.clock import FixedClock
from qitong.domain.errors import Conflict, Forbidden, InvalidInput
from qitong.domain.evaluation.kpi import Kpi
from qitong.domain.tickets.lifecycle import Action
from qitong.services import evaluation, rollups
from qitong.services.audit import verify
from qitong.services.context import Context
from qitong.services.tickets.payloads import ActionPayload as P
from tests.support.loop import (
    act,
    answered_by_center,
    closed,
    dissatisfied_twice,
    returned_then_closed,
    submit,
    to_confirmation,
)
from tests.support.world import World, build_world


@pytest.fixture
def world(ctx: Context) -> World:
    return build_world(ctx)


def _mixed(w: World, clock: FixedClock) -> dict[str, int]:
    t = {"closed_scj": closed(w, clock, "scj", 5), "closed_zjj": closed(w, clock, "zjj", 3),
         "twice": dissatisfied_twice(w, clock), "center": answered_by_center(w, clock),
         "returned": returned_then_closed(w, clock), "open": to_confirmation(w, clock, "zjj"),
         "fresh": submit(w)}
    clock.advance(timedelta(days=2))  # another day, another key
    t["late"] = closed(w, clock, "scj", 4, hours=30)  # replied days after the limit
    rejected = submit(w, title="与企业无关的个人诉求", content="小区停车位不够，请增加车位，谢谢。")
    act(w, clock, rejected, [("agent", Action.reject, P(reason="非涉企诉求，请拨打12345"))])
    return t


def test_incremental_rollups_equal_a_rebuild_from_raw_tables(world: World, clock: FixedClock) -> None:
    w = world
    _mixed(w, clock)
    incremental = rollups.rollup_snapshot(w.ctx)
    assert incremental["day"] and incremental["month"]
    # the per-dimension slices, kept by the same upsert, are the daily rows summed per dimension
    assert incremental["slice_day"] == rollups.slices_of(incremental["day"])  # type: ignore[arg-type]
    assert {k[1] for k in incremental["slice_month"]} == set(rollups.DIMENSIONS)
    n = rollups.rebuild_rollups(w.ctx)
    assert n == 9
    assert rollups.rollup_snapshot(w.ctx) == incremental
    with w.ctx.sessions() as s:
        assert verify(s).ok


def test_daily_and_monthly_rollups_agree(world: World, clock: FixedClock) -> None:
    w = world
    _mixed(w, clock)
    whole = rollups.month(2026, 11)
    ragged = rollups.Period(date(2026, 10, 31), date(2026, 12, 1), "ragged")  # not whole months: daily rows
    with w.ctx.sessions() as s:
        for by in rollups.BY:
            assert rollups.sums(s, by, whole) == rollups.sums(s, by, ragged)


def test_county_figures(world: World, clock: FixedClock) -> None:
    w = world
    _mixed(w, clock)
    [county] = rollups.kpis(w.ctx, by="county", period="2026")  # the late one closes in December
    c = county.counts
    # received: everything taken in (not the fresh one, not the rejected one)
    assert c["received"] == 7
    assert c["closed"] == 5 and c["closed_dispatched"] == 4
    assert c["rated"] == 7 and c["dissatisfied"] == 2 and c["satisfied"] == 5
    assert c["closed_on_time"] == 4 and c["resolved"] == 5
    assert c["returns"] == 1 and c["redispatches"] == 0  # the redispatched ticket is not closed
    assert c["solved_at_center"] == 5 and c["sent_to_leadership"] == 0
    assert county.rates[Kpi.center_share] == 1.0
    assert county.rates[Kpi.satisfaction] == pytest.approx(5 / 7)
    assert county.index is not None


def test_department_attribution(world: World, clock: FixedClock) -> None:
    w = world
    _mixed(w, clock)
    rows = {r.key: r for r in rollups.kpis(w.ctx, by="department", period="2026-11")}
    scj, zjj = rows[w.dept["scj"]].counts, rows[w.dept["zjj"]].counts
    # the first dissatisfied rating of the redispatched ticket counts against scj, the second against zjj
    assert scj["dissatisfied"] == 1 and zjj["dissatisfied"] == 1
    assert zjj["returns"] == 1 and scj["returns"] == 0  # charged to the department that returned it
    assert rows[0].label == "中心直办" and rows[0].counts["closed"] == 1
    assert rows[w.dept["scj"]].rates[Kpi.contact] == 1.0


def test_upheld_appeal_takes_the_rating_out_of_the_kpis(world: World, clock: FixedClock) -> None:
    w = world
    tid = dissatisfied_twice(w, clock)
    before = {r.key: r.counts for r in rollups.kpis(w.ctx, period="2026-11")}[w.dept["zjj"]]
    assert before["dissatisfied"] == 1
    with w.ctx.sessions() as s:
        rating_id = s.scalars(select(Rating.id).where(Rating.ticket_id == tid, Rating.round == 2)).one()
    with pytest.raises(Forbidden):
        evaluation.file_appeal(w.ctx, w["scj_handler"], rating_id, "该评价与本单位无关，请复核")
    a = evaluation.file_appeal(w.ctx, w["zjj_handler"], rating_id, "企业诉求已按政策答复，不满意系对政策本身")
    with pytest.raises(Conflict):
        evaluation.file_appeal(w.ctx, w["zjj_handler"], rating_id, "再次申诉，请尽快复核")
    assert [x["id"] for x in evaluation.list_appeals(w.ctx, w["zjj_leader"])] == [a["id"]]
    assert evaluation.list_appeals(w.ctx, w["scj_leader"]) == []
    with pytest.raises(Forbidden):
        evaluation.decide_appeal(w.ctx, w["zjj_leader"], a["id"], True, "同意")
    evaluation.decide_appeal(w.ctx, w["dispatcher"], a["id"], True, "经回访核实，属政策解释不满意，不计入考核")
    with pytest.raises(Conflict):
        evaluation.decide_appeal(w.ctx, w["dispatcher"], a["id"], False, "重复复核")
    after = {r.key: r.counts for r in rollups.kpis(w.ctx, period="2026-11")}[w.dept["zjj"]]
    assert after["rated"] == 0 and after["dissatisfied"] == 0 and after["dispatches"] == 1
    snap = rollups.rollup_snapshot(w.ctx)
    rollups.rebuild_rollups(w.ctx)
    assert rollups.rollup_snapshot(w.ctx) == snap
    with w.ctx.sessions() as s:
        assert verify(s).ok


def test_weights_are_set_by_an_admin_and_change_the_index(world: World, clock: FixedClock) -> None:
    w = world
    _mixed(w, clock)
    with pytest.raises(Forbidden):
        rollups.set_weights(w.ctx, w["dispatcher"], {"satisfaction": 1})
    with pytest.raises(InvalidInput):
        rollups.set_weights(w.ctx, w["admin"], {"bogus": 1})
    with pytest.raises(InvalidInput):
        rollups.set_weights(w.ctx, w["admin"], {"satisfaction": 0})
    rollups.set_weights(w.ctx, w["admin"], {"satisfaction": 1})
    [county] = rollups.kpis(w.ctx, by="county", period="2026")
    assert county.index == round(100 * 5 / 7, 2)


def test_red_black_and_annual_ranking(world: World, clock: FixedClock) -> None:
    w = world
    _mixed(w, clock)
    rb = rollups.red_black(w.ctx, 2026, 11, size=1)
    assert [r.key for r in rb.red] == [w.dept["scj"]]
    assert [r.key for r in rb.black] == [w.dept["zjj"]]
    assert all(r.key != 0 for r in rb.ranking)
    # over the year scj's late reply (closed in December) drops it behind zjj
    year = rollups.annual_ranking(w.ctx, 2026)
    assert [(r.key, r.rank) for r in year.ranking] == [(w.dept["zjj"], 1), (w.dept["scj"], 2)]
    december = rollups.kpis(w.ctx, period="2026-12")
    assert [(r.key, r.counts["closed"], r.counts["closed_on_time"]) for r in december] == [(w.dept["scj"], 1, 0)]
    assert rollups.parse_period("2026-Q4").start.month == 10
    with pytest.raises(InvalidInput):
        rollups.parse_period("2026/11")


def test_revisits_and_low_satisfaction_ledger(world: World, clock: FixedClock) -> None:
    w = world
    rollups.rebuild_rollups(w.ctx)  # nothing to count: harmless
    evaluation.set_revisit_share(w.ctx, w["admin"], 1.0)  # every closed ticket in the sample
    with pytest.raises(InvalidInput):
        evaluation.set_revisit_share(w.ctx, w["admin"], 0.05)
    tid = closed(w, clock, "scj", 4)
    twice = dissatisfied_twice(w, clock)
    tasks = evaluation.my_revisits(w.ctx, w["agent"])
    assert sorted((t["ticket_id"], t["reason"]) for t in tasks) == sorted(
        [(tid, "sample"), (twice, "dissatisfied"), (twice, "dissatisfied")])
    done = evaluation.record_revisit(w.ctx, w["agent"], tasks[0]["id"], evaluation.RevisitOutcome(
        status=evaluation.RevisitStatus.done, method=evaluation.RevisitMethod.phone, outcome="企业表示满意",
        satisfied=True, resolved=True))
    assert done["status"] == "done"
    assert len(evaluation.my_revisits(w.ctx, w["agent"])) == 2
    ledger = evaluation.low_satisfaction(w.ctx, w["supervisor"])
    assert [(r["ticket_id"], r["dissatisfied_count"], r["complexity"]) for r in ledger] == [(twice, 2, "difficult")]
    assert "鑫达" not in str(ledger)
    xlsx = evaluation.low_satisfaction_xlsx(w.ctx, w["supervisor"])
    assert xlsx[:2] == b"PK"
    with pytest.raises(Forbidden):
        evaluation.low_satisfaction(w.ctx, w["scj_handler"])
