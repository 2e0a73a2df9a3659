"""Supervision through the JSON API, on SQLite and PostgreSQL: buck-passing lists a ticket by
itself, a supervisor opens and closes by hand, the department answers only its own notices,
the notices and the monthly bulletin come out as HTML, PDF and JSON."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from qitong.domain.clock import FixedClock
from tests.e2e.test_api_walk import submit
from tests.support.api import Api
from tests.support.pdf import pdf_text

SH = ZoneInfo("Asia/Shanghai")


def post(api: Api, user: str, path: str, expect: int = 200, **body: Any) -> Any:
    r = api.c.post(path, json=body, headers=api.login(user))
    assert r.status_code == expect, r.text
    return r.json()


def dispatched(api: Api, dept: str) -> int:
    t = submit(api)
    api.act("agent", t["id"], "accept", complexity="complex")
    api.act("dispatcher", t["id"], "dispatch", lead_unit_id=api.w.dept[dept])
    tid: int = t["id"]
    return tid


def test_supervision_through_the_api(api: Api, clock: FixedClock) -> None:
    d = api.w.dept
    tid = dispatched(api, "zjj")
    api.act("zjj_handler", tid, "return", reason="用地规划属自然资源部门职责")
    api.act("dispatcher", tid, "dispatch", lead_unit_id=d["zrj"])
    api.act("zrj_handler", tid, "return", reason="涉及住建审批，非我局职责")
    listed = api.get("supervisor", f"/api/supervisions?ticket_id={tid}")
    assert listed["total"] == 1
    auto = listed["items"][0]
    assert (auto["document_no"], auto["level"], auto["trigger"], auto["department"]) == (
        "督改〔2026〕1号", "listed", "buck_passing", "县自然资源和规划局")
    assert auto["automatic"] and auto["level_label"] == "挂牌督办" and auto["document_name"] == "整改通知书"
    # the department answers its own notice only
    assert api.get("zjj_handler", "/api/supervisions")["total"] == 0
    api.get("zjj_handler", f"/api/supervisions/{auto['id']}", expect=403)
    post(api, "zjj_handler", f"/api/supervisions/{auto['id']}/respond", 403, response="与我局无关")
    api.get("ent1_user", "/api/supervisions", expect=403)
    out = post(api, "zrj_handler", f"/api/supervisions/{auto['id']}/respond", response="已与住建局会商，明确由我局牵头办理。")
    assert out["status"] == "responded" and out["responded_on_time"] is True
    post(api, "zrj_handler", f"/api/supervisions/{auto['id']}/close", 403)
    out = post(api, "supervisor", f"/api/supervisions/{auto['id']}/close", note="整改到位")
    assert out["status"] == "closed" and out["close_note"] == "整改到位"
    # by hand: an interview, decided by a supervisor, with reason
    bad = post(api, "supervisor", "/api/supervisions", 422, ticket_id=tid, level="interview", reason="")
    assert bad["field"] == "reason"
    post(api, "dispatcher", "/api/supervisions", 403, ticket_id=tid, level="interview", reason="推诿扯皮造成不良影响")
    r = api.c.post("/api/supervisions", json={"ticket_id": tid, "level": "interview", "reason": "推诿扯皮造成不良影响"},
                   headers=api.login("supervisor"))
    assert r.status_code == 201, r.text
    talk = r.json()
    assert r.headers["Location"] == f"/api/supervisions/{talk['id']}"
    assert (talk["document_no"], talk["department_id"], talk["opened_by"]) == ("约谈〔2026〕1号", d["zrj"], "supervisor")
    post(api, "supervisor", "/api/supervisions", 409, ticket_id=tid, level="interview", reason="再次约谈")


def test_notice_documents(api: Api) -> None:
    tid = dispatched(api, "scj")
    sid = post(api, "dispatcher", "/api/supervisions", 201, ticket_id=tid, level="reminder", reason="请加快办理")["id"]
    h = api.login("scj_handler")
    html = api.c.get(f"/api/supervisions/{sid}/document.html", headers=h)
    assert html.status_code == 200 and html.headers["content-type"].startswith("text/html")
    assert "督〔2026〕1号" in html.text and "提醒敦促函" in html.text
    pdf = api.c.get(f"/api/supervisions/{sid}/document.pdf", headers=h)
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF") and "督〔2026〕1号" in pdf_text(pdf.content)
    assert api.c.get(f"/api/supervisions/{sid}/document.pdf", headers=api.login("zjj_handler")).status_code == 403
    assert api.c.get(f"/api/supervisions/{sid}/document.pdf").status_code == 401


def test_flag_major(api: Api) -> None:
    tid = dispatched(api, "scj")
    post(api, "scj_handler", f"/api/tickets/{tid}/major", 403, reason="影响重点项目")
    out = post(api, "leader", f"/api/tickets/{tid}/major", reason="影响县重点项目落地")
    assert out["major"] is True and [s["trigger"] for s in out["supervisions"]] == ["major"]
    assert api.get("agent", f"/api/tickets/{tid}")["version"] == out["version"]


def test_monthly_bulletin(api: Api, clock: FixedClock) -> None:
    tid = dispatched(api, "scj")
    sid = post(api, "supervisor", "/api/supervisions", 201, ticket_id=tid, level="listed", reason="多次推诿")["id"]
    post(api, "scj_leader", f"/api/supervisions/{sid}/respond", response="已整改。")
    provisional = api.get("scj_handler", "/api/bulletins/2026/11.json")
    assert provisional["provisional"] is True and provisional["total"] == 1
    clock.set(datetime(2026, 12, 2, 9, 0, tzinfo=SH))
    api.tokens.clear()  # tokens from last month have expired
    b = api.get("leader", "/api/bulletins/2026/11.json")
    assert (b["provisional"], b["total"], b["responses_due"], b["responses_on_time"], b["on_time_rate"]) == (
        False, 1, 1, 1, 1.0)
    assert [x["document_no"] for x in b["listed"]] == ["督改〔2026〕1号"]
    assert b["by_department"][0]["department"] == "县市场监督管理局"
    html = api.c.get("/api/bulletins/2026/11.html", headers=api.login("supervisor"))
    assert html.status_code == 200 and "2026年11月涉企问题督办监测通报" in html.text and "督改〔2026〕1号" in html.text
    pdf = api.c.get("/api/bulletins/2026/11.pdf", headers=api.login("supervisor"))
    assert pdf.content.startswith(b"%PDF") and "督改〔2026〕1号" in pdf_text(pdf.content)
    api.get("ent1_user", "/api/bulletins/2026/11.json", expect=403)
    api.get("leader", "/api/bulletins/2026/13.json", expect=422)
    api.get("leader", "/api/bulletins/2027/1.json", expect=422)
