from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from qitong.cli import workdays
from qitong.cli.workdays import workdays_app
from qitong.domain.timelimits import WorkCalendar

ROOT = Path(__file__).resolve().parents[2]

app = typer.Typer()
app.add_typer(workdays_app, name="workdays")
runner = CliRunner()


def test_add() -> None:
    result = runner.invoke(app, ["workdays", "add", "2026-02-12", "3"])
    assert result.exit_code == 0, result.output
    assert result.stdout == "2026-02-24\n"
    assert result.stderr == ""


def test_between() -> None:
    result = runner.invoke(app, ["workdays", "between", "2026-02-12", "2026-02-24"])
    assert result.exit_code == 0, result.output
    assert result.stdout == "3\n"
    result = runner.invoke(app, ["workdays", "between", "2026-02-24", "2026-02-12"])
    assert result.stdout == "-3\n"


def test_unknown_year_prints_result_and_warns_on_stderr() -> None:
    result = runner.invoke(app, ["workdays", "add", "2026-12-30", "3"])
    assert result.exit_code == 0, result.output
    assert result.stdout == "2027-01-04\n"
    assert "2027 年的节假日安排未知" in result.stderr
    assert "provisional" in result.stderr
    result = runner.invoke(app, ["workdays", "between", "2027-01-01", "2027-01-08"])
    assert (result.exit_code, result.stdout) == (0, "5\n")
    assert "2027" in result.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["add", "2026-13-01", "3"],
        ["add", "yesterday", "3"],
        ["add", "2026-02-12", "-1"],
        ["add", "2026-02-12", "three"],
        ["between", "2026-02-12", "2026-02-30"],
    ],
)
def test_bad_input_exits_2(args: list[str]) -> None:
    result = runner.invoke(app, ["workdays", *args])
    assert result.exit_code == 2
    assert result.stdout == ""


def test_bad_date_message() -> None:
    result = runner.invoke(app, ["workdays", "add", "2026-02-30", "3"])
    assert "无效日期" in result.stderr
    assert "YYYY-MM-DD" in result.stderr


def test_calendar_factory_hook(monkeypatch: pytest.MonkeyPatch) -> None:
    local_day_off = WorkCalendar.from_chinese_calendar({date(2026, 2, 13): False})
    monkeypatch.setattr(workdays, "calendar_factory", lambda: local_day_off)
    result = runner.invoke(app, ["workdays", "add", "2026-02-12", "3"])
    assert result.stdout == "2026-02-25\n"


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    code = "from qitong.cli.workdays import workdays_app; workdays_app()"
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    return subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, env=env, cwd=ROOT, timeout=60
    )


def test_subprocess() -> None:
    ok = _run("add", "2026-02-12", "3")
    assert (ok.returncode, ok.stdout, ok.stderr) == (0, "2026-02-24\n", "")
    provisional = _run("add", "2027-02-05", "1")
    assert (provisional.returncode, provisional.stdout) == (0, "2027-02-08\n")
    assert "警告" in provisional.stderr
    bad = _run("between", "2026-02-12", "not-a-date")
    assert bad.returncode == 2
    assert bad.stdout == ""
