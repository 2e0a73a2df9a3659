"""Timer chaos: thousands of deadlines fall due while worker processes sweeping them on PostgreSQL are
killed with SIGKILL at random. Nothing may be lost, no database effect may happen twice, and the
firing delay stays small.

    .venv/bin/python bench/timer_chaos.py                      # 10,000 deadlines, >= 30 kills
    .venv/bin/python bench/timer_chaos.py --deadlines 300 --kills 3 --spread 8   # the CI-sized run

Last line: `lost=0 doubled=0 p99_delay_s=…`. The baseline in the same run: the same deadlines swept
by one worker that is never killed (its p99 delay is printed beside ours).
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[1] / "src"))

from sqlalchemy import create_engine, func, insert, select, text
from sqlalchemy.orm import Session

from qitong.db.models import AuditEvent, Base, OutboxMessage, Ticket, TicketTimer, TimerFiring
from qitong.services.audit import BATCH_ACTION, verify_batches

ADMIN = os.environ.get("QITONG_BENCH_PG_ADMIN", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")

WORKER = """
import sys, time
from qitong.db.engine import make_engine, make_sessionmaker
from qitong.domain.clock import SystemClock
from qitong.jobs.supervise import supervise_fired
from qitong.jobs.sweep import sweep_once
from qitong.services.context import Context
from qitong.settings import Settings
s = Settings(database_url=sys.argv[1], sweep_batch=100, due_soon_mode="share:0")
ctx = Context(make_sessionmaker(make_engine(s.database_url)), SystemClock(), s)
while True:
    swept = sweep_once(ctx).tickets
    if supervise_fired(ctx, limit=100) == 0 and swept == 0:
        time.sleep(0.05)
