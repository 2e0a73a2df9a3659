"""Every automatic trigger, on either side of its threshold, with an injected `now`."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from qitong.domain.supervision import (
    SupervisionFacts,
    SupervisionLevel,
    Thresholds,
    Trigger,
    addressee,
    evaluate,
    occurrence,
)
from qitong.domain.tickets.lifecycle import Status

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=SH)
H = timedelta(hours=1)
SCJ, ZJJ = 3, 4

R, L = SupervisionLevel.reminder, SupervisionLevel.listed


def handling(**kw: object) -> SupervisionFacts:
    base = SupervisionFacts(
        status=Status.handling, lead_unit_id=SCJ, stage_due_at=NOW + 72 * H, contact_due_at=NOW - 24 * H,
        reply_due_at=NOW + 72 * H, signed_at=NOW - 48 * H, contacted_at=NOW - 40 * H,
    )
    return replace(base, **kw)  # type: ignore[arg-type]


def found(f: SupervisionFacts, now: datetime = NOW, th: Thresholds | None = None) -> set[tuple[Trigger, SupervisionLevel]]:
    return {(x.trigger, x.level) for x in (evaluate(f, now, th) if th else evaluate(f, now))}


def test_a_ticket_in_good_order_opens_nothing() -> None:
    assert found(handling()) == set()


def test_unsigned_past_the_signing_limit() -> None:
    f = handling(status=Status.dispatched, stage_due_at=NOW - H, signed_at=None, contacted_at=None,
                 contact_due_at=NOW + 20 * H)
    assert found(f) == {(Trigger.unsigned, R)}
    assert found(f, now=NOW - H) == {(Trigger.unsigned, R)}  # from the deadline's own instant
    assert found(f, now=NOW - 2 * H) == set()
    assert found(replace(f, lead_unit_id=None)) == set()


def test_no_contact_only_once_signed() -> None:
    f = handling(status=Status.signed, contacted_at=None, contact_due_at=NOW - H, stage_due_at=NOW - H)
    assert found(f) == {(Trigger.no_contact, R)}
    assert found(replace(f, contact_due_at=NOW + H, stage_due_at=NOW + H)) == set()
    assert found(replace(f, contacted_at=NOW - 2 * H)) == set()
    # still unsigned: the unsigned reminder covers it, not a second one
    unsigned = replace(f, status=Status.dispatched, signed_at=None)
    assert Trigger.no_contact not in {t for t, _ in found(unsigned)}


def test_overdue_and_due_soon_follow_the_reply_deadline() -> None:
    assert found(handling(reply_due_at=NOW - H)) == {(Trigger.overdue, R)}
    assert found(handling(reply_due_at=NOW)) == {(Trigger.overdue, R)}
    assert found(handling(reply_due_at=NOW + 10 * H)) == {(Trigger.due_soon, R)}
    assert found(handling(reply_due_at=NOW + 24 * H)) == {(Trigger.due_soon, R)}
    assert found(handling(reply_due_at=NOW + 25 * H)) == set()
    assert found(handling(reply_due_at=None)) == set()


@pytest.mark.parametrize("status", [Status.suspended, Status.awaiting_verification, Status.awaiting_confirmation,
                                    Status.closed, Status.escalated])
def test_time_triggers_only_while_the_department_holds_the_ticket(status: Status) -> None:
    assert found(handling(status=status, reply_due_at=NOW - H)) == set()


@pytest.mark.parametrize("status", [Status.signed, Status.handling, Status.extension_requested,
                                    Status.awaiting_sign_off])
def test_overdue_in_every_department_stage(status: Status) -> None:
    assert (Trigger.overdue, R) in found(handling(status=status, reply_due_at=NOW - H))


def test_buck_passing_on_the_second_return_addressed_to_the_last_returner() -> None:
    f = handling(status=Status.returned, return_count=2, last_returned_by=ZJJ)
    assert found(f) == {(Trigger.buck_passing, L)}
    assert addressee(Trigger.buck_passing, f) == ZJJ
    assert addressee(Trigger.buck_passing, replace(f, last_returned_by=None)) == SCJ
    assert found(replace(f, return_count=1)) == set()
    assert found(replace(f, status=Status.closed)) == set()
    assert found(replace(f, lead_unit_id=None, last_returned_by=None)) == set()


def test_two_dissatisfied_ratings_list_the_ticket() -> None:
    f = handling(status=Status.dissatisfied, dissatisfied_count=2)
    assert found(f) == {(Trigger.dissatisfied_twice, L)}
    assert found(replace(f, dissatisfied_count=1)) == set()
    assert addressee(Trigger.dissatisfied_twice, f) == SCJ


def test_repeated_noncompliant_closure_requests_list_the_ticket() -> None:
    assert found(handling(send_back_count=2)) == {(Trigger.noncompliant_closure, L)}
    assert found(handling(send_back_count=1)) == set()


def test_major_and_repeated_need_an_addressee() -> None:
    assert found(handling(major=True)) == {(Trigger.major, R)}
    assert found(handling(repeated=True)) == {(Trigger.repeated, R)}
    before_dispatch = handling(status=Status.accepted, lead_unit_id=None, major=True, repeated=True)
    assert found(before_dispatch) == set()
    assert found(handling(status=Status.closed, major=True)) == set()


def test_several_triggers_at_once() -> None:
    f = handling(reply_due_at=NOW - H, major=True, send_back_count=3)
    assert found(f) == {(Trigger.overdue, R), (Trigger.major, R), (Trigger.noncompliant_closure, L)}


def test_thresholds_are_configurable() -> None:
    th = Thresholds(buck_passing_returns=3, dissatisfied_ratings=3, noncompliant_send_backs=1,
                    due_soon=timedelta(hours=48))
    assert found(handling(status=Status.returned, return_count=2), th=th) == set()
    assert found(handling(status=Status.dissatisfied, dissatisfied_count=2), th=th) == set()
    assert found(handling(send_back_count=1), th=th) == {(Trigger.noncompliant_closure, L)}
    assert found(handling(reply_due_at=NOW + 40 * H), th=th) == {(Trigger.due_soon, R)}


def test_manual_is_never_found_and_now_must_be_aware() -> None:
    assert all(x.trigger != Trigger.manual for x in evaluate(handling(major=True, reply_due_at=NOW), NOW))
    with pytest.raises(ValueError):
        evaluate(handling(), NOW.replace(tzinfo=None))
    with pytest.raises(ValueError):
        occurrence(Trigger.manual, handling())


def test_occurrence_names_the_fact() -> None:
    f = handling(reply_due_at=NOW - H, return_count=2, dissatisfied_count=2, send_back_count=3)
    assert occurrence(Trigger.overdue, f) == occurrence(Trigger.overdue, replace(f, reply_due_at=(NOW - H).astimezone(ZoneInfo("UTC"))))
    assert occurrence(Trigger.overdue, f) != occurrence(Trigger.overdue, replace(f, reply_due_at=NOW + 40 * H))
    assert occurrence(Trigger.due_soon, f).startswith("reply_due:")
    assert occurrence(Trigger.unsigned, f).startswith("sign_due:")
    assert occurrence(Trigger.no_contact, replace(f, contact_due_at=None)) == "contact_due:-"
    assert occurrence(Trigger.buck_passing, f) == "returns:2"
    assert occurrence(Trigger.dissatisfied_twice, f) == "dissatisfied:2"
    assert occurrence(Trigger.noncompliant_closure, f) == "send_backs:3"
    assert occurrence(Trigger.major, f) == "major" and occurrence(Trigger.repeated, f) == "repeated"
    assert all(len(occurrence(t, f)) <= 64 for t in Trigger if t != Trigger.manual)
