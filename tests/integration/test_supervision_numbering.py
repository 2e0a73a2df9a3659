"""Gapless document numbers with two writers at once, on real databases (PostgreSQL is the one
that matters: its writers really overlap; SQLite's BEGIN IMMEDIATE queues them)."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from sqlalchemy import select

from qitong.db.models import Supervision, SupervisionCounter
from qitong.domain.supervision import SupervisionLevel
from qitong.domain.tickets.lifecycle import Action
from qitong.services import supervision as sv
from qitong.services.context import Context
from qitong.services.supervision.numbers import take_number
from qitong.services.tickets.actions import perform
from qitong.services.tickets.payloads import ActionPayload as P
from tests.service.test_closed_loop import submit
from tests.support.world import build_world


def _twice(work: Callable[[int], None]) -> None:
    errors: list[BaseException] = []

    def run(k: int) -> None:
        try:
            work(k)
        except BaseException as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=run, args=(k,)) for k in (0, 1)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors


def test_the_counter_has_no_gaps_when_writers_overlap_and_roll_back(ctx: Context) -> None:
    barrier = threading.Barrier(2)
    kept: list[int] = []
    lock = threading.Lock()

    def writer(k: int) -> None:
        barrier.wait()
        for i in range(15):
            s = ctx.sessions()
            try:
                s.begin()
                n = take_number(s, "督", 2026)
                if (i + k) % 4 == 0:
                    s.rollback()  # a failed use case gives its number back
                    continue
                s.commit()
                with lock:
                    kept.append(n)
            finally:
                s.close()

    _twice(writer)
    assert sorted(kept) == list(range(1, len(kept) + 1))
    with ctx.sessions() as s:
        assert s.scalars(select(SupervisionCounter.last_seq)).one() == len(kept)


@pytest.mark.parametrize("db_url", ["postgres"], indirect=True)
def test_two_supervisors_opening_notices_at_once_get_consecutive_numbers(ctx: Context) -> None:
    w = build_world(ctx)
    tickets = []
    for _ in range(8):
        tid = submit(w)
        perform(ctx, w["agent"], tid, Action.accept)
        perform(ctx, w["dispatcher"], tid, Action.dispatch, P(lead_unit_id=w.dept["scj"]))
        tickets.append(tid)
    barrier = threading.Barrier(2)

    def supervisor(k: int) -> None:
        barrier.wait()
        for tid in tickets[k::2]:
            sv.open_supervision(ctx, w["supervisor"], tid, SupervisionLevel.reminder, "请加快办理")

    _twice(supervisor)
    with ctx.sessions() as s:
        numbers = sorted(s.scalars(select(Supervision.seq)))
        docs = set(s.scalars(select(Supervision.document_no)))
    assert numbers == list(range(1, 9))
    assert docs == {f"督〔2026〕{n}号" for n in range(1, 9)}
