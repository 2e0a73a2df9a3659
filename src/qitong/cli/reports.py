"""`qitong report …`: the monthly bulletin and the quarterly analysis report on demand, the
scheduled run, and rebuilding the KPI rollups from the raw tables."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from qitong.settings import Settings

if TYPE_CHECKING:
    from qitong.services.context import Context

report_app = typer.Typer(help="分析报告与考核汇总", no_args_is_help=True)
Fmt = Annotated[str, typer.Option("--format", "-f", help="pdf 或 xlsx")]
Out = Annotated[Path | None, typer.Option("--out", "-o", help="输出文件（默认当前目录）")]


def _ctx() -> Context:
    from qitong.db.engine import make_engine, make_sessionmaker
    from qitong.domain.clock import SystemClock
    from qitong.services.context import Context

    settings = Settings()
    return Context(make_sessionmaker(make_engine(settings.database_url)), SystemClock(), settings)


def _write(kind: str, year: int, n: int, fmt: str, out: Path | None, name: str) -> None:
    from qitong.domain.errors import DomainError
    from qitong.services.reports import report_file

    try:
        data = report_file(_ctx(), None, kind, year, n, fmt)
    except DomainError as e:
        typer.echo(str(e), err=True)
        raise typer.Exit(2) from None
    path = out or Path(f"{name}.{fmt}")
    path.write_bytes(data)
    typer.echo(f"已生成 {path}（{len(data)} 字节）")


@report_app.command("quarterly")
def quarterly(year: int, quarter: int, fmt: Fmt = "pdf", out: Out = None) -> None:
    """生成季度“企业问题解决”数智分析报告，如 qitong report quarterly 2026 4。"""
    _write("quarterly", year, quarter, fmt, out, f"report-{year}-Q{quarter}")


@report_app.command("monthly")
def monthly(year: int, month: int, fmt: Fmt = "pdf", out: Out = None) -> None:
    """生成月度通报，如 qitong report monthly 2026 11。"""
    _write("monthly", year, month, fmt, out, f"bulletin-{year}-{month:02d}")


@report_app.command("scheduled")
def scheduled() -> None:
    """生成上月通报和上季度报告（每期只生成一次）。"""
    from qitong.services.reports import generate_scheduled_reports

    done = generate_scheduled_reports(_ctx())
    typer.echo("已生成：" + "、".join(done) if done else "无新的报告需要生成")


@report_app.command("rebuild-rollups")
def rebuild() -> None:
    """从原始数据重算考核汇总表（增量汇总表出现疑问时使用）。"""
    from qitong.services.rollups import rebuild_rollups

    n = rebuild_rollups(_ctx())
    typer.echo(f"已重算 {n} 件工单的考核汇总")
