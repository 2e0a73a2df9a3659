"""The notifications and admin-outbox API over HTTP, on SQLite and PostgreSQL."""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from qitong.adapters.sms import FileSmsSink
from qitong.adapters.webhooks import WebhookPoster
from qitong.domain.clock import FixedClock
from qitong.jobs.outbox import Senders, deliver_due
from qitong.services.context import Context
from qitong.web.app import create_app
from tests.support.receivers import HttpReceiver, http_receiver
from tests.support.world import PASSWORD, World, build_world


class Client:
    def __init__(self, c: TestClient, ctx: Context, w: World, senders: Senders, hook: HttpReceiver) -> None:
        self.c, self.ctx, self.w, self.senders, self.hook = c, ctx, w, senders, hook
        self.tokens: dict[str, str] = {}

    def h(self, user: str) -> dict[str, str]:
        if user not in self.tokens:
            r = self.c.post("/api/auth/token", json={"username": user, "password": PASSWORD})
            assert r.status_code == 200, r.text
            self.tokens[user] = r.json()["access_token"]
        return {"Authorization": f"Bearer {self.tokens[user]}"}

    def call(self, method: str, user: str, path: str, expect: int = 200, **kw: Any) -> Any:
        r = self.c.request(method, path, headers=self.h(user), **kw)
        assert r.status_code == expect, r.text
        return r.json()

    def deliver(self) -> int:
        self.hook.now = int(self.ctx.clock.now().timestamp())
        return deliver_due(self.ctx, senders=self.senders, rng=random.Random(1))


@pytest.fixture
def api(ctx: Context, clock: FixedClock, tmp_path: Path) -> Iterator[Client]:
    settings = ctx.settings.model_copy(update={"outbox_max_attempts": 1})
    c = Context(ctx.sessions, clock, settings)
    w = build_world(c)
    app = create_app(settings, clock=clock)
    app.state.ctx = c
    senders = Senders(None, FileSmsSink(tmp_path / "sms.log"), WebhookPoster(timeout=5))
    with TestClient(app) as client, http_receiver() as hook:
        yield Client(client, c, w, senders, hook)
    app.state.engine.dispose()


def submit(api: Client, title: str = "营业执照变更审批超时") -> int:
    body = {"title": title, "content": "我公司三周前提交经营范围变更申请，至今没有结果，影响投标。",
            "submitter_name": "王建国", "submitter_phone": "13812345678"}
    out: dict[str, Any] = api.call("POST", "ent1_user", "/api/tickets", 201, json=body)
    return int(out["id"])


def test_own_notifications_unread_first_and_mark_read(api: Client) -> None:
    tid = submit(api)
    api.call("POST", "agent", f"/api/tickets/{tid}/actions/accept", json={"category": "zwfw.spxl"})
    api.deliver()
    page = api.call("GET", "ent1_user", "/api/notifications")
    assert (page["total"], page["unread"]) == (2, 2)
    newest, oldest = page["items"]
    assert (newest["title"], oldest["title"]) == ("诉求已受理", "诉求已收到")
    read = api.call("POST", "ent1_user", f"/api/notifications/{newest['id']}/read")
    assert read["read_at"] is not None
    page = api.call("GET", "ent1_user", "/api/notifications")
    assert [n["title"] for n in page["items"]] == ["诉求已收到", "诉求已受理"]  # unread first
    assert page["unread"] == 1
    assert api.call("GET", "ent1_user", "/api/notifications", params={"unread_only": True})["total"] == 1
    # someone else's notification does not exist for you
    api.call("POST", "ent2_user", f"/api/notifications/{oldest['id']}/read", 404)
    assert api.call("POST", "ent1_user", "/api/notifications/read-all") == {"marked": 1}
    assert api.call("GET", "ent1_user", "/api/notifications")["unread"] == 0


def test_preferences_round_trip(api: Client) -> None:
    assert api.call("GET", "scj_handler", "/api/notifications/preferences") == {
        "email": None, "email_enabled": True, "sms_enabled": True}
    body = {"email": "scj.handler@example.gov.cn", "email_enabled": True, "sms_enabled": False}
    assert api.call("PUT", "scj_handler", "/api/notifications/preferences", json=body) == body
    assert api.call("GET", "scj_handler", "/api/notifications/preferences") == body
    api.call("PUT", "scj_handler", "/api/notifications/preferences", 422, json={"email": "不是邮箱"})


def test_admin_only_outbox_and_webhooks(api: Client) -> None:
    for user in ("dispatcher", "auditor", "ent1_user"):
        api.call("GET", user, "/api/admin/outbox", 403, params={"status": "dead"})
        api.call("POST", user, "/api/admin/outbox/1/replay", 403)
        api.call("GET", user, "/api/admin/webhooks", 403)
    api.call("POST", "admin", "/api/admin/outbox/999/replay", 404)
    created = api.call("POST", "admin", "/api/admin/webhooks", 201,
                       json={"name": "县政务数据平台", "url": api.hook.url, "topics": ["ticket.submit"]})
    assert len(created["secret"]) == 64
    listed = api.call("GET", "admin", "/api/admin/webhooks")
    assert [x["name"] for x in listed] == ["县政务数据平台"] and "secret" not in listed[0]
    api.call("POST", "admin", "/api/admin/webhooks", 422, json={"name": "x", "url": "ftp://x", "topics": []})


def test_dead_letter_replay_over_http(api: Client) -> None:
    created = api.call("POST", "admin", "/api/admin/webhooks", 201,
                       json={"name": "县政务数据平台", "url": api.hook.url, "topics": ["ticket.*"]})
    api.hook.secret = created["secret"]
    api.hook.script = [500]
    submit(api)
    api.deliver()  # one attempt allowed: dead at once
    dead = api.call("GET", "admin", "/api/admin/outbox", params={"status": "dead"})
    assert dead["total"] == 1
    (msg,) = dead["items"]
    assert msg["topic"] == "ticket.submit" and "HTTP 500" in msg["last_error"]
    assert api.call("POST", "admin", f"/api/admin/outbox/{msg['id']}/replay")["status"] == "pending"
    api.deliver()
    assert api.call("GET", "admin", "/api/admin/outbox", params={"status": "dead"})["total"] == 0
    assert api.call("GET", "admin", "/api/admin/outbox", params={"status": "sent"})["total"] == 1
    assert [x.signature_ok for x in api.hook.received] == [True, True]
    api.call("POST", "admin", f"/api/admin/outbox/{msg['id']}/replay", 409)
