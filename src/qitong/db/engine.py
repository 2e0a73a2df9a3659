"""Engines and sessions. SQLite gets WAL, foreign keys and a busy timeout; both engines get
aware datetimes through UTCDateTime."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker


def make_engine(url: str, **kw: Any) -> Engine:
    u = make_url(url)
    if u.get_backend_name() == "sqlite":
        if u.database and u.database != ":memory:":
            Path(u.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30}, **kw)
        event.listen(engine, "connect", _sqlite_pragmas)
        # take the write lock at BEGIN: a use case that reads then writes never dead-locks
        event.listen(engine, "begin", lambda conn: conn.exec_driver_sql("BEGIN IMMEDIATE"))
        return engine
    # No pool_pre_ping: it costs a round trip on every checkout (docs/benchmarks.md "Intake"). A connection
    # broken by a database restart fails the one request that meets it; SQLAlchemy then recognises the
    # disconnect and invalidates the whole pool, so the next checkout connects afresh. pool_recycle
    # retires connections before an idle timeout in a proxy or firewall can cut them.
    kw.setdefault("pool_recycle", 1800)
    return create_engine(url, **kw)


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


def read_only(s: Session) -> None:
    """Run the session's statements without a transaction on PostgreSQL (no BEGIN and ROLLBACK round
    trips: a single read statement needs no snapshot). Call first, before any statement."""
    if s.get_bind().dialect.name == "postgresql":
        s.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
