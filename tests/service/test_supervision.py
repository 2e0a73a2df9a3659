"""Supervision through the services, on SQLite and PostgreSQL, with an injected clock: every
trigger and level, the department's response, the supervisor's close, the notices, numbering."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from qitong.db.models import AuditEvent, OutboxMessage, Supervision, Ticket
from qitong.domain.clock import FixedClock
from qitong.domain.errors import Conflict, Forbidden, InvalidInput, NotFound
from qitong.domain.supervision import SupervisionLevel as Lv
from qitong.domain.supervision import SupervisionStatus
from qitong.domain.tickets.lifecycle import Action
from qitong.jobs.worker import tick
from qitong.services import supervision as sv
from qitong.services.audit import verify
from qitong.services.context import Context
from qitong.services.supervision import documents
from qitong.services.tickets.actions import perform
from qitong.services.tickets.facts import load_for_update
from qitong.services.tickets.payloads import ActionPayload as P
from tests.service.test_closed_loop import submit
from tests.support.pdf import pdf_text
from tests.support.world import World, build_world

SH = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def world(ctx: Context) -> World:
    return build_world(ctx)


def at(clock: FixedClock, *args: int) -> None:
    clock.set(datetime(*args, tzinfo=SH))  # type: ignore[misc]


def dispatched(w: World, dept: str = "scj", complexity: str = "complex", **kw: Any) -> int:
    tid = submit(w, **kw)
    perform(w.ctx, w["agent"], tid, Action.accept, P(complexity=complexity))
    perform(w.ctx, w["dispatcher"], tid, Action.dispatch, P(lead_unit_id=w.dept[dept]))
    return tid


def rows(ctx: Context, tid: int) -> list[Supervision]:
    with ctx.sessions() as s:
        return list(s.scalars(select(Supervision).where(Supervision.ticket_id == tid).order_by(Supervision.id)))


def opened(ctx: Context, tid: int) -> list[tuple[str, str, str]]:
    return [(r.trigger.value, r.level.value, r.document_no) for r in rows(ctx, tid)]


def look(w: World, tid: int) -> list[Supervision]:
    """What the worker's sweep does for one ticket."""
    with w.ctx.sessions.begin() as s:
        return sv.apply_triggers(s, w.ctx, load_for_update(s, tid), w.ctx.clock.now())


def outbox(ctx: Context, topic: str) -> list[dict[str, Any]]:
    with ctx.sessions() as s:
        return [m.payload for m in s.scalars(select(OutboxMessage).where(OutboxMessage.topic == topic)
                                              .order_by(OutboxMessage.id))]


def test_time_triggers_open_reminders_once_each(world: World, clock: FixedClock) -> None:
    w = world
    tid = dispatched(w)  # Mon 2026-11-23 09:00; sign in 2 working hours, contact by end of Tue, reply by end of Thu
    at(clock, 2026, 11, 23, 10, 59)
    assert look(w, tid) == []
    at(clock, 2026, 11, 23, 11, 0)
    assert [s.document_no for s in look(w, tid)] == ["督〔2026〕1号"]
    assert look(w, tid) == []  # the same deadline never opens twice
    first = rows(w.ctx, tid)[0]
    assert (first.trigger.value, first.level.value, first.department_id) == ("unsigned", "reminder", w.dept["scj"])
    assert first.opened_by_id is None and first.basis and first.basis.startswith("sign_due:")
    # three working days to answer: received Monday, due at the end of Thursday
    assert first.response_due_at == datetime(2026, 11, 27, tzinfo=SH)
    assert "签收时限" in first.reason
    perform(w.ctx, w["scj_handler"], tid, Action.sign_for)
    at(clock, 2026, 11, 25, 0, 1)
    look(w, tid)
    perform(w.ctx, w["scj_handler"], tid, Action.contact)
    at(clock, 2026, 11, 26, 0, 30)  # the reply deadline's last day
    look(w, tid)
    at(clock, 2026, 11, 27, 0, 0)
    look(w, tid)
    look(w, tid)
    assert opened(w.ctx, tid) == [
        ("unsigned", "reminder", "督〔2026〕1号"),
        ("no_contact", "reminder", "督〔2026〕2号"),
        ("due_soon", "reminder", "督〔2026〕3号"),
        ("overdue", "reminder", "督〔2026〕4号"),
    ]
    sent = outbox(w.ctx, "supervision.opened")
    assert [m["document_no"] for m in sent] == ["督〔2026〕1号", "督〔2026〕2号", "督〔2026〕3号", "督〔2026〕4号"]
    assert set(sent[0]) >= {"ticket_id", "number", "level", "document_no", "deadline"}
    with w.ctx.sessions() as s:
        assert verify(s).ok


