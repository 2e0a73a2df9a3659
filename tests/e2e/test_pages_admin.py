"""The admin pages' edit forms (departments, users, password reset) and the public page's search,
through TestClient on SQLite and PostgreSQL: admin only, CSRF, audited, masked."""

from __future__ import annotations

import base64
import re
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select

from qitong.db.models import AuditEvent, Department, User
from qitong.domain.clock import FixedClock
from tests.support.loop import closed
from tests.support.pages import pages
from tests.support.world import World


def test_admin_edits_a_department(client: TestClient, world: World) -> None:
    zrj = world.dept["zrj"]
    for user in ("dispatcher", "auditor"):
        p = pages(client, user)
        assert "系统管理仅限系统管理员" in p.get(f"/admin/departments/{zrj}", 403).text
    admin = pages(client, "admin")
    assert f'href="/admin/departments/{zrj}" data-edit-department="zrj"' in admin.get("/admin/departments").text
    form = admin.get(f"/admin/departments/{zrj}").text
    assert 'value="县自然资源和规划局"' in form and "湖东镇（330299101）" in form and "单位代码 zrj（不可修改）" in form
    admin.post(f"/admin/departments/{zrj}", {"name": "县自然资源局", "short_name": "资规局", "tier": "county",
                                             "parent_id": "", "region_id": "1"}, csrf=False, expect=403)
    admin.post(f"/admin/departments/{zrj}", {"name": "县自然资源局", "short_name": "资规局", "tier": "county",
                                             "parent_id": str(world.dept["center"]), "region_id": "1"})
    with world.ctx.sessions() as s:
        d = s.get(Department, zrj)
        assert d is not None and (d.name, d.short_name, d.parent_id, d.region_id, d.active) == (
            "县自然资源局", "资规局", world.dept["center"], 1, False)  # the switch was off: turned off
        ev = s.scalars(select(AuditEvent).where(AuditEvent.entity == "department", AuditEvent.action == "update")).one()
        assert ev.before["active"] is True and ev.after["active"] is False
    assert "已保存单位：县自然资源局（已停用）" in admin.get("/admin/departments").text
    admin.get(f"/admin/departments/{zrj}")
    bad = admin.post(f"/admin/departments/{zrj}", {"name": "", "active": "1"}, 422)
    assert "请填写“单位名称”" in bad.text
    admin.get(f"/admin/departments/{zrj}")
    loop = admin.post(f"/admin/departments/{world.dept['center']}", {"name": "县企业综合服务中心", "parent_id": str(zrj),
                                                                      "active": "1"}, 422)
    assert "上级单位不能是本单位或其下级单位" in loop.text and 'value="县企业综合服务中心"' in loop.text
    admin.get(f"/admin/departments/{zrj}")
    admin.post(f"/admin/departments/{zrj}", {"name": "县自然资源局", "tier": "county", "active": "1"})
    with world.ctx.sessions() as s:
        assert s.get(Department, zrj).active is True  # type: ignore[union-attr]
    admin.get("/admin/departments/99999", 404)