"""


def make_db() -> tuple[str, str]:
    name = f"qitong_chaos_{uuid.uuid4().hex[:8]}"
    admin = create_engine(ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return name, ADMIN.rsplit("/", 1)[0] + f"/{name}"


def drop_db(name: str) -> None:
    admin = create_engine(ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def seed(url: str, n: int, start: datetime, spread: float) -> None:
    """n tickets in handling, whose reply deadline falls due at a random moment in the next `spread` s."""
    eng = create_engine(url)
    Base.metadata.create_all(eng)
    rng = random.Random(7)
    rows = []
    for i in range(n):
        due = start + timedelta(seconds=rng.uniform(0, spread))
        rows.append({
            "number": f"QTCHAOS{i:07d}", "query_code": "000000", "channel": "web",
            "enterprise_name": "混沌测试企业", "submitter_name": "测试", "submitter_phone": "13800000000",
            "title": "时限压力测试", "content": "时限压力测试", "ticket_type": "help", "complexity": "simple",
            "urgency": "normal", "confidential": False, "layer": "board",
            "tier": "county", "status": "handling", "version": 1, "sla_profile": "135", "stage_due_at": due,
            "reply_due_at": due, "stage_entered_at": start - timedelta(days=1),
            "deadlines_provisional": False, "submitted_at": start, "created_at": start, "updated_at": start,
            "return_count": 0, "redispatch_count": 0, "extension_count": 0, "dissatisfied_count": 0,
            "closed_by_timeout": False, "major": False,
        })
    with eng.begin() as c:
        for i in range(0, n, 2000):
            ids = c.execute(insert(Ticket.__table__).returning(Ticket.__table__.c.id, sort_by_parameter_order=True),
                            rows[i : i + 2000]).scalars().all()
            c.execute(insert(TicketTimer.__table__),
                      [{"ticket_id": tid, "next_check_at": r["stage_due_at"]}
                       for tid, r in zip(ids, rows[i : i + 2000], strict=True)])
    eng.dispose()


def spawn(url: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[1] / "src")}
    return subprocess.Popen([sys.executable, "-c", WORKER, url], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)


def run(n: int, kills: int, spread: float, workers: int, chaos: bool) -> dict[str, float]:
    name, url = make_db()
    try:
        start = datetime.now(UTC) + timedelta(seconds=3)
        seed(url, n, start, spread)
        procs = [spawn(url) for _ in range(workers)]
        rng = random.Random(11)
        killed = 0
        deadline = time.monotonic() + spread + 120
        eng = create_engine(url)
        interval = spread / max(kills, 1)
        next_kill = time.monotonic() + 3 + rng.uniform(0.2, interval)
        while time.monotonic() < deadline:
            if chaos and killed < kills and time.monotonic() >= next_kill:
                i = rng.randrange(len(procs))
                os.kill(procs[i].pid, signal.SIGKILL)
                procs[i].wait()
                procs[i] = spawn(url)
                killed += 1
                next_kill = time.monotonic() + rng.uniform(0.2, 2 * interval)
            with eng.connect() as c:
                # done = fired and followed up (announced in the outbox, rules applied)
                done = c.scalar(select(func.count()).where(TimerFiring.kind == "overdue",
                                                           TimerFiring.supervised_at.is_not(None)))
            if done == n and (not chaos or killed >= kills):
                break
            time.sleep(0.1)
        for p in procs:
            p.kill()
            p.wait()
        with eng.connect() as c:
            overdue = TimerFiring.kind == "overdue"
            fired = c.scalar(select(func.count(func.distinct(TimerFiring.ticket_id))).where(overdue))
            # a firing is audited when the chained batch event it points at exists and its digest holds
            audits = dict(c.execute(select(TimerFiring.ticket_id, func.count())
                                    .join(AuditEvent, AuditEvent.seq == TimerFiring.audit_seq)
                                    .where(overdue, AuditEvent.action == BATCH_ACTION)
                                    .group_by(TimerFiring.ticket_id)).all())
            with Session(c) as s:
                broken_batch = verify_batches(s)
            outbox = dict(c.execute(select(OutboxMessage.ticket_id, func.count())
                                    .where(OutboxMessage.topic == "deadline.overdue")
                                    .group_by(OutboxMessage.ticket_id)).all())
            delays = sorted((f - a).total_seconds() for f, a in c.execute(
                select(TimerFiring.fired_at, TimerFiring.fire_at).where(TimerFiring.kind == "overdue")))
            chain_len = c.scalar(select(func.count()).select_from(AuditEvent))
            head = c.execute(text("select seq from audit_head")).scalar()
        eng.dispose()
        doubled = sum(1 for v in audits.values() if v > 1) + sum(1 for v in outbox.values() if v > 1)
        # lost: a deadline without its firing, its audit event or its outbox message
        lost = n - min(fired or 0, len(audits), len(outbox))
        p99 = delays[int(0.99 * (len(delays) - 1))] if delays else float("nan")
        return {"n": n, "killed": killed, "lost": lost, "doubled": doubled, "p99": p99,
                "p50": delays[len(delays) // 2] if delays else float("nan"), "chain_gapless": float(chain_len == head),
                "batches_sealed": float(broken_batch is None)}
    finally:
        drop_db(name)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--deadlines", type=int, default=10_000)
    ap.add_argument("--kills", type=int, default=30)
    ap.add_argument("--spread", type=float, default=60.0, help="seconds over which the deadlines fall due")
    ap.add_argument("--workers", type=int, default=3)
    ap.add_argument("--no-baseline", action="store_true")
    a = ap.parse_args()
    if not a.no_baseline:
        base = run(a.deadlines, 0, a.spread, 1, chaos=False)
        print(f"baseline (1 worker, no kills): n={base['n']} lost={base['lost']} doubled={base['doubled']} "
              f"p50_delay_s={base['p50']:.3f} p99_delay_s={base['p99']:.3f}")
    r = run(a.deadlines, a.kills, a.spread, a.workers, chaos=True)
    print(f"chaos ({a.workers} workers, {r['killed']} SIGKILLs): n={r['n']} p50_delay_s={r['p50']:.3f} "
          f"audit_chain_gapless={bool(r['chain_gapless'])} batches_sealed={bool(r['batches_sealed'])}")
    if not a.no_baseline:
        print(f"p99 ratio chaos/baseline: {r['p99'] / base['p99']:.2f}x" if base["p99"] > 0 else "")
    print(f"lost={r['lost']} doubled={r['doubled']} p99_delay_s={r['p99']:.3f}")


if __name__ == "__main__":
    main()
