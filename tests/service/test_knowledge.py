"""The knowledge base on SQLite and PostgreSQL: paraphrased questions find the right entry, only
published entries in force are found, every change is audited and versioned, only managers write."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from qitong.db.models import AuditEvent
from qitong.demo.knowledge import SEEDS, load_knowledge
from qitong.domain.errors import Conflict, Forbidden, InvalidInput, NotFound, StaleVersion
from qitong.services import knowledge as kb
from qitong.services.context import Context
from qitong.services.knowledge import KnowledgeInput
from tests.support.world import World, build_world


@pytest.fixture
def world(ctx: Context) -> World:
    return build_world(ctx)


def _q(seed_index: int) -> str:
    return SEEDS[seed_index].question


# the questions a business types, in its own words; none repeats the entry's question
PARAPHRASES = [
    ("我想开个公司，多久能拿到执照", 0),
    ("经营范围想改一下要跑哪里", 1),
    ("小规模交税能不能免", 2),
    ("招了几个大学生有补贴吗", 4),
    ("社保交不起了能不能晚点交", 6),
    ("新厂房什么时候能通上电", 8),
    ("银行贷不到款，周转不开", 10),
    ("检查的人来得太频繁了", 14),
]


def test_a_paraphrased_question_finds_its_entry_first(world: World) -> None:
    ctx = world.ctx
    assert load_knowledge(ctx, world["admin"]) == len(SEEDS)
    for text, want in PARAPHRASES:
        hits = kb.search(ctx, text)
        assert hits, text
        assert hits[0]["question"] == _q(want), (text, [h["question"] for h in hits])
        assert hits[0]["score"] >= kb.MIN_SCORE and hits[0]["in_force"]
    assert kb.search(ctx, "今天天气怎么样") == []  # nothing shares more than common characters
    # a category narrows the search to that branch of the tree
    assert {h["category"] for h in kb.search(ctx, "补贴怎么申请", category="factor", limit=10)} <= {
        "factor.labour", "factor.land", "factor.power", "factor.finance"}


def test_only_published_entries_in_force_are_found(world: World) -> None:
    ctx, admin = world.ctx, world["admin"]
    load_knowledge(ctx, admin)  # the other questions of a real knowledge base around the ones below
    day = kb.today(ctx)
    old = kb.create_entry(ctx, admin, KnowledgeInput(
        question="去年的出口退税怎么申请", answer="按去年的退税率申报，已经截止。", keywords=["出口退税"],
        effective_from=day - timedelta(days=400), effective_to=day - timedelta(days=1)), publish=True)
    soon = kb.create_entry(ctx, admin, KnowledgeInput(
        question="明年起出口退税新办法怎么申请", answer="明年一月起在电子税务局申报。", keywords=["出口退税"],
        effective_from=day + timedelta(days=30)), publish=True)
    draft = kb.create_entry(ctx, admin, KnowledgeInput(
        question="出口退税的资金什么时候到账", answer="审核通过后三个工作日内退库。", keywords=["出口退税"]))
    ids = lambda **kw: [h["id"] for h in kb.search(ctx, "出口退税怎么申请", **kw)]  # noqa: E731
    assert ids() == []
    assert ids(on=day - timedelta(days=1)) == [old["id"]]  # the last day is still in force
    assert ids(on=day + timedelta(days=30)) == [soon["id"]]
    kb.publish_entry(ctx, world["agent"], draft["id"], expected_version=draft["version"])
    assert ids() == [draft["id"]]  # found at once: the index refreshed on the version change
    kb.retire_entry(ctx, world["dispatcher"], draft["id"], reason="政策调整")
    assert ids() == []
    # the demo's expired announcement is not offered either
    assert kb.search(ctx, "稳岗返还怎么申请") == []
    assert kb.search(ctx, "稳岗返还怎么申请", on=day - timedelta(days=100))[0]["question"] == SEEDS[15].question
    with pytest.raises(NotFound):
        kb.get_entry(ctx, None, draft["id"])  # a retired entry is gone for the public
    assert kb.get_entry(ctx, admin, draft["id"])["status"] == "retired"


def test_an_edit_is_searchable_at_once_audited_and_versioned(world: World) -> None:
    ctx, agent = world.ctx, world["agent"]
    for question, answer in (("社保缴费基数怎么确定", "按上年度月平均工资确定。"),
                             ("新厂房怎么申请通电", "在网上国网申请装表接电。")):
        kb.create_entry(ctx, agent, KnowledgeInput(question=question, answer=answer), publish=True)
    e = kb.create_entry(ctx, agent, KnowledgeInput(
        question="企业注销要多久", answer="简易注销公告 20 天后办理。", category="zwfw", source="县市场监督管理局",
        keywords="注销，关门、 不干了"), publish=True)
    assert e["keywords"] == ["注销", "关门", "不干了"] and e["version"] == 1
    assert kb.search(ctx, "公司不干了怎么关门")[0]["id"] == e["id"]
    data = KnowledgeInput(question="个体工商户怎么歇业", answer="可办理歇业备案，最长三年。", category="zwfw",
                          keywords=["歇业", "暂停营业"])
    edited = kb.update_entry(ctx, agent, e["id"], data, expected_version=1)
    assert edited["version"] == 2
    assert kb.search(ctx, "店想暂停营业一段时间")[0]["id"] == e["id"]
    assert e["id"] not in [h["id"] for h in kb.search(ctx, "公司不干了怎么关门")]  # the old words no longer do
    with pytest.raises(StaleVersion):
        kb.update_entry(ctx, agent, e["id"], data, expected_version=1)
    with ctx.sessions() as s:
        events = s.scalars(select(AuditEvent).where(AuditEvent.entity == "knowledge_entry",
                                                    AuditEvent.entity_id == str(e["id"])).order_by(AuditEvent.seq)).all()
    assert [ev.action for ev in events] == ["create_knowledge", "edit_knowledge"]
    assert events[1].before["question"] == "企业注销要多久" and events[1].after["question"] == "个体工商户怎么歇业"
    assert events[1].actor_id == agent.actor.user_id


def test_only_the_center_and_admins_write(world: World) -> None:
    ctx = world.ctx
    data = KnowledgeInput(question="企业注销要多久", answer="简易注销公告 20 天后办理。")
    for user in ("scj_handler", "scj_leader", "ent1_user", "supervisor", "leader"):
        with pytest.raises(Forbidden):
            kb.create_entry(ctx, world[user], data)
        with pytest.raises(Forbidden):
            kb.list_entries(ctx, world[user])
    with pytest.raises(Forbidden):
        kb.create_entry(ctx, None, data)
    e = kb.create_entry(ctx, world["admin"], data)
    with pytest.raises(NotFound):
        kb.get_entry(ctx, world["ent1_user"], e["id"])  # a draft is not public
    with pytest.raises(InvalidInput) as bad:
        kb.create_entry(ctx, world["admin"], KnowledgeInput(question="企业注销要多久", answer="见答复。",
                                                           category="no.such"))
    assert bad.value.field == "category"
    with pytest.raises(ValueError, match="失效日期不能早于生效日期"):
        KnowledgeInput(question="企业注销要多久", answer="见答复。", effective_from=date(2026, 1, 2),
                       effective_to=date(2026, 1, 1))
    kb.retire_entry(ctx, world["admin"], e["id"])
    with pytest.raises(Conflict):
        kb.update_entry(ctx, world["admin"], e["id"], data)
    listed = kb.list_entries(ctx, world["dispatcher"], q="注销")
    assert [i["id"] for i in listed["items"]] == [e["id"]] and listed["counts"]["retired"] == 1
