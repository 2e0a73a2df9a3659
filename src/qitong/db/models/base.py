from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any, TypeVar

from sqlalchemy import JSON, Enum, MetaData
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from qitong.db.types import UTCDateTime

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

E = TypeVar("E", bound=StrEnum)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: UTCDateTime(), dict[str, Any]: JSON(), list[Any]: JSON()}


def enum_column(enum: type[E], name: str, **kw: Any) -> Mapped[E]:
    """Enums as VARCHAR + CHECK: portable, and the database refuses a value the code doesn't know."""
    return mapped_column(
        Enum(
            enum,
            native_enum=False,
            length=32,
            name=name,
            create_constraint=True,
            values_callable=lambda e: [m.value for m in e],
            validate_strings=True,
        ),
        **kw,
    )
