"""Random walks through the lifecycle table: whatever order the legal actions come in, the closed
loop holds — nothing is 办结 without the enterprise's confirmation (or its time-out), nothing reaches
the enterprise unverified unless the center answered it itself, and a finished ticket stays finished."""

from __future__ import annotations

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from qitong.domain.tickets.errors import IllegalTransition
from qitong.domain.tickets.lifecycle import (
    OPEN_STATUSES,
    TERMINAL_STATUSES,
    TRANSITIONS,
    Action,
    Status,
    actions_from,
    is_open,
    transition,
)

S, A = Status, Action

Edge = tuple[Status, Action, Status]

# actions that (re)assign the ticket to a lead unit: the department's work starts over
_INTO_DISPATCHED = {A.dispatch, A.insist, A.redispatch}
# the department's work, in the order it must happen before the center may verify
_DEPARTMENT_STEPS = (A.sign_for, A.contact, A.reply_draft, A.sign_off)

# the expected next step from every open status: the main road, and the way back onto it
_USUAL_NEXT: dict[Status, Action] = {
    S.submitted: A.accept,
    S.accepted: A.dispatch,
    S.dispatched: A.sign_for,
    S.returned: A.insist,
    S.signed: A.contact,
    S.handling: A.reply_draft,
    S.extension_requested: A.extension_approve,
    S.suspended: A.resume,
    S.awaiting_sign_off: A.sign_off,
    S.awaiting_verification: A.verify,
    S.awaiting_confirmation: A.confirm,
    S.confirmed: A.close,
    S.dissatisfied: A.redispatch,
    S.escalated: A.dispatch,
}


def test_usual_next_step_exists_and_is_legal_from_every_open_status() -> None:
    assert set(_USUAL_NEXT) == OPEN_STATUSES
    for status, action in _USUAL_NEXT.items():
        assert (status, action) in TRANSITIONS


def _is_subsequence(needle: tuple[Action, ...], haystack: list[Action]) -> bool:
    it = iter(haystack)
    return all(any(a is n for a in it) for n in needle)


class TicketWalk(RuleBasedStateMachine):
    """One ticket, starting at 待受理, moved only through the pure table."""

    def __init__(self) -> None:
        super().__init__()
        self.status = S.submitted
        self.path: list[Edge] = []

    def _apply(self, action: Action) -> None:
        before = self.status
        after = transition(before, action)
        assert after is TRANSITIONS[(before, action)]
        self.path.append((before, action, after))
        self.status = after

    @precondition(lambda self: is_open(self.status))
    @rule(data=st.data())
    def take_a_step(self, data: st.DataObject) -> None:
        self._apply(data.draw(st.sampled_from(actions_from(self.status)), label="action"))

    @precondition(lambda self: is_open(self.status))
    @rule()
    def work_as_usual(self) -> None:
        """Everyone does the expected next thing: keeps walks long enough to reach 审核 and 办结."""
        self._apply(_USUAL_NEXT[self.status])

    @precondition(lambda self: not is_open(self.status))
    @rule()
    def write_a_note_on_a_finished_ticket(self) -> None:
        before = self.status
        self._apply(A.note)
        assert self.status is before

    @precondition(lambda self: not is_open(self.status))
    @rule()
    def next_ticket(self) -> None:
        """Once this ticket is finished, walk a fresh one (keeps every step of the run useful)."""
        self.status = S.submitted
        self.path = []

    @rule(action=st.sampled_from(Action))
    def try_anything(self, action: Action) -> None:
        before = self.status
        if (before, action) in TRANSITIONS:
            self._apply(action)
            return
        with pytest.raises(IllegalTransition) as info:
            transition(before, action)
        assert info.value.allowed == [a.value for a in actions_from(before)]
        assert self.status is before

    # -- invariants --------------------------------------------------------------------------

    @invariant()
    def status_is_a_status(self) -> None:
        assert isinstance(self.status, Status)

    @invariant()
    def path_is_connected(self) -> None:
        here = S.submitted
        for before, _, after in self.path:
            assert before is here
            here = after
        assert here is self.status

    @invariant()
    def once_terminal_only_note_applies(self) -> None:
        if self.status not in TERMINAL_STATUSES:
            assert is_open(self.status)
            return
        assert not is_open(self.status)
        assert actions_from(self.status) == (A.note,)
        first_terminal = next(i for i, (_, _, after) in enumerate(self.path) if after in TERMINAL_STATUSES)
        assert all(a is A.note for _, a, _ in self.path[first_terminal + 1 :])

    @invariant()
    def closed_only_after_confirmation_or_its_time_out(self) -> None:
        if self.status is not S.closed:
            return
        i = next(i for i, (before, _, after) in enumerate(self.path) if after is S.closed and before is not S.closed)
        before, action, _ = self.path[i]
        assert action is A.close
        if before is S.awaiting_confirmation:
            return  # the time-out close
        assert before is S.confirmed
        entered = max(j for j, (b, _, after) in enumerate(self.path[:i]) if after is S.confirmed and b is not after)
        assert self.path[entered][1] is A.confirm

    @invariant()
    def verified_or_answered_by_the_center_before_the_enterprise_judges(self) -> None:
        for i, (before, action, _) in enumerate(self.path):
            judging = action in (A.confirm, A.rate_dissatisfied) or (action is A.close and before is not S.confirmed)
            if not judging:
                continue
            moves = [a for b, a, after in self.path[:i] if b is not after]
            assert moves, f"{action} straight after submission"
            assert moves[-1] in (A.verify, A.answer_on_the_spot), (action, moves[-1])

    @invariant()
    def department_did_its_work_before_the_center_verifies(self) -> None:
        for i, (_, action, _) in enumerate(self.path):
            if action is not A.verify:
                continue
            since = max(j for j, (_, a, _) in enumerate(self.path[:i]) if a in _INTO_DISPATCHED)
            done = [a for _, a, _ in self.path[since + 1 : i]]
            assert _is_subsequence(_DEPARTMENT_STEPS, done), done

    @invariant()
    def suspension_ends_only_by_resume(self) -> None:
        for i, (_, _, after) in enumerate(self.path[:-1]):
            if after is S.suspended:
                nxt = self.path[i + 1]
                assert nxt[1] in (A.resume, A.note)


TicketWalk.TestCase.settings = settings(max_examples=150, stateful_step_count=50, deadline=None)
test_ticket_walk = TicketWalk.TestCase
