"""The digest a sweep batch's chain event seals over its firings."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qitong.domain.audit import batch_digest

T = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)
ITEMS = [(1, 10, "overdue", T), (2, 11, "due_soon", T + timedelta(hours=1))]


def test_any_change_changes_the_digest() -> None:
    d = batch_digest(ITEMS)
    assert len(d) == 64
    assert batch_digest(ITEMS[:1]) != d  # a firing dropped
    assert batch_digest([ITEMS[0], (2, 11, "overdue", ITEMS[1][3])]) != d  # a kind changed
    assert batch_digest([ITEMS[0], (2, 11, "due_soon", T)]) != d  # a deadline changed
    assert batch_digest([*ITEMS, (3, 12, "overdue", T)]) != d  # a firing added


def test_the_same_instant_in_another_zone_is_the_same_digest() -> None:
    shanghai = timezone(timedelta(hours=8))
    assert batch_digest([(1, 10, "overdue", T.astimezone(shanghai))]) == batch_digest([ITEMS[0]])


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError):
        batch_digest([(1, 10, "overdue", T.replace(tzinfo=None))])


@given(st.permutations([*ITEMS, (3, 12, "unsigned", T), (4, 13, "no_contact", T)]))
def test_the_order_given_does_not_matter(items: list[tuple[int, int, str, datetime]]) -> None:
    assert batch_digest(items) == batch_digest(sorted(items))
