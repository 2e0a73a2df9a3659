"""Intake channels: 12345 bulk import (idempotent upsert, bad rows named), forum/visit batches,
assigned and found problems with their origin."""

from __future__ import annotations

import io
import json

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from qitong.db.models import AuditEvent, OutboxMessage, Ticket
from qitong.domain.errors import Forbidden, InvalidInput
from qitong.domain.tickets.lifecycle import Action, Status
from qitong.services.audit import verify
from qitong.services.context import Context
from qitong.services.tickets.actions import perform
from qitong.services.tickets.channels import (
    AssignedIn,
    BatchIn,
    assigned_intake,
    batch_intake,
    hotline_importer,
    import_hotline,
)
from qitong.services.tickets.intake import TicketCreate
from tests.support.world import build_world

MAPPING = {
    "source": "12345",
    "fields": {"工单编号": "source_id", "标题": "title", "诉求内容": "content", "来电人": "submitter_name",
               "联系电话": "submitter_phone", "企业名称": "enterprise_name", "诉求类型": "ticket_type",
               "来电时间": "received_at"},
    "values": {"ticket_type": {"求助": "help"}},
}
HEADER = "工单编号,标题,诉求内容,来电人,联系电话,企业名称,诉求类型,来电时间,备注"
GOOD1 = "GD2026110001,厂区门口道路积水,厂区门口道路积水严重，货车无法进出，影响正常生产,李女士,13900002222,象湖县鑫达机械有限公司,求助,2026-11-20 10:00,"
GOOD2 = "GD2026110002,食品经营许可咨询,请问新开门店办理食品经营许可需要哪些材料，多久能办好,张先生,0574-88001234,象湖县海湾水产养殖专业合作社,咨询,2026-11-20 11:00,"
BAD_PHONE = "GD2026110003,用电报装咨询,新厂房用电报装需要准备哪些材料，多久可以通电,赵总,12,象湖县鑫达机械有限公司,咨询,,"
NO_ENT = "GD2026110004,个人咨询事项,个人社保转移接续怎么办理，需要哪些证明材料,钱先生,13900003333,,咨询,,"
NO_ID = ",无编号工单,这一行没有工单编号，导入时应当报错并给出行号,孙女士,13900004444,象湖县鑫达机械有限公司,求助,,"


def _csv(*rows: str) -> bytes:
    return ("\n".join([HEADER, *rows]) + "\n").encode("utf-8")


def _count(ctx: Context) -> int:
    with ctx.sessions() as s:
        return s.scalar(select(func.count()).select_from(Ticket)) or 0


def test_importing_the_same_file_twice_changes_nothing(ctx: Context) -> None:
    w = build_world(ctx)
    body = _csv(GOOD1, BAD_PHONE, GOOD2, NO_ENT, NO_ID)
    rep = import_hotline(ctx, w["agent"], "12345-1120.csv", body, json.dumps(MAPPING))
    assert (rep.created, rep.updated, rep.unchanged) == (2, 0, 0)
    assert [(e["line"], e["source_id"]) for e in rep.errors] == [(3, "GD2026110003"), (5, "GD2026110004"),
                                                                (6, None)]
    assert "联系电话" in rep.errors[0]["reason"] and "企业" in rep.errors[1]["reason"]
    again = import_hotline(ctx, w["agent"], "12345-1120.csv", body, json.dumps(MAPPING))
    assert (again.created, again.updated, again.unchanged, len(again.errors)) == (0, 0, 2, 3)
    assert _count(ctx) == 2
    with ctx.sessions() as s:
        t = s.scalars(select(Ticket).where(Ticket.source_id == "GD2026110001")).one()
        assert (t.source, t.channel.value, t.enterprise_id, t.status) == ("12345", "hotline_12345", w.ent["ent1"],
                                                                          Status.submitted)
        c = s.scalars(select(Ticket).where(Ticket.source_id == "GD2026110002")).one()
        assert c.ticket_type.value == "consultation" and c.enterprise_id == w.ent["ent2"]
        ev = s.scalars(select(AuditEvent).where(AuditEvent.ticket_id == t.id)).one()
        assert ev.data["source_id"] == "GD2026110001" and ev.data["source_received_at"] == "2026-11-20T10:00:00+08:00"
        assert s.scalar(select(func.count()).select_from(OutboxMessage)
                        .where(OutboxMessage.topic == "ticket.submit")) == 2
        assert verify(s).ok


