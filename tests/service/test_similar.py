"""Similar cases for a ticket on SQLite and PostgreSQL: the closed ticket on the same matter comes first
with its reply; a department sees it masked; confidential tickets never, 举报 never to departments; the
index picks up a ticket closed a moment ago; published cases and knowledge entries come along."""

from __future__ import annotations

from datetime import timedelta

import pytest

from qitong.domain.clock import FixedClock
from qitong.domain.errors import Forbidden
from qitong.domain.tickets.lifecycle import Action
from qitong.services import cases
from qitong.services.context import Context
from qitong.services.knowledge import KnowledgeInput, create_entry
from qitong.services.similar import TICKET_MIN_SCORE, similar_for_ticket
from qitong.services.tickets.actions import perform
from qitong.services.tickets.payloads import ActionPayload as P
from tests.support.loop import submit
from tests.support.similar import LICENCE, POWER, ROAD, close
from tests.support.world import World, build_world


@pytest.fixture
def world(ctx: Context) -> World:
    return build_world(ctx)


def test_the_closed_ticket_on_the_same_matter_comes_first_with_its_reply(world: World, clock: FixedClock) -> None:
    w = world
    licence = close(w, clock, *LICENCE)
    close(w, clock, *ROAD, dept="zjj")
    close(w, clock, *POWER, dept="zjj")
    new = submit(w, title="执照经营范围变更一直没批下来", content="我们公司上个月申请变更营业执照经营范围，一直没批，请帮忙催办。")
    got = similar_for_ticket(w.ctx, w["agent"], new)
    assert [t["id"] for t in got["tickets"]][:1] == [licence]
    first = got["tickets"][0]
    assert first["reply"] == LICENCE[2] and first["enterprise"] == "象湖县鑫达机械有限公司"
    assert first["link"] == f"/tickets/{licence}" and not got["masked"]
    assert all(t["score"] >= TICKET_MIN_SCORE for t in got["tickets"])
    assert got["answer_on_the_spot"]  # the agent may answer this submitted ticket at intake
    assert not similar_for_ticket(w.ctx, w["supervisor"], new)["answer_on_the_spot"]


def test_a_department_sees_other_tickets_masked_and_never_confidential_or_reports(
        world: World, clock: FixedClock) -> None:
    w = world
    licence = close(w, clock, *LICENCE)
    close(w, clock, *ROAD, dept="zjj")
    secret = close(w, clock, "营业执照变更审批超时（涉密）", "营业执照经营范围变更申请三周没有结果，涉及商业秘密，请保密处理。",
                   "已督促办结。", confidential=True)
    report = close(w, clock, "举报营业执照变更审批故意拖延", "举报县市场监督管理局营业执照经营范围变更审批故意拖延、吃拿卡要。",
                   "经调查，已责令整改。", dept="zjj", ticket_type="report", reported_department_id=w.dept["scj"])
    new = submit(w, title="营业执照经营范围变更审批太慢", content="营业执照经营范围变更申请提交很久了还没审批，影响经营。")
    perform(w.ctx, w["agent"], new, Action.accept, P(category="zwfw.spxl"))
    perform(w.ctx, w["dispatcher"], new, Action.dispatch, P(lead_unit_id=w.dept["scj"]))

    center = [t["id"] for t in similar_for_ticket(w.ctx, w["agent"], new)["tickets"]]
    assert licence in center and report in center and secret not in center

    got = similar_for_ticket(w.ctx, w["scj_handler"], new)
    ids = [t["id"] for t in got["tickets"]]
    assert ids[0] == licence and report not in ids and secret not in ids
    first = got["tickets"][0]
    assert got["masked"] and first["masked"] and first["link"] is None
    assert first["enterprise"] == "象湖县***有限公司"
    assert "鑫达" not in first["reply"] + first["content"] + first["title"]
    assert "王**" in first["reply"] and "13812345678" not in first["reply"] and "138****5678" in first["reply"]

    with pytest.raises(Forbidden):
        similar_for_ticket(w.ctx, w["zjj_handler"], new)  # not sent to zjj: it may not see the ticket
    with pytest.raises(Forbidden):
        similar_for_ticket(w.ctx, w["ent1_user"], new)  # its own ticket, but not the others' replies


