"""The responsibility list (职责清单 / 派单目录): per category, who leads, who helps, at what tier and
on what legal basis; versioned, each version with its own effective dates."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from qitong.db.models.base import Base, enum_column
from qitong.domain.tickets.vocab import Tier


class ResponsibilityEntry(Base):
    __tablename__ = "responsibility_entries"
    __table_args__ = (
        UniqueConstraint("category_code", "version", name="uq_responsibility_entries_category_version"),
        Index("ix_responsibility_category_from", "category_code", "effective_from"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    category_code: Mapped[str] = mapped_column(ForeignKey("categories.code"))
    lead_unit_id: Mapped[int] = mapped_column(ForeignKey("departments.id"))
    co_unit_ids: Mapped[list[Any]] = mapped_column(default=list)
    tier: Mapped[Tier] = enum_column(Tier, "responsibility_tier")
    legal_basis: Mapped[str] = mapped_column(Text, default="")
    keywords: Mapped[list[Any]] = mapped_column(default=list)
    effective_from: Mapped[date]
    effective_to: Mapped[date | None]  # inclusive; NULL = until further notice
    version: Mapped[int] = mapped_column(default=1)
    note: Mapped[str] = mapped_column(String(255), default="")
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
