"""A department's own dashboard and the county's filters, through TestClient on SQLite and PostgreSQL:
a handler or leader sees its department's figures, trend, categories and overdue list and, of the
others, only the public ranking; the center and leaders pick a department or a region."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from qitong.domain.clock import FixedClock
from tests.support.kpi_world import build_kpi_tickets
from tests.support.pages import pages
from tests.support.world import World


def _gauges(html: str) -> dict[str, str]:
    return dict(re.findall(r'data-kpi="(\w+)" data-value="([\d.]*)"', html))


SCJ = {"closure": "50.0", "satisfaction": "50.0", "at_center": "100.0", "leadership": "0.0", "contact": "100.0",
       "on_time": "100.0"}


def test_a_department_sees_its_own_dashboard(client: TestClient, world: World, clock: FixedClock) -> None:
    build_kpi_tickets(world, clock)
    for user in ("scj_handler", "scj_leader"):
        p = pages(client, user)
        assert 'class="nav-link" href="/dashboard"' in p.get("/workbench").text
        r = p.get("/dashboard?department=zjj&region=330299101")  # a department cannot look elsewhere
        assert "本单位数据看板" in r.text and _gauges(r.text) == SCJ
        assert 'id="scope-filter"' not in r.text and 'id="scope-label">县市场监督管理局<' in r.text
        assert re.search(r'id="own-position".*?位列第 <strong data-rank="1">1</strong> 名（共 2 个单位）', r.text, re.S)
        overdue = r.text[r.text.index('id="overdue-list"'):]
        assert "食品经营许可证延续办理不顺" in overdue and "出口退税进度咨询" not in overdue  # t6 theirs, t5 not
        ranking = r.text[r.text.index('id="ranking"'):r.text.index("</table>", r.text.index('id="ranking"'))]
        assert "办结率" not in ranking and "县住房和城乡建设局" in ranking  # the public columns only
        data = p.get("/dashboard/data.json?department=zjj").json()
        assert data["scope"] == {"label": "县市场监督管理局", "own": True, "department": "scj", "region": None,
                                 "position": {"rank": 1, "of": 2, "composite": 85.0}}
        assert [u["key"] for u in data["by_department"]] == ["scj"]
        assert data["totals"] == {"accepted": 2, "closed": 1, "open": 1, "overdue_open": 1}
        assert all(set(u) == {"name", "composite", "rank", "board"} for u in data["ranking"])
        assert "县市场监督管理局" in p.get("/screen").text


def test_the_county_picks_a_department_or_a_region(client: TestClient, world: World, clock: FixedClock) -> None:
    build_kpi_tickets(world, clock)
    leader = pages(client, "leader")
    r = leader.get("/dashboard?period=30&department=scj")
    assert _gauges(r.text) == SCJ and 'id="scope-filter"' in r.text
    assert '<option value="scj" selected>' in r.text and 'href="/screen?period=30&amp;department=scj"' in r.text
    assert 'href="/dashboard?period=7&amp;department=scj"' in r.text  # the period keeps the filter
    region = leader.get("/dashboard/data.json?region=330299101").json()
    assert region["scope"]["label"] == "湖东镇" and region["totals"]["accepted"] == 4
    assert "没有编码为“nope”的单位" in leader.get("/dashboard?department=nope", 422).text
