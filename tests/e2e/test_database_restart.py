"""A PostgreSQL restart while the pool holds connections (the pool does not pre-ping): the request that
meets a dead connection gets a 503 with a Chinese message and nothing half-written; the next one works."""

from __future__ import annotations

import psycopg
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from tests.support.api import Api
from tests.support.pages import pages


def _kill_pool(engine: Engine) -> None:
    """End every server session of the app's pool, as a restart would."""
    pids = []
    for conn in engine.pool._pool.queue:  # type: ignore[attr-defined]  # the idle pooled connections
        pids.append(conn.dbapi_connection.info.backend_pid)
    assert pids, "the pool holds no idle connection to kill"
    with psycopg.connect(engine.url.render_as_string(hide_password=False).replace("+psycopg", ""),
                         autocommit=True) as admin:
        for pid in pids:
            admin.execute("SELECT pg_terminate_backend(%s)", (pid,))


def test_a_broken_connection_is_a_503_then_the_pool_recovers(api: Api) -> None:
    engine: Engine = api.c.app.state.engine  # type: ignore[attr-defined]
    if engine.dialect.name != "postgresql":
        pytest.skip("a server restart is a PostgreSQL matter: SQLite has no server connection to lose")
    h = api.login("ent1_user")
    assert api.c.get("/api/tickets", headers=h).status_code == 200
    _kill_pool(engine)
    r = api.c.get("/api/tickets", headers=h)
    assert r.status_code == 503, r.text
    assert r.json()["code"] == "database_unavailable" and "重试" in r.json()["detail"]
    assert r.headers["Retry-After"] == "1"
    assert api.c.get("/api/tickets", headers=h).status_code == 200


def test_the_page_says_it_in_chinese(api: Api) -> None:
    engine: Engine = api.c.app.state.engine  # type: ignore[attr-defined]
    if engine.dialect.name != "postgresql":
        pytest.skip("a server restart is a PostgreSQL matter: SQLite has no server connection to lose")
    assert api.c.get("/public").status_code == 200  # the public page reads the database
    _kill_pool(engine)
    r = api.c.get("/public")
    assert r.status_code == 503 and "text/html" in r.headers["content-type"]
    assert "暂时无法处理" in r.text and "本次提交未被保存" in r.text
    assert api.c.get("/public").status_code == 200


def test_text_postgresql_cannot_store_is_a_422_not_a_500(api: Api) -> None:
    """NUL in a field: the intake refuses it on both engines; elsewhere PostgreSQL's refusal is a 422."""
    h = api.login("ent1_user")
    body = {"title": "厂房用地规划调整\x00迟迟未批", "content": "新厂房用地规划调整申请已提交两个月，仍未批复。",
            "submitter_name": "王建国", "submitter_phone": "13812345678"}
    r = api.c.post("/api/tickets", json=body, headers=h)
    assert r.status_code == 422 and r.json()["field"] == "title" and "控制字符" in r.json()["detail"], r.text
    engine: Engine = api.c.app.state.engine  # type: ignore[attr-defined]
    if engine.dialect.name != "postgresql":
        return
    tid = api.c.post("/api/tickets", json={**body, "title": "厂房用地规划调整迟迟未批"}, headers=h).json()["id"]
    r = api.c.post(f"/api/tickets/{tid}/actions/reject", json={"reason": "不属于涉企问题\x00范围"},
                   headers=api.login("agent"))
    assert r.status_code == 422 and "空字符" in r.json()["detail"], r.text
    assert api.get("agent", f"/api/tickets/{tid}")["status"] == "submitted"  # nothing half-written


def test_numbers_beyond_the_columns_are_422_on_both_engines(api: Api) -> None:
    """An id too large for its column, in a path, a query or a body, is refused by name before any
    statement; a page says the ticket is not there; never 500."""
    big = "99999999999999999999"
    r = api.c.get(f"/api/tickets?department_id={big}", headers=api.login("agent"))
    assert r.status_code == 422 and r.json()["field"] == "department_id", r.text
    r = api.c.get(f"/api/tickets/{big}", headers=api.login("agent"))
    assert r.status_code == 422 and r.json()["field"] == "ticket_id", r.text
    assert r.json()["detail"] == "ticket_id: 不能大于 2147483647", r.text
    r = api.c.post(f"/api/tickets/{big}/actions/accept", json={}, headers=api.login("agent"))
    assert r.status_code == 422 and r.json()["field"] == "ticket_id", r.text
    r = api.c.get(f"/api/tickets/{big}/similar-cases", headers=api.login("agent"))
    assert r.status_code == 422 and r.json()["field"] == "ticket_id", r.text
    r = api.c.get("/api/tickets?status=pending", headers=api.login("agent"))
    assert r.status_code == 422 and "submitted（待受理）" in r.json()["detail"], r.text  # choices named
    r = api.c.post("/api/tickets", content=b"not json", headers={**api.login("agent"), "Content-Type": "application/json"})
    assert r.status_code == 422 and r.json()["field"] is None and r.json()["detail"] == "JSON 格式错误", r.text
    r = api.c.get("/favicon.ico", follow_redirects=True)
    assert r.status_code == 200 and r.headers["content-type"].startswith("image/svg")
    body = {"title": "厂房用地规划调整迟迟未批", "content": "新厂房用地规划调整申请已提交两个月，仍未批复。",
            "submitter_name": "王建国", "submitter_phone": "13812345678", "enterprise_id": int(big)}
    r = api.c.post("/api/tickets", json=body, headers=api.login("agent"))
    assert r.status_code == 422 and r.json()["detail"] == "enterprise_id: 不能大于 2147483647", r.text
    browser = TestClient(api.c.app, follow_redirects=False)  # type: ignore[arg-type]  # as a browser would
    page = pages(browser, "agent").get(f"/tickets/{big}", 404)
    assert "text/html" in page.headers["content-type"] and "不存在" in page.text
