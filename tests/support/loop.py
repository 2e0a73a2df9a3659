"""Drive tickets through the loop for the evaluation tests (issue 6): each helper is a path a real
ticket takes, so the rollups see every kind of action."""

from __future__ import annotations

from datetime import timedelta

from qitong.domain.clock import FixedClock
from qitong.domain.tickets.lifecycle import Action
from qitong.services.tickets.actions import perform
from qitong.services.tickets.intake import TicketCreate, create_ticket
from qitong.services.tickets.payloads import ActionPayload as P
from tests.support.world import World


def submit(w: World, title: str = "营业执照变更审批超时",
           content: str = "我公司三周前提交营业执照经营范围变更申请，至今没有结果，影响投标。联系电话13812345678。",
           user: str = "ent1_user", **kw: object) -> int:
    data = TicketCreate(title=title, content=content, submitter_name="王建国", submitter_phone="13812345678",
                        **kw)  # type: ignore[arg-type]
    return create_ticket(w.ctx, w[user], data).ticket_id


def act(w: World, clock: FixedClock, tid: int, steps: list[tuple[str, Action, P]], hours: float = 1) -> None:
    for user, action, payload in steps:
        clock.advance(timedelta(hours=hours))
        perform(w.ctx, w[user], tid, action, payload)


def handle(w: World, dept: str) -> list[tuple[str, Action, P]]:
    return [(f"{dept}_handler", Action.sign_for, P()), (f"{dept}_handler", Action.contact, P()),
            (f"{dept}_handler", Action.reply_draft, P(reply="已办理完毕。")),
            ("scj_leader" if dept == "scj" else "zjj_leader", Action.sign_off, P()), ("agent", Action.verify, P())]


def to_confirmation(w: World, clock: FixedClock, dept: str = "scj", hours: float = 1, **kw: object) -> int:
    tid = submit(w, **kw)
    act(w, clock, tid, [("agent", Action.accept, P(category="zwfw.spxl")),
                        ("dispatcher", Action.dispatch, P(lead_unit_id=w.dept[dept])), *handle(w, dept)], hours)
    return tid


def closed(w: World, clock: FixedClock, dept: str = "scj", result: int = 4, hours: float = 1, **kw: object) -> int:
    """Closed after the business confirmed it, rating the result `result` (3 to 5)."""
    tid = to_confirmation(w, clock, dept, hours, **kw)
    act(w, clock, tid, [("ent1_user", Action.confirm, P(rating_process=result, rating_result=result)),
                        ("agent", Action.close, P())])
    return tid


def dissatisfied_twice(w: World, clock: FixedClock) -> int:
    """scj handles, the business is not satisfied; zjj gets it; not satisfied again."""
    tid = to_confirmation(w, clock, "scj")
    act(w, clock, tid, [("ent1_user", Action.rate_dissatisfied, P(rating_process=2, rating_result=2, reason="没解决")),
                        ("dispatcher", Action.redispatch, P(lead_unit_id=w.dept["zjj"])), *handle(w, "zjj"),
                        ("ent1_user", Action.rate_dissatisfied, P(rating_process=1, rating_result=1, reason="还是没解决"))])
    return tid


def answered_by_center(w: World, clock: FixedClock) -> int:
    tid = submit(w, title="咨询社保补贴申领条件", content="请问小微企业吸纳就业社保补贴怎么申请，需要哪些材料？")
    act(w, clock, tid, [("agent", Action.answer_on_the_spot, P(reply="可在人社局网站申报，材料清单见附件。")),
                        ("ent1_user", Action.confirm, P(rating_process=5, rating_result=5)), ("agent", Action.close, P())])
    return tid


def returned_then_closed(w: World, clock: FixedClock) -> int:
    tid = submit(w, title="厂房用地规划调整迟迟未批", content="厂房扩建涉及用地规划调整，申请半年未批复，请协调。")
    act(w, clock, tid, [("agent", Action.accept, P()), ("dispatcher", Action.dispatch, P(lead_unit_id=w.dept["zjj"])),
                        ("zjj_handler", Action.return_, P(reason="用地规划属自然资源部门职责")),
                        ("dispatcher", Action.dispatch, P(lead_unit_id=w.dept["scj"])), *handle(w, "scj"),
                        ("ent1_user", Action.confirm, P(rating_process=3, rating_result=3)), ("agent", Action.close, P())])
    return tid
