"""Supervisions (督办) and the counters that number their documents without gaps."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from qitong.db.models.base import Base, enum_column
from qitong.domain.supervision import SupervisionLevel, SupervisionStatus, Trigger

_ACTIVE = text("status <> 'closed'")


class Supervision(Base):
    """One notice sent to one department about one ticket, and what became of it."""

    __tablename__ = "supervisions"
    __table_args__ = (
        # the same trigger never opens twice at one level while a notice is still open
        Index("uq_supervisions_active", "ticket_id", "trigger", "level", unique=True,
              postgresql_where=_ACTIVE, sqlite_where=_ACTIVE),
        # an automatic trigger opens once per occurrence (the deadline, the n-th return ...), ever
        UniqueConstraint("ticket_id", "trigger", "basis", name="uq_supervisions_occurrence"),
        UniqueConstraint("level", "year", "seq", name="uq_supervisions_level_year_seq"),
        Index("ix_supervisions_department_status", "department_id", "status"),
        Index("ix_supervisions_opened_at", "opened_at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    level: Mapped[SupervisionLevel] = enum_column(SupervisionLevel, "supervision_level")
    trigger: Mapped[Trigger] = enum_column(Trigger, "supervision_trigger")
    basis: Mapped[str | None] = mapped_column(String(64))  # the occurrence; NULL when opened by hand
    document_no: Mapped[str] = mapped_column(String(32), unique=True)
    year: Mapped[int]
    seq: Mapped[int]
    reason: Mapped[str] = mapped_column(Text)
    # the ticket's facts as the notice states them, frozen at opening: an issued document never changes
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # NULL: the system
    opened_at: Mapped[datetime]
    response_due_at: Mapped[datetime]
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"))
    response: Mapped[str | None] = mapped_column(Text)
    responded_at: Mapped[datetime | None]
    responded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    closed_at: Mapped[datetime | None]
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    close_note: Mapped[str | None] = mapped_column(Text)
    status: Mapped[SupervisionStatus] = enum_column(SupervisionStatus, "supervision_status")


class SupervisionCounter(Base):
    """The last number issued in one series (document prefix) of one year. Taking a number
    updates this row, so the row lock orders concurrent writers, and a rolled-back transaction
    gives its number back: the register has no gaps."""

    __tablename__ = "supervision_counters"
    prefix: Mapped[str] = mapped_column(String(8), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last_seq: Mapped[int] = mapped_column(default=0)
