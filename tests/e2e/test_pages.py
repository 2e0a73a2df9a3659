"""The server-rendered pages through TestClient, on SQLite and PostgreSQL: sign-in, CSRF, role-aware
queues, who may open which ticket, the action forms, HTML errors, the ledger, the query count."""

from __future__ import annotations

import re
from datetime import timedelta
from io import BytesIO
from typing import Any

from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import event, select

from qitong.db.models import AuditEvent, Ticket
from qitong.domain.clock import FixedClock
from qitong.domain.identity import make_uscc
from qitong.domain.tickets.lifecycle import Action
from qitong.services.context import Context
from qitong.services.tickets.actions import perform
from qitong.services.tickets.intake import TicketCreate, create_ticket
from qitong.services.tickets.payloads import ActionPayload
from qitong.services.tickets.queries import ticket_detail
from qitong.web.app import create_app
from tests.support.pages import pages
from tests.support.world import World


def new_ticket(w: World, user: str = "ent1_user", title: str = "营业执照变更审批超时") -> int:
    data = TicketCreate(title=title, content="我公司三周前提交经营范围变更申请，至今没有结果。", category="zwfw.spxl",
                        submitter_name="王建国", submitter_phone="13812345678")
    return create_ticket(w.ctx, w[user], data).ticket_id


def status_of(w: World, tid: int, user: str = "agent") -> str:
    s: str = ticket_detail(w.ctx, w[user], tid)["status"]
    return s


def test_sign_in_and_out_with_a_secure_session_cookie(client: TestClient) -> None:
    p = pages(client)
    assert client.get("/workbench").headers["location"] == "/login?next=/workbench"
    r = p.get("/login")
    assert "账号登录" in r.text and r.headers["x-frame-options"] == "DENY"
    bad = p.post("/login", {"username": "agent", "password": "wrong-password"}, 422)
    assert "用户名或密码错误" in bad.text and 'value="agent"' in bad.text  # the input is kept
    p.token = re.search(r'name="csrf_token" value="([^"]+)"', bad.text).group(1)  # type: ignore[union-attr]
    ok = p.post("/login", {"username": "agent", "password": "Qitong#2026", "next": "/workbench?queue=all"})
    assert ok.headers["location"] == "/workbench?queue=all"
    cookie = ok.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "secure" not in cookie
    p.get("/workbench")  # a new session has a new token
    assert "//evil" not in p.post("/login", {"username": "agent", "password": "Qitong#2026",
                                             "next": "//evil.example/"}).headers["location"]
    p.get("/workbench")
    p.post("/logout")
    assert client.get("/workbench").status_code == 303


def test_secure_cookie_when_served_over_https(ctx: Context, clock: FixedClock, world: World) -> None:
    app = create_app(ctx.settings.model_copy(update={"session_cookie_secure": True}), clock=clock)
    with TestClient(app, base_url="https://testserver", follow_redirects=False) as c:
        r = c.get("/login")
        assert "; secure" in r.headers["set-cookie"].lower()
    app.state.engine.dispose()


def test_csrf_is_required_on_every_post(client: TestClient, world: World) -> None:
    tid = new_ticket(world)
    p = pages(client, "agent")
    for path in ("/logout", f"/tickets/{tid}/actions/accept", "/workbench/bulk-dispatch"):
        r = p.post(path, {"version": "1"}, 403, csrf=False)
        assert "安全校验未通过" in r.text and "<html" in r.text
    r = p.post(f"/tickets/{tid}/actions/accept", {"csrf_token": "forged"}, 403, csrf=False)
    assert status_of(world, tid) == "submitted"
    anon = pages(client)
    anon.post("/login", {"username": "agent", "password": "Qitong#2026"}, 403, csrf=False)


def test_queues_follow_the_role_and_department(client: TestClient, world: World) -> None:
    tid = new_ticket(world)
    agent = pages(client, "agent")
    r = agent.get("/workbench")
    assert 'data-queue="submitted"' in r.text and 'data-queue="to_sign"' in r.text
    assert re.search(r'data-queue="submitted".*?data-count="1"', r.text, re.S)
    assert "营业执照变更审批超时" in r.text
    handler = pages(client, "scj_handler")
    r = handler.get("/workbench")
    assert 'data-queue="to_sign"' in r.text and 'data-queue="submitted"' not in r.text
    assert "营业执照变更审批超时" not in handler.get("/workbench?queue=all").text
    perform(world.ctx, world["agent"], tid, Action.accept)
    perform(world.ctx, world["dispatcher"], tid, Action.dispatch, ActionPayload(lead_unit_id=world.dept["scj"]))
    r = handler.get("/workbench?queue=to_sign")
    assert "营业执照变更审批超时" in r.text and re.search(r'data-queue="to_sign".*?data-count="1"', r.text, re.S)
    assert "营业执照变更审批超时" not in pages(client, "zjj_handler").get("/workbench?queue=all").text
    # enterprises have the portal, not the workbench
    ent = pages(client, "ent1_user")
    assert "工作台供工作人员使用" in ent.get("/workbench", 403).text