def test_a_new_deadline_is_a_new_occurrence(world: World, clock: FixedClock) -> None:
    w = world
    tid = dispatched(w)
    for action in (Action.sign_for, Action.contact):
        perform(w.ctx, w["scj_handler"], tid, action)
    at(clock, 2026, 11, 27, 8, 0)
    [overdue] = [s for s in look(w, tid) if s.trigger.value == "overdue"]
    sv.close(w.ctx, w["supervisor"], overdue.id, note="已电话督促")
    assert [s for s in look(w, tid) if s.trigger.value == "overdue"] == []  # closed, same deadline: not again
    perform(w.ctx, w["scj_handler"], tid, Action.extension_request, P(days=2, reason="需现场核查"))
    perform(w.ctx, w["dispatcher"], tid, Action.extension_approve)
    assert look(w, tid) == []
    at(clock, 2026, 12, 2, 0, 0)  # two working days on: the moved deadline has passed too
    assert [s.trigger.value for s in look(w, tid)] == ["overdue"]


def test_buck_passing_lists_the_last_department_that_returned(world: World) -> None:
    w = world
    tid = dispatched(w, "zjj")
    perform(w.ctx, w["zjj_handler"], tid, Action.return_, P(reason="用地规划属自然资源部门职责"))
    assert rows(w.ctx, tid) == []
    perform(w.ctx, w["dispatcher"], tid, Action.dispatch, P(lead_unit_id=w.dept["zrj"]))
    perform(w.ctx, w["zrj_handler"], tid, Action.return_, P(reason="涉及住建审批，非我局职责"))
    [sup] = rows(w.ctx, tid)
    assert (sup.trigger.value, sup.level.value, sup.document_no) == ("buck_passing", "listed", "督改〔2026〕1号")
    assert sup.department_id == w.dept["zrj"] and "退回 2 次" in sup.reason
    perform(w.ctx, w["dispatcher"], tid, Action.insist, P(reason="职责清单明确由自然资源局主办"))
    perform(w.ctx, w["zrj_handler"], tid, Action.return_, P(reason="仍认为非我局职责"))
    assert len(rows(w.ctx, tid)) == 1  # still open at this level: no second notice
    with w.ctx.sessions() as s:
        ev = s.scalars(select(AuditEvent).where(AuditEvent.action == "supervise")).one()
        assert (ev.actor_name, ev.ticket_id, ev.data["document_no"]) == ("系统", tid, "督改〔2026〕1号")


def _to_verification(w: World, tid: int, handler: str = "scj_handler", leader: str = "scj_leader") -> None:
    perform(w.ctx, w[handler], tid, Action.reply_draft, P(reply="已办理完毕。"))
    perform(w.ctx, w[leader], tid, Action.sign_off)


def test_two_dissatisfied_ratings_list_the_lead_unit(world: World) -> None:
    w = world
    tid = dispatched(w)
    for round_ in (1, 2):
        if round_ == 2:
            perform(w.ctx, w["dispatcher"], tid, Action.redispatch)
        perform(w.ctx, w["scj_handler"], tid, Action.sign_for)
        perform(w.ctx, w["scj_handler"], tid, Action.contact)
        _to_verification(w, tid)
        perform(w.ctx, w["agent"], tid, Action.verify)
        perform(w.ctx, w["ent1_user"], tid, Action.rate_dissatisfied,
                P(rating_process=2, rating_result=1, reason="问题没有解决"))
    assert opened(w.ctx, tid) == [("dissatisfied_twice", "listed", "督改〔2026〕1号")]
    assert rows(w.ctx, tid)[0].department_id == w.dept["scj"]


