"""Revisits (回访), rating appeals (申诉复核), the low-satisfaction ledger and typical cases."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from qitong.db.models.base import Base, enum_column


class RevisitReason(StrEnum):
    sample = "sample"  # 抽样回访
    dissatisfied = "dissatisfied"  # 不满意必访


class RevisitMethod(StrEnum):
    phone = "phone"
    visit = "visit"


class RevisitStatus(StrEnum):
    pending = "pending"
    done = "done"
    unreachable = "unreachable"


class Revisit(Base):
    __tablename__ = "revisits"
    __table_args__ = (UniqueConstraint("ticket_id", "reason", "round"), Index("ix_revisits_status", "status"))
    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    reason: Mapped[RevisitReason] = enum_column(RevisitReason, "revisit_reason")
    round: Mapped[int] = mapped_column(default=1)
    method: Mapped[RevisitMethod] = enum_column(RevisitMethod, "revisit_method")
    status: Mapped[RevisitStatus] = enum_column(RevisitStatus, "revisit_status")
    assigned_to_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime]
    done_at: Mapped[datetime | None]
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    satisfied: Mapped[bool | None]
    resolved: Mapped[bool | None]
    outcome: Mapped[str | None] = mapped_column(Text)


class LowSatisfactionEntry(Base):
    """低满意度台账: a ticket rated dissatisfied twice or more; entered once."""

    __tablename__ = "low_satisfaction_ledger"
    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), unique=True)
    entered_at: Mapped[datetime]
    dissatisfied_count: Mapped[int]
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    resolved_at: Mapped[datetime | None]
    note: Mapped[str | None] = mapped_column(Text)


class AppealStatus(StrEnum):
    pending = "pending"
    upheld = "upheld"  # the rating was wrong: excluded from the KPIs
    rejected = "rejected"


class RatingAppeal(Base):
    __tablename__ = "rating_appeals"
    id: Mapped[int] = mapped_column(primary_key=True)
    rating_id: Mapped[int] = mapped_column(ForeignKey("ratings.id"), index=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"))
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[AppealStatus] = enum_column(AppealStatus, "appeal_status")
    filed_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    filed_at: Mapped[datetime]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None]
    decision: Mapped[str | None] = mapped_column(Text)


class CaseStatus(StrEnum):
    draft = "draft"
    published = "published"
    withdrawn = "withdrawn"


class TypicalCase(Base):
    """典型案例: a closed ticket told without who it was about; published after a review."""

    __tablename__ = "typical_cases"
    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), unique=True)
    category: Mapped[str | None] = mapped_column(String(32), index=True)
    title: Mapped[str] = mapped_column(String(200))
    problem: Mapped[str] = mapped_column(Text)
    solution: Mapped[str] = mapped_column(Text)
    lesson: Mapped[str] = mapped_column(Text, default="")  # 举一反三: the rule for the class of matters
    status: Mapped[CaseStatus] = enum_column(CaseStatus, "case_status")
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime]
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    published_at: Mapped[datetime | None]