def test_the_call_time_must_be_a_time_and_not_in_the_future(ctx: Context) -> None:
    w = build_world(ctx)
    words = GOOD1.replace("2026-11-20 10:00", "昨天下午")
    future = GOOD2.replace("2026-11-20 11:00", "2030-01-01 09:00")
    slashed = GOOD1.replace("GD2026110001", "GD2026110009").replace("2026-11-20 10:00", "2026/11/19 9:05")
    chinese = GOOD1.replace("GD2026110001", "GD2026110010").replace("2026-11-20 10:00", "2026年11月19日 09:30")
    rep = import_hotline(ctx, w["agent"], "f.csv", _csv(words, future, slashed, chinese), json.dumps(MAPPING))
    with ctx.sessions() as s:
        kept = {ev.data["source_id"]: ev.data["source_received_at"] for ev in s.scalars(
            select(AuditEvent).where(AuditEvent.action == "submit"))}
    assert kept == {"GD2026110009": "2026-11-19T09:05:00+08:00", "GD2026110010": "2026-11-19T09:30:00+08:00"}
    assert rep.created == 2 and [(e["line"], e["field"]) for e in rep.errors] == [(2, "received_at"),
                                                                                  (3, "received_at")]
    assert "“昨天下午”格式不正确" in rep.errors[0]["reason"] and "晚于当前时间" in rep.errors[1]["reason"]


def test_a_changed_source_row_updates_until_the_center_accepts(ctx: Context) -> None:
    w = build_world(ctx)
    import_hotline(ctx, w["agent"], "a.csv", _csv(GOOD1, GOOD2), json.dumps(MAPPING))
    edited = _csv(GOOD1.replace("货车无法进出", "货车和员工都无法进出"), GOOD2.replace("多久能办好", "几天能办好"))
    with ctx.sessions() as s:
        second = s.scalars(select(Ticket.id).where(Ticket.source_id == "GD2026110002")).one()
    perform(ctx, w["agent"], second, Action.accept)
    rep = import_hotline(ctx, w["agent"], "a.csv", edited, json.dumps(MAPPING))
    assert (rep.created, rep.updated, rep.unchanged) == (0, 1, 1)
    assert [x["source_id"] for x in rep.stale] == ["GD2026110002"]
    with ctx.sessions() as s:
        t = s.scalars(select(Ticket).where(Ticket.source_id == "GD2026110001")).one()
        assert "员工" in t.content
        ev = s.scalars(select(AuditEvent).where(AuditEvent.action == "import_update")).one()
        assert ev.ticket_id == t.id and "content" in ev.after and ev.data["line"] == 2


def test_json_and_excel_exports_go_through_the_same_mapping(ctx: Context) -> None:
    w = build_world(ctx)
    flat = {"id": "source_id", "title": "title", "body": "content", "name": "submitter_name",
            "phone": "submitter_phone", "company": "enterprise_name"}
    items = [{"id": "J1", "title": "污水管网堵塞", "body": "园区污水管网堵塞，雨天倒灌进厂房", "name": "周工",
              "phone": "13700001111", "company": "象湖县鑫达机械有限公司"},
             {"id": "J2", "title": "短", "body": "太短", "name": "吴工", "phone": "13700002222", "company": "某公司"}]
    rep = import_hotline(ctx, w["dispatcher"], "orders.json", json.dumps({"items": items}).encode(), json.dumps(flat))
    assert rep.created == 1 and [e["line"] for e in rep.errors] == [2]
    wb = Workbook()
    sh = wb.active
    assert sh is not None
    sh.append(["工单编号", "标题", "诉求内容", "来电人", "联系电话", "企业名称"])
    sh.append([20261120001.0, "招工难求助", "企业今年扩产，招工困难，希望人社部门帮助对接招聘会", "郑经理",
               "13600001111", "象湖县鑫达机械有限公司"])
    buf = io.BytesIO()
    wb.save(buf)
    rep = import_hotline(ctx, w["agent"], "orders.xlsx", buf.getvalue(), json.dumps(MAPPING))
    assert rep.created == 1 and rep.errors == []
    with ctx.sessions() as s:
        assert s.scalars(select(Ticket.source_id).where(Ticket.title == "招工难求助")).one() == "20261120001"