def test_repeated_noncompliant_closure_requests(world: World) -> None:
    w = world
    tid = dispatched(w)
    perform(w.ctx, w["scj_handler"], tid, Action.sign_for)
    perform(w.ctx, w["scj_handler"], tid, Action.contact)
    for n in (1, 2):
        _to_verification(w, tid)
        perform(w.ctx, w["agent"], tid, Action.verify_send_back, P(reason="答复未针对企业诉求，缺少办理依据"))
        assert len(rows(w.ctx, tid)) == n - 1
    assert opened(w.ctx, tid) == [("noncompliant_closure", "listed", "督改〔2026〕1号")]


def test_a_major_matter_is_supervised_from_dispatch(world: World) -> None:
    w = world
    tid = submit(w, title="重点项目用地审批受阻")
    perform(w.ctx, w["agent"], tid, Action.accept)
    with pytest.raises(Forbidden):
        sv.flag_major(w.ctx, w["scj_handler"], tid, "影响重点项目落地")
    with pytest.raises(InvalidInput):
        sv.flag_major(w.ctx, w["agent"], tid, " ")
    v = sv.flag_major(w.ctx, w["leader"], tid, "影响县重点项目落地")
    assert sv.flag_major(w.ctx, w["leader"], tid, "影响县重点项目落地") == v  # already flagged: nothing changes
    assert rows(w.ctx, tid) == []  # no addressee yet
    perform(w.ctx, w["dispatcher"], tid, Action.dispatch, P(lead_unit_id=w.dept["zrj"]))
    assert opened(w.ctx, tid) == [("major", "reminder", "督〔2026〕1号")]
    other = dispatched(w)
    sv.flag_major(w.ctx, w["supervisor"], other, "涉及招商引资重大项目")
    assert opened(w.ctx, other) == [("major", "reminder", "督〔2026〕2号")]
    sv.flag_major(w.ctx, w["agent"], other, "经核实不属重大事项", major=False)
    with w.ctx.sessions() as s:
        t = s.get(Ticket, other)
        assert t is not None and t.major is False
        actions = list(s.scalars(select(AuditEvent.action).where(AuditEvent.ticket_id == other)))
        assert "flag_major" in actions and "unflag_major" in actions


def test_repeated_reports_from_one_enterprise(world: World, clock: FixedClock) -> None:
    w = world
    first = dispatched(w, category="zwfw.spxl")
    clock.advance(timedelta(days=10))
    second = dispatched(w, category="zwfw.spxl")
    clock.advance(timedelta(days=10))
    other_category = dispatched(w)
    third = dispatched(w, category="zwfw.spxl")
    assert [opened(w.ctx, t) for t in (first, second, other_category)] == [[], [], []]
    assert opened(w.ctx, third) == [("repeated", "reminder", "督〔2026〕1号")]
    with w.ctx.sessions() as s:
        t = s.get(Ticket, third)
        assert t is not None and sv.concentrated(s, t)
    clock.advance(timedelta(days=25))  # the first two are now more than 30 days back
    fourth = dispatched(w, category="zwfw.spxl")
    assert opened(w.ctx, fourth) == []


