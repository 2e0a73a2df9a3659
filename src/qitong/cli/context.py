"""The Context a CLI command runs in."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import typer

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


def existing(path: Path) -> Path:
    """`path` when it is a readable file; otherwise a Chinese refusal (click's own is English)."""
    if not path.is_file():
        typer.echo(f"错误：找不到文件 {path}", err=True)
        raise typer.Exit(2)
    return path
