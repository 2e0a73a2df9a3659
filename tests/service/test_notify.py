"""Who hears about what: recipient resolution and the rendered words, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select, update

from qitong.db.models import Medium, OutboxMessage, Ticket, User
from qitong.domain.tickets.lifecycle import Action
from qitong.services import notify
from qitong.services.audit import enqueue
from qitong.services.context import Context
from qitong.services.notifications import Preferences, set_preferences
from qitong.services.tickets.actions import perform
from qitong.services.tickets.intake import TicketCreate, create_ticket
from qitong.services.tickets.payloads import ActionPayload as P
from tests.support.world import World, build_world

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def w(ctx: Context) -> World:
    return build_world(ctx)


def submit(w: World, user: str = "ent1_user", **kw: object) -> int:
    data = TicketCreate(title="营业执照变更审批超时", content="我公司三周前提交经营范围变更申请，至今没有结果，影响投标。",
                        submitter_name="王建国", submitter_phone=str(kw.pop("phone", "13812345678")), **kw)  # type: ignore[arg-type]
    return create_ticket(w.ctx, w[user], data).ticket_id


def dispatched(w: World) -> int:
    tid = submit(w)
    perform(w.ctx, w["agent"], tid, Action.accept, P(category="zwfw.spxl"))
    perform(w.ctx, w["dispatcher"], tid, Action.dispatch, P(lead_unit_id=w.dept["scj"], co_unit_ids=[w.dept["zjj"]]))
    return tid


def plan_for(w: World, topic: str) -> tuple[notify.Plan, dict[int, str]]:
    """The plan for the latest message of `topic`, and user id → username."""
    with w.ctx.sessions() as s:
        m = s.scalars(select(OutboxMessage).where(OutboxMessage.topic == topic).order_by(OutboxMessage.id.desc())).first()
        assert m is not None, topic
        names = {u.id: u.username for u in s.scalars(select(User))}
        return notify.plan(s, m, SHANGHAI, email=True), names


def heard(w: World, topic: str) -> dict[str, str]:
    p, names = plan_for(w, topic)
    return {names[n.user_id]: n.body for n in p.in_app}


def test_submit_tells_the_enterprise_its_number_and_query_code(w: World) -> None:
    tid = submit(w)
    p, names = plan_for(w, "ticket.submit")
    with w.ctx.sessions() as s:
        m = s.scalars(select(OutboxMessage)).one()
        number, code = m.payload["number"], s.get_one(Ticket, tid).query_code
    got = {names[n.user_id]: n for n in p.in_app}
    assert number in got["ent1_user"].body and code in got["ent1_user"].body
    assert got["ent1_user"].title == "诉求已收到"
    assert {"agent", "dispatcher"} <= set(got)  # the center hears a new matter is waiting
    assert "ent2_user" not in got and "scj_handler" not in got
    (sms,) = p.outgoing
    assert (sms.medium, sms.recipient) == (Medium.sms, "13812345678")
    assert sms.body.startswith("【企通】") and code in sms.body


def test_dispatch_reaches_lead_unit_co_units_and_enterprise(w: World) -> None:
    dispatched(w)
    got = heard(w, "ticket.dispatch")
    assert set(got) == {"scj_handler", "scj_leader", "zjj_handler", "zjj_leader", "ent1_user"}
    assert "已分派贵单位主办" in got["scj_handler"]
    assert "贵单位协办" in got["zjj_handler"] and "县市场监督管理局" in got["zjj_handler"]
    assert "县市场监督管理局" in got["ent1_user"]


def test_the_actor_is_not_told_what_they_just_did(w: World) -> None:
    submit(w, user="agent", enterprise_id=w.ent["ent1"], channel="hotline_12345")
    got = heard(w, "ticket.submit")
    assert "agent" not in got and "dispatcher" in got
    assert "ent1_user" in got  # the enterprise still learns its number


def test_return_goes_to_dispatchers_with_the_reason(w: World) -> None:
    tid = dispatched(w)
    perform(w.ctx, w["scj_handler"], tid, Action.return_, P(reason="该事项属于住建部门职责。"))
    got = heard(w, "ticket.return")
    assert set(got) == {"dispatcher"}
    assert "理由：该事项属于住建部门职责。请审核" in got["dispatcher"]


def test_reject_reason_and_sms(w: World) -> None:
    tid = submit(w)
    perform(w.ctx, w["agent"], tid, Action.reject, P(reason="不属于涉企问题受理范围"))
    p, names = plan_for(w, "ticket.reject")
    assert [names[n.user_id] for n in p.in_app] == ["ent1_user"]
    assert "不属于涉企问题受理范围" in p.in_app[0].body
    assert [o.recipient for o in p.outgoing if o.medium == Medium.sms] == ["13812345678"]


def test_staff_phone_and_email_follow_preferences(w: World) -> None:
    with w.ctx.sessions.begin() as s:
        s.execute(update(User).where(User.username.in_(["scj_handler", "scj_leader"])).values(phone="13900001111"))
        s.execute(update(User).where(User.username == "scj_leader").values(phone="13900002222"))
    set_preferences(w.ctx, w["scj_handler"], Preferences(email="scj.handler@example.gov.cn"))
    set_preferences(w.ctx, w["scj_leader"], Preferences(sms_enabled=False))
    dispatched(w)
    p, _ = plan_for(w, "ticket.dispatch")
    out = {(o.medium, o.recipient) for o in p.outgoing}
    assert (Medium.email, "scj.handler@example.gov.cn") in out
    assert (Medium.sms, "13900001111") in out
    assert (Medium.sms, "13900002222") not in out  # turned off
    with w.ctx.sessions() as s:
        m = s.scalars(select(OutboxMessage).where(OutboxMessage.topic == "ticket.dispatch")).one()
        p_no_mail = notify.plan(s, m, SHANGHAI, email=False)
    assert all(o.medium != Medium.email for o in p_no_mail.outgoing)


def test_enterprise_user_can_turn_sms_off_hotline_caller_cannot_be_silenced_by_staff(w: World) -> None:
    set_preferences(w.ctx, w["ent1_user"], Preferences(sms_enabled=False))
    set_preferences(w.ctx, w["agent"], Preferences(sms_enabled=False))
    submit(w)
    p, _ = plan_for(w, "ticket.submit")
    assert not [o for o in p.outgoing if o.medium == Medium.sms]
    submit(w, user="agent", enterprise_id=w.ent["ent2"], phone="13700003333", channel="hotline_12345")
    p, _ = plan_for(w, "ticket.submit")
    assert [o.recipient for o in p.outgoing if o.medium == Medium.sms] == ["13700003333"]


def test_landline_submitters_get_no_sms(w: World) -> None:
    submit(w, user="agent", enterprise_id=w.ent["ent1"], phone="0574-65812345", channel="hotline_12345")
    p, _ = plan_for(w, "ticket.submit")
    assert not p.outgoing


def test_inactive_users_hear_nothing(w: World) -> None:
    with w.ctx.sessions.begin() as s:
        s.execute(update(User).where(User.username == "scj_leader").values(active=False))
    dispatched(w)
    assert "scj_leader" not in heard(w, "ticket.dispatch")


def _emit(w: World, topic: str, tid: int, **payload: object) -> None:
    with w.ctx.sessions.begin() as s:
        enqueue(s, topic=topic, key=f"test:{topic}:{tid}", ticket_id=tid, at=w.ctx.clock.now(),
                payload={"ticket_id": tid, **payload})


def test_overdue_names_the_deadline_in_local_words(w: World) -> None:
    tid = dispatched(w)
    _emit(w, "deadline.overdue", tid, deadline=datetime(2026, 11, 24, 16, 0, tzinfo=UTC).isoformat())
    got = heard(w, "deadline.overdue")
    assert {"scj_handler", "scj_leader", "dispatcher", "supervisor"} <= set(got)
    assert "2026年11月24日24时" in got["scj_handler"]
    assert "县市场监督管理局" in got["supervisor"]


def test_supervision_notice_names_level_and_document(w: World) -> None:
    tid = dispatched(w)
    _emit(w, "supervision.opened", tid, level="listed", document_no="象企督〔2026〕3号",
          department_id=w.dept["scj"], deadline=datetime(2026, 11, 30, 16, 0, tzinfo=UTC).isoformat())
    got = heard(w, "supervision.opened")
    assert "挂牌督办" in got["scj_leader"] and "整改通知书" in got["scj_leader"]
    assert "象企督〔2026〕3号" in got["supervisor"] and "县市场监督管理局" in got["supervisor"]
    assert "请于2026年11月30日24时前办理并反馈" in got["scj_leader"]


def test_unknown_topic_and_note_tell_nobody(w: World) -> None:
    tid = dispatched(w)
    perform(w.ctx, w["scj_handler"], tid, Action.note, P(text="已电话联系企业王经理"))
    assert heard(w, "ticket.note") == {}
    _emit(w, "report.monthly", tid)
    assert heard(w, "report.monthly") == {}
