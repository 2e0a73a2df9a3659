"""The evaluation API (issue 6): KPIs, weights, 红黑榜, revisits, appeals, ledger, reports, cases."""

from __future__ import annotations

from qitong.domain.clock import FixedClock
from tests.support.api import Api
from tests.support.loop import closed, dissatisfied_twice


def test_kpis_weights_and_rankings(api: Api, clock: FixedClock) -> None:
    w = api.w
    closed(w, clock, "scj", 5)
    dissatisfied_twice(w, clock)
    body = api.get("leader", "/api/kpis?by=department&period=2026-11")
    assert {i["label"] for i in body["items"]} == {"县市场监督管理局", "县住房和城乡建设局"}
    assert api.get("ent1_user", "/api/kpis", expect=403)["code"] == "forbidden"
    assert api.get("leader", "/api/kpis?period=2026/11", expect=422)["field"] == "period"
    r = api.c.put("/api/kpis/weights", json={"weights": {"satisfaction": 1}}, headers=api.login("dispatcher"))
    assert r.status_code == 403
    r = api.c.put("/api/kpis/weights", json={"weights": {"satisfaction": 1}}, headers=api.login("admin"))
    assert r.status_code == 200 and r.json()["weights"]["on_time"] == 0
    rb = api.get("leader", "/api/kpis/red-black/2026/11?size=1")
    assert rb["red"][0]["department"] == "县市场监督管理局" and rb["black"][0]["department"] == "县住房和城乡建设局"
    assert [x["rank"] for x in api.get("leader", "/api/kpis/ranking/2026")["ranking"]] == [1, 2]


def test_revisits_appeals_ledger_reports_cases(api: Api, clock: FixedClock) -> None:
    w = api.w
    tid = closed(w, clock, "scj", 5)
    twice = dissatisfied_twice(w, clock)
    tasks = api.get("agent", "/api/revisits")["items"]
    assert {t["ticket_id"] for t in tasks} >= {twice}
    r = api.c.post(f"/api/revisits/{tasks[0]['id']}/outcome", headers=api.login("agent"),
                   json={"status": "done", "method": "visit", "outcome": "上门回访，企业认可", "satisfied": True})
    assert r.status_code == 200 and r.json()["status"] == "done"
    assert [x["ticket_id"] for x in api.get("supervisor", "/api/low-satisfaction")["items"]] == [twice]
    x = api.c.get("/api/low-satisfaction.xlsx", headers=api.login("supervisor"))
    assert x.status_code == 200 and x.content[:2] == b"PK"
    detail = api.get("agent", f"/api/tickets/{twice}")
    assert detail["complexity"] == "difficult"
    # the zjj rating (round 2): zjj appeals it, the center upholds it
    from sqlalchemy import select

    from qitong.db.models import Rating

    with w.ctx.sessions() as s:
        rid = s.scalars(select(Rating.id).where(Rating.ticket_id == twice, Rating.round == 2)).one()
    r = api.c.post(f"/api/ratings/{rid}/appeals", json={"reason": "已按政策答复，企业诉求超出政策范围"},
                   headers=api.login("zjj_handler"))
    assert r.status_code == 201, r.text
    r = api.c.post(f"/api/appeals/{r.json()['id']}/decision", json={"upheld": True, "decision": "经核实，申诉成立"},
                   headers=api.login("dispatcher"))
    assert r.status_code == 200 and r.json()["status"] == "upheld"
    for fmt, magic in (("pdf", b"%PDF"), ("xlsx", b"PK")):
        f = api.c.get(f"/api/reports/quarterly/2026/4.{fmt}", headers=api.login("leader"))
        assert f.status_code == 200 and f.content.startswith(magic), f.text
    assert api.c.get("/api/reports/quarterly/2026/5.pdf", headers=api.login("leader")).status_code == 422
    r = api.c.post("/api/cases", json={"ticket_id": tid, "lesson": "推行告知承诺制"}, headers=api.login("agent"))
    assert r.status_code == 201
    cid = r.json()["id"]
    assert api.c.post(f"/api/cases/{cid}/publish", headers=api.login("supervisor")).status_code == 200
    assert [c["id"] for c in api.get("ent1_user", "/api/cases?q=告知承诺")["items"]] == [cid]
    assert api.get("leader", "/api/common-problems?months=3")["items"][0]["size"] >= 1