def test_import_refuses_what_it_cannot_read(ctx: Context) -> None:
    w = build_world(ctx)
    with pytest.raises(Forbidden):
        import_hotline(ctx, w["scj_handler"], "a.csv", _csv(GOOD1), json.dumps(MAPPING))
    with pytest.raises(InvalidInput, match="未知的目标字段"):
        import_hotline(ctx, w["agent"], "a.csv", _csv(GOOD1), json.dumps({"工单编号": "source_id", "x": "薪资"}))
    with pytest.raises(InvalidInput, match="source_id"):
        import_hotline(ctx, w["agent"], "a.csv", _csv(GOOD1), json.dumps({"标题": "title"}))
    with pytest.raises(InvalidInput, match="工单编号列"):
        import_hotline(ctx, w["agent"], "a.csv", b"a,b\n1,2\n", json.dumps(MAPPING))
    with pytest.raises(InvalidInput, match=r"\.xlsx"):
        import_hotline(ctx, w["agent"], "a.txt", b"", json.dumps(MAPPING))
    gbk = _csv(GOOD1).decode().encode("gb18030")
    assert import_hotline(ctx, hotline_importer(), "gbk.csv", gbk, json.dumps(MAPPING)).created == 1


def _item(title: str, content: str) -> TicketCreate:
    return TicketCreate(title=title, content=content, submitter_name="王经理", submitter_phone="13800001111",
                        enterprise_id=1)


def test_forum_batch_lands_whole_or_not_at_all(ctx: Context) -> None:
    w = build_world(ctx)
    ok = [_item("园区公交线路太少", "园区员工通勤困难，希望增开公交线路和班次"),
          _item("厂房消防验收慢", "新厂房消防验收排队两个月，希望加快进度")]
    bad = [*ok, TicketCreate(title="企业不存在", content="指定了一个不存在的企业编号用于测试",
                             submitter_name="王", submitter_phone="13800001111", enterprise_id=999)]
    with pytest.raises(InvalidInput) as e:
        batch_intake(ctx, w["agent"], BatchIn(channel="forum", origin="2026年11月湖东镇政企座谈会", items=bad))
    assert e.value.field == "items[2].enterprise_id" and "第 3 条" in e.value.message
    assert _count(ctx) == 0
    created = batch_intake(ctx, w["agent"], BatchIn(channel="visit", origin="县领导走访鑫达机械", items=ok))
    assert len(created) == 2
    with ctx.sessions() as s:
        rows = s.scalars(select(Ticket)).all()
        assert {(t.channel.value, t.origin) for t in rows} == {("visit", "县领导走访鑫达机械")}
        ev = s.scalars(select(AuditEvent).where(AuditEvent.ticket_id == created[1].ticket_id)).one()
        assert ev.data["origin"] == "县领导走访鑫达机械" and ev.data["batch_item"] == 2
    with pytest.raises(Forbidden):
        batch_intake(ctx, w["leader"], BatchIn(channel="forum", origin="座谈会", items=ok))


def test_assigned_and_found_problems_keep_their_origin(ctx: Context) -> None:
    w = build_world(ctx)
    item = _item("企业融资难问题", "多家企业反映贷款审批慢，需要协调金融机构")
    led = assigned_intake(ctx, w["leader"], AssignedIn(channel="leader_assigned", origin="县长批示（2026-11-20）",
                                                       ticket=item))
    sup = assigned_intake(ctx, w["supervisor"], AssignedIn(channel="supervision_found",
                                                           origin="营商环境专项督查第3组", ticket=item))
    with ctx.sessions() as s:
        got = {t.id: (t.channel.value, t.origin) for t in s.scalars(select(Ticket))}
    assert got[led.ticket_id] == ("leader_assigned", "县长批示（2026-11-20）")
    assert got[sup.ticket_id] == ("supervision_found", "营商环境专项督查第3组")
    with pytest.raises(Forbidden):
        assigned_intake(ctx, w["supervisor"], AssignedIn(channel="leader_assigned", origin="某批示", ticket=item))
