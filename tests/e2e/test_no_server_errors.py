"""Every API operation and every page, called with ids no row has (zero, and one too large for any id
column) by a center agent and a business, answers 4xx — never a 500 — on SQLite and PostgreSQL."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from tests.support.api import Api
from tests.support.pages import pages

IDS = ("0", "99999999999999999999")


def _fill(path: str, value: str) -> str:
    return re.sub(r"\{[^}]+\}", value, path)


def test_api_operations_never_answer_5xx(api: Api) -> None:
    spec = api.c.app.openapi()["paths"]  # type: ignore[attr-defined]
    ops = [(p, m.upper()) for p, methods in spec.items() for m in methods if p.startswith("/api")]
    assert len(ops) > 80
    failures = []
    for user in ("agent", "ent1_user"):
        h = api.login(user)
        for path, method in ops:
            for value in IDS if "{" in path else IDS[:1]:
                r = api.c.request(method, _fill(path, value), headers=h, json=None if method == "GET" else {})
                if r.status_code >= 500:
                    failures.append((method, path, value, user, r.status_code))
    assert not failures, failures


def test_pages_never_answer_5xx(api: Api) -> None:
    from qitong.web.pages import (
        channels,
        dashboard,
        duplicates,
        knowledge,
        portal,
        responsibility,
        routing_model,
        tickets,
        workbench,
    )

    paths = {route.path for mod in (channels, dashboard, duplicates, knowledge, portal, responsibility, routing_model,
                                    tickets,
                                    workbench)
             for route in mod.router.routes if "GET" in getattr(route, "methods", ())}
    browser = TestClient(api.c.app, follow_redirects=False)  # type: ignore[arg-type]
    failures = []
    for user in ("agent", "ent1_user"):
        pages(browser, user)
        for path in sorted(paths):
            for value in IDS if "{" in path else IDS[:1]:
                r = browser.get(_fill(path, value))
                if r.status_code >= 500:
                    failures.append((path, value, user, r.status_code))
    assert not failures, failures
