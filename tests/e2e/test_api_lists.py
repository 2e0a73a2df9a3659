"""The ticket list and the intake through the API (docs/lists.md): the answer to POST is what GET reads
back, totals say whether they are exact, and a page costs the same statements at any number of tickets."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event

from tests.support.api import Api

BODY = {"title": "用电报装进度缓慢", "content": "新厂房申请高压用电报装已两个月仍未通电。", "submitter_name": "李娜",
        "submitter_phone": "13900002222"}


def test_the_created_ticket_is_what_get_reads_back(api: Api) -> None:
    r = api.c.post("/api/tickets", json=BODY, headers=api.login("ent1_user"))
    assert r.status_code == 201
    created = r.json()
    got = api.get("ent1_user", r.headers["location"])
    assert created == got and r.headers["etag"] == f'"{got["version"]}"'


def test_a_page_costs_the_same_statements_at_any_size(api: Api) -> None:
    engine = api.c.app.state.engine  # type: ignore[attr-defined]
    seen: list[str] = []

    def count(*a: Any) -> None:
        seen.append(a[2])

    def statements(user: str, path: str) -> int:
        api.login(user)
        seen.clear()
        event.listen(engine, "before_cursor_execute", count)
        try:
            page = api.get(user, path)
        finally:
            event.remove(engine, "before_cursor_execute", count)
        assert page["total_exact"] is True
        return len(seen)

    api.c.post("/api/tickets", json=BODY, headers=api.login("ent1_user"))
    paths = [("agent", "/api/tickets"), ("agent", "/api/tickets?overdue=true&q=用电"), ("ent1_user", "/api/tickets"),
             ("scj_handler", "/api/tickets?status=handling")]
    small = [statements(u, p) for u, p in paths]
    for i in range(5):
        api.c.post("/api/tickets", json={**BODY, "title": f"用电报装进度缓慢（{i}）"}, headers=api.login("ent1_user"))
    assert [statements(u, p) for u, p in paths] == small
    assert api.get("agent", "/api/tickets")["total"] == 6
