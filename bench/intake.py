"""Intake throughput: tickets per second through the whole intake (HTTP, auth, validation, duplicate
check, audit, outbox; routing happens at acceptance, not here: docs/adr/0006) against plain
single-row INSERTs of a ticket row into the same PostgreSQL database, at the same concurrency, in the
same run.

    .venv/bin/python bench/intake.py                     # 1 and 8 clients, 10 s each (about 1.5 minutes)
    .venv/bin/python bench/intake.py --clients 1 --seconds 5

The server is the real one: `qitong serve` in a subprocess (`--workers`, default 1) on a fresh database
holding the demo county's organisation; N client threads, each with a keep-alive connection of the
standard library's client, post POST /api/tickets with a business's bearer token. The baseline: N
threads with a psycopg connection each, one autocommitted INSERT INTO tickets per call. Prints both
rates, their ratio and p50 / p99 latency. Target at 1 client: intake ≥ 20 % of the plain insert rate.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[1] / "src"))
sys.path.insert(0, str(Path(__file__).parent))

import httpx
import psycopg
from _load import Database, fresh_database, load_org, make_context

from qitong.demo import content
from qitong.demo.loader import DEMO_PASSWORD
from qitong.services.auth import issue_token

TARGET = 0.20
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(url: str, workers: int = 1) -> tuple[subprocess.Popen[bytes], str]:
    """`qitong serve` itself, in a subprocess, on the bench's database."""
    port = free_port()
    env = {**os.environ, "QITONG_DATABASE_URL": url, "PYTHONPATH": str(Path(__file__).parents[1] / "src")}
    proc = subprocess.Popen([sys.executable, "-c", "from qitong.cli.main import main; main()", "serve", "--port",
                             str(port), "--workers", str(workers)], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                return proc, base
        except httpx.HTTPError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("the server did not start")


def run_clients(n: int, seconds: float, make: Callable[[int], Callable[[int], None]]) -> tuple[float, list[float]]:
    """n threads each calling its own `make(thread)` callable in a loop for `seconds`: (rate, latencies s)."""
    lat: list[list[float]] = [[] for _ in range(n)]
    calls = [make(i) for i in range(n)]
    for c in calls:  # warm-up: connections open, caches filled
        c(-1)
    start = threading.Barrier(n + 1)
    stop_at = [0.0]

    def work(i: int) -> None:
        start.wait()
        k = 0
        while time.perf_counter() < stop_at[0]:
            t0 = time.perf_counter()
            calls[i](k)
            lat[i].append(time.perf_counter() - t0)
            k += 1

    threads = [threading.Thread(target=work, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    t0 = time.perf_counter()
    stop_at[0] = t0 + seconds
    start.wait()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - t0
    flat = [x for xs in lat for x in xs]
    return len(flat) / elapsed, flat


def intake_client(base: str, token: str, texts: list[content.TicketText]) -> Callable[[int], Callable[[int], None]]:
    """A keep-alive connection per client thread (the standard library's client: the load generator
    should cost little of the machine it shares with the server, as psycopg's C client does for the
    plain inserts)."""
    host, port = base.removeprefix("http://").split(":")
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    def make(i: int) -> Callable[[int], None]:
        conn = http.client.HTTPConnection(host, int(port), timeout=30)
        rng = random.Random(i)

        def call(_k: int) -> None:
            tt = rng.choice(texts)
            body = json.dumps({
                "title": tt.title, "content": tt.content, "ticket_type": tt.ticket_type.value,
                "category": tt.category_code, "submitter_name": "王芳", "submitter_phone": "13800001234"})
            conn.request("POST", "/api/tickets", body=body.encode(), headers=headers)
            r = conn.getresponse()
            data = r.read()
            assert r.status == 201, (r.status, data[:300])
        return call
    return make


PLAIN_SQL = (
    "INSERT INTO tickets (number, query_code, channel, enterprise_id, enterprise_name, submitted_by_id, "
    "submitter_name, submitter_phone, title, content, ticket_type, category, complexity, urgency, confidential, "
    "layer, tier, status, version, sla_profile, stage_due_at, stage_entered_at, deadlines_provisional, "
    "submitted_at, created_at, updated_at, return_count, redispatch_count, extension_count, dissatisfied_count, "
    "closed_by_timeout, major) VALUES (%s, '123456', 'web', %s, %s, %s, '王芳', '13800001234', %s, %s, %s, %s, "
    "'simple', 'normal', false, 'board', 'county', 'submitted', 1, '135', %s, %s, false, %s, %s, %s, 0, 0, 0, 0, "
    "false, false)"
)


def plain_client(db: Database, ent: tuple[int, str, int], texts: list[content.TicketText],
                 tag: str) -> Callable[[int], Callable[[int], None]]:
    def make(i: int) -> Callable[[int], None]:
        conn = psycopg.connect(db.dsn, autocommit=True)
        rng = random.Random(i)
        seq = [0]

        def call(_k: int) -> None:
            tt = rng.choice(texts)
            now = datetime.now(UTC)
            seq[0] += 1
            conn.execute(PLAIN_SQL, (f"PL{tag}{i:02d}{seq[0]:08d}", ent[0], ent[1], ent[2], tt.title, tt.content,
                                     tt.ticket_type.value, tt.category_code, now + timedelta(days=1), now, now,
                                     now, now))
        return call
    return make


def pct(xs: list[float], q: float) -> float:
    return statistics.quantiles(xs, n=100, method="inclusive")[int(q) - 1] * 1000 if len(xs) > 1 else xs[0] * 1000


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    ap.add_argument("--clients", type=int, nargs="+", default=[1, 8])
    ap.add_argument("--seconds", type=float, default=10.0)
    ap.add_argument("--workers", type=int, default=1, help="web processes (qitong serve --workers)")
    a = ap.parse_args()
    with fresh_database("qitong_intake") as db:
        org = load_org(db, n_texts=500)
        ctx = make_context(db.url)
        token, p = issue_token(ctx, "qy001", DEMO_PASSWORD)
        ctx.sessions.kw["bind"].dispose()
        ent = next((i, name, p.actor.user_id) for i, name, _r, _u in org.enterprises if i == p.actor.enterprise_id)
        proc, base = start_server(db.url, a.workers)
        try:
            print(f"# PostgreSQL, `qitong serve --workers {a.workers}` in a subprocess, {os.cpu_count()} CPUs; "
                  f"{a.seconds:.0f} s per run; business token; the demo county's organisation")
            print(f"{'clients':>7} {'path':<8} {'tickets/s':>10} {'p50 ms':>8} {'p99 ms':>8} {'intake/plain':>13}")
            ratios: dict[int, float] = {}
            for n in a.clients:
                plain_rate, plain_lat = run_clients(n, a.seconds, plain_client(db, ent, org.texts, f"{n}"))
                rate, lat = run_clients(n, a.seconds, intake_client(base, token, org.texts))
                ratios[n] = rate / plain_rate
                print(f"{n:>7} {'plain':<8} {plain_rate:>10.1f} {pct(plain_lat, 50):>8.2f} {pct(plain_lat, 99):>8.2f}",
                      flush=True)
                print(f"{n:>7} {'intake':<8} {rate:>10.1f} {pct(lat, 50):>8.2f} {pct(lat, 99):>8.2f} "
                      f"{ratios[n]:>12.1%}", flush=True)
            first = a.clients[0]
            print(f"# intake at {first} client(s): {ratios[first]:.1%} of the plain insert rate; target ≥ "
                  f"{TARGET:.0%}: {'met' if ratios[first] >= TARGET else 'NOT met'}")
        finally:
            proc.terminate()
            proc.wait(timeout=10)


if __name__ == "__main__":
    main()
