"""`qitong worker`: every interval, sweep the deadlines and deliver the outbox."""

from __future__ import annotations

import threading
from collections.abc import Callable

import structlog

from qitong.jobs.outbox import deliver_all
from qitong.jobs.supervise import supervise_all
from qitong.jobs.sweep import sweep_all
from qitong.services.context import Context

log = structlog.get_logger("qitong.worker")

# other jobs (outbox delivery, periodic reports) register here: each takes the context
STEPS: list[tuple[str, Callable[[Context], object]]] = [
    ("sweep", sweep_all),
    ("supervise", supervise_all),
    ("outbox", deliver_all),
]


def tick(ctx: Context) -> dict[str, object]:
    out: dict[str, object] = {}
    for name, step in STEPS:
        try:
            out[name] = step(ctx)
        except Exception:  # one failing step must not stop the others or the loop
            log.exception("worker step failed", step=name)
    return out


def run(ctx: Context, stop: threading.Event | None = None, *, once: bool = False) -> None:
    stop = stop or threading.Event()
    log.info("worker started", interval=ctx.settings.worker_interval_seconds)
    while not stop.is_set():
        result = tick(ctx)
        log.info("worker tick", **{k: str(v) for k, v in result.items()})
        if once:
            return
        stop.wait(ctx.settings.worker_interval_seconds)
