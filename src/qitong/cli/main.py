"""`qitong …`: serve, db, demo, workdays, audit."""

from __future__ import annotations

import gc
from pathlib import Path
from typing import Annotated, Any

import typer

from qitong.cli import workdays
from qitong.cli.context import existing
from qitong.cli.duplicates import duplicates_app
from qitong.cli.reports import report_app
from qitong.cli.routing import import_app, routing_app
from qitong.domain.input_errors import field_of, reason
from qitong.domain.timelimits import WorkCalendar
from qitong.settings import Settings

app = typer.Typer(help="企通 Qitong — 涉企问题高效闭环解决平台", no_args_is_help=True, add_completion=False)
db_app = typer.Typer(help="数据库迁移", no_args_is_help=True)
audit_app = typer.Typer(help="审计日志", no_args_is_help=True)
demo_app = typer.Typer(help="演示数据", no_args_is_help=True)
calendar_app = typer.Typer(help="节假日安排（本地放假、官方调休安排）", no_args_is_help=True)
app.add_typer(calendar_app, name="calendar")
app.add_typer(db_app, name="db")
app.add_typer(audit_app, name="audit")
app.add_typer(demo_app, name="demo")
app.add_typer(workdays.workdays_app, name="workdays")
app.add_typer(report_app, name="report")
app.add_typer(import_app, name="import")
app.add_typer(routing_app, name="routing")
app.add_typer(duplicates_app, name="duplicates")


def _ctx() -> object:
    from qitong.db.engine import make_engine, make_sessionmaker
    from qitong.domain.clock import SystemClock
    from qitong.services.context import Context

    settings = Settings()
    return Context(make_sessionmaker(make_engine(settings.database_url)), SystemClock(), settings)


def _db_calendar() -> WorkCalendar:
    """The CLI counts with the deployment's own overrides when a database is there."""
    from sqlalchemy.exc import SQLAlchemyError

    from qitong.services.context import Context

    ctx = _ctx()
    assert isinstance(ctx, Context)
    try:
        with ctx.sessions() as s:
            return ctx.calendars.get(s)
    except SQLAlchemyError:
        return WorkCalendar.from_chinese_calendar()


workdays.calendar_factory = _db_calendar


@db_app.command("upgrade")
def db_upgrade(revision: str = "head") -> None:
    """迁移数据库到最新版本。"""
    from qitong.db.migrate import upgrade

    upgrade(Settings().database_url, revision)
    typer.echo("数据库已是最新版本")


@db_app.command("check")
def db_check() -> None:
    """检查模型与迁移是否一致（缺少迁移时失败）。"""
    from qitong.db.migrate import check

    check(Settings().database_url)


@audit_app.command("verify")
def audit_verify() -> None:
    """校验审计日志哈希链，指出第一个断裂处。"""
    from qitong.services.audit import verify, verify_batches
    from qitong.services.context import Context

    ctx = _ctx()
    assert isinstance(ctx, Context)
    with ctx.sessions() as s:
        report = verify(s)
        bad_batch = verify_batches(s) if report.ok else None
    if not report.ok:
        typer.echo(f"审计链断裂：第 {report.first_broken_seq} 条记录（{report.reason}）", err=True)
        raise typer.Exit(1)
    if bad_batch is not None:
        typer.echo(f"计时触发记录与审计链不符：第 {bad_batch} 条记录（批次摘要不一致）", err=True)
        raise typer.Exit(1)
    typer.echo(f"审计链完整：已校验 {report.checked} 条记录")


@demo_app.command("load")
def demo_load(
    reset: Annotated[bool, typer.Option(help="清空后重新载入")] = False,
    seed: int = 20261121,
) -> None:
    """载入演示数据（县、单位、企业、各状态工单、各角色账号）。"""
    from qitong.demo.loader import load_demo
    from qitong.services.context import Context

    ctx = _ctx()
    assert isinstance(ctx, Context)
    summary = load_demo(ctx, seed=seed, reset=reset)
    typer.echo(summary)


_SCHEDULE_HELP = 'JSON：{"days_off": ["2027-01-01", ...], "workdays": ["2027-02-06", ...]}'


@calendar_app.command("load-year")
def calendar_load_year(
    year: int,
    file: Annotated[Path, typer.Argument(help=_SCHEDULE_HELP)],
) -> None:
    """载入某年国务院办公厅节假日安排（放假日期与调休上班日期）。"""
    from pydantic import ValidationError

    from qitong.services.auth import operator
    from qitong.services.calendar import YearSchedule, load_year
    from qitong.services.context import Context

    ctx = _ctx()
    assert isinstance(ctx, Context)
    try:
        schedule = YearSchedule.model_validate_json(existing(file).read_text(encoding="utf-8"))
    except ValidationError as e:
        err = e.errors()[0]
        typer.echo(f"文件格式错误：{field_of(err) or '文件'} {reason(err)}", err=True)
        raise typer.Exit(2) from None
    out = load_year(ctx, operator(), year, schedule)
    typer.echo(f"已载入 {year} 年安排：放假 {out['days_off']} 天，调休上班 {out['workdays']} 天")


