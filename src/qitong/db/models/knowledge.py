"""The knowledge base (知识库, GB/T 44191-2024's idea): answers for consultations, each with its
category, its source (the policy document or the unit that stated it) and the dates it is in force.
docs/knowledge.md."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from qitong.db.models.base import Base, enum_column


class KnowledgeStatus(StrEnum):
    draft = "draft"  # 草稿: being written, not searchable
    published = "published"  # 已发布: searchable while in force
    retired = "retired"  # 已停用: kept for the record, never shown again


class KnowledgeEntry(Base):
    __tablename__ = "knowledge_entries"
    __table_args__ = (Index("ix_knowledge_entries_status_from", "status", "effective_from"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    question: Mapped[str] = mapped_column(String(300))
    answer: Mapped[str] = mapped_column(Text)
    category: Mapped[str | None] = mapped_column(ForeignKey("categories.code"), index=True)
    # where the answer comes from: the policy document and its number, or the unit that gave it
    source: Mapped[str] = mapped_column(String(300), default="")
    effective_from: Mapped[date]
    effective_to: Mapped[date | None]  # the last day in force; NULL = until further notice
    status: Mapped[KnowledgeStatus] = enum_column(KnowledgeStatus, "knowledge_status")
    # words a business might use instead of the official ones ("开公司" for 企业开办); searched too
    keywords: Mapped[list[Any]] = mapped_column(default=list)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    published_at: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}
