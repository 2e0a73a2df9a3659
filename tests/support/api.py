"""An API client for tests: logs in as any world user, performs actions, checks status codes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from qitong.domain.clock import FixedClock
from qitong.services.context import Context
from qitong.web.app import create_app
from tests.support.world import PASSWORD, World, build_world


class Api:
    def __init__(self, client: TestClient, w: World) -> None:
        self.c, self.w, self.tokens = client, w, {}

    def login(self, user: str) -> dict[str, str]:
        if user not in self.tokens:
            r = self.c.post("/api/auth/token", json={"username": user, "password": PASSWORD})
            assert r.status_code == 200, r.text
            self.tokens[user] = r.json()["access_token"]
        return {"Authorization": f"Bearer {self.tokens[user]}"}

    def act(self, user: str, tid: int, action: str, expect: int = 200, version: int | None = None,
            **body: Any) -> dict[str, Any]:
        h = self.login(user)
        if version is not None:
            h["If-Match"] = f'"{version}"'
        r = self.c.post(f"/api/tickets/{tid}/actions/{action}", json=body or None, headers=h)
        assert r.status_code == expect, r.text
        out: dict[str, Any] = r.json()
        return out

    def get(self, user: str, path: str, expect: int = 200) -> Any:
        r = self.c.get(path, headers=self.login(user))
        assert r.status_code == expect, r.text
        return r.json()


@pytest.fixture
def api(ctx: Context, clock: FixedClock) -> Iterator[Api]:
    w = build_world(ctx)
    app = create_app(ctx.settings, clock=clock)
    with TestClient(app) as client:
        yield Api(client, w)
    app.state.engine.dispose()
