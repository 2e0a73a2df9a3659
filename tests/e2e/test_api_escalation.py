"""Escalation proposals from the worker, and the agenda of a 三分 meeting as HTML and PDF."""

from __future__ import annotations

from datetime import timedelta

from qitong.domain.clock import FixedClock
from qitong.jobs.sweep import sweep_all
from tests.support.api import Api


def _handling(api: Api, title: str) -> int:
    r = api.c.post("/api/tickets", headers=api.login("ent1_user"), json={
        "title": title, "content": "问题已反映多次仍未解决，请协调相关部门。", "submitter_name": "王建国",
        "submitter_phone": "13812345678"})
    tid: int = r.json()["id"]
    api.act("agent", tid, "accept")
    api.act("dispatcher", tid, "dispatch", lead_unit_id=api.w.dept["zrj"])
    api.act("zrj_handler", tid, "sign_for")
    api.act("zrj_handler", tid, "contact")
    return tid


def test_overdue_matters_are_proposed_and_escalated_ones_make_the_agenda(api: Api, clock: FixedClock) -> None:
    late = _handling(api, "厂房用地规划调整三个月未批")
    _handling(api, "排污许可证延续咨询")
    clock.advance(timedelta(days=9))  # Mon 23rd + 9 days: the simple reply (due Tue 24th) is 4+ working days late
    api.tokens.clear()  # tokens last 12 hours
    late_v = api.get("agent", f"/api/tickets/{late}")["version"]
    sweep_all(api.c.app.state.ctx)  # type: ignore[attr-defined]
    props = api.get("dispatcher", "/api/escalations/proposals")
    assert {p["id"] for p in props} >= {late} and props[0]["reason"] == "超期未办结"
    assert api.c.get("/api/escalations/proposals", headers=api.login("scj_handler")).status_code == 403
    api.act("dispatcher", late, "escalate", version=late_v, reason="涉及规划调整，需县分管领导协调",
            to_layer="leader_meeting")
    assert late not in {p["id"] for p in api.get("dispatcher", "/api/escalations/proposals")}
    html = api.c.get("/api/meetings/agenda.html?meeting_date=2026-12-03", headers=api.login("leader"))
    assert html.status_code == 200 and "厂房用地规划调整三个月未批" in html.text and "需县分管领导协调" in html.text
    assert "排污许可证" not in html.text
    pdf = api.c.get("/api/meetings/agenda.pdf?meeting_date=2026-12-03", headers=api.login("leader"))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    bad = api.c.get("/api/meetings/agenda.doc?meeting_date=2026-12-03", headers=api.login("leader"))
    assert bad.status_code == 422 and bad.json()["field"] == "fmt"
