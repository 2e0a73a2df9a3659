"""The content of the monthly bulletin and the quarterly 数智分析报告, as plain data: the services
fill it, the PDF and Excel renderers (adapters.documents.report) only lay it out."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Table:
    title: str
    header: tuple[str, ...]
    rows: tuple[tuple[str | int | float, ...], ...]
    chart: tuple[str, int] | None = None  # (label of the bar series, column index of the values)


@dataclass(frozen=True)
class Report:
    kind: str  # monthly | quarterly
    title: str
    issuer: str
    period: str  # 2026年第4季度
    as_of: str
    summary: tuple[str, ...]  # paragraphs
    tables: tuple[Table, ...]
    cases: tuple[tuple[str, str], ...] = ()  # (title, text)
    suggestions: tuple[str, ...] = field(default_factory=tuple)


def pct(v: float | None) -> str:
    return "—" if v is None else f"{v * 100:.1f}%"
