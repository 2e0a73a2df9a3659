"""The template table: every event someone must hear about has words, and the words only use
fields the services supply."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from qitong.domain.notifications import (
    FIELDS,
    TEMPLATES,
    Audience,
    document_name,
    format_deadline,
    level_label,
    placeholders,
    render,
    tidy_reason,
)
from qitong.domain.tickets.lifecycle import ACTIONS, Action

SHANGHAI = ZoneInfo("Asia/Shanghai")
SAMPLE = {f: f"<{f}>" for f in FIELDS}

# who must hear about what (the list); the table may say more, never less
REQUIRED: dict[str, set[Audience]] = {
    "ticket.submit": {Audience.enterprise},
    "ticket.accept": {Audience.enterprise},
    "ticket.reject": {Audience.enterprise},
    "ticket.dispatch": {Audience.lead_unit, Audience.co_units},
    "ticket.return": {Audience.dispatchers},
    "ticket.sign_for": {Audience.enterprise},
    "ticket.contact": {Audience.enterprise},
    "ticket.extension_approve": {Audience.lead_unit},
    "ticket.extension_refuse": {Audience.lead_unit},
    "ticket.verify": {Audience.enterprise},
    "ticket.rate_dissatisfied": {Audience.dispatchers},
    "ticket.redispatch": {Audience.lead_unit},
    "ticket.escalate": {Audience.lead_unit},
    "ticket.suspend": {Audience.enterprise},
    "ticket.resume": {Audience.enterprise},
    "ticket.terminate": {Audience.enterprise},
    "ticket.merge": {Audience.enterprise},
    "ticket.close": {Audience.enterprise},
    "deadline.due_soon": {Audience.lead_unit},
    "deadline.overdue": {Audience.lead_unit},
    "supervision.opened": {Audience.lead_unit},
}


@pytest.mark.parametrize("topic", sorted(REQUIRED))
def test_required_audiences_have_templates(topic: str) -> None:
    assert REQUIRED[topic] <= set(TEMPLATES[topic])


def test_every_action_but_note_is_covered() -> None:
    silent = {Action.note}
    assert {f"ticket.{a.value}" for a in ACTIONS if a not in silent} <= set(TEMPLATES)


@pytest.mark.parametrize(("topic", "audience"), [(t, a) for t, m in TEMPLATES.items() for a in m])
def test_templates_use_known_fields_only(topic: str, audience: Audience) -> None:
    t = TEMPLATES[topic][audience]
    assert placeholders(t.title) | placeholders(t.body) <= FIELDS
    assert t.title and t.body


def test_reasons_appear_where_the_rule_demands_one() -> None:
    for topic in ("ticket.reject", "ticket.return", "ticket.extension_refuse", "ticket.terminate"):
        assert any("{reason}" in t.body for t in TEMPLATES[topic].values()), topic


def test_render_fills_fields_in_table_order() -> None:
    out = render("ticket.submit", {"number": "QT20261123000001", "query_code": "042517", "title": "营业执照变更审批超时"})
    assert [r.audience for r in out] == [Audience.enterprise, Audience.center]
    ent = out[0]
    assert "QT20261123000001" in ent.body and "042517" in ent.body and ent.sms
    assert "营业执照变更审批超时" in ent.body
    assert out[1].sms is False


def test_missing_or_empty_field_reads_dash() -> None:
    (r,) = render("ticket.reject", {"number": "QT1", "reason": None, "title": ""})
    assert "理由：—" in r.body and "“—”" in r.body


def test_unknown_topic_renders_nothing() -> None:
    assert render("payment.received", SAMPLE) == []


def test_format_deadline_midnight_is_end_of_previous_day() -> None:
    # stored as 16:00 UTC = midnight Shanghai, the end of Tuesday 24 November
    assert format_deadline(datetime(2026, 11, 24, 16, 0, tzinfo=UTC), SHANGHAI) == "2026年11月24日24时"
    assert format_deadline(datetime(2026, 11, 24, 9, 30, tzinfo=UTC), SHANGHAI) == "2026年11月24日 17:30"


def test_level_words() -> None:
    assert level_label("listed") == "挂牌督办"
    assert document_name("interview") == "约谈通知书"
    assert level_label("special") == "special"
    assert level_label(None) == "督办"
    assert document_name(None) == "督办通知"


def test_tidy_reason() -> None:
    assert tidy_reason("材料不全。") == "材料不全"
    assert tidy_reason("  。") is None
    assert tidy_reason(None) is None
