"""`qitong duplicates reindex|prune`: keep the near-duplicate index (docs/duplicates.md)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated

import typer

from qitong.settings import Settings

if TYPE_CHECKING:
    from qitong.services.context import Context

duplicates_app = typer.Typer(help="相似诉求索引：补建与清理", no_args_is_help=True, add_completion=False)


@contextmanager
def _context() -> Iterator[Context]:
    from qitong.db.engine import make_engine, make_sessionmaker
    from qitong.domain.clock import SystemClock
    from qitong.services.context import Context

    settings = Settings()
    engine = make_engine(settings.database_url)
    try:
        yield Context(make_sessionmaker(engine), SystemClock(), settings)
    finally:
        engine.dispose()


@duplicates_app.command("reindex")
def reindex(
    batch: Annotated[int, typer.Option(min=1, max=100_000, help="每批工单数（每批一个事务）")] = 1000,
) -> None:
    """为尚未建立相似索引的工单补建索引（在办及近期办结的工单；升级后首次运行）。"""
    from qitong.services import duplicates

    with _context() as ctx:
        n = duplicates.reindex(ctx, batch=batch,
                               progress=lambda done: typer.echo(f"已补建 {done} 件", err=True))
    typer.echo(f"补建完成：{n} 件工单已建立相似索引")


@duplicates_app.command("prune")
def prune() -> None:
    """清理相似索引中办结已超出近期范围的工单（工作进程每天自动执行）。"""
    from qitong.services import duplicates

    with _context() as ctx:
        n = duplicates.prune_index(ctx)
    typer.echo(f"清理完成：{n} 件工单移出相似索引")