@calendar_app.command("set")
def calendar_set(
    day: str,
    work: Annotated[bool, typer.Option("--work/--off", help="--work 调休上班；--off 放假")],
    note: str = "",
) -> None:
    """设置某一天放假或上班（本地安排）。"""
    from datetime import date

    from qitong.services.auth import operator
    from qitong.services.calendar import OverrideIn, set_override
    from qitong.services.context import Context

    ctx = _ctx()
    assert isinstance(ctx, Context)
    set_override(ctx, operator(), date.fromisoformat(day), OverrideIn(is_workday=work, note=note))
    typer.echo(f"{day} 已设为{'上班' if work else '放假'}")


def long_lived(web: Any) -> Any:
    """Leave what lives as long as the process (modules, mappings, templates, the app) out of every later
    garbage collection: a full collection then walks a request's garbage only, not everything loaded
    at start (the tail of short requests; docs/benchmarks.md). Then build the similar-case indexes in
    the background, so the first handler to open a ticket does not wait for them."""
    import threading

    from qitong.services.retrieval import warm

    gc.collect()
    gc.freeze()
    threading.Thread(target=_warm, args=(web.state.ctx, warm), name="qitong-warm", daemon=True).start()
    return web


def _warm(ctx: Any, warm: Any) -> None:
    try:
        warm(ctx)
    except Exception:  # a cold index is built on first use instead; the server must start regardless
        import logging

        logging.getLogger("qitong").exception("similar-case indexes not built at start-up")


def serving_app() -> Any:
    """The app as `qitong serve` runs it; with --workers, uvicorn calls this in each worker process."""
    from qitong.web.app import create_app

    return long_lived(create_app(Settings()))


@app.command("serve")
def serve(host: str = "127.0.0.1", port: int = 8000,
          workers: Annotated[int, typer.Option(min=1, max=64, help="Web 进程数（多核服务器可设为 CPU 核数）")] = 1,
          ) -> None:
    """启动 Web 服务。"""
    import uvicorn

    if workers > 1:
        _serve_processes(workers, host, port)
    else:
        uvicorn.run(serving_app(), host=host, port=port, log_level="info")


def _serve_processes(workers: int, host: str, port: int) -> None:
    """uvicorn's --workers path, with a listening socket that says it is TCP: uvicorn binds it without
    `proto`, accepted connections inherit proto 0, and asyncio then leaves Nagle's algorithm on, so
    every keep-alive response waits ~40 ms for the client's delayed ACK (uvicorn issue #3149)."""
    import uvicorn
    from uvicorn.supervisors import Multiprocess

    config = uvicorn.Config("qitong.cli.main:serving_app", factory=True, workers=workers, host=host, port=port,
                            log_level="info")
    Multiprocess(config, sockets=[tcp_listener(config)]).run()


def tcp_listener(config: Any) -> Any:
    """uvicorn's listening socket for `config`, its protocol set to TCP (see `_serve_processes`)."""
    import socket

    bound = config.bind_socket()
    sock = socket.socket(bound.family, bound.type, socket.IPPROTO_TCP, fileno=bound.detach())
    sock.set_inheritable(True)
    return sock


@app.command("worker")
def worker(once: Annotated[bool, typer.Option(help="只执行一轮")] = False) -> None:
    """后台任务：时限扫描（临期、超期、未签收、未联系、企业未确认）与消息投递。"""
    from qitong.jobs.worker import run
    from qitong.services.context import Context

    ctx = _ctx()
    assert isinstance(ctx, Context)
    run(ctx, once=once)


@app.command("run")
def run_all(host: str = "127.0.0.1", port: int = 8000) -> None:
    """Web 服务与后台任务一起运行（内置 SQLite 默认部署）。"""
    import threading

    import uvicorn

    from qitong.jobs.worker import run
    from qitong.services.context import Context
    from qitong.web.app import create_app

    ctx = _ctx()
    assert isinstance(ctx, Context)
    stop = threading.Event()
    thread = threading.Thread(target=run, args=(ctx, stop), name="qitong-worker", daemon=True)
    thread.start()
    try:
        uvicorn.run(long_lived(create_app(ctx.settings)), host=host, port=port, log_level="info")
    finally:
        stop.set()
        thread.join(timeout=10)


def main() -> None:
    app()
