"""The responsibility-list pages, the dispatch form's proposal and preselection, and the ruling on a
return, through TestClient on SQLite and PostgreSQL."""

from __future__ import annotations

import io
import re
from datetime import date
from typing import Any

from fastapi.testclient import TestClient
from openpyxl import Workbook, load_workbook
from sqlalchemy import event, select

from qitong.db.models import AuditEvent, Category, ResponsibilityEntry, Ticket
from qitong.domain.tickets.lifecycle import Action, Status
from qitong.services.routing import responsibility as resp
from qitong.services.tickets.actions import perform
from qitong.services.tickets.payloads import ActionPayload as P
from tests.support.loop import submit
from tests.support.pages import pages
from tests.support.world import World

BASE = "/routing/responsibility"


def _entry(w: World, cat: str, lead: str, co: tuple[str, ...] = (), **kw: object) -> dict[str, object]:
    return resp.create_entry(w.ctx, w["admin"], resp.EntryIn(
        category_code=cat, lead_unit_id=w.dept[lead], co_unit_ids=[w.dept[c] for c in co],
        effective_from=kw.pop("start", date(2026, 1, 1)), effective_to=kw.pop("end", None), **kw))  # type: ignore[arg-type]


def test_responsibility_list_is_read_by_the_center_and_changed_by_the_admin(client: TestClient, world: World) -> None:
    for user in ("scj_handler", "ent1_user"):
        assert "不能查看职责清单" in pages(client, user).get(BASE, 403).text
    d = pages(client, "dispatcher")
    assert 'href="/routing/responsibility"' in d.get("/workbench").text  # in the navigation
    assert "共 0 条" in d.get(BASE).text and "new-entry" not in d.get(BASE).text
    d.post(BASE, {"category_code": "zwfw.spxl", "lead_unit_id": str(world.dept["scj"]),
                  "effective_from": "2026-01-01"}, 403)
    admin = pages(client, "admin")
    admin.get(f"{BASE}/new")
    bad = admin.post(BASE, {"category_code": "zwfw.spxl", "effective_from": "2026-01-01"}, 422)
    assert "请填写“主办单位”" in bad.text
    admin.post(BASE, {"category_code": "zwfw.spxl", "lead_unit_id": str(world.dept["scj"]),
                      "co_unit_ids": [str(world.dept["zjj"])], "tier": "county", "legal_basis": "《市场主体登记管理条例》第二十四条",
                      "keywords": "营业执照、变更登记", "effective_from": "2026-01-01"})
    r = admin.get(f"{BASE}?category=zwfw.spxl")
    first = int(re.search(r'data-entry="(\d+)"', r.text).group(1))  # type: ignore[union-attr]
    assert 'data-version="1" data-state="current"' in r.text and "营业执照、变更登记" in r.text and "协办：县住房和城乡建设局" in r.text
    # a new version from a day on: the open-ended first one is closed the day before
    form = admin.get(f"{BASE}/new?from={first}").text
    assert 'value="2026-11-23"' in form and "《市场主体登记管理条例》第二十四条" in form
    admin.post(f"{BASE}?from={first}", {"category_code": "zwfw.spxl", "lead_unit_id": str(world.dept["zjj"]),
                                        "tier": "county", "effective_from": "2026-12-01", "keywords": "施工许可"})
    r = admin.get(BASE)
    assert 'data-version="1" data-state="current"' in r.text and 'data-version="2" data-state="future"' in r.text
    assert "2026-01-01 至 2026-11-30" in r.text
    assert 'data-version="2"' not in admin.get(f"{BASE}?on=2026-11-23").text
    assert "日期格式" in admin.get(f"{BASE}?on=2026-13-01", 422).text
    # correct version 1 in place, then delete version 2
    admin.get(f"{BASE}/{first}")
    admin.post(f"{BASE}/{first}", {"category_code": "zwfw.spxl", "lead_unit_id": str(world.dept["scj"]),
                                   "tier": "county", "effective_from": "2026-01-01", "effective_to": "2026-11-30",
                                   "legal_basis": "《市场主体登记管理条例》第二十四条、第二十九条"})
    with world.ctx.sessions() as s:
        rows = list(s.scalars(select(ResponsibilityEntry).order_by(ResponsibilityEntry.version)))
        assert rows[0].legal_basis.endswith("第二十九条") and rows[0].co_unit_ids == []
        second = rows[1].id
    admin.get(BASE)
    admin.post(f"{BASE}/{second}/delete")
    pages(client, "dispatcher").post(f"{BASE}/{first}/delete", {}, 403)
    with world.ctx.sessions() as s:
        acts = [a for (a,) in s.execute(select(AuditEvent.action).where(AuditEvent.entity == "responsibility")
                                        .order_by(AuditEvent.seq))]
    assert acts == ["responsibility.create", "responsibility.close", "responsibility.create",
                    "responsibility.update", "responsibility.delete"]


