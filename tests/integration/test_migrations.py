"""Alembic from empty to head on both engines, and no model change without its migration."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text

from qitong.db.migrate import check, upgrade
from qitong.db.models import Base


@pytest.fixture(params=["sqlite", "postgres"])
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrate.db'}"
        return
    base = request.getfixturevalue("pg_url").rsplit("/", 1)[0]
    name = f"qitong_mig_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base + "/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}"'))
    yield f"{base}/{name}"
    with admin.connect() as c:
        c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def test_upgrade_from_empty_then_check(empty_url: str) -> None:
    upgrade(empty_url)
    check(empty_url)  # raises if the models need a migration nobody wrote
    eng = create_engine(empty_url)
    tables = set(inspect(eng).get_table_names())
    eng.dispose()
    assert set(Base.metadata.tables) <= tables
