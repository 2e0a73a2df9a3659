"""A signed-in page client for the TestClient page tests: it reads the CSRF token from the page
like a browser would, and posts forms."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient
from httpx import Response

from tests.support.world import PASSWORD

_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def token_of(html: str) -> str:
    m = _TOKEN.search(html)
    assert m, "the page carries no CSRF token"
    return m.group(1)


class Pages:
    def __init__(self, client: TestClient) -> None:
        self.c = client
        self.token = ""

    def get(self, path: str, expect: int = 200, **kw: Any) -> Response:
        r = self.c.get(path, **kw)
        assert r.status_code == expect, (r.status_code, r.text[:2000])
        if "text/html" in r.headers.get("content-type", "") and 'name="csrf_token"' in r.text:
            self.token = token_of(r.text)
        return r

    def post(self, path: str, data: dict[str, Any] | None = None, expect: int = 303, *, csrf: bool = True,
             files: Any = None) -> Response:
        body = dict(data or {})
        if csrf:
            body["csrf_token"] = self.token
        r = self.c.post(path, data=body, files=files)
        assert r.status_code == expect, (r.status_code, r.text[:3000])
        return r

    def login(self, username: str, password: str = PASSWORD) -> Pages:
        self.get("/login")
        self.post("/login", {"username": username, "password": password})
        self.get("/workbench" if not username.startswith("ent") else "/portal")
        return self

    def act(self, ticket_id: int, action: str, expect: int = 303, **fields: Any) -> Response:
        page = self.get(f"/tickets/{ticket_id}")
        version = re.search(r'name="version" value="(\d+)"', page.text)
        data = {"version": version.group(1) if version else "", **fields}
        return self.post(f"/tickets/{ticket_id}/actions/{action}", data, expect)


def pages(client: TestClient, user: str | None = None) -> Pages:
    """A fresh browser-like session on `client`, signed in as `user` when given."""
    client.cookies.clear()
    p = Pages(client)
    return p.login(user) if user else p
