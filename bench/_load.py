"""Shared loading for the scale benches: a fresh PostgreSQL database with the schema, the demo county's
organisation (units, users, enterprises, categories) through the real services, and up to millions of
tickets (with their lead/co assignments) loaded with COPY.

The tickets look like a county's archive: spread evenly over three years, nearly all of the old ones
closed, a few per cent still open (most of them recent, some forgotten and long overdue), the demo's
Chinese texts plus a contact person's name so that some searches are rare and some common.
"""

from __future__ import annotations

import io
import os
import random
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import psycopg
from sqlalchemy import create_engine, text

from qitong.db.engine import make_engine, make_sessionmaker
from qitong.db.models import Base
from qitong.demo import content
from qitong.demo.loader import load_demo
from qitong.domain.clock import FixedClock
from qitong.domain.tickets.lifecycle import Status
from qitong.services.context import Context
from qitong.settings import Settings

ADMIN = os.environ.get("QITONG_BENCH_PG_ADMIN", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
NOW = datetime(2026, 11, 24, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
DEMO_SEED = 20261121  # the demo loader's default seed: its enterprises are regenerated here from it
SPAN = timedelta(days=3 * 365)

TICKET_COLUMNS = (
    "id", "number", "query_code", "channel", "enterprise_id", "enterprise_name", "submitted_by_id", "submitter_name",
    "submitter_phone", "title", "content", "ticket_type", "category", "complexity", "urgency", "confidential",
    "region_id", "lead_unit_id", "layer", "tier", "status", "version", "sla_profile", "stage_due_at", "reply_due_at",
    "stage_entered_at", "deadlines_provisional", "submitted_at", "dispatched_at", "closed_at", "created_at",
    "updated_at", "return_count", "redispatch_count", "extension_count", "dissatisfied_count", "closed_by_timeout",
    "major",
)
ASSIGNMENT_COLUMNS = ("ticket_id", "department_id", "role", "active", "round", "assigned_at")
S = Status
# the open tickets of the last weeks, by status (weights)
RECENT_OPEN = ((S.submitted, 6), (S.accepted, 4), (S.dispatched, 8), (S.signed, 6), (S.handling, 40),
               (S.extension_requested, 2), (S.suspended, 2), (S.awaiting_sign_off, 6), (S.awaiting_verification, 6),
               (S.awaiting_confirmation, 12), (S.confirmed, 3), (S.returned, 2), (S.dissatisfied, 2),
               (S.escalated, 1))
UNDISPATCHED = frozenset({S.submitted, S.accepted, S.rejected})


@dataclass
class Org:
    """Ids of the loaded organisation the tickets refer to."""

    categories: list[tuple[str, int | None, list[int]]]  # code, default lead, default co-units
    enterprises: list[tuple[int, str, int | None, int | None]]  # id, name, region, user id of its account
    texts: list[content.TicketText] = field(default_factory=list)


@dataclass(frozen=True)
class Database:
    url: str  # SQLAlchemy URL
    dsn: str  # psycopg DSN


@contextmanager
def fresh_database(prefix: str = "qitong_bench") -> Iterator[Database]:
    """A new, empty database with the schema (`create_all`); dropped on the way out, whatever happens."""
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}"'))
    url = ADMIN.rsplit("/", 1)[0] + f"/{name}"
    try:
        eng = create_engine(url)
        Base.metadata.create_all(eng)
        eng.dispose()
        yield Database(url, url.replace("postgresql+psycopg://", "postgresql://"))
    finally:
        with admin.connect() as c:
            c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def make_context(url: str, now: datetime = NOW) -> Context:
    return Context(make_sessionmaker(make_engine(url)), FixedClock(now), Settings(database_url=url))


def load_org(db: Database, n_texts: int = 3000) -> Org:
    """The demo county's organisation through the real services (no tickets), then what COPY needs."""
    ctx = make_context(db.url)
    load_demo(ctx, tickets=0)
    ctx.sessions.kw["bind"].dispose()
    with psycopg.connect(db.dsn) as conn:
        cats = [(c, lead, list(co or [])) for c, lead, co in conn.execute(
            "SELECT code, default_lead_unit_id, default_co_unit_ids FROM categories WHERE parent_code IS NOT NULL")]
        ents = list(conn.execute(
            "SELECT e.id, e.name, e.region_id, min(u.id) FROM enterprises e LEFT JOIN users u "
            "ON u.enterprise_id = e.id GROUP BY e.id ORDER BY e.id"))
    seeds = content.generate_enterprises(random.Random(DEMO_SEED), 200)
    texts = content.generate_ticket_texts(random.Random(7), n_texts, seeds)
    return Org(cats, ents, texts)


def _esc(v: object) -> str:
    if v is None:
        return r"\N"
    if isinstance(v, datetime):
        return v.isoformat()
    if isinstance(v, bool):
        return "t" if v else "f"
    return str(v).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def _person(rng: random.Random) -> str:
    return rng.choice(content._SURNAMES) + "".join(rng.choices(content._GIVEN, k=2))


def ticket_rows(org: Org, start: int, stop: int, total: int, seed: int = 1) -> Iterator[tuple[list[object],
                                                                                          list[list[object]]]]:
    """(ticket row, its assignment rows) for ids start+1 .. stop, of `total` spread over SPAN up to NOW."""
    rng = random.Random(seed * 1_000_003 + start)
    step = SPAN / max(total, 1)
    cats = {c: (lead, co) for c, lead, co in org.categories}
    by_name = {name: (i, region, user) for i, name, region, user in org.enterprises}
    for i in range(start + 1, stop + 1):
        created = NOW - SPAN + step * i
        age = NOW - created
        tt = org.texts[i % len(org.texts)]
        ent_id, region, user = by_name.get(tt.enterprise_name, (None, None, None))
        status, due = _status(rng, created, age)
        lead, co = cats.get(tt.category_code, (None, []))
        if status in UNDISPATCHED:
            lead, co = None, []
        closed = status in (S.closed, S.rejected, S.terminated, S.merged)
        row: list[object] = [
            i, f"QT{created:%Y%m%d}{i:07d}", f"{rng.randrange(10**6):06d}", "web", ent_id, tt.enterprise_name,
            user if user and rng.random() < 0.5 else None, _person(rng), f"138{rng.randrange(10**8):08d}",
            tt.title, f"{tt.content}联系人：{_person(rng)}。", tt.ticket_type.value, tt.category_code,
            tt.complexity.value, "normal", False, region, lead, "board", "county", status.value, 1, "135",
            None if closed else due, None if closed else due, created, False, created,
            None if lead is None else created + timedelta(hours=2), created + timedelta(days=6) if closed else None,
            created, created, 0, 0, 0, 0, False, False,
        ]
        assigns: list[list[object]] = []
        if lead is not None:
            assigns.append([i, lead, "lead", True, 1, created + timedelta(hours=2)])
            assigns += [[i, d, "co", True, 1, created + timedelta(hours=2)] for d in co[:2] if d != lead]
        yield row, assigns


def _status(rng: random.Random, created: datetime, age: timedelta) -> tuple[Status, datetime]:
    """Old tickets are closed (a few rejected, terminated or merged; 0.3 % forgotten and overdue);
    of the last 45 days, the younger the more of them are open, a quarter of the open ones overdue."""
    due = created + timedelta(days=5)
    r = rng.random()
    if age > timedelta(days=45):
        if r < 0.003:
            return S.handling, due
        return (S.rejected if r < 0.013 else S.terminated if r < 0.018 else S.merged if r < 0.02
                else S.closed), due
    if r < age / timedelta(days=45):
        return S.closed, due
    status = rng.choices([s for s, _ in RECENT_OPEN], [w for _, w in RECENT_OPEN])[0]
    return status, (NOW - timedelta(hours=rng.randrange(1, 200)) if rng.random() < 0.25
                    else NOW + timedelta(hours=rng.randrange(1, 200)))


def _ticket_indexes(conn: psycopg.Connection[tuple[object, ...]]) -> list[tuple[str, str]]:
    return [(n, d) for n, d in conn.execute(
        "SELECT indexname, indexdef FROM pg_indexes WHERE tablename IN ('tickets', 'ticket_assignments') "
        "AND indexname NOT LIKE 'pk_%' AND indexdef NOT LIKE '%UNIQUE%'")]


def load_tickets(db: Database, org: Org, start: int, stop: int, total: int, chunk: int = 100_000) -> None:
    """Tickets start+1 .. stop and their assignments, with COPY. The secondary indexes are dropped for the
    load and rebuilt after it (far quicker than maintaining them row by row), then the tables analysed."""
    with psycopg.connect(db.dsn) as conn:
        indexes = _ticket_indexes(conn)
        for name, _ in indexes:
            conn.execute(f'DROP INDEX "{name}"')
        cols_t, cols_a = ", ".join(TICKET_COLUMNS), ", ".join(ASSIGNMENT_COLUMNS)
        rows = ticket_rows(org, start, stop, total)
        done = start
        while done < stop:
            t_buf, a_buf = io.StringIO(), io.StringIO()
            for _ in range(min(chunk, stop - done)):
                row, assigns = next(rows)
                t_buf.write("\t".join(map(_esc, row)) + "\n")
                for a in assigns:
                    a_buf.write("\t".join(map(_esc, a)) + "\n")
            done += min(chunk, stop - done)
            with conn.cursor() as cur:
                with cur.copy(f"COPY tickets ({cols_t}) FROM STDIN") as cp:
                    cp.write(t_buf.getvalue())
                with cur.copy(f"COPY ticket_assignments ({cols_a}) FROM STDIN") as cp:
                    cp.write(a_buf.getvalue())
        conn.execute("SELECT setval(pg_get_serial_sequence('tickets', 'id'), (SELECT max(id) FROM tickets))")
        conn.execute("SET maintenance_work_mem = '512MB'")
        for _, ddl in indexes:
            conn.execute(ddl)  # type: ignore[arg-type]
        conn.commit()
    with psycopg.connect(db.dsn, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE tickets")
        conn.execute("VACUUM ANALYZE ticket_assignments")
