"""Hash chaining for the append-only audit log.

Each record is stored with ``hash = sha256(prev_hash + canonical_json(record))``, where
``prev_hash`` is the previous record's hash (``GENESIS`` for the first). Altering a record
changes its hash; deleting or reordering records breaks the ``prev_hash`` links; a deleted
tail or a wholesale rewrite is only caught by comparing the head (``ChainReport.last_hash``)
with a copy kept elsewhere, which a chain cannot do on its own.

Canonical JSON is designed to survive a round trip through a JSON column: everything that is not
a JSON scalar is written as a string (aware datetimes as UTC ISO 8601 with "Z", Decimals by value,
UUIDs, Enums by their value), so ``canonical_json(json.loads(canonical_json(x))) ==
canonical_json(x)`` and a record read back from the database hashes as it did when written.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import Enum
from typing import Literal, TypeAlias
from uuid import UUID

GENESIS = "0" * 64
_EXACT_SCALARS = frozenset({str, int, bool, type(None)})
_HASH = re.compile(r"[0-9a-f]{64}")

BreakKind = Literal["seq_order", "seq_gap", "prev_hash_mismatch", "hash_mismatch"]

ChainItem: TypeAlias = tuple[int, str, str, Mapping[str, object]]


def canonical_json(obj: object) -> str:
    """Sorted keys, no whitespace, UTF-8 text (not \\u escapes). Raises TypeError or ValueError
    for anything that has no single canonical form: naive datetimes, NaN, non-string keys, sets,
    bytes and other objects."""
    return json.dumps(
        _plain(obj, "$"), sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )


def event_hash(prev_hash: str, record: Mapping[str, object]) -> str:
    if not _HASH.fullmatch(prev_hash):
        raise ValueError(f"prev_hash must be 64 lowercase hex characters, got {prev_hash!r}")
    return hashlib.sha256((prev_hash + canonical_json(record)).encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class ChainReport:
    """Outcome of a verification.

    ``checked`` counts records found intact (all of them when ``ok``). ``last_seq``/``last_hash``
    are those of the last intact record, so a later run can resume from there (see ``ChainVerifier``)
    and the head can be compared with an externally kept copy.
    """

    ok: bool
    checked: int
    first_broken_seq: int | None = None
    kind: BreakKind | None = None
    reason: str | None = None
    last_seq: int | None = None
    last_hash: str = GENESIS


class ChainVerifier:
    """A streaming fold over ``(seq, prev_hash, hash, record)`` items in seq order: O(1) memory, so it
    can be fed from a database cursor in batches. Stops at the first break; later items are ignored.

    To verify only what was appended since a previous good report, start from its head:
    ``ChainVerifier(after=(report.last_seq, report.last_hash))``.
    """

    def __init__(self, *, after: tuple[int, str] | None = None) -> None:
        if after is not None and not _HASH.fullmatch(after[1]):
            raise ValueError(f"anchor hash must be 64 lowercase hex characters, got {after[1]!r}")
        self._last_seq: int | None = after[0] if after else None
        self._last_hash = after[1] if after else GENESIS
        self._checked = 0
        self._broken: ChainReport | None = None

    @property
    def broken(self) -> bool:
        return self._broken is not None

    def feed(self, seq: int, prev_hash: str, hash_: str, record: Mapping[str, object]) -> bool:
        """Check one item; returns False once the chain is broken (callers may stop reading)."""
        if self._broken is not None:
            return False
        problem = self._problem(seq, prev_hash, hash_, record)
        if problem is not None:
            self._broken = self._report(ok=False, seq=seq, kind=problem[0], reason=problem[1])
            return False
        self._last_seq, self._last_hash = seq, hash_
        self._checked += 1
        return True

    def report(self) -> ChainReport:
        return self._broken or self._report(ok=True)

    def _problem(
        self, seq: int, prev_hash: str, hash_: str, record: Mapping[str, object]
    ) -> tuple[BreakKind, str] | None:
        last = self._last_seq
        if last is not None and seq <= last:
            return "seq_order", f"第{seq}条记录出现在第{last}条之后：序号重复或顺序被打乱"
        if last is not None and seq != last + 1:
            return "seq_gap", f"第{last}条与第{seq}条之间缺少记录：序号不连续，记录可能被删除"
        if prev_hash != self._last_hash:
            return (
                "prev_hash_mismatch",
                f"第{seq}条记录的前序哈希与上一条不符：链条断开，记录可能被删除或调换",
            )
        if event_hash(prev_hash, record) != hash_:
            return "hash_mismatch", f"第{seq}条记录的内容与其哈希不符：记录可能被篡改"
        return None

    def _report(
        self,
        *,
        ok: bool,
        seq: int | None = None,
        kind: BreakKind | None = None,
        reason: str | None = None,
    ) -> ChainReport:
        return ChainReport(
            ok=ok,
            checked=self._checked,
            first_broken_seq=seq,
            kind=kind,
            reason=reason,
            last_seq=self._last_seq,
            last_hash=self._last_hash,
        )


def verify_chain(records: Iterable[ChainItem], *, after: tuple[int, str] | None = None) -> ChainReport:
    """Verify items ``(seq, prev_hash, hash, record)`` given in seq order; stops reading at the
    first break. An empty chain is intact. Without ``after``, the first record must link to
    ``GENESIS``; its seq may be any number (a removed head is caught by that link)."""
    verifier = ChainVerifier(after=after)
    for seq, prev_hash, hash_, record in records:
        if not verifier.feed(seq, prev_hash, hash_, record):
            break
    return verifier.report()


class _Path:
    """Where in a record a value sits, rendered only when an error needs it (hashing is a hot path)."""

    __slots__ = ("key", "parent")

    def __init__(self, parent: _Path | str, key: object) -> None:
        self.parent, self.key = parent, key

    def __str__(self) -> str:
        return f"{self.parent}[{self.key}]" if isinstance(self.key, int) else f"{self.parent}.{self.key}"


def _plain(obj: object, path: _Path | str) -> object:
    """``obj`` as plain JSON values, or an error naming where in the record the problem is."""
    kind = type(obj)
    if kind in _EXACT_SCALARS:  # fast paths for the common cases; subclasses go the long way
        return obj
    if kind is dict:
        return {_key(k, path): _plain(v, _Path(path, k)) for k, v in obj.items()}  # type: ignore[attr-defined]
    if kind is datetime:
        return _utc_iso(obj, path)  # type: ignore[arg-type]
    if isinstance(obj, Enum):  # first: StrEnum and IntEnum are also str and int
        return _plain(obj.value, path)
    if isinstance(obj, str):
        return str(obj)
    if isinstance(obj, int):
        return int(obj)
    if isinstance(obj, float):
        return _finite(obj, path)
    if isinstance(obj, datetime):
        return _utc_iso(obj, path)
    if isinstance(obj, date):
        return obj.isoformat()
    if isinstance(obj, Decimal):
        return _decimal(obj, path)
    if isinstance(obj, UUID):
        return str(obj)
    if isinstance(obj, Mapping):
        return {_key(k, path): _plain(v, _Path(path, k)) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_plain(v, _Path(path, i)) for i, v in enumerate(obj)]
    raise TypeError(f"{path}: {type(obj).__name__} has no canonical JSON form")


def _key(key: object, path: _Path | str) -> str:
    # json.dumps would turn 1 into "1" and silently merge it with a real "1" key.
    if not isinstance(key, str):
        raise TypeError(f"{path}: mapping keys must be str, got {type(key).__name__}")
    return key


def _finite(value: float, path: _Path | str) -> float:
    if not math.isfinite(value):
        raise ValueError(f"{path}: {value} is not a JSON number")
    return value


def _utc_iso(value: datetime, path: _Path | str) -> str:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{path}: naive datetime {value.isoformat()} has no single instant")
    # Fixed width (always microseconds) so the text sorts like the instants it names.
    return value.astimezone(UTC).isoformat(timespec="microseconds").removesuffix("+00:00") + "Z"


def _decimal(value: Decimal, path: _Path | str) -> str:
    if not value.is_finite():
        raise ValueError(f"{path}: {value} is not a finite number")
    # By value: a NUMERIC(12, 2) column hands back 1.50 for a 1.5 that was written. Not
    # Decimal.normalize(), which rounds to the context's 28 digits.
    if value.is_zero():
        return "0"
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text
