"""Reports, the case library and the common problems (issue 6), on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta
from io import BytesIO

import pytest
from openpyxl import load_workbook

from qitong.domain.clock import FixedClock
from qitong.domain.errors import Conflict, Forbidden, InvalidInput
from qitong.services import cases, reports
from qitong.services.context import Context
from tests.support.loop import closed, dissatisfied_twice
from tests.support.pdf import pdf_text
from tests.support.world import World, build_world


@pytest.fixture
def world(ctx: Context) -> World:
    return build_world(ctx)


def test_typical_case_is_anonymised_reviewed_then_published(world: World, clock: FixedClock) -> None:
    w = world
    tid = closed(w, clock, "scj", 5, title="象湖县鑫达机械有限公司执照变更审批超时",
                 content="王建国反映：象湖县鑫达机械有限公司申请变更，联系电话13812345678，身份证330299199001011234。")
    with pytest.raises(Forbidden):
        cases.propose_case(w.ctx, w["scj_handler"], tid)
    c = cases.propose_case(w.ctx, w["agent"], tid, lesson="同类变更应推行告知承诺制")
    text = " ".join((c["title"], c["problem"], c["solution"]))
    assert "鑫达" not in text and "13812345678" not in text and "王建国" not in text and "1990" not in text
    assert "象湖县***有限公司" in c["title"] and "138****5678" in c["problem"]
    with pytest.raises(Conflict):
        cases.propose_case(w.ctx, w["agent"], tid)
    assert cases.search_cases(w.ctx, w["ent1_user"], "变更") == []  # a draft is not public
    with pytest.raises(Forbidden):
        cases.search_cases(w.ctx, w["ent1_user"], status=cases.CaseStatus.draft)
    cases.edit_case(w.ctx, w["agent"], c["id"], cases.CaseEdit(solution="经协调，王建国的申请当日办结，电话13900001111"))
    with pytest.raises(Forbidden):
        cases.publish_case(w.ctx, w["agent"], c["id"])  # not by the proposer
    pub = cases.publish_case(w.ctx, w["dispatcher"], c["id"])
    assert pub["status"] == "published" and "王建国" not in pub["solution"] and "139****1111" in pub["solution"]
    found = cases.search_cases(w.ctx, w["ent1_user"], "告知承诺")
    assert [f["id"] for f in found] == [c["id"]]
    assert cases.search_cases(w.ctx, w["ent1_user"], "告知承诺", category="zwfw") != []
    assert cases.search_cases(w.ctx, w["ent1_user"], "不存在的词") == []


def test_common_problems_cluster_and_warn(world: World, clock: FixedClock) -> None:
    w = world
    for i in range(4):
        closed(w, clock, "scj", 4, title=f"营业执照变更审批超时{i}")
    closed(w, clock, "scj", 4, title="厂区门口道路积水严重")
    problems = cases.common_problems(w.ctx, months=3)
    assert problems[0]["size"] == 4 and problems[0]["label"].startswith("营业执照变更审批超时")
    assert problems[0]["trend"][-1] == {"month": "2026-11", "count": 4}
    assert problems[0]["warning"] is not None  # four this month, none before
    assert problems[1]["size"] == 1 and problems[1]["warning"] is None


def test_quarterly_report_pdf_and_xlsx(world: World, clock: FixedClock) -> None:
    w = world
    closed(w, clock, "scj", 5)
    dissatisfied_twice(w, clock)
    pdf = reports.report_file(w.ctx, w["leader"], "quarterly", 2026, 4, "pdf")
    text = pdf_text(pdf)
    assert pdf.startswith(b"%PDF") and "数智分析报告" in text and "县市场监督管理局" in text
    assert "受理渠道" in text and "问题分析与对策建议" in text
    xlsx = reports.report_file(w.ctx, w["leader"], "quarterly", 2026, 4, "xlsx")
    wb = load_workbook(BytesIO(xlsx))
    assert {"概况", "受理渠道", "承办单位办理情况", "对策建议"} <= set(wb.sheetnames)
    assert reports.report_file(w.ctx, w["leader"], "monthly", 2026, 11, "pdf").startswith(b"%PDF")
    with pytest.raises(Forbidden):
        reports.report_file(w.ctx, w["scj_handler"], "quarterly", 2026, 4, "pdf")
    with pytest.raises(InvalidInput):
        reports.report_file(w.ctx, w["leader"], "quarterly", 2027, 1, "pdf")  # not begun


def test_scheduled_reports_run_once(world: World, clock: FixedClock) -> None:
    w = world
    closed(w, clock, "scj", 5)
    clock.advance(timedelta(days=40))  # into January 2027: December's bulletin and Q4's report are due
    assert reports.generate_scheduled_reports(w.ctx) == ["monthly:2026-12", "quarterly:2026-Q4"]
    assert reports.generate_scheduled_reports(w.ctx) == []
