"""The audit log's hash chain: canonical JSON, hashing and streaming verification."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from enum import Enum, IntEnum, StrEnum
from uuid import UUID

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qitong.domain.audit.chain import (
    GENESIS,
    ChainItem,
    ChainReport,
    ChainVerifier,
    canonical_json,
    event_hash,
    verify_chain,
)

CST = timezone(timedelta(hours=8))


class Action(StrEnum):
    dispatch = "dispatch"


class Rating(IntEnum):
    satisfied = 4


class Layer(Enum):
    board = ("board", 1)


def build_chain(records: list[Mapping[str, object]], first_seq: int = 1) -> list[ChainItem]:
    items: list[ChainItem] = []
    prev = GENESIS
    for offset, record in enumerate(records):
        digest = event_hash(prev, record)
        items.append((first_seq + offset, prev, digest, record))
        prev = digest
    return items


def sample_records(n: int = 5) -> list[Mapping[str, object]]:
    start = datetime(2025, 3, 3, 9, 0, tzinfo=CST)
    return [
        {
            "actor": "县企业综合服务中心·受理员",
            "action": "dispatch" if i % 2 else "accept",
            "ticket": f"QT-2025-{i:05d}",
            "at": start + timedelta(minutes=17 * i),
            "detail": {"lead_unit": "zgj", "co_units": ["zjj", "fgj"], "note": "用地指标协调"},
        }
        for i in range(n)
    ]


# ---- canonical JSON -------------------------------------------------------------------------


def test_canonical_json_is_compact_sorted_and_keeps_chinese() -> None:
    assert canonical_json({"b": 1, "a": ["审批", None, True, 2.5]}) == '{"a":["审批",null,true,2.5],"b":1}'


def test_canonical_json_nested_keys_are_sorted() -> None:
    assert canonical_json({"z": {"y": 1, "x": 2}}) == '{"z":{"x":2,"y":1}}'


def test_datetimes_become_utc_with_z_and_fixed_width() -> None:
    at = datetime(2025, 3, 3, 9, 0, tzinfo=CST)
    assert canonical_json(at) == '"2025-03-03T01:00:00.000000Z"'
    assert canonical_json(at) == canonical_json(at.astimezone(UTC))
    assert canonical_json(datetime(2025, 3, 3, 1, 0, 0, 5, tzinfo=UTC)) == '"2025-03-03T01:00:00.000005Z"'


def test_naive_datetime_is_rejected() -> None:
    with pytest.raises(ValueError, match=r"\$\.at: naive datetime"):
        canonical_json({"at": datetime(2025, 3, 3, 9, 0)})  # noqa: DTZ001 - the point of the test


def test_other_scalars() -> None:
    value = {
        "day": date(2025, 3, 3),
        "amount": Decimal("1.50"),
        "big": Decimal("1E+2"),
        "zero": Decimal("-0.00"),
        "int": Decimal("7"),
        "id": UUID("12345678-1234-5678-1234-567812345678"),
        "action": Action.dispatch,
        "rating": Rating.satisfied,
        "layer": Layer.board,
        "tuple": (1, 2),
    }
    assert json.loads(canonical_json(value)) == {
        "day": "2025-03-03",
        "amount": "1.5",
        "big": "100",
        "zero": "0",
        "int": "7",
        "id": "12345678-1234-5678-1234-567812345678",
        "action": "dispatch",
        "rating": 4,
        "layer": ["board", 1],
        "tuple": [1, 2],
    }


def test_str_and_int_subclasses_serialise_as_their_values() -> None:
    class TicketNo(str):
        __slots__ = ()

    class Count(int):
        pass

    assert canonical_json([TicketNo("QT-1"), Count(3)]) == '["QT-1",3]'


def test_decimals_hash_by_value_without_rounding() -> None:
    assert canonical_json(Decimal("1.5")) == canonical_json(Decimal("1.500"))
    long = "1.12345678901234567890123456789012345"  # more digits than the default context keeps
    assert canonical_json(Decimal(long)) == f'"{long}"'


@pytest.mark.parametrize("bad", [Decimal("NaN"), Decimal("Infinity"), float("nan"), float("-inf")])
def test_non_finite_numbers_are_rejected(bad: object) -> None:
    with pytest.raises(ValueError, match=r"\$\[0\]"):
        canonical_json([bad])


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ({1: "a"}, "keys must be str"),
        ({"a": {1, 2}}, r"\$\.a: set"),
        ({"a": [b"x"]}, r"\$\.a\[0\]: bytes"),
        (object(), r"\$: object"),
    ],
)
def test_values_without_a_canonical_form_are_rejected(bad: object, message: str) -> None:
    with pytest.raises(TypeError, match=message):
        canonical_json(bad)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=5), children, max_size=4)
    ),
    max_leaves=20,
)
rich_scalars = (
    st.datetimes(min_value=datetime(2000, 1, 1), timezones=st.just(CST))  # noqa: DTZ001 - bound only
    | st.dates()
    | st.decimals(allow_nan=False, allow_infinity=False)
    | st.uuids()
)


@given(st.dictionaries(st.text(max_size=8), json_values | rich_scalars, max_size=6))
def test_canonical_form_survives_a_json_round_trip(record: dict[str, object]) -> None:
    # What is read back from a JSON column must hash exactly as what was written.
    text = canonical_json(record)
    assert canonical_json(json.loads(text)) == text
    assert event_hash(GENESIS, json.loads(text)) == event_hash(GENESIS, record)


# ---- hashing --------------------------------------------------------------------------------


def test_event_hash_is_sha256_of_prev_and_canonical_json() -> None:
    record = {"action": "accept", "ticket": "QT-2025-00001"}
    expected = hashlib.sha256((GENESIS + canonical_json(record)).encode("utf-8")).hexdigest()
    assert event_hash(GENESIS, record) == expected
    assert event_hash(GENESIS, {"ticket": "QT-2025-00001", "action": "accept"}) == expected


@pytest.mark.parametrize("bad", ["", "0" * 63, "A" * 64, "g" * 64])
def test_event_hash_rejects_a_malformed_prev_hash(bad: str) -> None:
    with pytest.raises(ValueError, match="prev_hash"):
        event_hash(bad, {})


# ---- verification ---------------------------------------------------------------------------


def test_empty_chain_is_intact() -> None:
    assert verify_chain([]) == ChainReport(ok=True, checked=0, last_seq=None, last_hash=GENESIS)


def test_intact_chain() -> None:
    items = build_chain(sample_records(5))
    report = verify_chain(items)
    assert report == ChainReport(ok=True, checked=5, last_seq=5, last_hash=items[-1][2])


def test_first_record_must_link_to_genesis() -> None:
    items = build_chain(sample_records(3))
    report = verify_chain(items[1:])  # the head was removed
    assert not report.ok
    assert (report.first_broken_seq, report.kind, report.checked) == (2, "prev_hash_mismatch", 0)
    assert report.last_hash == GENESIS


def test_first_seq_need_not_be_one() -> None:
    assert verify_chain(build_chain(sample_records(3), first_seq=100)).ok


def test_altered_record_is_found() -> None:
    items = build_chain(sample_records(5))
    seq, prev, digest, record = items[2]
    items[2] = (seq, prev, digest, {**record, "action": "close"})
    report = verify_chain(items)
    assert (report.ok, report.first_broken_seq, report.kind, report.checked) == (False, 3, "hash_mismatch", 2)
    assert report.reason == "第3条记录的内容与其哈希不符：记录可能被篡改"
    assert (report.last_seq, report.last_hash) == (2, items[1][2])


def test_altered_and_rehashed_record_breaks_the_next_link() -> None:
    items = build_chain(sample_records(5))
    seq, prev, _, record = items[2]
    forged = {**record, "action": "close"}
    items[2] = (seq, prev, event_hash(prev, forged), forged)
    report = verify_chain(items)
    assert (report.first_broken_seq, report.kind) == (4, "prev_hash_mismatch")


def test_deleted_record_shows_as_a_gap() -> None:
    items = build_chain(sample_records(5))
    del items[2]
    report = verify_chain(items)
    assert (report.first_broken_seq, report.kind, report.checked) == (4, "seq_gap", 2)
    assert report.reason == "第2条与第4条之间缺少记录：序号不连续，记录可能被删除"


def test_deleted_record_with_renumbering_breaks_the_link() -> None:
    items = build_chain(sample_records(5))
    del items[2]
    items = [(i, prev, digest, record) for i, (_, prev, digest, record) in enumerate(items, start=1)]
    report = verify_chain(items)
    assert (report.first_broken_seq, report.kind) == (3, "prev_hash_mismatch")
    assert report.reason == "第3条记录的前序哈希与上一条不符：链条断开，记录可能被删除或调换"


def test_swapped_records_are_found() -> None:
    items = build_chain(sample_records(5))
    items[1], items[2] = items[2], items[1]
    report = verify_chain(items)
    assert (report.first_broken_seq, report.kind) == (3, "seq_gap")
    # Swapping the seq numbers as well leaves only the links to give it away.
    (s1, *rest1), (s2, *rest2) = items[1], items[2]
    items[1], items[2] = (s2, *rest1), (s1, *rest2)  # type: ignore[assignment]
    report = verify_chain(items)
    assert (report.first_broken_seq, report.kind) == (2, "prev_hash_mismatch")


def test_out_of_order_or_duplicate_seq() -> None:
    items = build_chain(sample_records(3))
    report = verify_chain([*items, items[1]])
    assert (report.first_broken_seq, report.kind, report.checked) == (2, "seq_order", 3)
    assert report.reason == "第2条记录出现在第3条之后：序号重复或顺序被打乱"


def test_verification_stops_reading_at_the_first_break() -> None:
    items = build_chain(sample_records(5))
    seq, prev, _, record = items[1]
    items[1] = (seq, prev, "f" * 64, record)
    consumed: list[int] = []

    def cursor() -> Iterator[ChainItem]:
        for item in items:
            consumed.append(item[0])
            yield item

    assert verify_chain(cursor()).first_broken_seq == 2
    assert consumed == [1, 2]


def test_verifier_is_fed_in_batches_and_resumes_from_a_report() -> None:
    items = build_chain(sample_records(6))
    verifier = ChainVerifier()
    for item in items[:3]:
        assert verifier.feed(*item)
    first = verifier.report()
    assert (first.ok, first.last_seq) == (True, 3)
    assert first.last_seq is not None
    resumed = verify_chain(items[3:], after=(first.last_seq, first.last_hash))
    assert (resumed.ok, resumed.checked, resumed.last_seq) == (True, 3, 6)
    assert resumed.last_hash == verify_chain(items).last_hash
    assert not verify_chain(items[4:], after=(first.last_seq, first.last_hash)).ok


def test_a_broken_verifier_ignores_further_items() -> None:
    items = build_chain(sample_records(3))
    verifier = ChainVerifier()
    assert not verifier.feed(1, "f" * 64, items[0][2], items[0][3])
    assert verifier.broken
    assert not verifier.feed(*items[0])
    assert verifier.report().first_broken_seq == 1


def test_anchor_must_be_a_hash() -> None:
    with pytest.raises(ValueError, match="anchor"):
        ChainVerifier(after=(3, "not-a-hash"))


@given(st.lists(json_values, min_size=1, max_size=8), st.data())
def test_any_single_alteration_is_detected(values: list[object], data: st.DataObject) -> None:
    items = build_chain([{"n": i, "v": v} for i, v in enumerate(values)])
    index = data.draw(st.integers(0, len(items) - 1))
    seq, prev, digest, record = items[index]
    items[index] = (seq, prev, digest, {**record, "v": [record["v"], "改"]})
    report = verify_chain(items)
    assert not report.ok
    assert report.first_broken_seq == seq
    assert report.checked == index
