"""The knowledge base and similar cases over HTTP, on SQLite and PostgreSQL: 政策问答 without signing in,
the intake panel of the submit page, 知识库管理 (center and admins, CSRF, audited), the API, and the
相似案例与答复 panel with an answer given on the spot from a knowledge entry."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import select

from qitong.db.models import AuditEvent, KnowledgeEntry, Ticket
from qitong.demo.knowledge import SEEDS, load_knowledge
from qitong.domain.clock import FixedClock
from qitong.domain.tickets.lifecycle import Status
from tests.support.api import Api
from tests.support.loop import submit
from tests.support.pages import pages
from tests.support.similar import LICENCE, ROAD, close
from tests.support.world import World


def _entries(html: str) -> list[int]:
    return [int(x) for x in re.findall(r'data-entry="(\d+)"', html)]


def _ids_by_question(w: World) -> dict[str, int]:
    with w.ctx.sessions() as s:
        return {q: i for i, q in s.execute(select(KnowledgeEntry.id, KnowledgeEntry.question))}


def test_faq_is_public_and_the_intake_panel_answers_as_the_business_types(client: TestClient, world: World) -> None:
    load_knowledge(world.ctx, world["admin"])
    ids = _ids_by_question(world)
    anon = pages(client)
    listed = _entries(anon.get("/faq").text)
    assert len(listed) == len(SEEDS) - 2  # the expired announcement and the draft are not shown
    assert ids[SEEDS[15].question] not in listed and ids[SEEDS[16].question] not in listed
    found = anon.get("/faq", params={"q": "我想开个公司，多久能拿到执照"}).text
    assert _entries(found)[0] == ids[SEEDS[0].question] and "与“我想开个公司，多久能拿到执照”相近的问答" in found
    assert 'id="faq-empty"' in anon.get("/faq", params={"q": "今天天气怎么样"}).text

    r = client.get("/api/knowledge/search", params={"q": "社保交不起了能不能晚点交"})  # no token needed
    assert r.status_code == 200 and r.json()["items"][0]["question"] == SEEDS[6].question

    hits = anon.get("/knowledge/intake", params={"title": "新厂房什么时候能通上电", "content": ""}).text
    assert 'id="kb-hits"' in hits and _entries(hits)[0] == ids[SEEDS[8].question]
    assert anon.get("/knowledge/intake", params={"title": "厂", "content": ""}).text.strip() == ""

    ent = pages(client, "ent1_user")
    submit_page = ent.get("/portal/submit").text
    assert 'hx-get="/knowledge/intake"' in submit_page and 'hx-include="#title, #content"' in submit_page
    assert 'href="/faq"' in submit_page  # in the navigation too


def test_center_staff_manage_entries_with_csrf_and_audit(client: TestClient, world: World) -> None:
    agent = pages(client, "agent")
    assert 'href="/knowledge/manage"' in agent.get("/workbench").text
    agent.get("/knowledge/manage/new")
    bad = agent.post("/knowledge/manage/new", {"question": "注销", "answer": "简易注销公告 20 天后办理。"}, 422)
    assert "“问题”至少 4 个字" in bad.text and "简易注销公告" in bad.text  # what was typed is kept
    r = agent.post("/knowledge/manage/new", {
        "question": "企业注销要多久", "answer": "简易注销公告 20 天后办理。", "category": "zwfw",
        "source": "县市场监督管理局", "keywords": "注销、关门", "effective_from": "2026-11-01", "effective_to": ""})
    eid = int(r.headers["location"].rsplit("/", 1)[1])
    page = agent.get(f"/knowledge/manage/{eid}").text
    assert "草稿" in page and 'id="publish-entry"' in page
    assert pages(client).get("/api/knowledge/search", params={"q": "公司不干了要注销"}).json()["items"] == []

    agent = pages(client, "agent")
    agent.get(f"/knowledge/manage/{eid}")
    agent.post(f"/knowledge/manage/{eid}/publish", {"version": "1"})
    agent.get(f"/knowledge/manage/{eid}")
    agent.post(f"/knowledge/manage/{eid}", {"version": "2", "question": "企业注销要多长时间", "answer": "简易注销公告 20 天后即可办理。",
                                            "category": "zwfw", "keywords": "注销、关门、不干了", "effective_from": "2026-11-01"})
    stale = agent.post(f"/knowledge/manage/{eid}", {"version": "2", "question": "企业注销要多长时间",
                                                    "answer": "旧页面上的修改"}, 412)
    assert "已被他人修改" in stale.text
    hits = client.get("/api/knowledge/search", params={"q": "公司不干了要注销"}).json()["items"]
    assert [h["id"] for h in hits] == [eid] and hits[0]["answer"] == "简易注销公告 20 天后即可办理。"
    agent.get(f"/knowledge/manage/{eid}")
    agent.post(f"/knowledge/manage/{eid}/retire", {"version": "3", "reason": "并入企业注销一件事"})
    assert client.get("/api/knowledge/search", params={"q": "公司不干了要注销"}).json()["items"] == []
    assert f'data-entry="{eid}" data-status="retired"' in agent.get("/knowledge/manage?status=retired").text

    with world.ctx.sessions() as s:
        events = s.scalars(select(AuditEvent).where(AuditEvent.entity == "knowledge_entry").order_by(AuditEvent.seq))
        assert [(e.action, e.actor_id) for e in events] == [
            (a, world["agent"].actor.user_id) for a in
            ("create_knowledge", "publish_knowledge", "edit_knowledge", "retire_knowledge")]

    handler = pages(client, "scj_handler")
    assert 'href="/knowledge/manage"' not in handler.get("/workbench").text
    assert "只有企业综合服务中心人员和系统管理员可以维护知识库" in handler.get("/knowledge/manage", 403).text
    handler.post("/knowledge/manage/new", {"question": "企业注销要多久", "answer": "见答复。"}, 403)
    admin = pages(client, "admin")
    admin.get("/knowledge/manage")
    admin.post("/knowledge/manage/new", {"question": "企业注销要多久", "answer": "见答复。"}, 403, csrf=False)


def test_the_api_writes_with_if_match_and_hides_drafts(client: TestClient, world: World) -> None:
    api = Api(client, world)
    body = {"question": "外贸企业出口退税多久到账", "answer": "审核通过后三个工作日内退库。", "keywords": ["出口退税", "退税"]}
    created = client.post("/api/knowledge", json=body, headers=api.login("dispatcher"))
    assert created.status_code == 201, created.text
    eid = created.json()["id"]
    assert client.get(f"/api/knowledge/{eid}").status_code == 404  # a draft is not public
    assert api.get("dispatcher", f"/api/knowledge/{eid}")["status"] == "draft"
    assert client.post("/api/knowledge", json=body, headers=api.login("scj_handler")).status_code == 403
    assert client.post("/api/knowledge", json=body).status_code == 401
    h = {**api.login("admin"), "If-Match": '"1"'}
    assert client.post(f"/api/knowledge/{eid}/publish", headers=h).json()["status"] == "published"
    assert client.put(f"/api/knowledge/{eid}", json=body, headers=h).status_code == 412  # version is 2 now
    bad = client.put(f"/api/knowledge/{eid}", json={**body, "effective_from": "2026-12-01", "effective_to": "2026-11-01"},
                     headers=api.login("admin"))
    assert bad.status_code == 422
    assert client.get(f"/api/knowledge/{eid}").json()["in_force"] is True
    assert api.get("agent", "/api/knowledge?status=published")["items"][0]["id"] == eid
    api.get("ent1_user", "/api/knowledge", 403)


def test_the_similar_panel_and_an_answer_on_the_spot(client: TestClient, world: World, clock: FixedClock) -> None:
    w = world
    load_knowledge(w.ctx, w["admin"])
    licence = close(w, clock, *LICENCE)
    close(w, clock, *ROAD, dept="zjj")
    new = submit(w, title="营业执照经营范围变更一直没批", content="我们公司上个月申请变更营业执照经营范围，一直没批下来，请帮忙催办。")
    ask = submit(w, title="想开个公司多久能拿到执照", content="我想新开一家公司，请问多久能拿到营业执照，要去哪里办？")

    agent = pages(client, "agent")
    assert f'hx-get="/knowledge/similar/{new}"' in agent.get(f"/tickets/{new}").text
    panel = agent.get(f"/knowledge/similar/{new}").text
    assert re.findall(r'data-similar="(\d+)"', panel)[0] == str(licence)
    assert "鑫达" in panel and f'href="/tickets/{licence}"' in panel  # the center sees it as it is

    api = Api(client, w)
    assert [t["id"] for t in api.get("agent", f"/api/tickets/{new}/similar-cases")["tickets"]][:1] == [licence]
    api.get("ent1_user", f"/api/tickets/{new}/similar-cases", 403)
    api.get("scj_handler", f"/api/tickets/{new}/similar-cases", 403)  # not sent to scj yet

    panel = agent.get(f"/knowledge/similar/{ask}").text
    entry = _ids_by_question(w)[SEEDS[0].question]
    assert f'class="mt-2 qt-kb-answer" data-entry="{entry}"' in panel
    version = re.search(r'name="version" value="(\d+)"', panel)
    assert version is not None
    agent.post(f"/tickets/{ask}/actions/answer_on_the_spot", {"version": version.group(1), "reply": SEEDS[0].answer})
    with w.ctx.sessions() as s:
        t = s.get(Ticket, ask)
        assert t is not None and t.status == Status.awaiting_confirmation and t.reply == SEEDS[0].answer

    ent = pages(client, "ent1_user")
    assert 'id="similar-panel"' not in ent.get(f"/tickets/{new}").text
    ent.get(f"/knowledge/similar/{new}", 403)
