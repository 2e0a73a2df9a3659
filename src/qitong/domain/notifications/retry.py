"""The retry schedule: exponential backoff with jitter, capped, and a last attempt.

Pure: the caller supplies the random draw, so a seeded random makes the schedule reproducible."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 10
    base_seconds: float = 60.0
    cap_seconds: float = 6 * 3600.0
    jitter: float = 0.2  # ± this fraction of the delay

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        if self.base_seconds <= 0 or self.cap_seconds < self.base_seconds:
            raise ValueError("need 0 < base_seconds <= cap_seconds")
        if not 0 <= self.jitter < 1:
            raise ValueError("jitter must be in [0, 1)")

    def exhausted(self, attempts: int) -> bool:
        """After `attempts` failed attempts, is it time to give up (dead letter)?"""
        return attempts >= self.max_attempts


def backoff_delay(policy: RetryPolicy, attempts: int, draw: float) -> timedelta:
    """How long to wait after the `attempts`-th failure (1-based): base·2^(attempts-1), capped,
    then scaled by a factor in [1-jitter, 1+jitter) chosen by `draw` in [0, 1)."""
    if attempts < 1:
        raise ValueError("attempts is 1-based")
    if not 0 <= draw < 1:
        raise ValueError("draw must be in [0, 1)")
    exp = min(attempts - 1, 62)  # beyond this the cap wins anyway; keep the float finite
    delay = min(policy.cap_seconds, policy.base_seconds * 2.0**exp)
    factor = 1 - policy.jitter + 2 * policy.jitter * draw
    return timedelta(seconds=delay * factor)
