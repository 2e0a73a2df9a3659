"""Responsibility list, dispatch proposals and their audit trail, the classifier and its cold start."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import select

from qitong.db.models import AuditEvent, Category, Ticket
from qitong.domain.errors import Conflict, Forbidden, InvalidInput
from qitong.domain.tickets.lifecycle import Action, Status
from qitong.domain.tickets.vocab import Tier
from qitong.services.audit import verify
from qitong.services.context import Context
from qitong.services.routing import responsibility as resp
from qitong.services.routing import responsibility_xlsx as xlsx
from qitong.services.routing import suggest, training
from qitong.services.tickets.actions import perform
from qitong.services.tickets.channels import BatchIn, batch_intake
from qitong.services.tickets.intake import TicketCreate
from qitong.services.tickets.payloads import ActionPayload
from qitong.services.tickets.views import ticket_page
from qitong.settings import Settings
from tests.support.routing_data import CLASSES, samples
from tests.support.world import World, build_world

TODAY = date(2026, 11, 23)


def _world(ctx: Context, tmp_path: Path) -> World:
    ctx.settings = Settings(database_url=ctx.settings.database_url, attachment_dir=ctx.settings.attachment_dir,
                            routing_model_path=tmp_path / "models" / "routing.joblib", routing_min_training=10)
    w = build_world(ctx)
    with ctx.sessions.begin() as s:
        s.add(Category(code="gcjs", name="工程建设"))
        s.add(Category(code="ydgh", name="用地规划"))
    return w


def _entry(w: World, cat: str, lead: str, start: date, end: date | None = None, **kw: object) -> resp.EntryIn:
    return resp.EntryIn(category_code=cat, lead_unit_id=w.dept[lead], effective_from=start, effective_to=end,
                        **kw)  # type: ignore[arg-type]


def _list(w: World, ctx: Context) -> None:
    for cat, (lead, _t, words) in CLASSES.items():
        resp.create_entry(ctx, w["admin"], _entry(w, cat, lead, date(2026, 1, 1), keywords=words[:4],
                                                  legal_basis="《优化营商环境条例》"))


def _tickets(ctx: Context, w: World, rows: list[tuple[str, str, str]]) -> list[int]:
    items = [TicketCreate(title=title, content=content + "请尽快处理。", submitter_name="王经理",
                          submitter_phone="13800001111", enterprise_id=w.ent["ent1"]) for _c, title, content in rows]
    out: list[int] = []
    for i in range(0, len(items), 100):
        out += [c.ticket_id for c in batch_intake(ctx, w["agent"],
                                                  BatchIn(channel="forum", origin="政企座谈会", items=items[i:i + 100]))]
    return out


def test_versions_and_the_entry_in_force(ctx: Context, tmp_path: Path) -> None:
    w = _world(ctx, tmp_path)
    v1 = resp.create_entry(ctx, w["admin"], _entry(w, "gcjs", "zjj", date(2026, 1, 1), co_unit_ids=[w.dept["zrj"]]))
    v2 = resp.create_entry(ctx, w["admin"], _entry(w, "gcjs", "zrj", date(2027, 1, 1), tier=Tier.city))
    assert (v1["version"], v2["version"]) == (1, 2)
    listed = resp.list_entries(ctx, w["dispatcher"], "gcjs")
    assert listed[0]["effective_to"] == "2026-12-31"  # the open-ended v1 was closed the day before v2
    assert listed[0]["co_units"] == ["县自然资源和规划局"]
    with ctx.sessions() as s:
        now = resp.propose_dispatch(s, "gcjs", TODAY)
        later = resp.propose_dispatch(s, "gcjs", date(2027, 3, 1))
        assert now and later and now.entry_id == v1["id"] and later.entry_id == v2["id"]
        assert now.co_unit_ids == [w.dept["zrj"]] and later.tier == "city"
        # no entry: the category's own default, then nothing
        dflt = resp.propose_dispatch(s, "zwfw.spxl", TODAY)
        assert dflt and dflt.source == "category_default" and dflt.lead_unit_id == w.dept["scj"]
        assert resp.propose_dispatch(s, "ydgh", TODAY) is None
    # a child category falls back to its parent's entry
    resp.create_entry(ctx, w["admin"], _entry(w, "zwfw", "board_zw", date(2026, 1, 1)))
    with ctx.sessions() as s:
        child = resp.propose_dispatch(s, "zwfw.spxl", TODAY)
        assert child and child.lead_unit_id == w.dept["board_zw"] and child.category == "zwfw.spxl"
    with pytest.raises(Conflict):
        resp.create_entry(ctx, w["admin"], _entry(w, "gcjs", "zjj", date(2026, 6, 1), date(2026, 6, 30)))
    with pytest.raises(Forbidden):
        resp.create_entry(ctx, w["dispatcher"], _entry(w, "gcjs", "zjj", date(2028, 1, 1)))
    with pytest.raises(InvalidInput, match="协办"):
        resp.create_entry(ctx, w["admin"], _entry(w, "ydgh", "zjj", TODAY, co_unit_ids=[w.dept["zjj"]]))
    upd = resp.update_entry(ctx, w["admin"], v2["id"], _entry(w, "gcjs", "zrj", date(2027, 1, 1),
                                                              legal_basis="《建筑法》第七条"))
    assert upd["legal_basis"] == "《建筑法》第七条" and upd["version"] == 2
    resp.delete_entry(ctx, w["admin"], v2["id"])
    with ctx.sessions() as s:
        actions = [e.action for e in s.scalars(select(AuditEvent).where(AuditEvent.entity == "responsibility"))]
        assert actions.count("responsibility.create") == 3 and "responsibility.close" in actions
        assert "responsibility.update" in actions and "responsibility.delete" in actions
        assert verify(s).ok


def test_dispatch_records_which_entry_proposed_and_whether_it_was_followed(ctx: Context, tmp_path: Path) -> None:
    w = _world(ctx, tmp_path)
    e = resp.create_entry(ctx, w["admin"], _entry(w, "gcjs", "zjj", date(2026, 1, 1), co_unit_ids=[w.dept["zrj"]]))
    a, b = _tickets(ctx, w, samples(1)[:2])
    for tid in (a, b):
        perform(ctx, w["agent"], tid, Action.accept, ActionPayload(category="gcjs"))
    assert suggest.proposal(ctx, w["dispatcher"], a)["proposal"]["lead_unit"] == "县住房和城乡建设局"
    perform(ctx, w["dispatcher"], a, Action.dispatch,
            ActionPayload(lead_unit_id=w.dept["zjj"], co_unit_ids=[w.dept["zrj"]]))
    perform(ctx, w["dispatcher"], b, Action.dispatch, ActionPayload(lead_unit_id=w.dept["scj"]))
    with ctx.sessions() as s:
        data = {ev.ticket_id: ev.data for ev in s.scalars(select(AuditEvent).where(AuditEvent.action == "dispatch"))}
    assert data[a]["proposal"] == {"entry_id": e["id"], "version": 1, "source": "responsibility_list",
                                   "lead_unit_id": w.dept["zjj"], "co_unit_ids": [w.dept["zrj"]], "followed": True}
    assert data[b]["proposal"]["followed"] is False and data[b]["proposal"]["entry_id"] == e["id"]
    with pytest.raises(Forbidden):
        suggest.proposal(ctx, w["ent1_user"], a)


def test_excel_round_trip_is_idempotent_and_bad_rows_are_named(ctx: Context, tmp_path: Path) -> None:
    w = _world(ctx, tmp_path)
    _list(w, ctx)
    book = xlsx.export_xlsx(ctx, w["dispatcher"])
    again = xlsx.import_xlsx(ctx, w["admin"], book)
    assert (again.created, again.unchanged, again.errors) == (0, 3, [])
    ws = load_workbook(io.BytesIO(book)).worksheets[0]
    assert [c.value for c in ws[1]][:4] == ["分类代码", "分类名称", "版本", "主办单位"]
    assert str(ws.cell(2, 4).value).startswith("县")  # units by their full names
    wb = Workbook()
    sh = wb.active
    assert sh is not None
    sh.append(["分类代码", "主办单位", "协办单位", "层级", "关键词", "生效日期"])
    sh.append(["gcjs", "县自然资源和规划局", "scj、zjj", "市级", "施工许可，竣工", date(2027, 1, 1)])
    sh.append(["ydgh", "不存在的局", "", "县级", "", "2027-01-01"])
    sh.append(["ydgh", "zrj", "", "县级", "", "明年"])
    sh.append(["ydgh", "zrj", "", "县级", "规划" * 20, "2027-01-01"])
    sh.append(["", "zrj", "", "县级", "", "2027-01-01"])
    buf = io.BytesIO()
    wb.save(buf)
    rep = xlsx.import_xlsx(ctx, w["admin"], buf.getvalue())
    assert rep.created == 1
    assert [(e["line"], e["field"]) for e in rep.errors] == [(3, "主办单位"), (4, "生效日期"), (5, "关键词"),
                                                              (6, "分类代码")]
    assert [e["reason"] for e in rep.errors[2:]] == ["关键词每个不超过 32 个字", "“分类代码”至少 1 个字"]  # Chinese
    with ctx.sessions() as s:
        new = resp.propose_dispatch(s, "gcjs", date(2027, 2, 1))
        assert new and new.version == 2 and new.tier == "city" and new.co_unit_ids == [w.dept["scj"], w.dept["zjj"]]
    with pytest.raises(InvalidInput, match="表头"):
        xlsx.import_xlsx(ctx, w["admin"], _sheet([["随便", "什么"]]))
    with pytest.raises(InvalidInput):
        xlsx.import_xlsx(ctx, w["admin"], b"not a workbook")


def _sheet(rows: list[list[object]]) -> bytes:
    wb = Workbook()
    sh = wb.active
    assert sh is not None
    for r in rows:
        sh.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_cold_start_answers_from_the_list_keywords(ctx: Context, tmp_path: Path) -> None:
    w = _world(ctx, tmp_path)
    _list(w, ctx)
    (tid,) = _tickets(ctx, w, [("gcjs", "工程款拖欠问题", "我公司承建的建筑工地工程款拖欠，施工许可也迟迟未办")])
    out = suggest.suggestions(ctx, w["dispatcher"], tid)
    assert out["source"] == "keywords" and out["model"] is None
    assert out["category"][0]["value"] == "gcjs" and "工程款拖欠" in out["category"][0]["words"]
    assert out["lead_unit"][0]["label"] == "县住房和城乡建设局"
    assert out["ticket_type"][0]["value"] in {"help", "complaint"}
    assert out["preselect"]["category"] == "gcjs"  # the only category hit: 0.85 ≥ 0.6
    page = ticket_page(ctx, w["dispatcher"], tid)
    assert page.routing is not None and page.routing["suggestions"]["preselect"]["category"] == "gcjs"
    assert ticket_page(ctx, w["agent"], tid).routing is not None  # the agent accepts: type and category
    assert ticket_page(ctx, w["supervisor"], tid).routing is None  # reads it, decides nothing here


def test_trained_model_suggests_with_confidence_and_words(ctx: Context, tmp_path: Path) -> None:
    w = _world(ctx, tmp_path)
    _list(w, ctx)
    rows = samples(15)
    ids = _tickets(ctx, w, rows)
    assert training.retrain(ctx) is None  # nothing closed yet
    with ctx.sessions.begin() as s:  # test set-up: these tickets went the whole way round
        for tid, (cat, _t, _c) in zip(ids, rows, strict=True):
            t = s.get(Ticket, tid)
            assert t is not None
            lead, ttype, _w = CLASSES[cat]
            t.status, t.category, t.lead_unit_id, t.ticket_type = Status.closed, cat, w.dept[lead], ttype  # type: ignore[assignment]
    meta = training.retrain(ctx)
    assert meta is not None and meta["samples"] == 45 and set(meta["heads"]) == {"ticket_type", "category", "lead_unit"}
    assert training.retrain(ctx) is None  # no new closed tickets: nothing to do
    (new,) = _tickets(ctx, w, [("ydgh", "厂房用地规划许可咨询", "请问厂房用地的规划许可和不动产登记怎么办理")])
    out = suggest.suggestions(ctx, w["dispatcher"], new)
    assert out["source"] == "model" and out["model"]["source"] == "tickets"
    top = out["category"][0]
    assert top["value"] == "ydgh" and top["label"] == "用地规划" and top["confidence"] > out["category"][1]["confidence"]
    assert len(out["category"]) == 3 and top["words"]
    assert any(word in "厂房用地的规划许可和不动产登记" for word in top["words"])
    assert out["lead_unit"][0]["label"] == "县自然资源和规划局"
    assert out["ticket_type"][0]["value"] == "consultation"
    assert out["preselect"]["category"] == ("ydgh" if top["confidence"] >= 0.6 else None)
    f1, acc, n = training.evaluate(ctx, training.Labelled([f"{t}{c}" for _k, t, c in samples(5, seed=9)],
                                                         {"category": [k for k, _t, _c in samples(5, seed=9)]}))
    assert n == 15 and f1 > 0.8 and acc > 0.8
    with ctx.sessions() as s:
        ev = s.scalars(select(AuditEvent).where(AuditEvent.action == "routing.train")).one()
        assert ev.data["samples"] == 45


def test_train_and_evaluate_refuse_what_they_cannot_use(ctx: Context, tmp_path: Path) -> None:
    _world(ctx, tmp_path)
    with pytest.raises(InvalidInput, match="尚未训练"):
        training.evaluate(ctx, training.Labelled(["营业执照变更"], {"category": ["a"]}))
    with pytest.raises(InvalidInput, match="只有一个类别"):
        training.train(ctx, training.Labelled(["营业执照变更", "营业执照注销"], {"category": ["a", "a"]}), source="t")
    bad = tmp_path / "bad.csv"
    bad.write_text("类别,内容\n甲,乙\n", encoding="utf-8")
    with pytest.raises(InvalidInput, match="label 和 text"):
        training.read_csv(bad)
    gbk = tmp_path / "gbk.csv"
    gbk.write_bytes("label,text\n城乡建设,小区道路破损\n".encode("gb18030"))
    assert training.read_csv(gbk).heads["category"] == ["城乡建设"]
