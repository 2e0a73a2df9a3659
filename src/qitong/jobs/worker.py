"""`qitong worker`: every interval, sweep the deadlines, run the supervision rules, deliver the
outbox; less often, the periodic jobs (retraining the router)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import structlog

from qitong.jobs.outbox import deliver_all
from qitong.jobs.routing import retrain
from qitong.jobs.supervise import supervise_all
from qitong.jobs.sweep import sweep_all
from qitong.services.context import Context
from qitong.services.duplicates import prune_index as prune_duplicate_index
from qitong.services.reports import generate_scheduled_reports

log = structlog.get_logger("qitong.worker")

# other jobs (outbox delivery, periodic reports) register here: each takes the context
STEPS: list[tuple[str, Callable[[Context], object]]] = [
    ("sweep", sweep_all),
    ("supervise", supervise_all),
    ("outbox", deliver_all),
]


# jobs that run at most once per period in a process: (name, job, seconds); each guards itself too
PERIODIC: list[tuple[str, Callable[[Context], object], float]] = [
    ("retrain", retrain, 6 * 3600.0),
    ("reports", generate_scheduled_reports, 3600.0),
    # finished tickets older than the recent window leave the near-duplicate index (docs/duplicates.md)
    ("duplicates-prune", prune_duplicate_index, 24 * 3600.0),
]
_last_run: dict[str, float] = {}


def _due_periodic() -> list[tuple[str, Callable[[Context], object]]]:
    now = time.monotonic()
    due = [(n, f) for n, f, every in PERIODIC if now - _last_run.get(n, -every) >= every]
    for n, _ in due:
        _last_run[n] = now
    return due


def tick(ctx: Context, *, periodic: bool = True) -> dict[str, object]:
    out: dict[str, object] = {}
    for name, step in [*STEPS, *(_due_periodic() if periodic else [])]:
        try:
            out[name] = step(ctx)
        except Exception:  # one failing step must not stop the others or the loop
            log.exception("worker step failed", step=name)
    return out


def run(ctx: Context, stop: threading.Event | None = None, *, once: bool = False) -> None:
    stop = stop or threading.Event()
    log.info("worker started", interval=ctx.settings.worker_interval_seconds)
    while not stop.is_set():
        result = tick(ctx, periodic=not once)
        log.info("worker tick", **{k: str(v) for k, v in result.items()})
        if once:
            return
        stop.wait(ctx.settings.worker_interval_seconds)