def test_a_supervisor_lists_interviews_and_closes(world: World, clock: FixedClock) -> None:
    w = world
    tid = dispatched(w)
    with pytest.raises(Forbidden):
        sv.open_supervision(w.ctx, w["dispatcher"], tid, Lv.listed, "多次推诿")
    with pytest.raises(InvalidInput):
        sv.open_supervision(w.ctx, w["supervisor"], tid, Lv.listed, "  ")
    reminder = sv.open_supervision(w.ctx, w["dispatcher"], tid, Lv.reminder, "请加快办理")
    listed = sv.open_supervision(w.ctx, w["supervisor"], tid, Lv.listed, "经抽查，存在推诿扯皮情形")
    with pytest.raises(Conflict):
        sv.open_supervision(w.ctx, w["supervisor"], tid, Lv.listed, "再次挂牌")
    talk = sv.interview(w.ctx, w["leader"], tid, "弄虚作假，造成不良影响", department_id=w.dept["scj"])
    assert opened(w.ctx, tid) == [("manual", "reminder", "督〔2026〕1号"), ("manual", "listed", "督改〔2026〕1号"),
                                  ("manual", "interview", "约谈〔2026〕1号")]
    d = sv.supervision_detail(w.ctx, w["scj_handler"], talk)
    assert d["opened_by"] == "leader" and d["reason"] == "弄虚作假，造成不良影响" and not d["automatic"]
    # the department answers, the supervisor closes
    with pytest.raises(Forbidden):
        sv.respond(w.ctx, w["zjj_handler"], listed, "与我局无关")
    with pytest.raises(Forbidden):
        sv.close(w.ctx, w["agent"], listed, "已整改")
    clock.advance(timedelta(hours=2))
    sv.respond(w.ctx, w["scj_leader"], listed, "已明确专人负责，本周内办结。")
    with pytest.raises(Conflict):
        sv.respond(w.ctx, w["scj_handler"], listed, "补充说明")
    with pytest.raises(InvalidInput):
        sv.close(w.ctx, w["supervisor"], reminder)  # never answered: say why
    sv.close(w.ctx, w["supervisor"], reminder, "企业已确认问题解决")
    sv.close(w.ctx, w["supervisor"], listed)
    with pytest.raises(Conflict):
        sv.close(w.ctx, w["supervisor"], listed, "再次办结")
    d = sv.supervision_detail(w.ctx, w["supervisor"], listed)
    assert (d["status"], d["responded_by"], d["responded_on_time"], d["closed_by"]) == (
        "closed", "scj_leader", True, "supervisor")
    assert [m["document_no"] for m in outbox(w.ctx, "supervision.responded")] == ["督改〔2026〕1号"]
    assert [m["status"] for m in outbox(w.ctx, "supervision.closed")] == ["closed", "closed"]
    with pytest.raises(NotFound):
        sv.respond(w.ctx, w["scj_handler"], 9999, "不存在")
    with w.ctx.sessions() as s:
        assert verify(s).ok


def test_manual_openings_need_an_addressee_and_an_open_ticket(world: World) -> None:
    w = world
    tid = submit(w)
    with pytest.raises(InvalidInput) as e:
        sv.open_supervision(w.ctx, w["supervisor"], tid, Lv.reminder, "请尽快受理")
    assert e.value.field == "department_id"
    with pytest.raises(InvalidInput):
        sv.open_supervision(w.ctx, w["supervisor"], tid, Lv.reminder, "请尽快受理", department_id=99999)
    sid = sv.open_supervision(w.ctx, w["supervisor"], tid, Lv.reminder, "请尽快受理",
                              department_id=w.dept["center"])
    assert sv.supervision_detail(w.ctx, w["agent"], sid)["department"] == "县企业综合服务中心"
    perform(w.ctx, w["agent"], tid, Action.reject, P(reason="不属于涉企诉求"))
    with pytest.raises(Conflict):
        sv.open_supervision(w.ctx, w["supervisor"], tid, Lv.reminder, "再提醒", department_id=w.dept["scj"])
    # an interview may still follow a closed matter (弄虚作假 found afterwards)
    sv.interview(w.ctx, w["supervisor"], tid, "办理中弄虚作假", department_id=w.dept["scj"])


