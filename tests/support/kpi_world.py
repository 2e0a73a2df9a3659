"""Six tickets driven through the services, whose dashboard figures are known by hand (test_kpi.py
spells them out): two closed (one on time and contacted in time, one late on both), one escalated to
the 三分 meeting, one rejected, one never accepted, one rated dissatisfied."""

from __future__ import annotations

from datetime import timedelta

from qitong.domain.clock import FixedClock
from qitong.domain.tickets.lifecycle import Action
from qitong.services.tickets.actions import perform
from qitong.services.tickets.intake import TicketCreate, create_ticket
from qitong.services.tickets.payloads import ActionPayload as P
from tests.support.world import World

TITLES = ("营业执照变更审批超时", "施工许可证办理材料反复退回", "园区供地指标协调迟迟未决", "要求撤销已生效行政判决",
          "出口退税进度咨询", "食品经营许可证延续办理不顺")


def _loop(w: World, clock: FixedClock, tid: int, unit: str, rating: tuple[int, int] | None,
          start: int = 0) -> None:
    steps: list[tuple[str, Action, P]] = [
        ("agent", Action.accept, P()),
        ("dispatcher", Action.dispatch, P(lead_unit_id=w.dept[unit])),
        (f"{unit}_handler", Action.sign_for, P()),
        (f"{unit}_handler", Action.contact, P(contact_method="phone")),
        (f"{unit}_handler", Action.reply_draft, P(reply="已于今日办理完毕，请企业查收。")),
        (f"{unit}_leader", Action.sign_off, P()),
        ("agent", Action.verify, P()),
    ]
    if rating is not None and rating[1] >= 3:
        steps += [("ent1_user", Action.confirm, P(rating_process=rating[0], rating_result=rating[1])),
                  ("agent", Action.close, P())]
    elif rating is not None:
        steps.append(("ent1_user", Action.rate_dissatisfied,
                      P(rating_process=rating[0], rating_result=rating[1], reason="问题没有实质解决")))
    for user, action, payload in steps[start:]:
        clock.advance(timedelta(minutes=10))
        perform(w.ctx, w[user], tid, action, payload)


def build_kpi_tickets(w: World, clock: FixedClock) -> list[int]:
    """Starts Monday 2026-11-23 09:00, ends Wednesday 25th 12:20 (the clock is left there)."""
    ids = [create_ticket(w.ctx, w["ent1_user"], TicketCreate(
        title=t, content=f"{t}，已影响企业正常经营，请尽快协调解决。", category="zwfw.spxl",
        submitter_name="王建国", submitter_phone="13812345678")).ticket_id for t in TITLES]
    t1, t2, t3, t4, _t5, t6 = ids
    _loop(w, clock, t1, "scj", (5, 5))  # closed Monday: in time all the way
    perform(w.ctx, w["agent"], t2, Action.accept)
    perform(w.ctx, w["dispatcher"], t2, Action.dispatch, P(lead_unit_id=w.dept["zjj"]))
    perform(w.ctx, w["zjj_handler"], t2, Action.sign_for)
    perform(w.ctx, w["agent"], t3, Action.accept)
    perform(w.ctx, w["dispatcher"], t3, Action.escalate, P(reason="涉及多部门，提交“三分”例会协调",
                                                         to_layer="leader_meeting"))
    perform(w.ctx, w["agent"], t4, Action.reject, P(reason="属司法程序，不属于受理范围"))
    _loop(w, clock, t6, "scj", (2, 1))  # rated dissatisfied, still open
    clock.set(clock.now() + timedelta(days=2) - timedelta(minutes=30))  # Wednesday: t2 late on everything
    _loop(w, clock, t2, "zjj", (3, 3), start=3)
    return ids