def test_a_department_cannot_open_another_departments_ticket(client: TestClient, world: World) -> None:
    tid = new_ticket(world)
    perform(world.ctx, world["agent"], tid, Action.accept)
    perform(world.ctx, world["dispatcher"], tid, Action.dispatch, ActionPayload(lead_unit_id=world.dept["scj"]))
    assert "签收" in pages(client, "scj_handler").get(f"/tickets/{tid}").text
    r = pages(client, "zjj_handler").get(f"/tickets/{tid}", 403)
    assert "无权查看该工单" in r.text and "<html" in r.text


def test_an_enterprise_sees_only_its_own(client: TestClient, world: World) -> None:
    own = new_ticket(world, title="用电报装进度缓慢")
    other = new_ticket(world, "ent2_user", title="水产养殖尾水排放许可咨询")
    ent = pages(client, "ent1_user")
    home = ent.get("/portal")
    assert "用电报装进度缓慢" in home.text and "水产养殖尾水排放许可咨询" not in home.text
    assert "用电报装进度缓慢" in ent.get(f"/tickets/{own}").text
    assert "无权查看" in ent.get(f"/tickets/{other}", 403).text


def test_only_the_allowed_actions_are_forms(client: TestClient, world: World) -> None:
    tid = new_ticket(world)
    r = pages(client, "agent").get(f"/tickets/{tid}")
    forms = set(re.findall(r'data-action="([a-z_]+)"', r.text))
    allowed = {a["action"] for a in ticket_detail(world.ctx, world["agent"], tid)["allowed_actions"]}
    assert forms == allowed and "accept" in forms and "dispatch" not in forms
    r = pages(client, "dispatcher").get(f"/tickets/{tid}")
    assert set(re.findall(r'data-action="([a-z_]+)"', r.text)) == {
        a["action"] for a in ticket_detail(world.ctx, world["dispatcher"], tid)["allowed_actions"]}


def test_actions_through_forms_and_their_errors(client: TestClient, world: World) -> None:
    tid = new_ticket(world)
    agent = pages(client, "agent")
    # 422: the reason is required; what was typed elsewhere is kept and the form stays open
    r = agent.act(tid, "reject", 422, text="不相关的字段")
    assert "请填写“原因/说明”" in r.text and 'id="act-reject"' in r.text
    r = agent.act(tid, "merge", 422, duplicate_of="QT-NOPE-1")
    assert "原工单“QT-NOPE-1”不存在" in r.text and 'value="QT-NOPE-1"' in r.text
    r = agent.act(tid, "accept", category="zwfw.spxl", complexity="complex")
    assert r.headers["location"] == f"/tickets/{tid}"
    assert "已完成：受理" in agent.get(f"/tickets/{tid}").text
    # 412: a stale version; 409: an action the status does not allow
    r = agent.post(f"/tickets/{tid}/actions/verify", {"version": "1"}, 412)
    assert "已被他人更新" in r.text
    r = agent.post(f"/tickets/{tid}/actions/verify", {}, 409)
    assert "不能执行“审核通过”" in r.text and "待分派" in r.text
    # 403 from the access rules; 404 for a missing ticket and an unknown page; the API keeps JSON
    assert "无权" in agent.post(f"/tickets/{tid}/actions/sign_for", {}, 403).text
    assert "没有找到" in agent.get("/tickets/999999", 404).text
    assert "没有找到" in agent.get("/no-such-page", 404).text
    assert client.get("/api/no-such-thing").json()["code"] == "http_404"
    # dispatch needs its lead unit; the dispatcher gets the form back with the category kept
    disp = pages(client, "dispatcher")
    r = disp.act(tid, "dispatch", 422, category="zwfw.spxl")
    assert "请填写“主办单位”" in r.text
    disp.act(tid, "dispatch", lead_unit_id=str(world.dept["scj"]), co_unit_ids=[str(world.dept["zjj"])])
    assert status_of(world, tid) == "dispatched"


