"""`qitong workdays`: working-day arithmetic on the command line."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Annotated

import typer

from qitong.domain.timelimits import WorkCalendar

__all__ = ["calendar_factory", "workdays_app"]

workdays_app = typer.Typer(
    help="工作日计算（法定节假日与调休）。Working-day arithmetic on the official calendar.",
    no_args_is_help=True,
    add_completion=False,
)

# The main CLI replaces this to pass the database's overrides in.
calendar_factory: Callable[[], WorkCalendar] = WorkCalendar.from_chinese_calendar


def _parse_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        message = f"无效日期“{text}”，格式应为 YYYY-MM-DD（invalid date, expected YYYY-MM-DD）"
        raise typer.BadParameter(message) from None


DateArg = Annotated[date, typer.Argument(parser=_parse_date, help="日期 / date (YYYY-MM-DD)")]


def _warn_unknown(calendar: WorkCalendar, a: date, b: date) -> None:
    lo, hi = min(a, b).year, max(a, b).year
    years = [str(y) for y in range(lo, hi + 1) if y not in calendar.known_years]
    shown = "、".join(years) if len(years) <= 5 else f"{years[0]}–{years[-1]} 中的 {len(years)} 个"
    english = "provisional: holiday schedule unknown, weekends only"
    typer.echo(f"警告：{shown} 年的节假日安排未知，按周末推算（{english}）", err=True)


@workdays_app.command("add")
def add(
    start: DateArg,
    n: Annotated[int, typer.Argument(min=0, help="工作日数 / working days")],
) -> None:
    """打印 START 之后第 N 个工作日（N=0：当天或下一个工作日）。"""
    calendar = calendar_factory()
    result = calendar.add(start, n)
    typer.echo(result.day.isoformat())
    if result.provisional:
        _warn_unknown(calendar, start, result.day)


@workdays_app.command("between")
def between(a: DateArg, b: DateArg) -> None:
    """打印 (A, B] 内的工作日数；B 早于 A 时为负数。"""
    calendar = calendar_factory()
    result = calendar.between(a, b)
    typer.echo(str(result.days))
    if result.provisional:
        _warn_unknown(calendar, a, b)
