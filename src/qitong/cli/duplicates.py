"""`qitong duplicates reindex|prune`: keep the near-duplicate index (docs/duplicates.md)."""

from __future__ import annotations

from typing import Annotated

import typer

from qitong.cli.context import command_context

duplicates_app = typer.Typer(help="相似诉求索引：补建与清理", no_args_is_help=True, add_completion=False)


@duplicates_app.command("reindex")
def reindex(
    batch: Annotated[int, typer.Option(min=1, max=100_000, help="每批工单数（每批一个事务）")] = 1000,
) -> None:
    """为尚未建立相似索引的工单补建索引（在办及近期办结的工单；升级后首次运行）。"""
    from qitong.services import duplicates

    with command_context() as ctx:
        n = duplicates.reindex(ctx, batch=batch,
                               progress=lambda done: typer.echo(f"已补建 {done} 件", err=True))
    typer.echo(f"补建完成：{n} 件工单已建立相似索引")


@duplicates_app.command("prune")
def prune() -> None:
    """清理相似索引中办结已超出近期范围的工单（工作进程每天自动执行）。"""
    from qitong.services import duplicates

    with command_context() as ctx:
        n = duplicates.prune_index(ctx)
    typer.echo(f"清理完成：{n} 件工单移出相似索引")
