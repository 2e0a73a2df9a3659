"""db.bulk.write_tables: several tables in one write, on both engines, as the intake uses it."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import cast

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Table, delete, select
from sqlalchemy.exc import IntegrityError

from qitong.db.bulk import Rows, write_tables
from qitong.db.models import AuditHead, OutboxMessage, OutboxStatus
from qitong.services.context import Context

AT = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)
HEAD, OUTBOX = cast(Table, AuditHead.__table__), cast(Table, OutboxMessage.__table__)


def _outbox(key: str) -> dict[str, object]:
    return {"idempotency_key": key, "topic": "t", "ticket_id": None, "payload": {"键": "值", "n": [1, 2]},
            "status": OutboxStatus.pending, "next_attempt_at": AT, "created_at": AT}


def test_rows_of_several_tables_land_and_an_upsert_replaces(ctx: Context) -> None:
    with ctx.sessions.begin() as s:
        write_tables(s.connection(), [Rows(HEAD, [{"id": 1, "seq": 1, "hash": "a" * 64}], upsert_on=("id",)),
                                      Rows(OUTBOX, [_outbox("k1"), _outbox("k2")])])
    with ctx.sessions.begin() as s:
        write_tables(s.connection(), [Rows(OUTBOX, []),  # nothing to write: left out
                                      Rows(HEAD, [{"id": 1, "seq": 2, "hash": "b" * 64}], upsert_on=("id",))])
    with ctx.sessions() as s:
        head = s.get(AuditHead, 1)
        assert head is not None and (head.seq, head.hash) == (2, "b" * 64)
        msgs = s.scalars(select(OutboxMessage).order_by(OutboxMessage.idempotency_key)).all()
        assert [m.idempotency_key for m in msgs] == ["k1", "k2"]
        assert msgs[0].payload == {"键": "值", "n": [1, 2]} and msgs[0].status == OutboxStatus.pending
        assert msgs[0].created_at == AT


def test_a_failing_write_leaves_nothing(ctx: Context) -> None:
    with pytest.raises(IntegrityError), ctx.sessions.begin() as s:
        write_tables(s.connection(), [Rows(HEAD, [{"id": 1, "seq": 1, "hash": "a" * 64}]),
                                      Rows(OUTBOX, [_outbox("dup"), _outbox("dup")])])
    with ctx.sessions() as s:
        assert s.get(AuditHead, 1) is None
        assert s.scalars(select(OutboxMessage)).all() == []


def test_nothing_to_write_is_no_statement(ctx: Context) -> None:
    with ctx.sessions.begin() as s:
        write_tables(s.connection(), [])
        write_tables(s.connection(), [Rows(OUTBOX, [])])


def test_record_rows_starts_a_fresh_chain_and_record_chains_on_in_the_same_transaction(ctx: Context) -> None:
    from qitong.db.models import AuditEvent
    from qitong.services.audit import SYSTEM, record, record_rows, verify

    with ctx.sessions.begin() as s:  # no event yet: the chain head does not exist
        seq, rows = record_rows(s, SYSTEM, at=AT, entity="ticket", entity_id=7, action="submit",
                                after={"status": "submitted"}, data={"number": "QT1"})
        write_tables(s.connection(), rows)
        later = record(s, SYSTEM, at=AT, entity="ticket", entity_id=7, action="note", reason="备注")
        assert (seq, later.seq) == (1, 2)
    with ctx.sessions.begin() as s:
        seq3, rows = record_rows(s, SYSTEM, at=AT, entity="ticket", entity_id=8, action="submit")
        write_tables(s.connection(), rows)
    with ctx.sessions() as s:
        assert seq3 == 3
        assert [e.action for e in s.scalars(select(AuditEvent).order_by(AuditEvent.seq))] == ["submit", "note", "submit"]
        head = s.get(AuditHead, 1)
        assert head is not None and head.seq == 3
        assert verify(s).ok


_TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=40)
_JSON = st.recursive(st.none() | st.booleans() | st.integers(-(2**53), 2**53) | _TEXT,
                     lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_TEXT, inner, max_size=4),
                     max_leaves=12)


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(rows=st.lists(st.tuples(_TEXT, st.dictionaries(_TEXT, _JSON, max_size=5)), min_size=1, max_size=6))
def test_write_tables_round_trips_any_text_and_json(ctx: Context, rows: list[tuple[str, dict[str, object]]]) -> None:
    """Law: what write_tables writes reads back unchanged — quotes, backslashes, "\\x" prefixes, any
    script — on both engines (the PostgreSQL path travels as one JSON document)."""
    with ctx.sessions.begin() as s:
        s.execute(delete(OutboxMessage))
        write_tables(s.connection(), [Rows(OUTBOX, [
            {**_outbox(f"{i}:{topic}"), "topic": topic[:32], "payload": payload}
            for i, (topic, payload) in enumerate(rows)])])
    with ctx.sessions() as s:
        got = {m.idempotency_key: (m.topic, m.payload) for m in s.scalars(select(OutboxMessage))}
    assert got == {f"{i}:{topic}": (topic[:32], payload) for i, (topic, payload) in enumerate(rows)}
