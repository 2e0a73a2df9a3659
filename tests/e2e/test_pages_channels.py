"""多渠道录入 over HTTP, on SQLite and PostgreSQL: the 12345 import with its mapping (idempotent, bad rows
named by line), a forum batch (all or nothing, the bad item named), a leader's assigned problem, and who
may open what."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import func, select, update

from qitong.db.models import AuditEvent, Ticket
from qitong.domain.tickets.vocab import Channel
from qitong.web.pages.channels import DEFAULT_MAPPING
from tests.support.pages import pages
from tests.support.world import World

CSV = ("工单编号,标题,诉求内容,来电人,联系电话,企业名称,诉求类型,来电时间\n"
       "GD20261101,厂区道路积水,厂区门口道路下雨积水，货车进出困难,李明,13900001111,象湖县鑫达机械有限公司,投诉,"
       "2026-11-20T09:00:00+08:00\n"
       "GD20261102,用电报装慢,新厂房申请用电报装两个月未接电,赵华,13900002222,象湖县海湾水产养殖专业合作社,求助,"
       "2026-11-20T10:00:00+08:00\n"
       "GD20261103,电话不对,企业反映审批慢,钱七,12345,某公司,咨询,2026-11-20T11:00:00+08:00\n")


def _count(w: World, channel: Channel) -> int:
    with w.ctx.sessions() as s:
        return s.scalar(select(func.count()).select_from(Ticket).where(Ticket.channel == channel)) or 0


def test_12345_import_through_the_page_is_idempotent_and_names_the_bad_line(client: TestClient,
                                                                             world: World) -> None:
    agent = pages(client, "agent")
    page = agent.get("/channels").text
    assert 'href="/channels"' in page and "工单编号" in page  # in the navigation; the mapping prefilled
    files = {"file": ("12345-2026-11.csv", CSV.encode(), "text/csv")}
    first = agent.post("/channels/12345", {"mapping_json": DEFAULT_MAPPING}, 200, files=files).text
    assert 'data-created="2" data-updated="0" data-unchanged="0" data-failed="1"' in first
    errors = re.search(r'<ul[^>]*id="import-errors">(.*?)</ul>', first, re.S)
    assert errors and "第 4 行（工单 GD20261103）：“内容”至少 10 个字" in errors.group(1), errors.group(1)
    again = agent.post("/channels/12345", {"mapping_json": DEFAULT_MAPPING}, 200, files=files).text
    assert 'data-created="0" data-updated="0" data-unchanged="2" data-failed="1"' in again
    assert _count(world, Channel.hotline_12345) == 2
    with world.ctx.sessions() as s:
        imported = s.scalars(select(Ticket.id).where(Ticket.source_id == "GD20261101")).one()
    shown = agent.get(f"/tickets/{imported}").text
    assert re.search(r'12345 工单号</dt><dd[^>]*id="source-id">GD20261101<', shown)
    assert 'id="received-at">2026-11-20 09:00<' in shown  # the hotline's own time of the call

    no_file = agent.post("/channels/12345", {"mapping_json": DEFAULT_MAPPING}, 422).text
    assert "请选择要导入的工单文件" in no_file
    bad_map = agent.post("/channels/12345", {"mapping_json": '{"fields": {"标题": "title"}}'}, 422, files=files).text
    assert "source_id" in bad_map and 'is-invalid' in bad_map
    assert _count(world, Channel.hotline_12345) == 2


def test_a_forum_batch_lands_whole_or_not_at_all(client: TestClient, world: World) -> None:
    agent = pages(client, "agent")
    agent.get("/channels")
    row0 = {"items-0-enterprise_name": "象湖县鑫达机械有限公司", "items-0-submitter_name": "王经理",
            "items-0-submitter_phone": "13800001111", "items-0-title": "希望简化设备进口报关材料",
            "items-0-content": "企业反映进口设备报关需要的材料多、跑的部门多，希望一次办好。", "items-0-ticket_type": "help"}
    row2 = {"items-2-enterprise_name": "象湖县海湾水产养殖专业合作社", "items-2-submitter_name": "李社长",
            "items-2-submitter_phone": "139", "items-2-title": "养殖用电价格",
            "items-2-content": "合作社反映养殖用电按工商业电价收费，成本高。", "items-2-ticket_type": "complaint"}
    base = {"rows": "10", "batch_channel": "forum", "batch_origin": "2026年11月湖东镇政企座谈会"}
    bad = agent.post("/channels/batch", {**base, **row0, **row2}, 422).text
    assert "第 2 条" in bad and "2026年11月湖东镇政企座谈会" in bad  # the second filled row; what was typed stays
    assert 'name="items-2-submitter_phone"' in bad and "希望简化设备进口报关材料" in bad
    assert _count(world, Channel.forum) == 0

    more = agent.post("/channels/batch", {**base, **row0, "more": "1"}, 200).text
    assert 'data-row="19"' in more and "希望简化设备进口报关材料" in more

    row2["items-2-submitter_phone"] = "13900003333"
    blanks = {f"items-{i}-ticket_type": "help" for i in range(10) if i not in (0, 2)}  # as a browser posts them
    r = agent.post("/channels/batch", {**base, **blanks, **row0, **row2})
    assert r.headers["location"] == "/workbench?queue=all&channel=forum"
    assert _count(world, Channel.forum) == 2
    with world.ctx.sessions() as s:
        origins = set(s.scalars(select(Ticket.origin).where(Ticket.channel == Channel.forum)))
        assert origins == {"2026年11月湖东镇政企座谈会"}
    assert "已录入 2 条问题" in agent.get("/workbench?queue=all&channel=forum").text

    empty = agent.post("/channels/batch", base, 422).text
    assert "请至少填写一条问题" in empty
    huge = agent.post("/channels/batch", {**base, "rows": "999999999"}, 422).text  # a forged row count
    assert 'data-row="99"' in huge and 'data-row="100"' not in huge


def test_a_leader_assigns_a_problem_and_others_may_not(client: TestClient, world: World) -> None:
    leader = pages(client, "leader")
    page = leader.get("/channels").text
    assert 'id="import-form"' not in page and 'id="batch-form"' not in page  # the center's channels only
    assert 'value="leader_assigned"' in page and 'value="proactive"' not in page
    form = {"assigned_channel": "leader_assigned", "assigned_origin": "县长批示（2026-11-20）",
            "enterprise_name": "象湖县鑫达机械有限公司", "submitter_name": "王经理", "submitter_phone": "13800001111",
            "ticket_type": "help", "title": "新厂区配套道路迟迟未建", "content": "企业新厂区已投产，配套道路仍未开工。"}
    missing = leader.post("/channels/assigned", {**form, "assigned_origin": ""}, 422).text
    assert "来源说明" in missing
    r = leader.post("/channels/assigned", form)
    tid = int(r.headers["location"].rsplit("/", 1)[1])
    with world.ctx.sessions() as s:
        t = s.get(Ticket, tid)
        assert t is not None and t.channel == Channel.leader_assigned and t.origin == "县长批示（2026-11-20）"
        ev = s.scalars(select(AuditEvent).where(AuditEvent.ticket_id == tid, AuditEvent.action == "submit")).one()
        assert ev.data["origin"] == "县长批示（2026-11-20）" and ev.actor_name == "leader"
    assert 'id="origin">县长批示（2026-11-20）<' in leader.get(f"/tickets/{tid}").text  # the origin is shown
    with world.ctx.sessions.begin() as s:  # as if the center had matched the business by name
        s.execute(update(Ticket).where(Ticket.id == tid).values(enterprise_id=world.ent["ent1"]))
    business = pages(TestClient(client.app, follow_redirects=False), "ent1_user")  # type: ignore[arg-type]
    own = business.get(f"/tickets/{tid}").text  # the business's own ticket, without the internal origin
    assert "新厂区配套道路迟迟未建" in own and 'id="origin"' not in own
    proactive = leader.post("/channels/assigned", {**form, "assigned_channel": "proactive"}, 403).text
    assert "当前角色不能通过该渠道录入问题" in proactive
    leader.post("/channels/batch", {"batch_channel": "forum", "batch_origin": "座谈会", "rows": "10"}, 403)
    refused = leader.post("/channels/12345", {"mapping_json": DEFAULT_MAPPING}, 403,
                          files={"file": ("12345.csv", CSV.encode(), "text/csv")}).text
    assert "只有中心工作人员可以导入 12345 工单" in refused
    assert _count(world, Channel.hotline_12345) == 0

    pages(client, "ent1_user").get("/channels", 403)


def test_a_department_records_a_problem_it_found_and_the_center_takes_it(client: TestClient, world: World) -> None:
    """主动查找 (seed 01 四(一)1): departments find problems through their own duties; the ticket goes to the
    center like any other, so the department is sent back to the form with the number, not to the ticket."""
    handler = pages(client, "scj_handler")
    page = handler.get("/channels").text
    assert 'href="/channels"' in page and 'value="proactive"' in page and 'id="import-form"' not in page
    form = {"assigned_channel": "proactive", "assigned_origin": "市场监管走访中发现：食品企业冷库审批卡在消防环节",
            "enterprise_name": "象湖县鑫达机械有限公司", "submitter_name": "王经理", "submitter_phone": "13800001111",
            "ticket_type": "help", "title": "冷库消防验收迟迟未安排", "content": "企业新建冷库已完工一个月，消防验收一直没有排期，影响投产。"}
    r = handler.post("/channels/assigned", form)
    assert r.headers["location"].startswith("/channels")
    assert "已录入：QT" in handler.get(r.headers["location"]).text
    handler.post("/channels/assigned", {**form, "assigned_channel": "leader_assigned"}, 403)
    with world.ctx.sessions() as s:
        t = s.scalars(select(Ticket).where(Ticket.channel == Channel.proactive)).one()
        assert t.status == "submitted" and t.origin and t.origin.startswith("市场监管走访")
    assert "冷库消防验收迟迟未安排" in pages(client, "agent").get("/workbench?queue=submitted").text


def test_staff_entries_that_repeat_an_open_ticket_are_flagged(client: TestClient, world: World) -> None:
    """The same matter already open: the import report and the assigned-problem flash name it."""
    from tests.support.loop import submit

    title, content = "厂区门口道路积水严重", "厂区门口道路每逢下雨严重积水，货车进出困难，已影响正常发货，请尽快疏通排水。"
    open_tid = submit(world, title=title, content=content)
    with world.ctx.sessions() as s:
        number = s.scalars(select(Ticket.number).where(Ticket.id == open_tid)).one()
    agent = pages(client, "agent")
    csv = ("工单编号,标题,诉求内容,来电人,联系电话,企业名称,诉求类型\n"
           f"GD20261201,{title},{content},李明,13900001111,象湖县鑫达机械有限公司,投诉\n")
    files = {"file": ("12345.csv", csv.encode(), "text/csv")}
    page = agent.post("/channels/12345", {"mapping_json": DEFAULT_MAPPING}, 200, files=files).text
    similar = re.search(r'<ul[^>]*id="import-similar">(.*?)</ul>', page, re.S)
    assert similar and f'第 2 行（工单 GD20261201）与 <a href="/workbench?queue=all&amp;q={number}"' in similar.group(1)
    leader = pages(client, "leader")
    r = leader.post("/channels/assigned", {
        "assigned_channel": "leader_assigned", "assigned_origin": "县长批示（2026-11-21）",
        "enterprise_name": "象湖县鑫达机械有限公司", "submitter_name": "王经理", "submitter_phone": "13800001111",
        "ticket_type": "complaint", "title": title, "content": content})
    shown = leader.get(r.headers["location"]).text  # the flash, on the new ticket's page
    assert re.search(rf"疑似重复：QT\d+ 与 [^<]*{number}", shown), shown[:3000]
