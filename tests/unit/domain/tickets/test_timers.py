"""The pure timer rules, branch by branch, and the law the sweep relies on: `plan` is `due` plus
`next_check` in one pass."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from qitong.domain.tickets.lifecycle import Status
from qitong.domain.tickets.timers import (
    TimerFacts,
    TimerKind,
    due,
    next_check,
    plan,
    share_warning,
    timers,
)

T = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)
H = timedelta(hours=1)


def facts(status: Status = Status.handling, **kw: object) -> TimerFacts:
    base: dict[str, object] = {"stage_due_at": T + 48 * H, "contact_due_at": None, "contacted_at": None,
                               "due_soon_at": T + 24 * H, "escalation_at": T + 96 * H}
    base.update(kw)
    return TimerFacts(status=status, **base)  # type: ignore[arg-type]


def kinds(f: TimerFacts) -> list[TimerKind]:
    return [t.kind for t in timers(f)]


def test_handling_has_due_soon_overdue_and_escalation() -> None:
    assert kinds(facts()) == [TimerKind.due_soon, TimerKind.overdue, TimerKind.escalation_due]
    assert all(t.due_at == T + 48 * H for t in timers(facts()))


def test_no_timers_when_closed_paused_or_without_a_deadline() -> None:
    assert timers(facts(Status.closed)) == []
    assert timers(facts(Status.suspended)) == []
    assert timers(facts(stage_due_at=None)) == []


def test_a_warning_at_or_after_the_deadline_is_dropped() -> None:
    assert TimerKind.due_soon not in kinds(facts(due_soon_at=T + 48 * H))
    assert TimerKind.due_soon not in kinds(facts(due_soon_at=None))


def test_the_overdue_kind_follows_the_stage() -> None:
    assert kinds(facts(Status.dispatched))[1] == TimerKind.unsigned
    assert kinds(facts(Status.signed))[1] == TimerKind.no_contact
    assert kinds(facts(Status.awaiting_confirmation))[1] == TimerKind.enterprise_silent


def test_center_stages_are_not_proposed_for_escalation() -> None:
    for st_ in (Status.submitted, Status.accepted, Status.awaiting_verification, Status.awaiting_confirmation):
        assert TimerKind.escalation_due not in kinds(facts(st_))
    assert TimerKind.escalation_due not in kinds(facts(escalation_at=None))


def test_no_contact_runs_alongside_signing_until_the_enterprise_is_contacted() -> None:
    f = facts(Status.dispatched, contact_due_at=T + 24 * H)
    assert kinds(f)[-1] == TimerKind.no_contact
    assert TimerKind.no_contact not in kinds(facts(Status.dispatched, contact_due_at=T + 24 * H, contacted_at=T))


def test_due_and_next_check() -> None:
    f = facts()
    assert [t.kind for t in due(f, T + 30 * H)] == [TimerKind.due_soon]
    assert next_check(f) == T + 24 * H
    assert next_check(f, after=T + 30 * H) == T + 48 * H
    assert next_check(f, after=T + 100 * H) is None


def test_share_warning() -> None:
    assert share_warning(T, T + 10 * H, 0.2) == T + 8 * H
    assert share_warning(T, T + 10 * H, 0.0) == T + 10 * H


_times = st.one_of(st.none(), st.integers(-200, 200).map(lambda h: T + h * H))


@given(status=st.sampled_from(list(Status)), stage=_times, contact=_times, contacted=_times, soon=_times,
       esc=_times, now=st.integers(-200, 200).map(lambda h: T + h * H))
def test_plan_is_due_and_next_check(status: Status, stage: datetime | None, contact: datetime | None,
                                    contacted: datetime | None, soon: datetime | None, esc: datetime | None,
                                    now: datetime) -> None:
    f = TimerFacts(status, stage, contact, contacted, soon, esc)
    assert plan(f, now) == (due(f, now), next_check(f, after=now))