def test_admin_changes_a_role_and_resets_a_password_shown_once(client: TestClient, world: World) -> None:
    uid = world["zrj_handler"].actor.user_id
    pages(client, "agent").get(f"/admin/users/{uid}", 403)
    admin = pages(client, "admin")
    assert f'href="/admin/users/{uid}" data-edit-user="zrj_handler"' in admin.get("/admin/users").text
    admin.get(f"/admin/users/{uid}")
    bad = admin.post(f"/admin/users/{uid}", {"display_name": "资规经办", "role": "handler", "department_id": ""}, 422)
    assert "必须属于一个单位" in bad.text
    admin.get(f"/admin/users/{uid}")
    admin.post(f"/admin/users/{uid}", {"display_name": "资规负责人", "role": "department_leader",
                                       "department_id": str(world.dept["zrj"]), "phone": "13900001111"})
    with world.ctx.sessions() as s:
        u = s.get(User, uid)
        assert u is not None and (u.role, u.display_name, u.phone) == ("department_leader", "资规负责人", "13900001111")
    admin.get(f"/admin/users/{uid}")
    r = admin.post(f"/admin/users/{uid}/password", {}, 200)
    temp = re.search(r'id="temp-password">([A-Za-z0-9]+)<', r.text).group(1)  # type: ignore[union-attr]
    assert r.headers["cache-control"] == "no-store"
    cookie = client.cookies.get("qitong_session") or ""
    assert temp not in base64.b64decode(cookie.split(".")[0] + "==").decode("utf-8", "replace")  # never in the cookie
    assert "temp-password" not in admin.get(f"/admin/users/{uid}").text  # shown once
    with world.ctx.sessions() as s:
        ev = s.scalars(select(AuditEvent).where(AuditEvent.action == "password_reset")).one()
        assert ev.entity_id == str(uid) and temp not in str(ev.data)
    fresh = pages(client)
    fresh.get("/login")
    assert "用户名或密码错误" in fresh.post("/login", {"username": "zrj_handler", "password": "Qitong#2026"}, 422).text
    # the temporary password opens only the change form, and the API refuses it
    assert fresh.post("/login", {"username": "zrj_handler", "password": temp}).headers["location"] == "/account/password"
    assert fresh.get("/workbench", 303).headers["location"] == "/account/password"
    assert "管理员重置的临时密码" in fresh.get("/account/password").text
    api = client.post("/api/auth/token", json={"username": "zrj_handler", "password": temp})
    assert api.status_code == 403 and "修改密码" in api.json()["detail"]
    assert "新密码须同时包含字母和数字" in fresh.post("/account/password", {
        "current": temp, "password": "abcdefghij", "confirm": "abcdefghij"}, 422).text
    fresh.get("/account/password")
    assert "两次输入的新密码不一致" in fresh.post("/account/password", {
        "current": temp, "password": "Zrj#2026new", "confirm": "Zrj#2026nex"}, 422).text
    fresh.get("/account/password")
    assert "当前密码不正确" in fresh.post("/account/password", {
        "current": "wrong-one1", "password": "Zrj#2026new", "confirm": "Zrj#2026new"}, 422).text
    fresh.get("/account/password")
    fresh.post("/account/password", {"current": temp, "password": "Zrj#2026new", "confirm": "Zrj#2026new"})
    assert fresh.get("/workbench").status_code == 200
    with world.ctx.sessions() as s:
        u = s.get(User, uid)
        assert u is not None and u.must_change_password is False
        assert s.scalars(select(AuditEvent).where(AuditEvent.action == "password_change")).one().entity_id == str(uid)


def test_public_search_filters_masks_and_pages(client: TestClient, world: World, clock: FixedClock) -> None:
    closed(world, clock, "scj", title="营业执照变更审批超时")
    clock.advance(timedelta(days=40))
    closed(world, clock, "zjj", title="施工许可证办理材料反复退回")
    anon = pages(client)
    r = anon.get("/public?q=施工许可")
    assert 'data-total="1"' in r.text and "施工许可证办理材料反复退回" in r.text and "营业执照变更审批超时" not in r.text
    assert 'value="施工许可"' in r.text and 'id="clear-search"' in r.text
    r = anon.get(f"/public?department={world.dept['scj']}&month=2026-11")
    assert 'data-total="1"' in r.text and "营业执照变更审批超时" in r.text
    assert f'<option value="{world.dept["scj"]}" selected>' in r.text
    assert 'data-total="0"' in anon.get("/public?q=鑫达").text  # the masked name finds nothing
    bad = anon.get("/public?q=13812345678", 422)
    assert "连续数字" in bad.text and 'data-total="2"' in bad.text
    assert 'data-total="2"' in anon.get("/public?category=zwfw").text
    # the pager's links keep the search
    from qitong.services.disclosure import parse_search

    assert parse_search({"q": "施工", "category": "zwfw", "page": "1"}).query(page=2) == {
        "q": "施工", "category": "zwfw", "page": "2"}