def test_new_closures_cases_and_knowledge_are_found_at_once(world: World, clock: FixedClock) -> None:
    w = world
    close(w, clock, *ROAD, dept="zjj")
    close(w, clock, *LICENCE)
    new = submit(w, title="厂房通电报装一直没有结果", content="新建厂房申请用电报装一个多月了，供电公司一直没来接电。")
    before = [t["id"] for t in similar_for_ticket(w.ctx, w["agent"], new)["tickets"]]
    power = close(w, clock, *POWER, dept="zjj")  # closed after the index was built: appended
    got = similar_for_ticket(w.ctx, w["agent"], new)
    assert power not in before and [t["id"] for t in got["tickets"]][:1] == [power]
    assert got["cases"] == [] and got["knowledge"] == []

    case = cases.propose_case(w.ctx, w["agent"], power, lesson="用电报装纳入项目竣工前置服务")
    clock.advance(timedelta(hours=1))
    cases.publish_case(w.ctx, w["dispatcher"], case["id"])
    entry = create_entry(w.ctx, w["admin"], KnowledgeInput(
        question="新建厂房接电要多久", answer="低压小微企业5个工作日内装表接电。", keywords=["通电", "报装", "接电"]),
        publish=True)
    got = similar_for_ticket(w.ctx, w["agent"], new)
    assert [c["id"] for c in got["cases"]] == [case["id"]] and got["cases"][0]["lesson"] == "用电报装纳入项目竣工前置服务"
    assert [k["id"] for k in got["knowledge"]] == [entry["id"]]


def test_warm_builds_every_index_so_the_first_search_reads_no_corpus(world: World, ctx: Context,
                                                                    clock: FixedClock) -> None:
    from qitong.services import retrieval

    close(world, clock, *ROAD)
    retrieval.invalidate(ctx)
    retrieval.warm(ctx)
    built = dict(retrieval._cache[ctx.sessions])
    assert set(built) == {c.name for c in (retrieval.CLOSED_TICKETS, retrieval.PUBLISHED_CASES,
                                             retrieval.PUBLISHED_KNOWLEDGE)}
    with ctx.sessions() as s:  # unchanged data: the same index objects, nothing rebuilt
        assert retrieval.indexed(ctx, s, retrieval.CLOSED_TICKETS) is built[retrieval.CLOSED_TICKETS.name]
        assert len(built[retrieval.CLOSED_TICKETS.name].positions) == 1


def test_the_same_matter_closed_several_times_takes_one_slot_with_its_count(world: World,
                                                                           clock: FixedClock) -> None:
    w = world
    first = close(w, clock, *LICENCE)
    again = [close(w, clock, *LICENCE) for _ in range(2)]
    # the same matter from another business: its own name in the text does not make it another matter
    title, content, reply = LICENCE
    again.append(close(w, clock, title, content.replace("象湖县鑫达机械有限公司", "象湖县海湾水产养殖专业合作社"), reply,
                       user="ent2_user"))
    road = close(w, clock, *ROAD, dept="zjj")
    new = submit(w, title="执照经营范围变更一直没批下来", content="我们公司上个月申请变更营业执照经营范围，一直没批，请帮忙催办。")
    got = similar_for_ticket(w.ctx, w["agent"], new)["tickets"]
    licence = [t for t in got if t["id"] in (first, *again)]
    assert len(licence) == 1 and licence[0]["same"] == 3  # one slot, "另有 3 件相同诉求"
    assert all(t["id"] not in again or t is licence[0] for t in got) and road not in [t["id"] for t in got[:1]]
