"""Attachments: type and size checked, the content sniffed, access as for the ticket."""

from __future__ import annotations

from typing import Any

from tests.support.api import Api

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


def _ticket(api: Api) -> dict[str, Any]:
    r = api.c.post("/api/tickets", headers=api.login("ent1_user"), json={
        "title": "施工许可证审批材料反复退回", "content": "同一份材料已被退回三次，每次意见都不一样。",
        "submitter_name": "赵强", "submitter_phone": "13700003333"})
    assert r.status_code == 201
    out: dict[str, Any] = r.json()
    return out


def test_upload_download_and_refusals(api: Api) -> None:
    tid = _ticket(api)["id"]
    h = api.login("ent1_user")
    r = api.c.post(f"/api/tickets/{tid}/attachments", headers=h, files={"file": ("现场照片.png", PNG, "image/png")})
    assert r.status_code == 201, r.text
    aid = r.json()["id"]
    got = api.c.get(f"/api/tickets/{tid}/attachments/{aid}", headers=api.login("agent"))
    assert got.status_code == 200 and got.content == PNG and got.headers["content-type"] == "image/png"
    assert api.c.get(f"/api/tickets/{tid}/attachments/{aid}", headers=api.login("ent2_user")).status_code == 403
    bad_type = api.c.post(f"/api/tickets/{tid}/attachments", headers=h,
                          files={"file": ("run.exe", b"MZ\x90\x00", "application/x-msdownload")})
    assert bad_type.status_code == 422 and bad_type.json()["field"] == "file"
    lying = api.c.post(f"/api/tickets/{tid}/attachments", headers=h,
                       files={"file": ("合同.pdf", b"not a pdf at all", "application/pdf")})
    assert lying.status_code == 422 and "不符" in lying.json()["detail"]
    api.c.app.state.ctx.settings.max_attachment_bytes = 32  # type: ignore[attr-defined]
    big = api.c.post(f"/api/tickets/{tid}/attachments", headers=h, files={"file": ("大图.png", PNG, "image/png")})
    assert big.status_code == 422 and "过大" in big.json()["detail"]
    d = api.get("agent", f"/api/tickets/{tid}")
    assert [a["filename"] for a in d["attachments"]] == ["现场照片.png"]
    assert "attach" in [e["action"] for e in api.get("agent", f"/api/tickets/{tid}/timeline")]