def test_enterprise_submits_with_an_attachment_and_follows_by_code(client: TestClient, world: World) -> None:
    ent = pages(client, "ent1_user")
    form = ent.get("/portal/submit")
    key = re.search(r'name="idempotency_key" value="([0-9a-f]+)"', form.text).group(1)  # type: ignore[union-attr]
    fields = {"ticket_type": "help", "category": "zwfw.spxl", "region_code": "330299101", "title": "营业执照变更审批超时",
              "content": "太短", "submitter_name": "王建国", "submitter_phone": "13812345678", "idempotency_key": key}
    bad = ent.post("/portal/submit", fields, 422)
    assert "“问题描述”至少 10 个字" in bad.text and 'value="营业执照变更审批超时"' in bad.text
    fields["content"] = "我公司三周前提交经营范围变更申请，至今没有结果，影响投标。"
    png = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
    r = ent.post("/portal/submit", fields, files=[("files", ("受理回执.png", png, "image/png"))])
    page = ent.get(r.headers["location"])
    number = re.search(r'id="new-number">([^<]+)<', page.text).group(1)  # type: ignore[union-attr]
    code = re.search(r'id="new-code">([^<]+)<', page.text).group(1)  # type: ignore[union-attr]
    assert "受理回执.png" in page.text and "诉求已提交" in page.text
    # the same form posted twice (a double click) makes one ticket
    assert ent.post("/portal/submit", fields).headers["location"] == r.headers["location"]
    anon = pages(client)
    anon.get("/track")
    found = anon.post("/track", {"number": number, "query_code": code}, 200)
    assert "待受理" in found.text and "营业执照变更审批超时" in found.text
    assert "工单编号或查询码不正确" in anon.post("/track", {"number": number, "query_code": "000000"}, 404).text


def test_enterprise_signs_in_with_uscc_and_a_code_on_screen(client: TestClient, world: World) -> None:
    p = pages(client)
    p.get("/login")
    uscc = make_uscc("91330299MA2H00001")
    r = p.post("/login/code", {"uscc": uscc}, 200)
    code = re.search(r'id="demo-code">(\d{6})<', r.text).group(1)  # type: ignore[union-attr]
    wrong = p.post("/login/uscc", {"uscc": uscc, "code": "000000" if code != "000000" else "111111"}, 422)
    assert "验证码不正确" in wrong.text
    assert p.post("/login/uscc", {"uscc": uscc, "code": code}).headers["location"] == "/portal"
    assert "象湖县鑫达机械有限公司" not in p.get("/login", 303).text
    anon = pages(client)
    anon.get("/login")
    assert "尚未开通企业账号" in anon.post("/login/code", {"uscc": make_uscc("91330299MA2H00099")}, 422).text
    assert "校验码" in anon.post("/login/code", {"uscc": "91330299MA2H000990"}, 422).text


def test_bulk_dispatch(client: TestClient, world: World) -> None:
    ids = [new_ticket(world, title=f"厂房消防验收第{i}批次材料退回") for i in range(3)]
    for tid in ids:
        perform(world.ctx, world["agent"], tid, Action.accept)
    disp = pages(client, "dispatcher")
    r = disp.get("/workbench?queue=to_dispatch")
    picks = re.findall(r'name="ticket" value="(\d+:\d+)"', r.text)
    assert len(picks) == 3 and "批量分派" in r.text
    stale = f"{ids[0]}:999"
    fresh = [v for v in picks if not v.startswith(f"{ids[0]}:")]
    res = disp.post("/workbench/bulk-dispatch", {"ticket": [*fresh, stale], "lead_unit_id": str(world.dept["zjj"])},
                    200)
    assert 'id="bulk-done">2<' in res.text and 'id="bulk-failed">1<' in res.text
    assert [status_of(world, t) for t in ids] == ["accepted", "dispatched", "dispatched"]
    disp.get("/workbench?queue=to_dispatch")
    nothing = disp.post("/workbench/bulk-dispatch", {"lead_unit_id": str(world.dept["zjj"])}, 422)
    assert "请先勾选要分派的工单" in nothing.text and "主办单位" in nothing.text  # what was chosen is shown back
    assert "批量分派" not in pages(client, "agent").get("/workbench?queue=to_dispatch").text


