"""Page timings: every page of the web slice, as each role, on a fresh SQLite demo database, through
Starlette's TestClient (in process, nothing on the network).

    .venv/bin/python bench/pages.py                  # 10 requests per page after one warm-up
    .venv/bin/python bench/pages.py --repeat 20 --tickets 640

For each page: the median and p95 time of a request, and the number of SQL statements it issues
(a SQLAlchemy `before_cursor_execute` listener on the app's engine, `app.state.engine`). The
baseline, measured in the same run, is `/healthz` (no database, no template): the ratio column is a
page's median over the baseline's. Target: every page's p95 ≤ 300 ms.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).parents[1] / "src"))

from fastapi.testclient import TestClient
from sqlalchemy import event, func, select

from qitong.db.engine import make_engine, make_sessionmaker
from qitong.db.models import Base, Department, Ticket, User
from qitong.demo.loader import DEMO_PASSWORD, load_demo
from qitong.domain.clock import FixedClock
from qitong.domain.tickets.lifecycle import Role, Status
from qitong.services.context import Context
from qitong.settings import Settings
from qitong.web.app import create_app

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
TARGET_MS = 300.0
_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclass
class Row:
    who: str
    path: str
    status: int
    median_ms: float
    p95_ms: float
    statements: int


class Counter:
    def __init__(self, engine: Any) -> None:
        self.n = 0
        event.listen(engine, "before_cursor_execute", self._count)

    def _count(self, *_a: Any) -> None:
        self.n += 1


def p95(xs: list[float]) -> float:
    return statistics.quantiles(xs, n=20, method="inclusive")[18] if len(xs) > 1 else xs[0]


def measure(client: TestClient, counter: Counter, who: str, path: str, repeat: int) -> Row:
    r = client.get(path)  # warm-up (templates compiled, caches filled)
    times, status = [], r.status_code
    for _ in range(repeat):
        counter.n = 0
        t0 = time.perf_counter()
        r = client.get(path)
        times.append((time.perf_counter() - t0) * 1000)
        status = r.status_code
    return Row(who, path, status, statistics.median(times), p95(times), counter.n)


def sign_in(client: TestClient, username: str) -> None:
    client.cookies.clear()
    token = _TOKEN.search(client.get("/login").text)
    assert token, "no CSRF token on /login"
    r = client.post("/login", data={"username": username, "password": DEMO_PASSWORD, "csrf_token": token.group(1)})
    assert r.status_code == 303, (username, r.status_code, r.text[:300])


def pages(ctx: Context) -> list[tuple[str, str | None, list[str]]]:
    """(label, username or None, paths): every page, as the role that uses it."""
    with ctx.sessions() as s:
        # the business with the most tickets, and its latest one
        ent_user, own = s.execute(
            select(User.username, func.max(Ticket.id)).join(Ticket, Ticket.enterprise_id == User.enterprise_id)
            .where(User.role == Role.enterprise_user).group_by(User.username)
            .order_by(func.count().desc(), User.username).limit(1)).one()
        scj = s.scalar(select(Department.id).where(Department.code == "scjgj"))
        dept_ticket = s.scalar(select(Ticket.id).where(Ticket.lead_unit_id == scj, Ticket.status == Status.handling)
                               .order_by(Ticket.id)) or s.scalar(select(Ticket.id).where(Ticket.lead_unit_id == scj))
        closed = s.scalar(select(Ticket.id).where(Ticket.status == Status.closed).order_by(Ticket.id))
    return [
        ("anonymous", None, ["/login", "/track", "/public", "/public?page=3", "/public?q=审批", "/faq",
                             "/faq?q=社保", "/knowledge/intake?title=营业执照怎么变更经营范围"]),
        ("enterprise", ent_user, ["/portal", "/portal/submit", f"/tickets/{own}", "/account/password",
                                  "/duplicates/intake?title=厂房用电增容申请一直没有回复&content=多次联系供电公司"]),
        ("center_agent", "agent", ["/workbench", "/workbench?queue=all", "/workbench?queue=overdue",
                                   "/workbench?queue=all&q=审批", "/workbench/export?queue=all", f"/tickets/{closed}",
                                   "/dashboard", "/dashboard/data.json?period=90", "/screen", "/qr",
                                   f"/duplicates/similar/{closed}", f"/knowledge/similar/{closed}", "/hot-topics",
                                   "/evaluation/kpis", "/evaluation/kpis?by=category&period=2026",
                                   "/evaluation/revisits", "/evaluation/low-satisfaction", "/evaluation/appeals",
                                   "/evaluation/reports", "/cases", "/cases/common-problems",
                                   "/routing/responsibility", "/knowledge/manage", "/channels", "/routing/model"]),
        ("dispatcher", "dispatcher", ["/workbench?queue=to_dispatch", "/workbench?queue=extension"]),
        ("handler", "scjgj_jbr", ["/workbench", "/workbench?queue=handling", f"/tickets/{dept_ticket}",
                                  "/dashboard", "/evaluation/kpis"]),
        ("department_leader", "scjgj_ld", ["/workbench?queue=sign_off", "/dashboard"]),
        ("supervisor", "supervisor", ["/workbench?queue=supervised", "/dashboard?period=all"]),
        ("leader", "leader", ["/dashboard", "/screen?period=365", "/channels"]),
        ("admin", "admin", ["/admin/departments", "/admin/users", "/admin/timelimits", "/admin/calendar",
                            "/qr", "/qr/print"]),
    ]


def run(repeat: int, tickets: int, out: Callable[[str], None] = print) -> list[Row]:
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(database_url=f"sqlite:///{tmp}/bench.db", attachment_dir=Path(tmp) / "attachments")
        engine = make_engine(settings.database_url)
        Base.metadata.create_all(engine)
        ctx = Context(make_sessionmaker(engine), FixedClock(NOW), settings)
        t0 = time.perf_counter()
        summary = load_demo(ctx, tickets=tickets)
        out(f"# demo loaded in {time.perf_counter() - t0:.1f} s: {summary}")
        app = create_app(settings, clock=FixedClock(NOW))
        rows: list[Row] = []
        with TestClient(app, follow_redirects=False) as client:
            counter = Counter(app.state.engine)
            base = measure(client, counter, "baseline", "/healthz", repeat * 3)
            for who, username, paths in pages(ctx):
                if username:
                    sign_in(client, username)
                else:
                    client.cookies.clear()
                rows += [measure(client, counter, who, p, repeat) for p in paths]
        app.state.engine.dispose()
        engine.dispose()
    out(f"{'who':<18} {'page':<34} {'status':>6} {'median ms':>10} {'p95 ms':>8} {'SQL':>4} {'ratio':>7}")
    out(f"{base.who:<18} {base.path:<34} {base.status:>6} {base.median_ms:>10.1f} {base.p95_ms:>8.1f} "
        f"{base.statements:>4} {1.0:>7.1f}")
    for r in rows:
        flag = "" if r.p95_ms <= TARGET_MS and r.status in (200, 303) else "  <-- over target" if r.status < 400 \
            else f"  <-- HTTP {r.status}"
        out(f"{r.who:<18} {r.path:<34} {r.status:>6} {r.median_ms:>10.1f} {r.p95_ms:>8.1f} {r.statements:>4} "
            f"{r.median_ms / base.median_ms:>7.1f}{flag}")
    worst = max(rows, key=lambda r: r.p95_ms)
    ok = all(r.p95_ms <= TARGET_MS for r in rows)
    out(f"# {len(rows)} pages, {repeat} requests each; slowest p95 {worst.p95_ms:.1f} ms ({worst.path}); "
        f"target p95 ≤ {TARGET_MS:.0f} ms: {'met' if ok else 'NOT met'}")
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    ap.add_argument("--repeat", type=int, default=10)
    ap.add_argument("--tickets", type=int, default=320, help="demo tickets (the demo's default is 320)")
    args = ap.parse_args()
    run(args.repeat, args.tickets)


if __name__ == "__main__":
    main()
