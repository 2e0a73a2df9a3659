"""Regions, departments (the center and its boards included), users and API tokens."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, String, false
from sqlalchemy.orm import Mapped, mapped_column

from qitong.db.models.base import Base, enum_column
from qitong.domain.tickets.lifecycle import Role
from qitong.domain.tickets.vocab import Tier


class DepartmentKind(StrEnum):
    center = "center"  # type: ignore[assignment]  # glossary name shadows str.center
    board = "board"
    department = "department"
    town = "town"
    leadership = "leadership"


class Region(Base):
    __tablename__ = "regions"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(12), unique=True)
    name: Mapped[str] = mapped_column(String(64))
    tier: Mapped[Tier] = enum_column(Tier, "region_tier")
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"))


class Department(Base):
    __tablename__ = "departments"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(128))
    short_name: Mapped[str] = mapped_column(String(64))
    kind: Mapped[DepartmentKind] = enum_column(DepartmentKind, "department_kind")
    tier: Mapped[Tier] = enum_column(Tier, "department_tier")
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    region_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"))
    active: Mapped[bool] = mapped_column(default=True)


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(64))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = enum_column(Role, "user_role")
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"), index=True)
    enterprise_id: Mapped[int | None] = mapped_column(ForeignKey("enterprises.id"), index=True)
    phone: Mapped[str | None] = mapped_column(String(32))
    active: Mapped[bool] = mapped_column(default=True)
    # set by an administrator's password reset: the temporary password opens only the change form
    must_change_password: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_at: Mapped[datetime]
    last_login_at: Mapped[datetime | None]


class ApiToken(Base):
    __tablename__ = "api_tokens"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