def test_bulk_dispatch_as_suggested(client: TestClient, world: World) -> None:
    """按建议分派: a ticket whose category names its lead unit goes there; one with no confident pick
    stays for a person, with the reason; the dispatch's audit event records the pick."""
    listed = new_ticket(world, title="营业执照经营范围变更审批超时")
    unsure = create_ticket(world.ctx, world["ent1_user"], TicketCreate(
        title="有个问题想反映一下", content="情况比较复杂，想当面和工作人员说明一下。", submitter_name="王建国",
        submitter_phone="13812345678")).ticket_id  # no category, nothing to go by
    perform(world.ctx, world["agent"], listed, Action.accept, ActionPayload(category="zwfw.spxl"))
    perform(world.ctx, world["agent"], unsure, Action.accept)
    disp = pages(client, "dispatcher")
    r = disp.get("/workbench?queue=to_dispatch")
    assert 'id="bulk-suggested"' in r.text and "formnovalidate" in r.text
    picks = re.findall(r'name="ticket" value="(\d+:\d+)"', r.text)
    res = disp.post("/workbench/bulk-dispatch", {"ticket": picks, "as_suggested": "1"}, 200).text
    found = re.search(r'<div class="card qt-bulk-result">(.*?)</div>\s*</div>', res, re.S)
    assert found and "按建议分派结果" in res and 'id="bulk-done">1<' in res and 'id="bulk-failed">1<' in res, (
        found.group(1) if found else res[-3000:])
    assert "→ 县市场监督管理局" in res and "没有足够把握的分派建议" in res
    assert [status_of(world, t) for t in (listed, unsure)] == ["dispatched", "accepted"]
    with world.ctx.sessions() as s:
        ev = s.scalars(select(AuditEvent).where(AuditEvent.ticket_id == listed, AuditEvent.action == "dispatch")).one()
        assert ev.actor_name == "dispatcher" and ev.data["suggested"]["source"] in ("responsibility_list",
                                                                                   "category_default")
    assert "请先勾选要分派的工单" in disp.post("/workbench/bulk-dispatch", {"as_suggested": "1"}, 422).text
    # returned by the unit its category names: a ruling for the ticket page, not a bulk re-dispatch
    perform(world.ctx, world["scj_handler"], listed, Action.return_, ActionPayload(reason="不属于本局职责"))
    with world.ctx.sessions() as s:
        version = s.get(Ticket, listed).version  # type: ignore[union-attr]
    res = disp.post("/workbench/bulk-dispatch", {"ticket": [f"{listed}:{version}"], "as_suggested": "1"}, 200).text
    assert "建议的主办单位即退回单位（县市场监督管理局），请打开工单审核派单异议" in res and "维持原派单" not in res


def test_ledger_export(client: TestClient, world: World) -> None:
    new_ticket(world)
    r = pages(client, "agent").get("/workbench/export?queue=submitted&q=营业执照")
    assert r.headers["content-type"].startswith("application/vnd.openxmlformats")
    ws = load_workbook(BytesIO(r.content)).active
    assert ws is not None
    rows = list(ws.iter_rows(values_only=True))
    assert "待受理" in str(rows[0][0]) and rows[1][0] == "工单编号" and rows[2][1] == "营业执照变更审批超时"
    assert len(rows) == 3


def test_list_pages_issue_a_constant_number_of_queries(client: TestClient, world: World) -> None:
    engine = client.app.state.engine  # type: ignore[attr-defined]
    counted: list[str] = []

    def count(_conn: Any, _cur: Any, statement: str, *_a: Any) -> None:
        if not statement.startswith("BEGIN"):
            counted.append(statement)

    def queries(user: str, paths: tuple[str, ...]) -> dict[str, int]:
        p = pages(client, user)
        out = {}
        for path in paths:
            counted.clear()
            event.listen(engine, "before_cursor_execute", count)
            try:
                p.get(path)
            finally:
                event.remove(engine, "before_cursor_execute", count)
            out[path] = len(counted)
        return out

    staff = ("/workbench?queue=all", "/workbench?queue=handling", "/workbench/export?queue=all")
    new_ticket(world)
    few = {**queries("agent", staff), **queries("ent1_user", ("/portal",))}
    for i in range(10):
        tid = new_ticket(world, title=f"园区道路破损严重需维修第{i}段")
        perform(world.ctx, world["agent"], tid, Action.accept)
        perform(world.ctx, world["dispatcher"], tid, Action.dispatch, ActionPayload(lead_unit_id=world.dept["scj"]))
        perform(world.ctx, world["scj_handler"], tid, Action.sign_for)
    many = {**queries("agent", staff), **queries("ent1_user", ("/portal",))}
    assert many == few, (few, many)
    assert few["/workbench?queue=all"] <= 7 and few["/workbench/export?queue=all"] <= 2


def test_due_soon_and_overdue_queues_follow_the_clock(client: TestClient, world: World, clock: FixedClock) -> None:
    new_ticket(world)  # Monday 09:00: to be accepted by the end of Tuesday
    agent = pages(client, "agent")

    def count(queue: str) -> int:
        m = re.search(rf'data-queue="{queue}".*?data-count="(\d+)"', agent.get("/workbench").text, re.S)
        assert m
        return int(m.group(1))

    assert (count("due_soon"), count("overdue")) == (0, 0)
    clock.advance(timedelta(days=1, hours=1))  # Tuesday 10:00: the deadline's day has begun
    assert (count("due_soon"), count("overdue")) == (1, 0)
    assert "临期" in agent.get("/workbench?queue=due_soon").text
    clock.advance(timedelta(days=1))  # Wednesday
    assert (count("due_soon"), count("overdue")) == (0, 1)
    assert "qt-row-overdue" in agent.get("/workbench?queue=overdue").text
