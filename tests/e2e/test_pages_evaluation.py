"""Issue 6's evaluation pages over HTTP, on SQLite and PostgreSQL: 考核排名 (KPIs, 红黑榜, annual
ranking, Excel, the admin's weights and revisit share), 回访任务, 低满意度台账, 评价申诉 from the ticket
page and the center's decision, 分析报告 downloads; each with the wrong role refused."""

from __future__ import annotations

import re
from io import BytesIO

from fastapi.testclient import TestClient
from openpyxl import load_workbook

from qitong.domain.clock import FixedClock
from qitong.domain.evaluation.kpi import Kpi
from qitong.services import rollups
from qitong.services.evaluation import revisit_share
from qitong.services.reports import generate
from qitong.services.tickets.queries import ticket_detail
from tests.support.loop import closed, dissatisfied_twice
from tests.support.pages import pages
from tests.support.world import World

SCJ, ZJJ = "县市场监督管理局", "县住房和城乡建设局"


def _section(html: str, element_id: str) -> str:
    """The markup from the element with this id to the end of its card (good enough for asserts)."""
    start = html.index(f'id="{element_id}"')
    return html[start:start + 4000]


def test_kpi_page_ranks_units_exports_and_refuses_businesses(client: TestClient, world: World,
                                                             clock: FixedClock) -> None:
    closed(world, clock, "scj", 5)
    dissatisfied_twice(world, clock)
    p = pages(client, "leader")
    html = p.get("/evaluation/kpis?period=2026-11&size=1").text
    table = _section(html, "kpi-table")
    assert SCJ in table and ZJJ in table and "满意率" in table and "综合指数" in table
    assert SCJ in _section(html, "red-board") and ZJJ in _section(html, "black-board")
    assert "2026年度排名" in html and SCJ in _section(html, "annual-ranking")
    assert 'id="weights-form"' not in html  # only the admin sets the weights
    assert "审批效率" in p.get("/evaluation/kpis?by=category&period=2026-Q4").text
    custom = p.get("/evaluation/kpis?period=custom&start=2026-11-01&end=2026-11-30").text
    assert "2026年11月1日至2026年11月30日" in custom and SCJ in _section(custom, "kpi-table")
    assert "统计期间格式应为" in p.get("/evaluation/kpis?period=2026/11", 422).text
    assert "结束日期不能早于开始日期" in p.get("/evaluation/kpis?period=custom&start=2026-11-30&end=2026-11-01", 422).text
    x = p.get("/evaluation/kpis.xlsx?period=2026-11&size=1")
    wb = load_workbook(BytesIO(x.content))
    assert wb.sheetnames == ["考核指标", "红黑榜", "年度排名"]
    assert {r[0] for r in wb["考核指标"].iter_rows(min_row=2, values_only=True)} == {SCJ, ZJJ}
    assert [(r[1], r[3]) for r in wb["红黑榜"].iter_rows(min_row=2, values_only=True)] == [("红榜", SCJ), ("黑榜", ZJJ)]
    assert p.get("/evaluation", 303).headers["location"] == "/evaluation/kpis"
    assert SCJ in pages(client, "scj_handler").get("/evaluation/kpis").text  # the ranking is published to units
    ent = pages(client, "ent1_user")
    assert "供工作人员使用" in ent.get("/evaluation", 403).text
    ent.get("/evaluation/kpis.xlsx", 403)


