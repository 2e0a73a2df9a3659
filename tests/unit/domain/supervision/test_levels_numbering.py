from __future__ import annotations

import pytest

from qitong.domain.supervision import (
    DOCUMENT_NAMES,
    ESCALATION_ORDER,
    LEVEL_LABELS,
    PREFIXES,
    STATUS_LABELS,
    TRIGGER_LABELS,
    DocumentNumber,
    SupervisionLevel,
    SupervisionStatus,
    Trigger,
    document_number,
    next_level,
    parse_document_number,
    rank,
)


def test_levels_escalate_reminder_listed_interview() -> None:
    assert (SupervisionLevel.reminder, SupervisionLevel.listed, SupervisionLevel.interview) == ESCALATION_ORDER
    assert [rank(x) for x in ESCALATION_ORDER] == [0, 1, 2]
    assert next_level(SupervisionLevel.reminder) == SupervisionLevel.listed
    assert next_level(SupervisionLevel.listed) == SupervisionLevel.interview
    assert next_level(SupervisionLevel.interview) is None


def test_every_value_has_its_chinese_label() -> None:
    assert set(LEVEL_LABELS) == set(DOCUMENT_NAMES) == set(PREFIXES) == set(SupervisionLevel)
    assert DOCUMENT_NAMES[SupervisionLevel.listed] == "整改通知书"
    assert set(TRIGGER_LABELS) == set(Trigger)
    assert set(STATUS_LABELS) == set(SupervisionStatus)


def test_document_numbers_per_level() -> None:
    assert document_number(SupervisionLevel.reminder, 2026, 12) == "督〔2026〕12号"
    assert document_number(SupervisionLevel.listed, 2026, 3) == "督改〔2026〕3号"
    assert document_number(SupervisionLevel.interview, 2027, 1) == "约谈〔2027〕1号"
    assert len(set(PREFIXES.values())) == len(PREFIXES)


def test_numbers_parse_back() -> None:
    for level in SupervisionLevel:
        text = document_number(level, 2026, 105)
        assert parse_document_number(text) == DocumentNumber(PREFIXES[level], 2026, 105)
        assert str(parse_document_number(text)) == text


@pytest.mark.parametrize("bad", ["督〔2026〕012号", "督[2026]12号", "督〔26〕12号", "〔2026〕12号", "督〔2026〕0号", "督〔2026〕12"])
def test_malformed_numbers_are_refused(bad: str) -> None:
    with pytest.raises(ValueError):
        parse_document_number(bad)


def test_no_zero_or_short_year() -> None:
    with pytest.raises(ValueError):
        document_number(SupervisionLevel.reminder, 2026, 0)
    with pytest.raises(ValueError):
        document_number(SupervisionLevel.reminder, 26, 1)
