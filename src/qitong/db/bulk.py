"""Set-wise writes for the worker's hot paths. On PostgreSQL a whole batch travels as one JSON
document expanded by json_to_recordset: one statement and one parameter whatever the batch size,
serialised by the C JSON encoder. Elsewhere (SQLite, in-process) a plain executemany does as well."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import Enum
from typing import Any, cast

from sqlalchemy import JSON, Boolean, Connection, Integer, LargeBinary, Table, insert, text
from sqlalchemy.types import TypeEngine

from qitong.db.types import UTCDateTime


def _default(v: object) -> object:
    if isinstance(v, datetime):
        if v.tzinfo is None:
            raise ValueError("naive datetime refused")
        return v.astimezone(UTC).isoformat()
    if isinstance(v, Enum):
        return v.value
    if isinstance(v, bytes):
        return "\\x" + v.hex()  # bytea's hex input form
    raise TypeError(f"{type(v).__name__} cannot go through json_to_recordset")


def _dumps(rows: object) -> str:
    """JSON for json_to_recordset; a batch repeats its timestamps (one `now`, shared deadlines), so
    each distinct datetime is converted once."""
    seen: dict[datetime, str] = {}

    def default(v: object) -> object:
        if isinstance(v, datetime):
            iso = seen.get(v)
            if iso is None:
                iso = seen[v] = cast(str, _default(v))
            return iso
        return _default(v)

    return json.dumps(rows, default=default, ensure_ascii=False)


def _pg_type(t: TypeEngine[Any]) -> str:
    if isinstance(t, JSON):
        return "json"
    if isinstance(t, Integer):
        return "bigint"
    if isinstance(t, Boolean):
        return "boolean"
    if isinstance(t, UTCDateTime):
        return "timestamptz"
    if isinstance(t, LargeBinary):
        return "bytea"
    return "text"


def _with_defaults(table: Table, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The raw statement skips the ORM's Python-side defaults: apply the scalar ones here."""
    defaults = {c.name: getattr(c.default, "arg", None) for c in table.c
                if c.name not in rows[0] and c.default is not None and getattr(c.default, "is_scalar", False)}
    return [{**defaults, **r} for r in rows] if defaults else rows


def _recordset(table: Table, names: Sequence[str], param: str = "rows") -> str:
    cols = ", ".join(f"{n} {_pg_type(table.c[n].type)}" for n in names)
    return f"json_to_recordset(CAST(:{param} AS json)) AS v({cols})"


def _insert_select(table: Table, names: Sequence[str], param: str = "rows") -> str:
    """INSERT of the rows one JSON parameter holds (PostgreSQL)."""
    cols = ", ".join(names)
    return f"INSERT INTO {table.name} ({cols}) SELECT {cols} FROM {_recordset(table, names, param)}"


@dataclass(frozen=True)
class Rows:
    """Rows for one table in `write_tables`; with `upsert_on`, a row whose key exists replaces its
    other columns (INSERT … ON CONFLICT (key) DO UPDATE)."""

    table: Table
    rows: list[dict[str, Any]]
    upsert_on: tuple[str, ...] = field(default=())


def write_tables(conn: Connection, writes: Sequence[Rows]) -> None:
    """Rows for several tables in one round trip: on PostgreSQL one statement, a data-modifying CTE per
    table (each expanding its own JSON parameter; constraints are checked at the statement's end, so a
    row may refer to one written beside it); elsewhere one executemany per table, in order."""
    writes = [w for w in writes if w.rows]
    if not writes:
        return
    if conn.dialect.name == "postgresql":
        parts, params = [], {}
        for i, w in enumerate(writes):
            rows = _with_defaults(w.table, w.rows)
            names = list(rows[0])
            sql = _insert_select(w.table, names, f"rows{i}")
            if w.upsert_on:
                sets = ", ".join(f"{n} = EXCLUDED.{n}" for n in names if n not in w.upsert_on)
                sql += f" ON CONFLICT ({', '.join(w.upsert_on)}) DO UPDATE SET {sets}"
            parts.append(sql)
            params[f"rows{i}"] = _dumps(rows)
        head = ", ".join(f"w{i} AS ({sql})" for i, sql in enumerate(parts[:-1]))
        conn.execute(text(f"WITH {head} {parts[-1]}" if head else parts[-1]), params)
        return
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    for w in writes:
        rows = _with_defaults(w.table, w.rows)
        if w.upsert_on:
            ins = sqlite_insert(w.table)
            conn.execute(ins.on_conflict_do_update(index_elements=list(w.upsert_on), set_={
                n: ins.excluded[n] for n in rows[0] if n not in w.upsert_on}), rows)
        else:
            conn.execute(insert(w.table), rows)


def insert_rows(
    conn: Connection,
    table: Table,
    rows: list[dict[str, Any]],
    *,
    conflict: Sequence[str] = (),
    returning: Sequence[str] = (),
) -> list[tuple[Any, ...]]:
    """INSERT many rows; with `conflict`, ON CONFLICT (cols) DO NOTHING; returns the `returning`
    columns of the rows actually inserted."""
    if not rows:
        return []
    rows = _with_defaults(table, rows)
    names = list(rows[0])
    if conn.dialect.name == "postgresql":
        sql = _insert_select(table, names)
        if conflict:
            sql += f" ON CONFLICT ({', '.join(conflict)}) DO NOTHING"
        if returning:
            sql += f" RETURNING {', '.join(returning)}"
        res = conn.execute(text(sql), {"rows": _dumps(rows)})
        return [tuple(r) for r in res.all()] if returning else []
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    stmt: Any = sqlite_insert(table) if conflict else insert(table)
    if conflict:
        stmt = stmt.on_conflict_do_nothing(index_elements=list(conflict))
    if returning:
        stmt = stmt.returning(*(table.c[n] for n in returning))
        return [tuple(r) for r in conn.execute(stmt, rows)]
    conn.execute(stmt, rows)
    return []


def update_column(conn: Connection, table: Table, column: str, values: list[tuple[int, Any]],
                  *, key: str = "id") -> None:
    """SET column = value for many rows at once, matched on `key`."""
    if not values:
        return
    if conn.dialect.name == "postgresql":
        doc = _dumps([{key: i, column: v} for i, v in values])
        conn.execute(
            text(f"UPDATE {table.name} SET {column} = v.{column} FROM {_recordset(table, [key, column])} "
                 f"WHERE {table.name}.{key} = v.{key}"),
            {"rows": doc},
        )
        return
    from sqlalchemy import bindparam, update

    conn.execute(update(table).where(table.c[key] == bindparam("b_id")).values({column: bindparam("b_v")}),
                 [{"b_id": i, "b_v": v} for i, v in values])