def test_admin_sets_weights_and_revisit_share(client: TestClient, world: World) -> None:
    admin = pages(client, "admin")
    html = admin.get("/evaluation/kpis").text
    assert 'id="weights-form"' in html and 'id="share-form"' in html
    form = {f"w_{k.value}": "0" for k in Kpi} | {"w_satisfaction": "60", "w_on_time": "40"}
    admin.post("/evaluation/weights", form)
    assert "已保存综合指数权重" in admin.get("/evaluation/kpis").text
    with world.ctx.sessions() as s:
        assert rollups.get_weights(s)[Kpi.satisfaction] == 60 and rollups.get_weights(s)[Kpi.contact] == 0
    assert "应为数字" in admin.post("/evaluation/weights", {**form, "w_sign": "很多"}, 422).text
    assert "不能全部为 0" in admin.post("/evaluation/weights", {f"w_{k.value}": "0" for k in Kpi}, 422).text
    assert "10% 到 100%" in admin.post("/evaluation/revisit-share", {"share": "5"}, 422).text
    admin.post("/evaluation/revisit-share", {"share": "25"})
    with world.ctx.sessions() as s:
        assert revisit_share(s) == 0.25
    admin.post("/evaluation/revisit-share", {"share": "30"}, 403, csrf=False)
    d = pages(client, "dispatcher")
    assert 'id="weights-form"' not in d.get("/evaluation/kpis").text
    assert "只有系统管理员" in d.post("/evaluation/weights", form, 403).text
    assert "设置回访抽样比例" in d.post("/evaluation/revisit-share", {"share": "50"}, 403).text
    with world.ctx.sessions() as s:
        assert rollups.get_weights(s)[Kpi.satisfaction] == 60 and revisit_share(s) == 0.25


def test_revisit_tasks_record_the_outcome_and_ledger(client: TestClient, world: World, clock: FixedClock) -> None:
    tid = dissatisfied_twice(world, clock)
    number = ticket_detail(world.ctx, world["agent"], tid)["number"]
    agent = pages(client, "agent")
    html = agent.get("/evaluation/revisits").text
    ids = re.findall(r'data-revisit="(\d+)" data-ticket="' + re.escape(number), html)
    assert len(ids) == 2 and "不满意必访" in html and 'class="qt-revisit-form"' in html
    bad = agent.post(f"/evaluation/revisits/{ids[0]}", {"status": "done", "method": "phone", "outcome": "企业表示认可"},
                     422)
    assert "请选择企业是否满意" in bad.text and "企业表示认可" in bad.text  # the typed text is kept
    agent.post(f"/evaluation/revisits/{ids[0]}", {"status": "done", "method": "visit", "satisfied": "0",
                                                  "resolved": "0", "outcome": "上门回访，企业仍不认可答复"})
    assert "已记录回访结果" in agent.get("/evaluation/revisits").text
    done = agent.get("/evaluation/revisits?status=done").text
    assert "上门回访，企业仍不认可答复" in done and "企业不满意" in done
    assert "该回访任务已记录结果" in agent.post(f"/evaluation/revisits/{ids[0]}", {
        "status": "unreachable", "method": "phone", "outcome": "再次回访"}, 409).text
    sup = pages(client, "supervisor")
    assert number in sup.get("/evaluation/revisits?status=all").text
    assert 'class="qt-revisit-form"' not in sup.get("/evaluation/revisits").text
    assert "记录回访结果" in sup.post(f"/evaluation/revisits/{ids[1]}", {
        "status": "unreachable", "method": "phone", "outcome": "电话无人接听"}, 403).text
    # the ticket rated dissatisfied twice is on the ledger, which exports to Excel
    ledger = sup.get("/evaluation/low-satisfaction").text
    assert number in _section(ledger, "ledger") and "疑难" in ledger
    x = sup.get("/evaluation/low-satisfaction.xlsx")
    rows = list(load_workbook(BytesIO(x.content)).active.iter_rows(values_only=True))  # type: ignore[union-attr]
    assert rows[0][0] == "工单编号" and rows[1][0] == number
    assert "低满意度台账" in pages(client, "zjj_handler").get("/evaluation/low-satisfaction", 403).text
    assert "查看回访任务" in pages(client, "scj_handler").get("/evaluation/revisits", 403).text


