"""Fixtures: a real SQLite file and a real PostgreSQL database, never a mock of either.

PostgreSQL tests skip when no server answers, except under CI=true, where they must run."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, create_engine, text

from qitong.db.engine import make_engine, make_sessionmaker
from qitong.db.models import Base
from qitong.domain.clock import FixedClock
from qitong.services.context import Context
from qitong.settings import Settings

PG_ADMIN_URL = os.environ.get("QITONG_TEST_PG_ADMIN", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
SHANGHAI = ZoneInfo("Asia/Shanghai")
# a Monday morning in Shanghai; the tests move the clock themselves
T0 = datetime(2026, 11, 23, 9, 0, tzinfo=SHANGHAI)


def _pg_available() -> bool:
    try:
        eng = create_engine(PG_ADMIN_URL, connect_args={"connect_timeout": 3})
        with eng.connect():
            pass
        eng.dispose()
        return True
    except Exception:
        return False


def _worker() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    if not _pg_available():
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true but PostgreSQL is not reachable at " + PG_ADMIN_URL)
        pytest.skip("PostgreSQL is not reachable; set it up or run under CI=true to require it")
    name = f"qitong_test_{_worker()}_{os.getpid()}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        c.execute(text(f'CREATE DATABASE "{name}"'))
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    yield url
    with admin.connect() as c:
        c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def sqlite_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'qitong.db'}"


_SCHEMA_READY: dict[str, Engine] = {}


def _engine_for(url: str) -> Engine:
    eng = _SCHEMA_READY.get(url)
    if eng is None:
        eng = make_engine(url)
        Base.metadata.create_all(eng)
        _SCHEMA_READY[url] = eng
    return eng


def _wipe(eng: Engine) -> None:
    tables = list(reversed(Base.metadata.sorted_tables))
    with eng.begin() as c:
        if eng.dialect.name == "postgresql":
            c.execute(text("TRUNCATE " + ", ".join(t.name for t in tables) + " RESTART IDENTITY CASCADE"))
        else:
            for t in tables:
                c.execute(t.delete())


@pytest.fixture(params=["sqlite", "postgres"])
def db_url(request: pytest.FixtureRequest) -> str:
    if request.param == "postgres":
        url: str = request.getfixturevalue("pg_url")
    else:
        url = request.getfixturevalue("sqlite_url")
    return url


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(T0)


@pytest.fixture
def ctx(db_url: str, clock: FixedClock, tmp_path: Path) -> Iterator[Context]:
    eng = _engine_for(db_url)
    _wipe(eng)
    settings = Settings(database_url=db_url, attachment_dir=tmp_path / "attachments")
    yield Context(make_sessionmaker(eng), clock, settings)
