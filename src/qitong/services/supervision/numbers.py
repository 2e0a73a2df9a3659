"""Gapless document numbers: one counter row per (prefix, year), bumped in the caller's
transaction. The UPDATE takes the row lock, so concurrent writers queue; a rollback returns
the number with everything else."""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from qitong.db.models import SupervisionCounter


def take_number(s: Session, prefix: str, year: int) -> int:
    """The next sequence number of the (prefix, year) series; 1 for the first of the year."""
    insert = pg_insert if s.get_bind().dialect.name == "postgresql" else sqlite_insert
    # a concurrent first-of-the-year insert waits on the unique key, then does nothing
    s.execute(insert(SupervisionCounter).values(prefix=prefix, year=year, last_seq=0).on_conflict_do_nothing())
    seq = s.execute(
        update(SupervisionCounter)
        .where(SupervisionCounter.prefix == prefix, SupervisionCounter.year == year)
        .values(last_seq=SupervisionCounter.last_seq + 1)
        .returning(SupervisionCounter.last_seq)
        .execution_options(synchronize_session=False)
    ).scalar_one()
    return int(seq)
