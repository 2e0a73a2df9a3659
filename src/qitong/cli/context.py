"""The Context a CLI command runs in."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from qitong.settings import Settings

if TYPE_CHECKING:
    from qitong.services.context import Context


@contextmanager
def command_context() -> Iterator[Context]:
    """Built lazily, so that --help stays fast; the engine is closed when the command is done."""
    from qitong.db.engine import make_engine, make_sessionmaker
    from qitong.domain.clock import SystemClock
    from qitong.services.context import Context

    settings = Settings()
    engine = make_engine(settings.database_url)
    try:
        yield Context(make_sessionmaker(engine), SystemClock(), settings)
    finally:
        engine.dispose()
