"""List timings at scale: the first page of the ticket list through the API and the workbench page
(a department's queue, the overdue queue, a Chinese search …) on PostgreSQL, at 100k and at 1M tickets.

    .venv/bin/python bench/lists.py                      # 100k then 1M (about 4-6 minutes, mostly loading)
    .venv/bin/python bench/lists.py --sizes 20000 --repeat 10

Requests go through Starlette's TestClient (in process: routing, auth, the query, JSON or the template).
For each request: p50 / p95 over --repeat runs after one warm-up, and the number of SQL statements (a
`before_cursor_execute` listener on the app's engine). Same-run baseline: `/healthz`. Target: p95 ≤ 50 ms
for each list, and the statement counts equal at every size.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

sys.path.insert(0, str(Path(__file__).parents[1] / "src"))
sys.path.insert(0, str(Path(__file__).parent))

import psycopg
from _load import ADMIN, NOW, Database, fresh_database, load_org, load_tickets, make_context
from fastapi.testclient import TestClient
from sqlalchemy import event

from qitong.demo.loader import DEMO_PASSWORD
from qitong.domain.clock import FixedClock
from qitong.services.auth import Principal, issue_token, principal_for_token
from qitong.services.context import Context
from qitong.services.tickets.worklist import workbench
from qitong.settings import Settings
from qitong.web.app import create_app
from qitong.web.pages.filters import parse_filter

TARGET_MS = 50.0
_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


class Counter:
    """Statements per request, and the time spent waiting on them (sent until answered: the database's
    share of a request, round trips included)."""

    def __init__(self, engine: Any) -> None:
        self.n, self.db, self._t0 = 0, 0.0, 0.0
        event.listen(engine, "before_cursor_execute", self._before)
        event.listen(engine, "after_cursor_execute", self._after)

    def reset(self) -> None:
        self.n, self.db = 0, 0.0

    def _before(self, *_a: Any) -> None:
        self.n += 1
        self._t0 = time.perf_counter()

    def _after(self, *_a: Any) -> None:
        self.db += time.perf_counter() - self._t0


def p95(xs: list[float]) -> float:
    return statistics.quantiles(xs, n=20, method="inclusive")[18] if len(xs) > 1 else xs[0]


def rare_name(db: Database, ticket_id: int) -> str:
    """The contact person named in one ticket: a search that matches a handful of tickets."""
    with psycopg.connect(db.dsn) as conn:
        row = conn.execute("SELECT content FROM tickets WHERE id = %s", (ticket_id,)).fetchone()
    assert row is not None
    m = re.search(r"联系人：(.+?)。", str(row[0]))
    assert m
    return m.group(1)


def cases(name: str) -> list[tuple[str, str, str]]:
    """(kind, user, path): "api" a request with a bearer token; "query" the workbench's query (the service
    call `worklist.workbench` behind the page: rows, capped total, queue counts, filter choices); "page" the
    whole HTML page in a signed-in session (shown for information: template rendering included)."""
    queries = [("query", u, p.replace("/workbench", "workbench")) for k, u, p in _PAGES]
    return [
        ("api", "agent", "/api/tickets"),
        ("api", "agent", "/api/tickets?overdue=true"),
        ("api", "agent", "/api/tickets?status=handling"),
        ("api", "agent", "/api/tickets?q=营业执照"),
        ("api", "agent", f"/api/tickets?q={name}"),
        ("api", "agent", "/api/tickets?q=审批"),
        ("api", "scjgj_jbr", "/api/tickets"),
        ("api", "scjgj_jbr", "/api/tickets?overdue=true"),
        ("api", "qy001", "/api/tickets"),
        *[(k, u, p.replace("<人名>", name)) for k, u, p in (*queries, *_PAGES)],
    ]


_PAGES = (
    ("page", "agent", "/workbench"),
    ("page", "agent", "/workbench?queue=all"),
    ("page", "agent", "/workbench?queue=overdue"),
    ("page", "agent", "/workbench?queue=all&q=营业执照"),
    ("page", "agent", "/workbench?queue=all&q=<人名>"),
    ("page", "agent", "/workbench?queue=all&q=审批"),
    ("page", "scjgj_jbr", "/workbench?queue=handling"),
    ("page", "scjgj_jbr", "/workbench?queue=overdue"),
    ("page", "scjgj_jbr", "/workbench?queue=all"),
)


def sign_in(client: TestClient, username: str) -> None:
    client.cookies.clear()
    token = _TOKEN.search(client.get("/login").text)
    assert token, "no CSRF token on /login"
    r = client.post("/login", data={"username": username, "password": DEMO_PASSWORD, "csrf_token": token.group(1)})
    assert r.status_code == 303, (username, r.status_code)


def query_call(ctx: Context, p: Principal, path: str) -> Callable[[], object]:
    """The workbench's service call for a page's query string."""
    params = parse_qs(urlsplit(path).query)
    f = parse_filter({k: v[0] for k, v in params.items()})
    key = params.get("queue", [None])[0]
    return lambda: workbench(ctx, p, key, f, 1)


def measure(db: Database, size: int, repeat: int) -> dict[tuple[str, str, str], tuple[float, float, int, int, float]]:
    ctx = make_context(db.url)
    tokens = {u: issue_token(ctx, u, DEMO_PASSWORD)[0] for u in ("agent", "scjgj_jbr", "qy001")}
    principals = {u: principal_for_token(ctx, t) for u, t in tokens.items()}
    ctx_counter = Counter(ctx.sessions.kw["bind"])
    app = create_app(Settings(database_url=db.url), clock=FixedClock(NOW))
    out: dict[tuple[str, str, str], tuple[float, float, int, int, float]] = {}
    with TestClient(app, follow_redirects=False) as client:
        counter = Counter(app.state.engine)
        who = None
        for kind, user, path in [("api", "-", "/healthz"), *cases(rare_name(db, size // 2))]:
            headers = {"Authorization": f"Bearer {tokens[user]}"} if kind == "api" and user in tokens else {}
            if kind == "page" and who != user:
                sign_in(client, user)
                who = user
            if kind == "query":
                call = query_call(ctx, principals[user], path)
                c = ctx_counter
            else:
                def call(path: str = path, headers: dict[str, str] = headers) -> object:
                    r = client.get(path, headers=headers)
                    assert r.status_code == 200, (path, r.status_code, r.text[:300])
                    return r
                c = counter
            result = call()  # warm-up
            times: list[float] = []
            db_ms: list[float] = []
            for _ in range(repeat):
                c.reset()
                t0 = time.perf_counter()
                result = call()
                times.append((time.perf_counter() - t0) * 1000)
                db_ms.append(c.db * 1000)
            total = (result.json()["total"] if kind == "api" and path != "/healthz"  # type: ignore[attr-defined]
                     else result.page.total if kind == "query" else -1)  # type: ignore[attr-defined]
            out[(kind, user, path.replace(rare_name(db, size // 2), "<人名>"))] = (
                statistics.median(times), p95(times), c.n, total, statistics.median(db_ms))
    app.state.engine.dispose()
    ctx.sessions.kw["bind"].dispose()
    return out


def report(size: int, res: dict[tuple[str, str, str], tuple[float, float, int, int, float]]) -> None:
    base = res[("api", "-", "/healthz")][0]
    print(f"{'tickets':>9} {'kind':<5} {'as':<10} {'request':<42} {'p50 ms':>7} {'p95 ms':>7} {'SQL':>4} "
          f"{'db ms':>6} {'total':>6} {'x base':>7}")
    for (kind, user, path), (med, p, n, total, dbm) in res.items():
        flag = "" if p <= TARGET_MS or kind not in ("api", "query") or path == "/healthz" else "  <-- over target"
        print(f"{size:>9,} {kind:<5} {user:<10} {path:<42} {med:>7.1f} {p:>7.1f} {n:>4} {dbm:>6.1f} {total:>6} "
              f"{med / base:>7.1f}{flag}", flush=True)
    worst = max((v[1], k[2]) for k, v in res.items() if k[2] != "/healthz" and k[0] in ("api", "query"))
    print(f"# slowest p95 (api, query) at {size:,}: {worst[0]:.1f} ms ({worst[1]}); target p95 ≤ {TARGET_MS:.0f} ms: "
          f"{'met' if worst[0] <= TARGET_MS else 'NOT met'}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    ap.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    ap.add_argument("--repeat", type=int, default=20)
    ap.add_argument("--database", help="measure an existing database loaded by bench/_load.py (its name on the "
                    "bench's server; migrated to the current schema) instead of loading fresh ones")
    a = ap.parse_args()
    if a.database:
        url = ADMIN.rsplit("/", 1)[0] + f"/{a.database}"
        db = Database(url, url.replace("postgresql+psycopg://", "postgresql://"))
        with psycopg.connect(db.dsn) as conn:
            row = conn.execute("SELECT count(*) FROM tickets").fetchone()
        size = int(row[0]) if row else 0
        report(size, measure(db, size, a.repeat))
        return
    results: dict[int, dict[tuple[str, str, str], tuple[float, float, int, int, float]]] = {}
    with fresh_database("qitong_lists") as db:
        org = load_org(db)
        loaded = 0
        for size in a.sizes:
            t0 = time.perf_counter()
            load_tickets(db, org, loaded, size, a.sizes[-1])
            loaded = size
            print(f"# loaded {size:,} tickets in {time.perf_counter() - t0:.1f} s", flush=True)
            results[size] = res = measure(db, size, a.repeat)
            report(size, res)
    first, last = results[a.sizes[0]], results[a.sizes[-1]]
    grew = [k[2] for k in last if last[k][2] != first[k][2]]
    print(f"# statements per request {'unchanged' if not grew else 'CHANGED for ' + ', '.join(grew)} "
          f"from {a.sizes[0]:,} to {a.sizes[-1]:,} tickets")


if __name__ == "__main__":
    main()
