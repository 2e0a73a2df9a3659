"""The case library and common-problems pages (issue 6) over HTTP, on SQLite and PostgreSQL: recommend
a closed ticket from its page, the anonymised draft, editing, publishing by another reviewer, search;
the common problems with their sparkline and risk warning; each with the wrong role refused."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from qitong.domain.clock import FixedClock
from qitong.services.cases import search_cases
from tests.support.loop import closed
from tests.support.pages import pages
from tests.support.world import World

NAME = "象湖县鑫达机械有限公司"
CONTENT = f"{NAME}三周前提交营业执照经营范围变更申请，至今没有结果，联系人王建国，电话13812345678。"


def test_recommend_edit_publish_and_search_a_case(client: TestClient, world: World, clock: FixedClock) -> None:
    tid = closed(world, clock, "scj", 5, content=CONTENT)
    assert 'id="case-form"' not in pages(client, "scj_handler").get(f"/tickets/{tid}").text  # the center proposes
    agent = pages(client, "dispatcher")  # a center role that also reviews: still not its own proposal
    assert 'id="case-form"' in agent.get(f"/tickets/{tid}").text
    r = agent.post("/cases", {"ticket_id": str(tid), "lesson": "推行告知承诺制，变更登记即办"})
    url = r.headers["location"]
    case_id = int(url.rsplit("/", 1)[1])
    draft = agent.get(url).text
    assert "已生成案例草稿" in draft and 'data-status="draft"' in draft and 'id="case-edit"' in draft
    view = draft[draft.index('id="case-view"'):]
    assert NAME not in view and "13812345678" not in view and "王建国" not in view and "告知承诺制" in view
    assert 'id="publish-form"' not in draft and "须由其他审核人员" in draft  # not by the proposer
    assert "该工单已在案例库中" in agent.post("/cases", {"ticket_id": str(tid)}, 409).text
    agent.post(f"/cases/{case_id}/edit", {"title": "营业执照变更登记提速", "problem": "企业变更登记等待过久，电话13900001111",
                                          "solution": "窗口即办", "lesson": "推行告知承诺制，变更登记即办"})
    edited = agent.get(url).text
    assert "营业执照变更登记提速" in edited and "13900001111" not in edited  # anonymised again on save
    assert "推荐人以外" in agent.post(f"/cases/{case_id}/publish", {}, 403).text
    assert "审核发布典型案例" in pages(client, "agent").post(f"/cases/{case_id}/publish", {}, 403).text
    ent = pages(client, "ent1_user")
    assert "尚未发布" in ent.get(url, 404).text  # a draft is not shown to businesses
    assert "查看未发布的案例" in ent.get("/cases?status=draft", 403).text
    assert "审核发布典型案例" in pages(client, "scj_handler").post(f"/cases/{case_id}/publish", {}, 403).text
    sup = pages(client, "supervisor")
    assert str(case_id) in sup.get("/cases?status=draft").text
    assert 'id="publish-form"' in sup.get(url).text
    sup.post(f"/cases/{case_id}/publish")
    assert 'data-status="published"' in sup.get(url).text
    assert [c["id"] for c in search_cases(world.ctx, world["leader"], "告知承诺")] == [case_id]
    assert "该案例不是待审核的草稿" in sup.post(f"/cases/{case_id}/publish", {}, 409).text
    ent = pages(client, "ent1_user")
    found = ent.get("/cases?q=告知承诺 即办&category=zwfw").text
    assert f'data-case="{case_id}"' in found and 'id="drafts-tab"' not in found
    assert 'id="case-edit"' not in ent.get(url).text
    assert "没有符合条件的案例" in ent.get("/cases?q=土地出让").text


def test_common_problems_with_trend_and_warning(client: TestClient, world: World, clock: FixedClock) -> None:
    for title in ("营业执照变更审批超时", "营业执照变更审批太慢", "营业执照变更审批超期未办"):
        closed(world, clock, "scj", 4, title=title)
    leader = pages(client, "leader")
    html = leader.get("/cases/common-problems?months=3").text
    row = re.search(r'<tr class="table-danger" data-size="3">.*?</tr>', html, re.S)
    assert row is not None and "审批效率" in row.group(0) and "<polyline" in row.group(0)
    assert "0 / 0 / 3" in row.group(0) and 'id="risk-warnings"' in html and "需关注" in html
    assert "统计月数应为" in leader.get("/cases/common-problems?months=5", 422).text
    assert "供工作人员查看" in pages(client, "ent1_user").get("/cases/common-problems", 403).text