def test_a_unit_appeals_from_the_ticket_page_and_the_center_decides(client: TestClient, world: World,
                                                                     clock: FixedClock) -> None:
    tid = dissatisfied_twice(world, clock)  # round 1 counts against scj, round 2 against zjj
    with world.ctx.sessions() as s:
        zjj_rated = rollups.sums(s, "department", rollups.month(2026, 11))[world.dept["zjj"]]["rated"]
    assert zjj_rated == 1
    scj = pages(client, "scj_handler")
    card = _section(scj.get(f"/tickets/{tid}").text, "appeal-card")
    assert 'value="1"' in card and "第 2 轮" not in card
    zjj = pages(client, "zjj_handler")
    card = _section(zjj.get(f"/tickets/{tid}").text, "appeal-card")
    assert 'value="2"' in card and "第 1 轮" not in card
    assert "至少 5 个字" in zjj.post(f"/evaluation/tickets/{tid}/appeal", {"round": "2", "reason": "不对"}, 422).text
    assert "只能对计入本单位的评价" in zjj.post(f"/evaluation/tickets/{tid}/appeal", {
        "round": "1", "reason": "企业诉求超出本单位职责范围"}, 403).text
    zjj.post(f"/evaluation/tickets/{tid}/appeal", {"round": "2", "reason": "已按政策答复，企业诉求超出政策范围"})
    assert "已提交评价申诉" in zjj.get(f"/tickets/{tid}").text
    mine = zjj.get("/evaluation/appeals").text
    assert "已按政策答复" in mine and "待复核" in mine and 'class="qt-decision-form"' not in mine
    appeal_id = re.search(r'data-appeal="(\d+)"', mine).group(1)  # type: ignore[union-attr]
    assert "复核评价申诉" in zjj.post(f"/evaluation/appeals/{appeal_id}/decision", {
        "upheld": "1", "decision": "自己通过"}, 403).text
    scj = pages(client, "scj_handler")  # another unit does not see zjj's appeal
    assert "暂无申诉" in _section(scj.get("/evaluation/appeals").text, "appeal-list")
    agent = pages(client, "agent")
    assert 'id="appeal-card"' not in agent.get(f"/tickets/{tid}").text
    pending = agent.get("/evaluation/appeals").text
    assert f'data-appeal="{appeal_id}"' in pending and 'class="qt-decision-form"' in pending
    assert "请选择复核结论" in agent.post(f"/evaluation/appeals/{appeal_id}/decision", {"decision": "成立"}, 422).text
    agent.post(f"/evaluation/appeals/{appeal_id}/decision", {"upheld": "1", "decision": "经核实，申诉成立"})
    assert "该评价不再计入考核" in agent.get("/evaluation/appeals?status=upheld").text
    with world.ctx.sessions() as s:
        assert rollups.sums(s, "department", rollups.month(2026, 11)).get(world.dept["zjj"], {}).get("rated", 0) == 0
    assert "该申诉已复核" in agent.post(f"/evaluation/appeals/{appeal_id}/decision", {
        "upheld": "0", "decision": "再议"}, 409).text
    assert "供工作人员使用" in pages(client, "ent1_user").get("/evaluation/appeals", 403).text


def test_reports_page_lists_periods_and_downloads(client: TestClient, world: World, clock: FixedClock) -> None:
    closed(world, clock, "scj", 5)
    leader = pages(client, "leader")
    html = leader.get("/evaluation/reports").text
    assert "2026年第4季度" in html and "2026年11月" in html and "2025年12月" in html
    pdf = leader.get("/evaluation/reports/monthly/2026/11.pdf")
    assert pdf.content.startswith(b"%PDF") and "filename*=UTF-8''" in pdf.headers["content-disposition"]
    assert leader.get("/evaluation/reports/quarterly/2026/4.xlsx").content.startswith(b"PK")
    assert "尚未开始" in leader.get("/evaluation/reports/quarterly/2027/1.pdf", 422).text
    assert "没有 2026-10 的定时生成报告" in leader.get("/evaluation/reports/stored/monthly/2026-10.pdf", 404).text
    assert generate(world.ctx, "monthly", 2026, 10)
    html = leader.get("/evaluation/reports").text
    assert 'href="/evaluation/reports/stored/monthly/2026-10.pdf"' in html
    assert leader.get("/evaluation/reports/stored/monthly/2026-10.xlsx").content.startswith(b"PK")
    h = pages(client, "scj_handler")
    assert "不能查看分析报告" in h.get("/evaluation/reports", 403).text
    h.get("/evaluation/reports/monthly/2026/11.pdf", 403)
