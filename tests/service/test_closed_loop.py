"""The whole loop through the services, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest

from qitong.domain.clock import FixedClock
from qitong.domain.errors import Conflict, Forbidden, InvalidInput, StaleVersion
from qitong.domain.tickets.lifecycle import Action, Status
from qitong.services.audit import verify
from qitong.services.context import Context
from qitong.services.tickets import queries
from qitong.services.tickets.actions import perform
from qitong.services.tickets.intake import TicketCreate, create_ticket
from qitong.services.tickets.payloads import ActionPayload as P
from tests.support.world import World, build_world


@pytest.fixture
def world(ctx: Context) -> World:
    return build_world(ctx)


def submit(w: World, user: str = "ent1_user", **kw: object) -> int:
    data = TicketCreate(
        title=str(kw.pop("title", "营业执照变更审批超时")),
        content=str(kw.pop("content", "我公司三周前提交营业执照经营范围变更申请，至今没有结果，影响投标。")),
        submitter_name="王建国",
        submitter_phone="13812345678",
        **kw,  # type: ignore[arg-type]
    )
    return create_ticket(w.ctx, w[user], data).ticket_id


def status(w: World, tid: int) -> Status:
    return Status(queries.ticket_detail(w.ctx, w["agent"], tid)["status"])


def test_happy_path_closes_with_confirmation_and_verification(world: World, clock: FixedClock) -> None:
    w = world
    tid = submit(w)
    steps: list[tuple[str, Action, P]] = [
        ("agent", Action.accept, P(category="zwfw.spxl", complexity="complex")),
        ("dispatcher", Action.dispatch, P(lead_unit_id=w.dept["scj"], co_unit_ids=[w.dept["zjj"]])),
        ("scj_handler", Action.sign_for, P()),
        ("scj_handler", Action.contact, P(contact_method="phone")),
        ("zjj_handler", Action.co_opinion, P(opinion="施工许可资料齐全，同意配合。")),
        ("scj_handler", Action.reply_draft, P(reply="已于今日完成变更登记，请企业领取新执照。")),
        ("scj_leader", Action.sign_off, P()),
        ("agent", Action.verify, P()),
        ("ent1_user", Action.confirm, P(rating_process=5, rating_result=4, comment="办理很快")),
        ("agent", Action.close, P()),
    ]
    for user, action, payload in steps:
        clock.advance(timedelta(hours=1))
        perform(w.ctx, w[user], tid, action, payload)
    d = queries.ticket_detail(w.ctx, w["agent"], tid)
    assert d["status"] == "closed"
    assert d["milestones"]["verified"] and d["milestones"]["confirmed"]
    assert d["rating"] == {"process": 5, "result": 4, "comment": "办理很快"}
    assert [a["opinion"] for a in d["assignments"] if a["role"] == "co"] == ["施工许可资料齐全，同意配合。"]
    events = queries.timeline(w.ctx, w["agent"], tid)
    assert [e["action"] for e in events] == ["submit"] + [a.value for _, a, _ in steps]
    with w.ctx.sessions() as s:
        assert verify(s).ok


def test_deadlines_follow_135_profile(world: World, clock: FixedClock) -> None:
    w = world
    tid = submit(w)
    perform(w.ctx, w["agent"], tid, Action.accept, P(complexity="complex"))
    perform(w.ctx, w["dispatcher"], tid, Action.dispatch, P(lead_unit_id=w.dept["scj"]))
    d = queries.ticket_detail(w.ctx, w["agent"], tid)["deadlines"]
    # dispatched Monday 2026-11-23 09:00: contact by end of Tue 24th, reply (complex: 3) by end of Thu 26th
    assert d["contact"].startswith("2026-11-24T16:00")  # midnight Shanghai = 16:00 UTC
    assert d["reply"].startswith("2026-11-26T16:00")
    assert d["provisional"] is False


def test_return_extension_dissatisfied_redispatch_escalate(world: World, clock: FixedClock) -> None:
    w = world
    tid = submit(w, title="厂房用地规划调整迟迟未批", ticket_type="help")
    perform(w.ctx, w["agent"], tid, Action.accept)
    perform(w.ctx, w["dispatcher"], tid, Action.dispatch, P(lead_unit_id=w.dept["zjj"]))
    perform(w.ctx, w["zjj_handler"], tid, Action.return_, P(reason="用地规划属自然资源部门职责"))
    perform(w.ctx, w["dispatcher"], tid, Action.dispatch, P(lead_unit_id=w.dept["zrj"]))
    perform(w.ctx, w["zrj_handler"], tid, Action.sign_for)
    perform(w.ctx, w["zrj_handler"], tid, Action.contact)
    before = queries.ticket_detail(w.ctx, w["agent"], tid)["deadlines"]["reply"]
    perform(w.ctx, w["zrj_handler"], tid, Action.extension_request, P(days=5, reason="需现场踏勘"))
    perform(w.ctx, w["dispatcher"], tid, Action.extension_approve)
    after = queries.ticket_detail(w.ctx, w["agent"], tid)["deadlines"]["reply"]
    assert after > before
    # the lead unit's leader signs off; the center verifies; the enterprise is not satisfied
    with pytest.raises(Forbidden):
        perform(w.ctx, w["scj_handler"], tid, Action.reply_draft, P(reply="..."))
    perform(w.ctx, w["zrj_handler"], tid, Action.reply_draft, P(reply="已纳入规划调整计划。"))
    with pytest.raises(Forbidden):
        perform(w.ctx, w["scj_leader"], tid, Action.sign_off)
    assert status(w, tid) == Status.awaiting_sign_off


def test_dissatisfied_redispatch_then_escalate(world: World, clock: FixedClock) -> None:
    w = world
    tid = _to_awaiting_confirmation(w)
    perform(w.ctx, w["ent1_user"], tid, Action.rate_dissatisfied,
            P(rating_process=2, rating_result=1, reason="问题没有解决"))
    perform(w.ctx, w["dispatcher"], tid, Action.redispatch)
    d = queries.ticket_detail(w.ctx, w["agent"], tid)
    assert d["status"] == "dispatched" and d["counts"]["redispatches"] == 1
    perform(w.ctx, w["scj_handler"], tid, Action.sign_for)
    perform(w.ctx, w["scj_handler"], tid, Action.contact)
    perform(w.ctx, w["dispatcher"], tid, Action.escalate, P(reason="涉及多部门，提交三分例会", to_layer="leader_meeting"))
    d = queries.ticket_detail(w.ctx, w["agent"], tid)
    assert (d["status"], d["layer"]) == ("escalated", "leader_meeting")


def _to_awaiting_confirmation(w: World) -> int:
    tid = submit(w)
    for user, action, payload in (
        ("agent", Action.accept, P()),
        ("dispatcher", Action.dispatch, P(lead_unit_id=w.dept["scj"])),
        ("scj_handler", Action.sign_for, P()),
        ("scj_handler", Action.contact, P()),
        ("scj_handler", Action.reply_draft, P(reply="已办理。")),
        ("scj_leader", Action.sign_off, P()),
        ("agent", Action.verify, P()),
    ):
        perform(w.ctx, w[user], tid, action, payload)
    return tid


def test_errors_leave_nothing_half_written(world: World) -> None:
    w = world
    tid = submit(w)
    v = queries.ticket_detail(w.ctx, w["agent"], tid)["version"]
    with pytest.raises(Conflict) as e:
        perform(w.ctx, w["agent"], tid, Action.verify)
    assert "accept" in e.value.allowed
    with pytest.raises(Forbidden):
        perform(w.ctx, w["scj_handler"], tid, Action.accept)
    with pytest.raises(InvalidInput) as e2:
        perform(w.ctx, w["agent"], tid, Action.reject)
    assert e2.value.field == "reason"
    with pytest.raises(StaleVersion):
        perform(w.ctx, w["agent"], tid, Action.accept, if_match=v + 7)
    with pytest.raises(InvalidInput):
        perform(w.ctx, w["agent"], tid, Action.accept, P(category="不存在的分类"))
    d = queries.ticket_detail(w.ctx, w["agent"], tid)
    assert d["version"] == v and d["status"] == "submitted"
    assert len(queries.timeline(w.ctx, w["agent"], tid)) == 1


def test_close_by_timeout_needs_the_wait(world: World, clock: FixedClock) -> None:
    w = world
    tid = _to_awaiting_confirmation(w)
    with pytest.raises(Conflict):
        perform(w.ctx, w["agent"], tid, Action.close, P(reason="企业未回复"))
    clock.advance(timedelta(days=8))  # Mon 23rd → Tue Dec 1st: 6 working days
    perform(w.ctx, w["agent"], tid, Action.close, P(reason="企业逾期未确认，电话多次未接通"))
    d = queries.ticket_detail(w.ctx, w["agent"], tid)
    assert d["status"] == "closed"


def test_visibility(world: World) -> None:
    w = world
    tid = submit(w)
    with pytest.raises(Forbidden):
        queries.ticket_detail(w.ctx, w["ent2_user"], tid)
    with pytest.raises(Forbidden):
        queries.ticket_detail(w.ctx, w["scj_handler"], tid)
    total, _ = queries.list_tickets(w.ctx, w["ent2_user"], queries.TicketFilter())
    assert total == 0
    total, _ = queries.list_tickets(w.ctx, w["ent1_user"], queries.TicketFilter())
    assert total == 1


def test_report_hides_reporter_from_the_department_reported_on(world: World) -> None:
    w = world
    tid = submit(w, title="执法人员多次上门索要好处", ticket_type="report",
                 reported_department_id=w.dept["scj"])
    perform(w.ctx, w["agent"], tid, Action.accept)
    perform(w.ctx, w["dispatcher"], tid, Action.dispatch, P(lead_unit_id=w.dept["scj"]))
    d = queries.ticket_detail(w.ctx, w["scj_handler"], tid)
    assert d["submitter_name"] == "（已保密）" and d["enterprise_name"] == "（已保密）"
    assert "13812345678" not in str(d)
    assert "王建国" not in str(queries.timeline(w.ctx, w["scj_handler"], tid))
    _, items = queries.list_tickets(w.ctx, w["scj_handler"], queries.TicketFilter())
    assert items[0]["submitter_name"] == "（已保密）"


def test_special_matter_gets_days_set_by_hand(world: World) -> None:
    w = world
    tid = submit(w, title="历史遗留土地证办理问题")
    perform(w.ctx, w["agent"], tid, Action.accept, P(complexity="special"))
    perform(w.ctx, w["dispatcher"], tid, Action.dispatch, P(lead_unit_id=w.dept["zrj"], days=20))
    d = queries.ticket_detail(w.ctx, w["agent"], tid)["deadlines"]
    # 20 working days from Mon 2026-11-23: Mon 2026-12-21, end of day
    assert d["reply"].startswith("2026-12-21T16:00") and d["resolve"] == d["reply"]


def test_suspend_resume_moves_deadlines_by_the_working_days_lost(world: World, clock: FixedClock) -> None:
    w = world
    tid = submit(w)
    perform(w.ctx, w["agent"], tid, Action.accept)
    perform(w.ctx, w["dispatcher"], tid, Action.dispatch, P(lead_unit_id=w.dept["scj"]))
    perform(w.ctx, w["scj_handler"], tid, Action.sign_for)
    perform(w.ctx, w["scj_handler"], tid, Action.contact)
    before = queries.ticket_detail(w.ctx, w["agent"], tid)["deadlines"]["reply"]
    perform(w.ctx, w["agent"], tid, Action.suspend, P(reason="等待企业补充材料"))
    clock.advance(timedelta(days=7))  # Mon → next Mon: 5 working days paused
    perform(w.ctx, w["agent"], tid, Action.resume)
    after = queries.ticket_detail(w.ctx, w["agent"], tid)["deadlines"]["reply"]
    assert before.startswith("2026-11-24T16:00") and after.startswith("2026-12-01T16:00")