def test_responsibility_excel_export_and_import_with_a_report(client: TestClient, world: World) -> None:
    _entry(world, "zwfw.spxl", "scj", legal_basis="《优化营商环境条例》")
    sup = pages(client, "supervisor")
    x = sup.get(f"{BASE}/export.xlsx")
    assert x.headers["content-type"].startswith("application/vnd.openxmlformats")
    ws = load_workbook(io.BytesIO(x.content)).active
    assert ws is not None and ws["A2"].value == "zwfw.spxl" and ws["D2"].value == "县市场监督管理局"
    wb = Workbook()
    sheet = wb.active
    assert sheet is not None
    sheet.append(("分类代码", "主办单位", "协办单位", "层级", "生效日期"))
    sheet.append(("zwfw", "县住房和城乡建设局", "scj", "县级", "2026-02-01"))
    sheet.append(("zwfw", "不存在的局", "", "县级", "2026-02-01"))
    buf = io.BytesIO()
    wb.save(buf)
    admin = pages(client, "admin")
    admin.get(BASE)
    r = admin.post(f"{BASE}/import", {}, 200, files={"file": ("list.xlsx", buf.getvalue(), "application/octet-stream")})
    assert 'data-created="1" data-unchanged="0" data-failed="1"' in r.text and 'data-line="3"' in r.text
    assert "主办单位“不存在的局”不存在" in r.text
    assert "请选择要导入的 Excel 文件" in admin.post(f"{BASE}/import", {}, 422).text
    sup.post(f"{BASE}/import", {}, 403, files={"file": ("list.xlsx", buf.getvalue(), "application/octet-stream")})


def _lead_select(html: str) -> str:
    m = re.search(r'<select[^>]*id="dispatch-lead_unit_id".*?</select>', html, re.S)
    assert m, "no lead-unit select on the dispatch form"
    return m.group(0)


def test_dispatch_form_shows_the_proposal_and_preselects_from_the_list(client: TestClient, world: World) -> None:
    _entry(world, "zwfw.spxl", "zjj", ("scj",), legal_basis="《建筑工程施工许可管理办法》第四条")
    tid = submit(world)
    perform(world.ctx, world["agent"], tid, Action.accept, P(category="zwfw.spxl"))
    r = pages(client, "dispatcher").get(f"/tickets/{tid}")
    assert 'id="routing-panel" data-preselected="true" data-source="responsibility_list"' in r.text
    assert "《建筑工程施工许可管理办法》第四条" in r.text and "职责清单“审批效率”第 1 版" in r.text
    assert f'<option value="{world.dept["zjj"]}" selected>' in _lead_select(r.text)
    co = re.search(r'<select[^>]*id="dispatch-co_unit_ids".*?</select>', r.text, re.S).group(0)  # type: ignore[union-attr]
    assert f'<option value="{world.dept["scj"]}" selected>' in co
    # the handler of a department sees no routing panel
    assert "routing-panel" not in pages(client, "agent").get(f"/tickets/{tid}").text


