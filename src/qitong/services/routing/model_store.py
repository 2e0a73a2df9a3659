"""The trained model, loaded once per process and again when its file changes (the worker retrains,
the web processes pick the new file up on their next suggestion)."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # scikit-learn loads only once there is a model to use
    from qitong.adapters.textclf import RoutingModel

_lock = threading.Lock()
_cache: dict[Path, tuple[float, RoutingModel | None]] = {}


def current(path: Path) -> RoutingModel | None:
    try:
        mtime = path.stat().st_mtime
    except FileNotFoundError:
        return None
    hit = _cache.get(path)
    if hit is not None and hit[0] == mtime:
        return hit[1]
    from qitong.adapters import textclf

    with _lock:
        model = textclf.load(path)
        _cache[path] = (mtime, model)
        return model


def store(model: RoutingModel, path: Path) -> None:
    from qitong.adapters import textclf

    textclf.save(model, path)
    with _lock:
        _cache.pop(path, None)
