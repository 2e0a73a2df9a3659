"""The rest of the web slice through TestClient, on SQLite and PostgreSQL: the dashboard and 大屏
(roles, figures, a constant query count), 扫码反映 (codes, the scan, the source in the audit trail),
信息公开 (no sign-in, masked), and the admin pages (admin only, CSRF, audited changes)."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import event, select

from qitong.db.models import AuditEvent, CalendarOverride, Ticket, User
from qitong.domain.clock import FixedClock
from qitong.services.tickets.intake import TicketCreate, create_ticket
from tests.support.kpi_world import build_kpi_tickets
from tests.support.pages import pages
from tests.support.world import World

# ------------------------------------------------------------------------------------------ dashboard


def test_dashboard_shows_the_figures_worked_out_by_hand(client: TestClient, world: World, clock: FixedClock) -> None:
    build_kpi_tickets(world, clock)
    leader = pages(client, "leader")
    r = leader.get("/dashboard")
    kpis = dict(re.findall(r'data-kpi="(\w+)" data-value="([\d.]*)"', r.text))
    assert kpis == {"closure": "50.0", "satisfaction": "66.7", "at_center": "100.0", "leadership": "0.0",
                    "contact": "50.0", "on_time": "50.0"}
    assert 'data-total="closed">2<' in r.text and 'id="overdue-total">2<' in r.text
    assert re.search(r'id="red-board".*?data-unit="scj".*?id="black-board".*?data-unit="zjj"', r.text, re.S)
    assert 'class="nav-link" href="/dashboard"' in r.text and 'class="nav-link" href="/screen"' in r.text  # the navigation shows them now
    assert "script-src 'self'" in r.headers["content-security-policy"] and "<script>" not in r.text
    data = leader.get("/dashboard/data.json?period=all").json()
    assert [(g["key"], g["numerator"], g["denominator"], g["met"]) for g in data["gauges"]] == [
        ("closure", 2, 4, False), ("satisfaction", 2, 3, False), ("at_center", 2, 2, True),
        ("leadership", 0, 2, True), ("contact", 1, 2, False), ("on_time", 1, 2, False)]
    assert data["totals"] == {"accepted": 4, "closed": 2, "open": 3, "overdue_open": 2}
    assert {s["status"]: (s["count"], s["colour"]) for s in data["statuses"]}["submitted"][0] == 1  # open now
    assert [(u["key"], u["composite"]) for u in data["by_department"]] == [("scj", 85.0), ("center", None),
                                                                           ("zjj", 65.0)]
    assert [(u["name"], u["board"]) for u in data["ranking"]] == [("县市场监督管理局", "red"), ("县住房和城乡建设局", "black")]
    screen = leader.get("/screen")
    assert 'data-refresh="60"' in screen.text and "实时监测" in screen.text


def test_dashboard_is_for_the_center_and_oversight_only(client: TestClient, world: World) -> None:
    assert client.get("/dashboard").headers["location"] == "/login?next=/dashboard"
    p = pages(client, "ent1_user")
    assert "数据看板供中心、督查、县领导和承办单位使用" in p.get("/dashboard", 403).text
    p.get("/dashboard/data.json", 403)
    p.get("/screen", 403)
    assert 'class="nav-link" href="/dashboard"' not in p.get("/portal").text
    for user in ("scj_handler", "scj_leader"):  # a department's own dashboard: tests/e2e/test_pages_dashboard.py
        assert "本单位数据看板" in pages(client, user).get("/dashboard?department=zjj").text
    for user in ("agent", "dispatcher", "supervisor", "admin"):
        assert "办结率" in pages(client, user).get("/dashboard?period=30").text


def test_dashboard_queries_do_not_grow_with_the_tickets(client: TestClient, world: World, clock: FixedClock) -> None:
    engine = client.app.state.engine  # type: ignore[attr-defined]
    counted: list[str] = []

    def count(_conn: Any, _cur: Any, statement: str, *_a: Any) -> None:
        if not statement.startswith("BEGIN"):
            counted.append(statement)

    def queries() -> dict[str, int]:
        p = pages(client, "leader")
        out = {}
        for path in ("/dashboard", "/dashboard/data.json", "/screen", "/public"):
            counted.clear()
            event.listen(engine, "before_cursor_execute", count)
            try:
                p.get(path)
            finally:
                event.remove(engine, "before_cursor_execute", count)
            out[path] = len(counted)
        return out

    few = queries()
    build_kpi_tickets(world, clock)
    for i in range(5):
        create_ticket(world.ctx, world["ent2_user"], TicketCreate(
            title=f"水产养殖尾水排放许可咨询第{i}次", content="合作社扩建养殖池，需要了解尾水排放许可的办理条件。",
            submitter_name="李海", submitter_phone="13912345678"))
    many = queries()
    assert many == few, (few, many)
    assert few["/dashboard"] <= 10 and few["/public"] <= 9


# -------------------------------------------------------------------------------------------- QR codes


def test_qr_codes_list_print_and_scan_into_the_submit_form(client: TestClient, world: World) -> None:
    admin = pages(client, "admin")
    r = admin.get("/qr")
    codes = re.findall(r'data-code="([^"]+)"', r.text)
    assert codes[:2] == ["w-board_zw", "w-hdz"] and "r-330299101" in codes and "p-hall" in codes
    assert r.text.count("<svg") == len(codes) and "http://testserver/q/r-330299101" in r.text
    sheet = admin.get("/qr/print?code=w-hdz&code=r-330299101")
    assert sheet.text.count('class="qt-poster"') == 2 and "@page" not in sheet.text  # the size rule is in CSS
    svg = admin.get("/qr/w-hdz.svg")
    assert svg.headers["content-type"].startswith("image/svg+xml") and svg.text.startswith("<svg")
    admin.get("/qr/w-nope.svg", 404)
    assert "扫码入口由系统管理员和中心工作人员维护" in pages(client, "scj_handler").get("/qr", 403).text
    pages(client, "agent").get("/qr")
    # a phone scans: the short address, then the sign-in, then the form with the source
    anon = pages(client)
    assert anon.get("/q/r-330299101", 303).headers["location"] == "/portal/submit?src=r-330299101"
    assert anon.get("/q/x-nothing", 303).headers["location"] == "/portal/submit"
    login = anon.get("/portal/submit?src=r-330299101", 303).headers["location"]
    assert login == "/login?next=/portal/submit%3Fsrc%3Dr-330299101"
    anon.get(login)
    r = anon.post("/login", {"username": "ent1_user", "password": "Qitong#2026", "next": "/portal/submit?src=r-330299101"})
    form = anon.get(r.headers["location"])
    assert 'data-src="r-330299101"' in form.text and "湖东镇" in form.text
    assert re.search(r'<option value="330299101" selected>', form.text)
    key = re.search(r'name="idempotency_key" value="([0-9a-f]+)"', form.text).group(1)  # type: ignore[union-attr]
    done = anon.post("/portal/submit", {"src": "r-330299101", "ticket_type": "help", "title": "厂区门口路灯损坏",
                                         "content": "厂区门口两盏路灯损坏一个月，夜班工人出行不安全。", "submitter_name": "王建国",
                                         "submitter_phone": "13812345678", "idempotency_key": key})
    tid = int(done.headers["location"].split("/")[2].split("?")[0])
    with world.ctx.sessions() as s:
        t = s.get(Ticket, tid)
        assert t is not None and t.channel == "qr"
        ev = s.scalars(select(AuditEvent).where(AuditEvent.ticket_id == tid, AuditEvent.action == "submit")).one()
        assert ev.data["qr_source"] == "r-330299101" and ev.data["channel"] == "qr"


# ---------------------------------------------------------------------------------------- public page


def test_public_page_discloses_closed_tickets_masked(client: TestClient, world: World, clock: FixedClock) -> None:
    ids = build_kpi_tickets(world, clock)
    with world.ctx.sessions.begin() as s:  # a reply that names the business and a phone number
        t = s.get(Ticket, ids[0])
        assert t is not None
        t.reply = "已联系象湖县鑫达机械有限公司王建国（13812345678），变更登记已办结。"
    r = pages(client).get("/public")
    assert r.text.count('class="list-group-item qt-disclosed"') == 2  # the two closed tickets only
    assert "象湖县鑫达机械有限公司" not in r.text and "13812345678" not in r.text and "王建国" not in r.text
    assert "象湖县***有限公司" in r.text and "138****5678" in r.text
    assert re.search(r'id="public-ranking".*?data-unit="scj"', r.text, re.S)
    assert "施工许可证办理材料反复退回" in r.text and "园区供地指标协调迟迟未决" not in r.text
    assert pages(client, "ent1_user").get("/public").status_code == 200


# ---------------------------------------------------------------------------------------- admin pages


def test_admin_pages_are_for_the_admin_only(client: TestClient, world: World) -> None:
    for user in ("agent", "leader", "auditor"):
        p = pages(client, user)
        for path in ("/admin/departments", "/admin/users", "/admin/timelimits", "/admin/calendar"):
            assert "系统管理仅限系统管理员" in p.get(path, 403).text
    admin = pages(client, "admin")
    assert admin.get("/admin", 303).headers["location"] == "/admin/departments"
    r = admin.post("/admin/departments", {"code": "fgj", "name": "县发展和改革局"}, 403, csrf=False)
    assert "安全校验未通过" in r.text


def test_admin_creates_departments_and_users_and_deactivates(client: TestClient, world: World) -> None:
    admin = pages(client, "admin")
    admin.get("/admin/departments")
    admin.post("/admin/departments", {"code": "fgj", "name": "县发展和改革局", "kind": "department", "tier": "county"})
    assert 'data-code="fgj"' in admin.get("/admin/departments").text
    bad = admin.post("/admin/departments", {"code": "FGJ 2", "name": "县发展和改革局"}, 422)
    assert "只能使用小写字母" in bad.text and 'value="FGJ 2"' in bad.text
    assert "已存在" in admin.post("/admin/departments", {"code": "fgj", "name": "重复"}, 409).text
    admin.get("/admin/users")
    admin.post("/admin/users", {"username": "fgj_jbr", "display_name": "发改经办人", "password": "Fgj#20261123",
                                "role": "handler", "department_id": str(world.dept["scj"])})
    page = admin.get("/admin/users").text
    assert 'data-user="fgj_jbr"' in page
    no_dept = admin.post("/admin/users", {"username": "x_jbr", "display_name": "无单位", "password": "Fgj#20261123",
                                          "role": "handler"}, 422)
    assert "必须属于一个单位" in no_dept.text
    assert "已被使用" in admin.post("/admin/users", {"username": "agent", "display_name": "重名",
                                                   "password": "Fgj#20261123", "role": "center_agent"}, 409).text
    agent_id = world["agent"].actor.user_id
    admin.get("/admin/users")
    admin.post(f"/admin/users/{agent_id}/active", {"active": "0"})
    with world.ctx.sessions() as s:
        u = s.get(User, agent_id)
        assert u is not None and not u.active
        ev = s.scalars(select(AuditEvent).where(AuditEvent.entity == "user", AuditEvent.action == "deactivate")).one()
        assert ev.entity_id == str(agent_id) and ev.before["active"] is True
    gone = pages(client)
    gone.get("/login")
    assert "用户名或密码错误" in gone.post("/login", {"username": "agent", "password": "Qitong#2026"}, 422).text
    admin = pages(client, "admin")
    me = world["admin"].actor.user_id
    assert "不能停用自己的账号" in admin.post(f"/admin/users/{me}/active", {"active": "0"}, 422).text
    admin.get("/admin/users")
    admin.post(f"/admin/users/{agent_id}/active", {"active": "1"})
    pages(client, "agent")


def test_admin_time_limits_and_holidays(client: TestClient, world: World) -> None:
    admin = pages(client, "admin")
    r = admin.get("/admin/timelimits")
    assert 'data-current="135"' in r.text and "QITONG_SLA_PROFILE" in r.text
    assert all(f'data-profile="{c}"' in r.text for c in ("135", "1-3-15-30", "5-10-15-30"))
    admin.get("/admin/calendar?year=2026")
    admin.post("/admin/calendar/day", {"day": "2026-12-04", "is_workday": "0", "note": "县域防汛停工"})
    cal = admin.get("/admin/calendar?year=2026").text
    assert 'data-day="2026-12-04"' in cal and "县域防汛停工" in cal
    assert "格式如" in admin.post("/admin/calendar/day", {"day": "12/04"}, 422).text
    admin.get("/admin/calendar?year=2026")
    admin.post("/admin/calendar/day", {"day": "2026-12-04", "delete": "1"})
    assert 'data-day="2026-12-04"' not in admin.get("/admin/calendar?year=2026").text
    admin.post("/admin/calendar/year", {"year": "2040", "days_off": "2040-01-01\n2040-02-11~2040-02-17",
                                        "workdays": "2040-02-18", "note": "国办发明电〔2039〕1号"})
    with world.ctx.sessions() as s:
        days = {o.day.isoformat(): o.is_workday for o in s.scalars(select(CalendarOverride))}
    assert len(days) == 9 and days["2040-02-18"] is True and days["2040-02-14"] is False
    assert "2040" in admin.get("/admin/calendar?year=2040").text
    r = admin.post("/admin/calendar/year", {"year": "2040", "days_off": "2040-13-01"}, 422)
    assert "格式不正确" in r.text