def test_dispatch_form_ranks_three_below_the_threshold(client: TestClient, world: World) -> None:
    with world.ctx.sessions.begin() as s:
        s.add_all([Category(code="gcjs", name="工程建设"), Category(code="ydgh", name="用地规划")])
    _entry(world, "zwfw.spxl", "scj", keywords=["营业执照"])
    _entry(world, "gcjs", "zjj", keywords=["审批"])
    _entry(world, "ydgh", "zrj", keywords=["变更"])
    tid = submit(world)  # 营业执照变更审批超时: three weak keyword hits, no category
    perform(world.ctx, world["agent"], tid, Action.accept, P())
    r = pages(client, "dispatcher").get(f"/tickets/{tid}")
    assert 'data-preselected="false"' in r.text and 'id="routing-ranked"' in r.text
    ranked = re.findall(r'<li data-unit="(\d+)" data-confidence="([\d.]+)"', r.text)
    assert [int(u) for u, _c in ranked] == [world.dept["scj"], world.dept["zjj"], world.dept["zrj"]]
    assert all(float(c) < 0.6 for _u, c in ranked)
    select_html = _lead_select(r.text)
    assert select_html.count('data-rank="') == 3 and " selected" not in select_html
    assert 'id="routing-proposal-none"' in r.text


def test_accept_form_shows_type_and_category_suggestions_and_corrects_the_type(client: TestClient,
                                                                            world: World) -> None:
    """待受理: the agent sees what the text suggests for type and category; a confident category fills
    the empty select; the business's type stays selected and the agent may correct it on accepting."""
    _entry(world, "zwfw.spxl", "scj", keywords=["营业执照", "经营范围", "变更申请"])
    tid = submit(world, title="营业执照经营范围变更", content="营业执照经营范围变更申请提交三周仍未办结，请问原因。")
    agent = pages(client, "agent")
    page = agent.get(f"/tickets/{tid}").text
    assert 'id="accept-suggestions"' in page and 'id="suggested-categories"' in page
    assert 'id="category-preselected"' in page
    accept = re.search(r'<div class="tab-pane[^"]*" id="act-accept".*?</form>', page, re.S).group(0)  # type: ignore[union-attr]
    assert '<option value="zwfw.spxl" selected>' in accept
    assert re.search(r'<select[^>]*name="ticket_type"[^>]*>.*?<option value="help" selected>', accept, re.S)
    version = re.search(r'name="version" value="(\d+)"', accept).group(1)  # type: ignore[union-attr]
    agent.post(f"/tickets/{tid}/actions/accept", {"version": version, "ticket_type": "consultation",
                                                  "category": "zwfw.spxl", "complexity": "simple"})
    with world.ctx.sessions() as s:
        t = s.get(Ticket, tid)
        assert t is not None and t.ticket_type == "consultation" and t.status == Status.accepted
    assert "accept-suggestions" not in pages(client, "supervisor").get(f"/tickets/{tid}").text  # reads, may not accept


