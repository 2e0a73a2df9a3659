"""`web.pages.ui.format_recorded`: a source system's time shows formatted, or as it came."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from qitong.web.pages.ui import format_recorded

SH = ZoneInfo("Asia/Shanghai")


def test_a_recorded_time_is_formatted_when_it_parses_and_kept_when_not() -> None:
    assert format_recorded("2026-11-20T09:05:00+08:00", SH) == "2026-11-20 09:05"
    assert format_recorded("昨天下午", SH) == "昨天下午"  # stored before the import checked it
    assert format_recorded(None, SH) == "—"
