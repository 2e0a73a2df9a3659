"""The near-duplicate index: write a ticket's fingerprint, look up similar tickets by band key in
one statement and re-check them exactly, prune what is no longer recent (docs/duplicates.md).

No state changes of its own beyond the index rows; services/duplicates.py holds the use cases."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any, cast

import numpy as np
import numpy.typing as npt
from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Select,
    String,
    Table,
    TextClause,
    and_,
    any_,
    bindparam,
    delete,
    func,
    insert,
    or_,
    select,
    text,
    update,
)
from sqlalchemy import cast as sql_cast
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Session

from qitong.db.bulk import Rows
from qitong.db.models import Ticket, TicketBandKey, TicketFingerprint
from qitong.domain.duplicates import (
    MinHasher,
    Shingles,
    enterprise_key,
    from_bytes,
    shingles,
    ticket_text,
    to_bytes,
)
from qitong.domain.tickets.lifecycle import OPEN_STATUSES, Status
from qitong.domain.tickets.vocab import TicketType

HASHER = MinHasher()
# finished tickets that still count while recent; rejected and merged ones never do
RECENT_FINISHED = (Status.closed, Status.terminated)


@dataclass(frozen=True)
class Probe:
    """What a lookup compares: the exact shingles and their band keys."""

    shingles: Shingles
    keys: list[int]


def probe(title: str, content: str) -> Probe:
    sh = shingles(ticket_text(title, content))
    return Probe(sh, HASHER.keys_for(sh))


@dataclass(frozen=True)
class Hit:
    ticket_id: int
    number: str
    title: str
    status: Status
    similarity: float
    enterprise_id: int | None
    enterprise_name: str
    enterprise_key: str
    created_at: datetime
    lead_unit_id: int | None
    submitted_by_id: int | None
    ticket_type: TicketType
    reported_department_id: int | None
    confidential: bool
    duplicate_of_id: int | None


def index_rows(t: Ticket, pr: Probe) -> list[Rows]:
    """A new ticket's fingerprint and band keys as rows for `db.bulk.write_tables` (intake's one write)."""
    fingerprint = {"ticket_id": t.id, "enterprise_key": enterprise_key(t.enterprise_id, t.enterprise_name),
                   "shingles": to_bytes(pr.shingles), "created_at": t.created_at}
    return [Rows(cast(Table, TicketFingerprint.__table__), [fingerprint]),
            Rows(cast(Table, TicketBandKey.__table__),
                 [{"band_key": k, "ticket_id": t.id} for k in sorted(set(pr.keys))])]


def live_clause(since: datetime) -> ColumnElement[bool]:
    """Open tickets, and tickets closed or terminated since `since` ("open and recent")."""
    return or_(Ticket.status.in_(OPEN_STATUSES),
               and_(Ticket.status.in_(RECENT_FINISHED), Ticket.updated_at >= since))


_T, _F, _K = Ticket.__table__.c, TicketFingerprint.__table__.c, TicketBandKey.__table__.c
_COLUMNS = (_F.shingles, _F.enterprise_key, _T.id, _T.number, _T.title, _T.status, _T.enterprise_id,
            _T.enterprise_name, _T.created_at, _T.lead_unit_id, _T.submitted_by_id, _T.ticket_type,
            _T.reported_department_id, _T.confidential, _T.duplicate_of_id)
# at most this many candidates are fetched and re-checked, those sharing the most band keys first
# (more shared bands = more similar): a ceiling for texts that collide with very many tickets
CANDIDATES = 200


def _statuses(statuses: frozenset[Status] | tuple[Status, ...]) -> TextClause:
    """`tickets.status IN (...)` with the constant statuses written into the SQL (no parameters to bind)."""
    return text(f"tickets.status IN ({', '.join(repr(x.value) for x in sorted(statuses))})")


@cache
def lookup(dialect: str) -> Select[Any]:
    """The lookup statement, built once per dialect; its parameters come from `lookup_params`. On
    PostgreSQL the keys are one array parameter, passed as its text form (cheaper to bind than 32
    values); elsewhere an expanding IN."""
    if dialect == "postgresql":
        keys = _K.band_key == any_(sql_cast(bindparam("keys", type_=String()), postgresql.ARRAY(BigInteger())))
    else:
        keys = _K.band_key.in_(bindparam("keys", expanding=True))
    cand = (select(_K.ticket_id).where(keys).group_by(_K.ticket_id)
            .order_by(func.count().desc(), _K.ticket_id.desc()).limit(bindparam("cap")))
    live = or_(_statuses(OPEN_STATUSES), and_(_statuses(RECENT_FINISHED), _T.updated_at >= bindparam("since")))
    return select(*_COLUMNS).join_from(TicketFingerprint.__table__, Ticket.__table__,
                                       _T.id == _F.ticket_id).where(_F.ticket_id.in_(cand.scalar_subquery()), live)


def lookup_params(keys: list[int], since: datetime, dialect: str, cap: int = CANDIDATES) -> dict[str, Any]:
    bound: str | list[int] = "{" + ",".join(map(str, keys)) + "}" if dialect == "postgresql" else keys
    return {"keys": bound, "cap": cap, "since": since}


def similarities(query: Shingles, raws: Sequence[bytes]) -> npt.NDArray[np.float64]:
    """Exact Jaccard of the query with each stored shingle set, vectorised over all of them."""
    if query.size == 0 or not raws:
        return np.zeros(len(raws))
    sets = [from_bytes(r) for r in raws]
    sizes = np.array([x.size for x in sets], dtype=np.int64)
    flat = np.concatenate(sets)
    pos = np.searchsorted(query, flat)
    pos[pos == query.size] = 0
    hit = (query[pos] == flat).astype(np.int64)
    inter = np.zeros(len(sets), dtype=np.int64)
    full = sizes > 0  # empty sets add nothing to `flat`; reduceat must not see their (repeated) starts
    if full.any():
        inter[full] = np.add.reduceat(hit, (np.cumsum(sizes) - sizes)[full])
    union = sizes + query.size - inter
    return np.where(sizes > 0, inter / np.maximum(union, 1), 0.0)


def search(
    s: Session, pr: Probe, *, since: datetime, threshold: float, exclude: int | None = None,
    where: ColumnElement[bool] | None = None, limit: int = 20, cap: int = CANDIDATES,
) -> list[Hit]:
    """Tickets sharing a band key with the probe (one statement; at most `cap` candidates), live since
    `since`, whose exact Jaccard similarity reaches `threshold`; most similar first, then newest."""
    if not pr.keys:
        return []
    dialect = s.get_bind().dialect.name
    stmt = lookup(dialect)
    if exclude is not None:
        stmt = stmt.where(_T.id != exclude)
    if where is not None:
        stmt = stmt.where(where)
    rows = s.execute(stmt, lookup_params(pr.keys, since, dialect, cap)).all()
    sims = similarities(pr.shingles, [r[0] for r in rows])
    hits = [Hit(r[2], r[3] or "", r[4], r[5], round(float(sim), 4), r[6], r[7], r[1], r[8], r[9], r[10], r[11],
                r[12], r[13], r[14]) for r, sim in zip(rows, sims, strict=True) if sim >= threshold]
    hits.sort(key=lambda h: (-h.similarity, -h.created_at.timestamp(), -h.ticket_id))
    return hits[:limit]


def stored_probe(s: Session, ticket_id: int) -> Probe | None:
    raw = s.scalar(select(TicketFingerprint.shingles).where(TicketFingerprint.ticket_id == ticket_id))
    if raw is None:
        return None
    sh = from_bytes(raw)
    return Probe(sh, HASHER.keys_for(sh))


def mark_concentrated(s: Session, ticket_ids: list[int], at: datetime) -> list[int]:
    """Flag tickets as part of a concentrated report; returns those newly flagged."""
    fresh = list(s.scalars(select(TicketFingerprint.ticket_id).where(
        TicketFingerprint.ticket_id.in_(ticket_ids), TicketFingerprint.concentrated_at.is_(None))))
    if fresh:
        s.execute(update(TicketFingerprint).where(TicketFingerprint.ticket_id.in_(fresh)).values(concentrated_at=at))
    return sorted(fresh)


def is_concentrated(s: Session, ticket_id: int) -> bool:
    """The answer the supervision hook (services/supervision/facts.concentrated) reads."""
    at = s.scalar(select(TicketFingerprint.concentrated_at).where(TicketFingerprint.ticket_id == ticket_id))
    return at is not None


def prune(s: Session, before: datetime, limit: int | None = None) -> int:
    """Drop the index rows of tickets finished (any terminal status) and unchanged since `before`;
    at most `limit` tickets (lowest ids first) when given. Returns how many."""
    q = (select(TicketFingerprint.ticket_id).join(Ticket, Ticket.id == TicketFingerprint.ticket_id)
         .where(Ticket.status.not_in(OPEN_STATUSES), Ticket.updated_at < before)
         .order_by(TicketFingerprint.ticket_id))
    ids = list(s.scalars(q.limit(limit) if limit else q))
    for i in range(0, len(ids), 500):
        chunk = ids[i:i + 500]
        s.execute(delete(TicketBandKey).where(TicketBandKey.ticket_id.in_(chunk)))
        s.execute(delete(TicketFingerprint).where(TicketFingerprint.ticket_id.in_(chunk)))
    return len(ids)


@dataclass(frozen=True)
class Unindexed:
    ticket_id: int
    title: str
    content: str
    enterprise_key: str
    created_at: datetime


def unindexed(s: Session, *, before: datetime, after_id: int, limit: int) -> list[Unindexed]:
    """Tickets with id > `after_id` that have no fingerprint and would count in a lookup (not finished
    before `before`), lowest ids first."""
    rows = s.execute(
        select(Ticket.id, Ticket.title, Ticket.content, Ticket.enterprise_id, Ticket.enterprise_name, Ticket.created_at)
        .outerjoin(TicketFingerprint, TicketFingerprint.ticket_id == Ticket.id)
        .where(TicketFingerprint.ticket_id.is_(None), Ticket.id > after_id,
               or_(Ticket.status.in_(OPEN_STATUSES), Ticket.updated_at >= before))
        .order_by(Ticket.id).limit(limit))
    return [Unindexed(r[0], r[1], r[2], enterprise_key(r[3], r[4]), r[5]) for r in rows]


def index_many(s: Session, tickets: Sequence[Unindexed]) -> None:
    """Write the fingerprints and band keys of existing tickets (the backfill), in two statements."""
    fps, keys = [], []
    for t in tickets:
        pr = probe(t.title, t.content)
        fps.append({"ticket_id": t.ticket_id, "enterprise_key": t.enterprise_key, "shingles": to_bytes(pr.shingles),
                    "created_at": t.created_at, "concentrated_at": None})
        keys += [{"band_key": k, "ticket_id": t.ticket_id} for k in sorted(set(pr.keys))]
    if fps:
        s.execute(insert(TicketFingerprint), fps)
    if keys:
        s.execute(insert(TicketBandKey), keys)