def test_the_center_rules_on_a_return_from_the_ticket_page(client: TestClient, world: World) -> None:
    _entry(world, "zwfw.spxl", "scj", legal_basis="《市场主体登记管理条例》")
    tids = []
    for _ in range(2):
        tid = submit(world)
        perform(world.ctx, world["agent"], tid, Action.accept, P(category="zwfw.spxl"))
        perform(world.ctx, world["dispatcher"], tid, Action.dispatch, P(lead_unit_id=world.dept["zjj"]))
        perform(world.ctx, world["zjj_handler"], tid, Action.return_, P(reason="不属于住建职责"))
        tids.append(tid)
    d = pages(client, "dispatcher")
    page = d.get(f"/tickets/{tids[0]}").text
    assert "异议成立·改派" in page and "异议不成立·维持" in page and 'id="ruling-box"' in page
    assert "职责清单认定主办单位为<strong>县市场监督管理局</strong>" in page
    assert f'action="/tickets/{tids[0]}/ruling"' in page
    assert f'<option value="{world.dept["scj"]}" selected>' in _lead_select(page)
    version = re.search(r'name="version" value="(\d+)"', page).group(1)  # type: ignore[union-attr]
    bad = d.post(f"/tickets/{tids[0]}/ruling", {"version": version, "decision": "upheld",
                                               "lead_unit_id": str(world.dept["scj"])}, 422)
    assert "请填写“审核意见”" in bad.text
    d.get(f"/tickets/{tids[0]}")
    d.post(f"/tickets/{tids[0]}/ruling", {"version": version, "decision": "upheld", "reason": "按职责清单由市场监管局主办",
                                         "lead_unit_id": str(world.dept["scj"])})
    page = d.get(f"/tickets/{tids[1]}").text
    version = re.search(r'name="version" value="(\d+)"', page).group(1)  # type: ignore[union-attr]
    d.post(f"/tickets/{tids[1]}/ruling", {"version": version, "decision": "rejected", "reason": "经核实属住建职责"})
    ag = pages(client, "agent")
    ag.get(f"/tickets/{tids[1]}")
    assert "只有中心分派员可以审核派单异议" in ag.post(f"/tickets/{tids[1]}/ruling", {"decision": "rejected",
                                                                                "reason": "维持"}, 403).text
    with world.ctx.sessions() as s:
        a, b = (s.get(Ticket, t) for t in tids)
        assert a is not None and (a.status, a.lead_unit_id, a.return_count) == (Status.dispatched, world.dept["scj"], 0)
        assert b is not None and (b.status, b.lead_unit_id, b.return_count) == (Status.dispatched, world.dept["zjj"], 1)
        rulings = {e.ticket_id: e.data["ruling"] for e in s.scalars(select(AuditEvent).where(
            AuditEvent.ticket_id.in_(tids), AuditEvent.action.in_(("dispatch", "insist")))) if "ruling" in e.data}
    assert rulings[tids[0]]["decision"] == "upheld" and rulings[tids[0]]["follows_list"] is True
    assert rulings[tids[1]]["decision"] == "rejected" and rulings[tids[1]]["follows_list"] is False


def test_a_return_by_the_unit_the_list_names_preselects_nothing_and_says_why(client: TestClient,
                                                                            world: World) -> None:
    _entry(world, "zwfw.spxl", "scj")
    tid = submit(world)
    perform(world.ctx, world["agent"], tid, Action.accept, P(category="zwfw.spxl"))
    perform(world.ctx, world["dispatcher"], tid, Action.dispatch, P(lead_unit_id=world.dept["scj"]))
    perform(world.ctx, world["scj_handler"], tid, Action.return_, P(reason="不属于本局职责"))
    page = pages(client, "dispatcher").get(f"/tickets/{tid}").text
    assert 'id="routing-returning-unit"' in page and 'id="routing-preselected"' not in page
    assert " selected" not in _lead_select(page)
    assert "依据职责清单（条目 #" in page and "按清单派单" in page  # the first dispatch, on the timeline


def test_responsibility_list_queries_do_not_grow_with_the_entries(client: TestClient, world: World) -> None:
    engine = client.app.state.engine  # type: ignore[attr-defined]
    counted: list[str] = []

    def count(_conn: Any, _cur: Any, statement: str, *_a: Any) -> None:
        if not statement.startswith("BEGIN"):
            counted.append(statement)

    def queries() -> int:
        p = pages(client, "supervisor")
        counted.clear()
        event.listen(engine, "before_cursor_execute", count)
        try:
            p.get(BASE)
        finally:
            event.remove(engine, "before_cursor_execute", count)
        return len(counted)

    _entry(world, "zwfw.spxl", "scj", ("zjj",), end=date(2026, 6, 30))
    few = queries()
    with world.ctx.sessions.begin() as s:
        s.add_all([Category(code=f"c{i}", name=f"分类{i}") for i in range(4)])
    for i in range(4):
        _entry(world, f"c{i}", "zjj", ("scj", "zrj"))
    assert queries() == few <= 8
