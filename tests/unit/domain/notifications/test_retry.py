from __future__ import annotations

import random
from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qitong.domain.notifications import RetryPolicy, backoff_delay

P = RetryPolicy(max_attempts=5, base_seconds=30, cap_seconds=3600, jitter=0.2)


def test_without_jitter_the_delay_doubles_then_caps() -> None:
    p = RetryPolicy(max_attempts=10, base_seconds=30, cap_seconds=600, jitter=0)
    delays = [backoff_delay(p, n, 0.5).total_seconds() for n in range(1, 8)]
    assert delays == [30, 60, 120, 240, 480, 600, 600]


@given(st.integers(min_value=1, max_value=200), st.floats(min_value=0, max_value=1, exclude_max=True))
def test_jitter_stays_within_bounds(n: int, draw: float) -> None:
    nominal = min(P.cap_seconds, P.base_seconds * 2 ** min(n - 1, 62))
    d = backoff_delay(P, n, draw).total_seconds()
    assert nominal * 0.8 - 1e-6 <= d < nominal * 1.2 + 1e-6


def test_a_seeded_random_gives_a_reproducible_schedule() -> None:
    a, b = random.Random(7), random.Random(7)
    assert [backoff_delay(P, n, a.random()) for n in range(1, 5)] == [backoff_delay(P, n, b.random()) for n in range(1, 5)]


def test_exhausted_after_max_attempts() -> None:
    assert not P.exhausted(4)
    assert P.exhausted(5)


@pytest.mark.parametrize(
    "kw", [{"max_attempts": 0}, {"base_seconds": 0}, {"base_seconds": 10, "cap_seconds": 5}, {"jitter": 1.0}]
)
def test_policy_refuses_nonsense(kw: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        RetryPolicy(**kw)  # type: ignore[arg-type]


@pytest.mark.parametrize(("n", "draw"), [(0, 0.5), (1, 1.0), (1, -0.1)])
def test_backoff_refuses_out_of_range(n: int, draw: float) -> None:
    with pytest.raises(ValueError):
        backoff_delay(P, n, draw)


def test_delay_is_a_timedelta() -> None:
    assert backoff_delay(P, 1, 0.5) == timedelta(seconds=30)
