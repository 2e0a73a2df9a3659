from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from qitong.db.models.base import Base


class CalendarOverride(Base):
    """A day the deployment declares working (True) or off (False), beyond chinese-calendar."""

    __tablename__ = "calendar_overrides"
    day: Mapped[date] = mapped_column(primary_key=True)
    is_workday: Mapped[bool]
    note: Mapped[str] = mapped_column(String(128), default="")
    created_at: Mapped[datetime]


class CalendarLoadedYear(Base):
    """A year whose official holiday schedule an admin loaded in full (overrides are complete)."""

    __tablename__ = "calendar_loaded_years"
    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    note: Mapped[str] = mapped_column(String(128), default="")
    created_at: Mapped[datetime]
