"""Sweep scale: one sweep with 1 % of the open tickets due, at 100k and at 1M open tickets on
PostgreSQL, and (the same-run baseline) 1M open with only as many due as at 100k.

    .venv/bin/python bench/sweep_scale.py              # 100k and 1M (about 3-5 minutes, mostly loading)
    .venv/bin/python bench/sweep_scale.py --sizes 10000 100000

Target: under 1 s at 1M; the timings follow the number due, not the number open.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[1] / "src"))

import psycopg
from sqlalchemy import create_engine, text

from qitong.db.engine import make_engine, make_sessionmaker
from qitong.db.models import Base
from qitong.domain.clock import FixedClock
from qitong.jobs.sweep import sweep_all
from qitong.services.context import Context
from qitong.settings import Settings

ADMIN = os.environ.get("QITONG_BENCH_PG_ADMIN", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
NOW = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
COLUMNS = ("number", "query_code", "channel", "enterprise_name", "submitter_name", "submitter_phone", "title",
           "content", "ticket_type", "complexity", "urgency", "confidential", "layer", "tier", "status", "version",
           "sla_profile", "stage_due_at", "reply_due_at", "stage_entered_at",
           "deadlines_provisional", "submitted_at", "created_at", "updated_at", "return_count", "redispatch_count",
           "extension_count", "dissatisfied_count", "closed_by_timeout", "major")


def load(dsn: str, start: int, stop: int) -> None:
    """Open tickets in handling whose next timer lies in the future, loaded with COPY."""
    future = (NOW + timedelta(days=30)).isoformat()
    entered = (NOW - timedelta(days=1)).isoformat()
    buf = io.StringIO()
    for i in range(start, stop):
        buf.write("\t".join((
            f"QTSCALE{i:08d}", "000000", "web", "规模测试企业", "测试", "13800000000", "规模测试工单", "规模测试",
            "help", "simple", "normal", "f", "board", "county", "handling", "1", "135", future, future,
            entered, "f", entered, entered, entered, "0", "0", "0", "0", "f", "f")) + "\n")
    with psycopg.connect(dsn) as conn, conn.cursor() as cur:
        with cur.copy(f"COPY tickets ({', '.join(COLUMNS)}) FROM STDIN") as cp:
            cp.write(buf.getvalue())
        cur.execute("INSERT INTO ticket_timers (ticket_id, next_check_at) "
                    "SELECT id, stage_due_at FROM tickets WHERE number >= %s AND number < %s",
                    (f"QTSCALE{start:08d}", f"QTSCALE{stop:08d}"))
        conn.commit()


def make_due(dsn: str, every: int) -> int:
    """Every `every`-th ticket falls due now (its reply deadline just passed); everything else is reset."""
    due = (NOW - timedelta(minutes=5)).isoformat()
    future = (NOW + timedelta(days=30)).isoformat()
    with psycopg.connect(dsn) as conn, conn.cursor() as cur:
        cur.execute("TRUNCATE timer_firings, audit_events, outbox, audit_head CASCADE")
        cur.execute("UPDATE tickets SET stage_due_at = %s, reply_due_at = %s WHERE stage_due_at <> %s",
                    (future, future, future))
        cur.execute("UPDATE ticket_timers SET next_check_at = %s WHERE next_check_at <> %s", (future, future))
        cur.execute("UPDATE tickets SET stage_due_at = %s, reply_due_at = %s WHERE id %% %s = 0", (due, due, every))
        cur.execute("UPDATE ticket_timers SET next_check_at = %s WHERE ticket_id %% %s = 0", (due, every))
        n = cur.rowcount
        conn.commit()
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE tickets")
        conn.execute("VACUUM ANALYZE ticket_timers")
    return n


def sweep(url: str) -> tuple[float, int]:
    s = Settings(database_url=url, sweep_batch=1000, due_soon_mode="share:0")
    ctx = Context(make_sessionmaker(make_engine(url)), FixedClock(NOW), s)
    with ctx.sessions() as sess:
        ctx.calendars.get(sess)  # the calendar is built once per process, not per sweep
    t0 = time.perf_counter()
    r = sweep_all(ctx)
    return time.perf_counter() - t0, r.fired


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    a = ap.parse_args()
    name = f"qitong_scale_{uuid.uuid4().hex[:8]}"
    admin = create_engine(ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}"'))
    url = ADMIN.rsplit("/", 1)[0] + f"/{name}"
    dsn = url.replace("postgresql+psycopg://", "postgresql://")
    try:
        eng = create_engine(url)
        Base.metadata.create_all(eng)
        eng.dispose()
        loaded, results = 0, []
        small_due = a.sizes[0] // 100
        for size in a.sizes:
            t0 = time.perf_counter()
            load(dsn, loaded, size)
            loaded = size
            print(f"loaded {size:,} open tickets in {time.perf_counter() - t0:.1f} s", flush=True)
            n = make_due(dsn, 100)
            secs, fired = sweep(url)
            results.append((size, n, secs))
            print(f"open={size:,} due={n:,} fired={fired:,} sweep_s={secs:.3f}", flush=True)
        big = a.sizes[-1]
        n = make_due(dsn, big // small_due)
        secs, fired = sweep(url)
        print(f"open={big:,} due={n:,} fired={fired:,} sweep_s={secs:.3f}   (baseline: the small due count "
              f"at the large size)", flush=True)
        (s0, d0, t0_), (s1, d1, t1) = results[0], results[-1]
        print(f"ratio large/small: open x{s1 / s0:.0f}, due x{d1 / d0:.0f}, sweep time x{t1 / t0_:.1f}; "
              f"same due at x{s1 / s0:.0f} open: sweep time x{secs / t0_:.2f}")
        print(f"sweep_s_at_{big}={t1:.3f} target<1.0 {'met' if t1 < 1.0 else 'NOT met'}")
    finally:
        with admin.connect() as c:
            c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


if __name__ == "__main__":
    main()
