"""The duplicates benchmark, tiny: edited copies of 300 real messages are found, and nothing else
is (recall and precision only; the benchmark itself measures time)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

BENCH = Path(__file__).parents[2] / "bench" / "duplicates.py"


def _bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_duplicates", BENCH)
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod
    spec.loader.exec_module(mod)
    return mod


def test_edited_copies_are_found_on_a_small_sample() -> None:
    b = _bench()
    if not b.DATA.exists():
        pytest.skip(f"{b.DATA} is not there (shared Teddy Cup data)")
    msgs = b.load_messages()[:300]
    kept = b.dedupe(msgs)
    assert 250 <= len(kept) <= 300
    lsh, brute, by_frac = b.accuracy(msgs, kept, seed=7, brute=50)
    assert lsh.queries == len(kept)
    assert lsh.recall >= 0.95 and lsh.precision >= 0.95
    assert brute is not None and brute.queries == 50 and brute.recall == 1.0
    assert set(by_frac) <= {f"{k:>2d}%" for k in range(1, 11)}


def test_edited_copy_changes_at_most_ten_percent() -> None:
    import random

    b = _bench()
    rng = random.Random(1)
    content = "我公司位于工业园区东路。本周连续三天断电。生产线被迫停工。请尽快协调供电部门。" * 3
    for _ in range(50):
        _, c, frac = b.edited_copy("工业园区断电", content, rng)
        assert 0.01 <= frac <= 0.10
        assert abs(len(c) - len(content)) <= round(frac * len(content))
