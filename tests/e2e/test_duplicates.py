"""Near-duplicates over HTTP: the JSON API with its access rules, the submit-page fragment, the
相似工单 panel's link and merge forms (CSRF), the 热点问题 page; SQLite and PostgreSQL."""

from __future__ import annotations

from fastapi.testclient import TestClient

from qitong.services.tickets.intake import TicketCreate, create_ticket
from tests.service.test_duplicates import TEXT, TEXT2, TITLE, TITLE2
from tests.support.api import Api
from tests.support.pages import pages
from tests.support.world import World


def _new(w: World, user: str, title: str = TITLE, content: str = TEXT, **kw: object) -> tuple[int, str]:
    data = TicketCreate(title=title, content=content, submitter_name="王建国", submitter_phone="13812345678",
                        **kw)  # type: ignore[arg-type]
    c = create_ticket(w.ctx, w[user], data)
    return c.ticket_id, c.number


def test_api_check_similar_link_merge_and_hot_topics(api: Api) -> None:
    w = api.w
    a, a_no = _new(w, "ent1_user")
    b, _ = _new(w, "ent2_user", TITLE2, TEXT2)
    h = api.login("ent2_user")
    r = api.c.post("/api/duplicates/check", json={"title": TITLE2, "content": TEXT2}, headers=h)
    assert r.status_code == 200, r.text
    own, item = sorted(r.json()["items"], key=lambda i: not i["own"])  # its own b in full, ent1's a masked
    assert own == {**own, "ticket_id": b, "title": TITLE2}
    assert r.json()["warning"] == "已有相似问题正在办理" and item["number"] == a_no and "ticket_id" not in item
    assert TITLE not in r.text and "鑫达" not in r.text
    r = api.c.post("/api/duplicates/check", json={"title": TITLE2, "content": TEXT2, "x": 1}, headers=h)
    assert r.status_code == 422
    api.get("ent1_user", f"/api/tickets/{a}/similar", expect=403)
    got = api.get("agent", f"/api/tickets/{b}/similar")
    assert [i["ticket_id"] for i in got["items"]] == [a] and got["can_merge"]
    r = api.c.post(f"/api/tickets/{b}/duplicate-of", json={"original_id": a}, headers=api.login("scj_handler"))
    assert r.status_code == 403 and r.json()["field"] == "role"
    r = api.c.post(f"/api/tickets/{b}/merge", json={"original_id": a, "reason": "同一事项"},
                   headers=api.login("agent"))
    assert r.status_code == 200, r.text
    assert r.json() == {"ticket_id": b, "duplicate_of": a_no, "original_id": a, "repeat_count": 1}
    assert api.get("agent", f"/api/tickets/{b}")["status"] == "merged"
    r = api.c.post(f"/api/tickets/{b}/duplicate-of", json={"original_id": a}, headers=api.login("agent"))
    assert r.status_code == 409
    hot = api.get("leader", "/api/hot-topics?days=7")
    assert [(t["first_ticket_id"], t["tickets"]) for t in hot["items"]] == [(a, 2)]
    api.get("scj_handler", "/api/hot-topics", expect=403)
    api.get("leader", "/api/hot-topics?days=0", expect=422)


def test_submit_page_panel_warns_with_masked_titles(client: TestClient, world: World) -> None:
    a, a_no = _new(world, "ent1_user")
    p = pages(client, "ent2_user")
    assert 'hx-get="/duplicates/intake"' in p.get("/portal/submit").text
    html = p.get("/duplicates/intake", params={"title": TITLE2, "content": TEXT2}).text
    assert "已有相似问题正在办理" in html and a_no in html and TITLE not in html and f"/tickets/{a}" not in html
    assert "暂未发现" in p.get("/duplicates/intake", params={"title": "厂区道路积水", "content": "货车无法进出"}).text
    own = pages(client, "ent1_user").get("/duplicates/intake", params={"title": TITLE2, "content": TEXT2}).text
    assert f'href="/tickets/{a}"' in own and TITLE in own


def test_ticket_panel_links_and_merges_with_csrf(client: TestClient, world: World) -> None:
    a, a_no = _new(world, "ent1_user")
    b, _ = _new(world, "ent2_user", TITLE2, TEXT2)
    c, _ = _new(world, "ent2_user", TITLE2 + "再次反映", TEXT2)
    p = pages(client, "agent")
    assert 'hx-get="/duplicates/similar/' in p.get(f"/tickets/{b}").text
    panel = p.get(f"/duplicates/similar/{b}").text
    assert "并入此单" in panel and "标记为重复件" in panel and a_no in panel
    p.post(f"/duplicates/{b}/link", {"original_id": str(a)}, expect=403, csrf=False)
    r = p.post(f"/duplicates/{b}/link", {"original_id": str(a), "reason": "同一事项"})
    assert r.headers["location"] == f"/tickets/{b}"
    assert "重复件，原工单" in p.get(f"/duplicates/similar/{b}").text
    assert "重复反映 1 次" in p.get(f"/duplicates/similar/{a}").text
    r = p.post(f"/duplicates/{c}/merge", {"original_id": str(a)})
    assert r.headers["location"] == f"/tickets/{a}"
    assert "重复反映 2 次" in p.get(f"/duplicates/similar/{a}").text
    h = pages(client, "scj_handler")
    h.get(f"/duplicates/similar/{a}", expect=403)  # never sent to scj


def test_hot_topics_page_for_center_and_oversight_only(client: TestClient, world: World) -> None:
    _new(world, "ent1_user")
    _new(world, "ent2_user", TITLE2, TEXT2)
    html = pages(client, "supervisor").get("/hot-topics?days=7").text
    assert 'id="hot-topics"' in html and TITLE in html and "热点问题" in html
    pages(client, "scj_handler").get("/hot-topics", expect=403)
