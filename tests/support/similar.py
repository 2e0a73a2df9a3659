"""Closed tickets with their own replies, for the similar-cases tests (service and pages)."""

from __future__ import annotations

from qitong.domain.clock import FixedClock
from qitong.domain.tickets.lifecycle import Action
from qitong.services.tickets.payloads import ActionPayload as P
from tests.support.loop import act, submit
from tests.support.world import World


def close(w: World, clock: FixedClock, title: str, content: str, reply: str, dept: str = "scj",
          **kw: object) -> int:
    tid = submit(w, title=title, content=content, **kw)
    leader = "scj_leader" if dept == "scj" else "zjj_leader"
    act(w, clock, tid, [("agent", Action.accept, P(category="zwfw.spxl")),
                        ("dispatcher", Action.dispatch, P(lead_unit_id=w.dept[dept])),
                        (f"{dept}_handler", Action.sign_for, P()), (f"{dept}_handler", Action.contact, P()),
                        (f"{dept}_handler", Action.reply_draft, P(reply=reply)), (leader, Action.sign_off, P()),
                        ("agent", Action.verify, P()),
                        (str(kw.get("user", "ent1_user")), Action.confirm, P(rating_process=5, rating_result=5)),
                        ("agent", Action.close, P())], hours=0.5)
    return tid


LICENCE = ("营业执照经营范围变更审批超时", "象湖县鑫达机械有限公司三周前提交营业执照经营范围变更申请，至今没有结果，影响投标。",
           "经核实，象湖县鑫达机械有限公司的变更材料缺少股东会决议，已电话告知王建国（13812345678）补正，补正后当日办结。")
ROAD = ("厂区门口道路积水严重", "厂区门口市政道路下雨就积水，货车进出困难，请求修复排水。",
        "已安排市政养护单位疏通雨水管网并加高路面，本周内完工。")
POWER = ("新厂房迟迟不能通电", "新厂房已经竣工两个月，申请用电报装后一直没有接电，影响投产。",
         "已协调供电公司现场勘查，外线工程两周内完成并装表接电。")
