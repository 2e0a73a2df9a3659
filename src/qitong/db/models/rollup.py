"""KPI rollups (issue 6): counters per (day, department, category, region), kept up to date in the
transaction of every ticket action, and each ticket's own share of them, so that an action applies
only the difference. `services.rollups.rebuild_rollups` recomputes both from the raw tables.

Keys never hold NULL (a unique key would not see two NULLs as equal): department 0 is the center
itself (no lead unit), region 0 none, category "" none."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, ForeignKey, Index, Integer, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from qitong.db.models.base import Base
from qitong.domain.evaluation.kpi import COUNTERS


def _counter() -> Mapped[int]:
    return mapped_column(Integer, default=0, server_default="0")


class Counters:
    """The counters (domain.evaluation.kpi.COUNTERS), shared by the rollup tables."""

    received: Mapped[int] = _counter()
    received_finished: Mapped[int] = _counter()
    dispatches: Mapped[int] = _counter()
    returns: Mapped[int] = _counter()
    closed: Mapped[int] = _counter()
    closed_dispatched: Mapped[int] = _counter()
    resolved: Mapped[int] = _counter()
    closed_on_time: Mapped[int] = _counter()
    contacted_in_time: Mapped[int] = _counter()
    signed_in_time: Mapped[int] = _counter()
    redispatches: Mapped[int] = _counter()
    extensions: Mapped[int] = _counter()
    solved_at_center: Mapped[int] = _counter()
    sent_to_leadership: Mapped[int] = _counter()
    rated: Mapped[int] = _counter()
    satisfied: Mapped[int] = _counter()
    dissatisfied: Mapped[int] = _counter()


def _scoped_index(name: str, column: str, first: str) -> Index:
    """(column, first) covering the other key columns and the counters on PostgreSQL (INCLUDE), so a
    department's or a region's dashboard reads its rows by an index-only scan instead of visiting one
    heap page per row (docs/evaluation.md "Dashboards"); a plain index elsewhere."""
    others = [c for c in ("department_id", "category", "region_id") if c != column]
    return Index(name, column, first, postgresql_include=[*others, *COUNTERS])


class KpiRollup(Counters, Base):
    __tablename__ = "kpi_rollups"
    __table_args__ = (_scoped_index("ix_kpi_rollups_dept_day", "department_id", "day"),
                      _scoped_index("ix_kpi_rollups_region_day", "region_id", "day"))
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    department_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    category: Mapped[str] = mapped_column(String(32), primary_key=True)
    region_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)


class KpiRollupMonthly(Counters, Base):
    """The same counters per calendar month (`month` is its first day), kept by the same upsert:
    what the KPI queries read for whole months, quarters and years."""

    __tablename__ = "kpi_rollups_monthly"
    __table_args__ = (_scoped_index("ix_kpi_rollups_monthly_dept_month", "department_id", "month"),
                      _scoped_index("ix_kpi_rollups_monthly_region_month", "region_id", "month"))
    month: Mapped[date] = mapped_column(Date, primary_key=True)
    department_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    category: Mapped[str] = mapped_column(String(32), primary_key=True)
    region_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)


class KpiSlice(Counters, Base):
    """The daily rollups summed over all but one key (issue 6, docs/evaluation.md "Dashboards"): one row
    per day and member of each dimension — `department` (member: the department id as text, "0" the
    center), `category` (the category code, "" none) and `region` (the region id as text, "0" none).
    Kept by the same upsert as `kpi_rollups`, in the same transaction, so it always equals them summed
    (tests/service/test_rollups.py). The county-wide figures read these: about departments + categories
    + regions rows a day, however many tickets a day brings, where `kpi_rollups` holds up to one row a
    day for every department × category × region combination in use."""

    __tablename__ = "kpi_slices"
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    dimension: Mapped[str] = mapped_column(String(16), primary_key=True)
    member: Mapped[str] = mapped_column(String(32), primary_key=True)


class KpiSliceMonthly(Counters, Base):
    """`kpi_slices` per calendar month (`month` is its first day)."""

    __tablename__ = "kpi_slices_monthly"
    month: Mapped[date] = mapped_column(Date, primary_key=True)
    dimension: Mapped[str] = mapped_column(String(16), primary_key=True)
    member: Mapped[str] = mapped_column(String(32), primary_key=True)


class RollupContribution(Counters, Base):
    """One ticket's share of one rollup row, as last applied."""

    __tablename__ = "kpi_contributions"
    __table_args__ = (UniqueConstraint("ticket_id", "day", "department_id", "category", "region_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"))
    day: Mapped[date] = mapped_column(Date)
    department_id: Mapped[int]
    category: Mapped[str] = mapped_column(String(32))
    region_id: Mapped[int]


assert all(c in t.__table__.c for t in (KpiRollup, KpiRollupMonthly, KpiSlice, KpiSliceMonthly, RollupContribution)
           for c in COUNTERS)


class EvaluationSetting(Base):
    """Settings of the evaluation an admin changes at run time (the composite weights, the revisit
    share), as JSON; each change is audited."""

    __tablename__ = "evaluation_settings"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[dict[str, Any]]
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime]


class ReportRun(Base):
    """A generated report; the unique (report, period) makes the scheduled run happen once."""

    __tablename__ = "report_runs"
    __table_args__ = (UniqueConstraint("report", "period"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    report: Mapped[str] = mapped_column(String(32))  # monthly | quarterly
    period: Mapped[str] = mapped_column(String(16))  # 2026-11 | 2026-Q4
    pdf: Mapped[bytes | None] = mapped_column(LargeBinary)
    xlsx: Mapped[bytes | None] = mapped_column(LargeBinary)
    generated_at: Mapped[datetime]
