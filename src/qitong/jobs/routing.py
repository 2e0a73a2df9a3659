"""Periodic retraining of the routing classifier (docs/routing.md). The worker calls `retrain(ctx)`,
say once a day; it does nothing until enough tickets are closed or when none closed since."""

from __future__ import annotations

from typing import Any

from qitong.services.context import Context
from qitong.services.routing import training


def retrain(ctx: Context) -> dict[str, Any] | None:
    return training.retrain(ctx)
