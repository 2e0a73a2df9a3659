"""A Hypothesis state machine over the real services and database: random actors try random
actions on a few tickets while the clock runs; the invariants must hold after every step."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule
from sqlalchemy import func, select

from qitong.db.models import AuditEvent, Ticket
from qitong.domain.errors import DomainError
from qitong.domain.tickets.lifecycle import CLOCK_PAUSED_STATUSES, OPEN_STATUSES, Action, Status
from qitong.services.audit import verify
from qitong.services.context import Context
from qitong.services.tickets.actions import perform
from qitong.services.tickets.intake import TicketCreate, create_ticket
from qitong.services.tickets.payloads import ActionPayload
from tests.support.world import World, build_world

USERS = ["agent", "dispatcher", "scj_handler", "scj_leader", "zjj_handler", "zjj_leader", "zrj_handler",
         "ent1_user", "ent2_user", "supervisor", "leader"]


def machine_for(ctx: Context, clock: object) -> type[RuleBasedStateMachine]:
    class LifecycleMachine(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            from tests.conftest import _engine_for, _wipe

            _wipe(_engine_for(ctx.settings.database_url))
            ctx.calendars.invalidate()
            self.w: World = build_world(ctx)
            self.tickets: list[int] = []
            self.audited: dict[int, int] = {}

        @initialize()
        def first_ticket(self) -> None:
            self._submit()

        def _submit(self) -> None:
            c = create_ticket(ctx, self.w["ent1_user"], TicketCreate(
                title="营业执照变更审批超时", content="三周前提交变更申请，至今没有结果。",
                submitter_name="王建国", submitter_phone="13812345678"))
            self.tickets.append(c.ticket_id)
            self.audited[c.ticket_id] = 1

        @precondition(lambda self: len(self.tickets) < 3)
        @rule()
        def another_ticket(self) -> None:
            self._submit()

        @rule(hours=st.integers(min_value=1, max_value=24 * 9))
        def time_passes(self, hours: int) -> None:
            clock.advance(timedelta(hours=hours))  # type: ignore[attr-defined]

        @rule(
            i=st.integers(min_value=0, max_value=2),
            action=st.sampled_from(list(Action)),
            user=st.sampled_from(USERS),
            dept=st.sampled_from(["scj", "zjj", "zrj", "center", "hdz"]),
            co=st.lists(st.sampled_from(["zjj", "zrj", "hdz"]), max_size=2, unique=True),
            rating=st.integers(min_value=1, max_value=5),
            days=st.integers(min_value=1, max_value=10),
        )
        def act(self, i: int, action: Action, user: str, dept: str, co: list[str], rating: int,
                days: int) -> None:
            tid = self.tickets[i % len(self.tickets)]
            payload = ActionPayload(
                reason="按规定处理", reply="已办理完毕。", opinion="同意。", text="备注", days=days,
                lead_unit_id=self.w.dept[dept], co_unit_ids=[self.w.dept[c] for c in co if c != dept],
                rating_process=rating, rating_result=rating,
                duplicate_of=None if action != Action.merge else self._number(self.tickets[0]),
            )
            with ctx.sessions() as s:
                before = s.get(Ticket, tid)
                assert before is not None
                version = before.version
            try:
                perform(ctx, self.w[user], tid, action, payload)
            except DomainError:
                with ctx.sessions() as s:
                    t = s.get(Ticket, tid)
                    assert t is not None and t.version == version, "a refused action changed the ticket"
                return
            self.audited[tid] += 1

        def _number(self, tid: int) -> str | None:
            with ctx.sessions() as s:
                t = s.get(Ticket, tid)
                return t.number if t else None

        @invariant()
        def closed_only_when_confirmed_and_verified_or_timed_out(self) -> None:
            with ctx.sessions() as s:
                for t in s.scalars(select(Ticket).where(Ticket.status == Status.closed)):
                    assert t.closed_by_timeout or (t.confirmed_at and t.verified_at), t.number
                    if t.closed_by_timeout:
                        assert t.close_reason

        @invariant()
        def every_change_is_audited(self) -> None:
            with ctx.sessions() as s:
                for tid, n in self.audited.items():
                    got = s.scalar(select(func.count()).where(AuditEvent.ticket_id == tid))
                    assert got == n

        @invariant()
        def every_open_stage_has_a_deadline(self) -> None:
            with ctx.sessions() as s:
                for t in s.scalars(select(Ticket)):
                    if t.status in OPEN_STATUSES and t.status not in CLOCK_PAUSED_STATUSES:
                        assert t.stage_due_at is not None, (t.number, t.status)
                    if t.status in CLOCK_PAUSED_STATUSES:
                        assert t.suspended_at is not None

        def teardown(self) -> None:
            with ctx.sessions() as s:
                assert verify(s).ok

    return LifecycleMachine


@pytest.mark.parametrize("db_url", ["sqlite", "postgres"], indirect=True)
def test_lifecycle_state_machine(ctx: Context, clock: object, db_url: str) -> None:
    machine = machine_for(ctx, clock)
    machine.TestCase.settings = settings(
        max_examples=25 if "sqlite" in db_url else 10, phases=[Phase.explicit, Phase.reuse, Phase.generate],
        stateful_step_count=40,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    machine.TestCase().runTest()
