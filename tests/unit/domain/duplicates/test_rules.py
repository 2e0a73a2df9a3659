"""The concentrated-report rule and hot-topic grouping, branch by branch."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qitong.domain.duplicates import ConcentratedRule, Report, clusters, enterprise_key, is_concentrated, within_window

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=SH)
D = timedelta(days=1)
RULE = ConcentratedRule(enterprises=3, window_days=7)


def r(i: int, ent: str, days_ago: float) -> Report:
    return Report(i, ent, NOW - days_ago * D)


def test_enterprise_key_prefers_the_record() -> None:
    assert enterprise_key(12, "象湖县鑫达机械有限公司") == "id:12"
    assert enterprise_key(None, " 象湖县鑫达机械有限公司 ") == "name:象湖县鑫达机械有限公司"


def test_three_enterprises_in_the_window_are_concentrated() -> None:
    assert is_concentrated([r(1, "id:1", 0), r(2, "id:2", 3), r(3, "name:某公司", 7)], NOW, RULE)


def test_the_same_enterprise_three_times_is_not() -> None:
    assert not is_concentrated([r(1, "id:1", 0), r(2, "id:1", 1), r(3, "id:1", 2), r(4, "id:2", 2)], NOW, RULE)


def test_a_report_outside_the_window_does_not_count() -> None:
    reports = [r(1, "id:1", 0), r(2, "id:2", 3), r(3, "id:3", 7.5)]
    assert not is_concentrated(reports, NOW, RULE)
    assert [x.ticket_id for x in within_window(reports, NOW, RULE)] == [1, 2]


def test_a_future_report_does_not_count() -> None:
    assert not is_concentrated([r(1, "id:1", 0), r(2, "id:2", 1), r(3, "id:3", -1)], NOW, RULE)


def test_window_needs_an_aware_datetime() -> None:
    with pytest.raises(ValueError):
        within_window([], NOW.replace(tzinfo=None), RULE)


@pytest.mark.parametrize("kw", [{"enterprises": 1}, {"window_days": 0}])
def test_rule_refuses_nonsense(kw: dict[str, int]) -> None:
    with pytest.raises(ValueError):
        ConcentratedRule(**kw)


def test_clusters_join_transitively_and_order_by_size() -> None:
    got = clusters(range(1, 9), [(1, 2), (2, 3), (5, 6), (8, 7), (9, 1), (3, 1)])
    assert got == [[1, 2, 3], [5, 6], [7, 8]]


def test_clusters_without_pairs_are_empty() -> None:
    assert clusters([1, 2, 3], []) == []


@given(st.lists(st.tuples(st.integers(0, 20), st.integers(0, 20)), max_size=40))
def test_clusters_partition_the_joined_ids(pairs: list[tuple[int, int]]) -> None:
    got = clusters(range(21), pairs)
    flat = [i for g in got for i in g]
    assert len(flat) == len(set(flat))
    joined = {i for a, b in pairs if a != b for i in (a, b)}
    assert set(flat) == joined
    for a, b in pairs:
        if a != b:
            assert any(a in g and b in g for g in got)
