"""The reduced chaos run (bench/timer_chaos.py): workers SIGKILLed while deadlines fall due on
PostgreSQL; nothing lost, nothing twice. Delays are printed by the benchmark, never asserted here."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest


@pytest.mark.usefixtures("pg_url")
def test_killed_workers_lose_nothing_and_double_nothing() -> None:
    path = Path(__file__).parents[2] / "bench" / "timer_chaos.py"
    spec = importlib.util.spec_from_file_location("timer_chaos", path)
    assert spec and spec.loader
    chaos = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(chaos)
    r = chaos.run(n=240, kills=3, spread=6.0, workers=2, chaos=True)
    assert r["killed"] == 3
    assert (r["lost"], r["doubled"]) == (0, 0)
    assert r["chain_gapless"] == 1.0
    assert r["batches_sealed"] == 1.0
