"""Issue 5 over HTTP and the command line: 12345 import, batches, the responsibility list, proposals,
suggestions; `qitong import 12345`, `qitong routing train|evaluate`."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from qitong.cli.main import app as cli
from tests.support.api import Api
from tests.support.routing_data import csv_text, samples

MAPPING = {"工单编号": "source_id", "标题": "title", "诉求内容": "content", "来电人": "submitter_name",
           "联系电话": "submitter_phone", "企业名称": "enterprise_name"}
CSV = ("工单编号,标题,诉求内容,来电人,联系电话,企业名称\n"
       "GD1,施工许可办理慢,新厂房施工许可材料提交一个月仍未办结,陈工,13500001111,象湖县鑫达机械有限公司\n"
       "GD2,缺内容,短,陈工,13500001111,象湖县鑫达机械有限公司\n").encode()


def test_12345_import_over_http(api: Api) -> None:
    h = api.login("agent")
    files = {"file": ("orders.csv", CSV, "text/csv")}
    r = api.c.post("/api/imports/12345", files=files, data={"mapping_json": json.dumps(MAPPING)}, headers=h)
    assert r.status_code == 200, r.text
    assert r.json()["created"] == 1 and r.json()["errors"][0]["line"] == 3
    r = api.c.post("/api/imports/12345", headers=h, files={
        "file": ("orders.csv", CSV, "text/csv"), "mapping": ("m.json", json.dumps(MAPPING).encode(), "application/json")})
    assert r.json()["created"] == 0 and r.json()["unchanged"] == 1
    r = api.c.post("/api/imports/12345", files=files, data={"mapping_json": json.dumps(MAPPING)},
                   headers=api.login("ent1_user"))
    assert r.status_code == 403
    r = api.c.post("/api/imports/12345", files=files, headers=h)
    assert r.status_code == 422 and r.json()["field"] == "mapping"


def test_batches_and_assigned_problems_over_http(api: Api) -> None:
    item = {"title": "园区道路破损", "content": "园区主干道路面破损严重，大货车通行困难", "submitter_name": "王经理",
            "submitter_phone": "13800001111", "enterprise_id": api.w.ent["ent1"]}
    r = api.c.post("/api/intake/batch", json={"channel": "forum", "origin": "湖东镇政企座谈会", "items": [item, item]},
                   headers=api.login("agent"))
    assert r.status_code == 201 and r.json()["count"] == 2
    r = api.c.post("/api/intake/assigned", json={"channel": "leader_assigned", "origin": "县长批示", "ticket": item},
                   headers=api.login("leader"))
    assert r.status_code == 201
    r = api.c.post("/api/intake/assigned", json={"channel": "web", "origin": "县长批示", "ticket": item},
                   headers=api.login("leader"))
    assert r.status_code == 422


def test_responsibility_list_proposal_and_suggestions_over_http(api: Api) -> None:
    admin = api.login("admin")
    body = {"category_code": "zwfw.spxl", "lead_unit_id": api.w.dept["scj"], "co_unit_ids": [api.w.dept["board_zw"]],
            "tier": "county", "legal_basis": "《优化营商环境条例》第三十五条", "keywords": ["营业执照", "审批"],
            "effective_from": "2026-01-01"}
    r = api.c.post("/api/responsibility", json=body, headers=admin)
    assert r.status_code == 201, r.text
    eid = r.json()["id"]
    assert api.c.post("/api/responsibility", json=body, headers=api.login("dispatcher")).status_code == 403
    r = api.c.put(f"/api/responsibility/{eid}", json={**body, "keywords": ["营业执照", "审批", "许可"]}, headers=admin)
    assert r.status_code == 200 and r.json()["keywords"][-1] == "许可"
    assert len(api.get("dispatcher", "/api/responsibility?on=2026-11-23")) == 1
    book = api.c.get("/api/responsibility/export.xlsx", headers=admin)
    assert book.status_code == 200 and book.content[:2] == b"PK"
    r = api.c.post("/api/responsibility/import", headers=admin,
                   files={"file": ("list.xlsx", book.content, "application/octet-stream")})
    assert r.json() == {"created": 0, "unchanged": 1, "failed": 0, "errors": []}
    t = api.c.post("/api/tickets", headers=api.login("agent"), json={
        "title": "营业执照变更审批超时", "content": "营业执照变更提交材料已经二十个工作日，审批仍未完成",
        "submitter_name": "王经理", "submitter_phone": "13800001111", "enterprise_id": api.w.ent["ent1"],
        "category": "zwfw.spxl"}).json()
    prop = api.get("dispatcher", f"/api/tickets/{t['id']}/proposal")["proposal"]
    assert prop["entry_id"] == eid and prop["lead_unit"] == "县市场监督管理局" and prop["co_units"] == ["政务服务板块"]
    sug = api.get("dispatcher", f"/api/tickets/{t['id']}/suggestions")
    assert sug["source"] == "keywords" and sug["category"][0]["value"] == "zwfw.spxl"
    assert sug["preselect"]["lead_unit"] == str(api.w.dept["scj"])
    api.get("ent1_user", f"/api/tickets/{t['id']}/suggestions", expect=403)
    assert api.c.delete(f"/api/responsibility/{eid}", headers=admin).status_code == 204
    assert api.get("dispatcher", f"/api/tickets/{t['id']}/proposal")["proposal"]["source"] == "category_default"


def test_cli_import_train_and_evaluate(api: Api, tmp_path: Path) -> None:
    env = {"QITONG_DATABASE_URL": api.w.ctx.settings.database_url,
           "QITONG_ROUTING_MODEL_PATH": str(tmp_path / "m.joblib")}
    run = CliRunner().invoke
    orders, mapping = tmp_path / "orders.csv", tmp_path / "m.json"
    orders.write_bytes(CSV)
    mapping.write_text(json.dumps(MAPPING), encoding="utf-8")
    r = run(cli, ["import", "12345", str(orders), "--mapping", str(mapping)], env=env)
    assert r.exit_code == 1 and "新建 1 件" in r.stdout and "第 3 行" in r.stderr
    r = run(cli, ["import", "12345", str(orders), "--mapping", str(mapping)], env=env)
    assert "新建 0 件" in r.stdout and "未变 1 件" in r.stdout
    r = run(cli, ["routing", "evaluate", "--data", str(orders)], env=env)
    assert r.exit_code == 2
    train, test = tmp_path / "train.csv", tmp_path / "test.csv"
    train.write_text(csv_text(samples(15)), encoding="utf-8")
    test.write_text(csv_text(samples(5, seed=11)), encoding="utf-8")
    r = run(cli, ["routing", "train", "--data", str(train)], env=env)
    assert r.exit_code == 0, r.output
    assert "45 条样本" in r.stdout
    r = run(cli, ["routing", "evaluate", "--data", str(test)], env=env)
    assert r.exit_code == 0, r.output
    line = r.stdout.strip()
    assert line.startswith("macro_f1=") and " accuracy=" in line
    assert float(line.split()[0].split("=")[1]) > 0.8 and not r.stderr
    odd = tmp_path / "odd.csv"
    odd.write_text("label,text\n外星事务,飞碟降落在工业园区停车场，影响企业正常通行\n", encoding="utf-8")
    r = run(cli, ["routing", "evaluate", "--data", str(odd)], env=env)
    assert r.exit_code == 0 and "macro_f1=0.000" in r.stdout and "外星事务" in r.stderr  # said, not silent
    r = run(cli, ["routing", "evaluate", "--data", str(tmp_path / "missing.csv")], env=env)
    assert r.exit_code == 2 and "找不到文件" in r.stderr
    r = run(cli, ["routing", "train"], env=env)  # nothing closed in this database yet
    assert r.exit_code == 2 and "训练数据" in r.stderr