def test_numbers_restart_every_year_per_series(world: World, clock: FixedClock) -> None:
    w = world
    a, b = dispatched(w), dispatched(w)
    sv.open_supervision(w.ctx, w["supervisor"], a, Lv.reminder, "请加快办理")
    sv.open_supervision(w.ctx, w["supervisor"], a, Lv.listed, "推诿")
    at(clock, 2027, 1, 4, 9, 0)
    sv.open_supervision(w.ctx, w["supervisor"], b, Lv.reminder, "请加快办理")
    sv.open_supervision(w.ctx, w["supervisor"], b, Lv.listed, "推诿")
    assert [d for _, _, d in opened(w.ctx, a) + opened(w.ctx, b)] == [
        "督〔2026〕1号", "督改〔2026〕1号", "督〔2027〕1号", "督改〔2027〕1号"]


def test_the_worker_opens_supervision_after_the_sweep(world: World, clock: FixedClock) -> None:
    w = world
    tid = dispatched(w)
    at(clock, 2026, 11, 23, 11, 1)
    tick(w.ctx)
    tick(w.ctx)
    assert opened(w.ctx, tid) == [("unsigned", "reminder", "督〔2026〕1号")]


def test_lists_show_a_department_its_own(world: World) -> None:
    w = world
    a, b = dispatched(w, "scj"), dispatched(w, "zjj")
    sv.open_supervision(w.ctx, w["supervisor"], a, Lv.reminder, "请加快办理")
    sv.open_supervision(w.ctx, w["supervisor"], b, Lv.listed, "推诿")
    total, items = sv.list_supervisions(w.ctx, w["scj_handler"], sv.SupervisionFilter())
    assert total == 1 and items[0]["ticket_id"] == a and items[0]["department"] == "县市场监督管理局"
    assert sv.list_supervisions(w.ctx, w["leader"], sv.SupervisionFilter())[0] == 2
    assert sv.list_supervisions(w.ctx, w["agent"], sv.SupervisionFilter(level=Lv.listed))[0] == 1
    assert sv.list_supervisions(w.ctx, w["agent"], sv.SupervisionFilter(overdue=True))[0] == 0
    assert sv.list_supervisions(w.ctx, w["agent"], sv.SupervisionFilter(status=(SupervisionStatus.open,)))[0] == 2
    with pytest.raises(NotFound):
        sv.supervision_detail(w.ctx, w["agent"], 99999)
    with pytest.raises(Forbidden):
        sv.list_supervisions(w.ctx, w["ent1_user"], sv.SupervisionFilter())
    with pytest.raises(Forbidden):
        sv.supervision_detail(w.ctx, w["scj_handler"], items[0]["id"] + 1)


def test_notices_as_html_and_pdf(world: World) -> None:
    w = world
    tid = dispatched(w)
    sid = sv.open_supervision(w.ctx, w["supervisor"], tid, Lv.listed, "经抽查，存在推诿扯皮情形")
    html = documents.notice_html(w.ctx, w["scj_handler"], sid)
    assert "督改〔2026〕1号" in html and "县市场监督管理局：" in html and "整改通知书" in html
    assert "象湖县企业综合服务中心督办通知" in html and "象湖县鑫达机械有限公司" in html
    pdf = documents.notice_pdf(w.ctx, w["supervisor"], sid)
    assert pdf.startswith(b"%PDF")
    text = pdf_text(pdf)
    assert "督改〔2026〕1号" in text and "县市场监督管理局" in text and "经抽查，存在推诿扯皮情形" in text
    assert documents.notice_pdf(w.ctx, w["supervisor"], sid) == pdf  # an issued notice renders the same
    with pytest.raises(Forbidden):
        documents.notice_html(w.ctx, w["zjj_handler"], sid)
    with pytest.raises(NotFound):
        documents.notice_pdf(w.ctx, w["supervisor"], sid + 100)


def test_a_notice_never_names_a_reporter_to_the_department_reported_on(world: World) -> None:
    w = world
    tid = dispatched(w, ticket_type="report", title="执法人员多次上门索要好处", reported_department_id=w.dept["scj"])
    sid = sv.open_supervision(w.ctx, w["supervisor"], tid, Lv.reminder, "请依法调查处理")
    html = documents.notice_html(w.ctx, w["scj_handler"], sid)
    assert "（已保密）" in html and "鑫达" not in html
