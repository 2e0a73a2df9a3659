"""After a notice goes out: the department responds, a supervisor closes it. And the flag that
makes a ticket a major matter."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from qitong.db.models import Supervision, Ticket
from qitong.domain.errors import Conflict, InvalidInput, NotFound
from qitong.domain.supervision import STATUS_LABELS, SupervisionStatus
from qitong.domain.supervision.access import check_close, check_flag_major, check_respond
from qitong.services.audit import record
from qitong.services.auth import Principal
from qitong.services.context import Context
from qitong.services.supervision.events import notify, snapshot
from qitong.services.supervision.opening import apply_triggers
from qitong.services.tickets.facts import load_for_update


def _load(s: Session, supervision_id: int) -> tuple[Supervision, Ticket]:
    sup = s.scalars(select(Supervision).where(Supervision.id == supervision_id).with_for_update()).one_or_none()
    if sup is None:
        raise NotFound(f"督办事项 {supervision_id} 不存在", field="supervision_id")
    t = s.get(Ticket, sup.ticket_id)
    assert t is not None
    return sup, t


def _text(value: str | None, field: str, label: str) -> str:
    v = (value or "").strip()
    if not v:
        raise InvalidInput(f"请填写{label}", field=field)
    return v


def respond(ctx: Context, p: Principal, supervision_id: int, response: str) -> None:
    """The supervised department's handler or leader reports what it has done."""
    with ctx.sessions.begin() as s:
        sup, t = _load(s, supervision_id)
        check_respond(p.actor, sup.department_id)
        if sup.status != SupervisionStatus.open:
            raise Conflict(f"该督办事项{STATUS_LABELS[sup.status]}，不能再反馈", field="supervision_id")
        now = ctx.clock.now()
        before = snapshot(sup)
        sup.response = _text(response, "response", "反馈内容")
        sup.responded_at, sup.responded_by_id, sup.status = now, p.actor.user_id, SupervisionStatus.responded
        ev = record(s, p.who, at=now, entity="supervision", entity_id=sup.id, ticket_id=t.id,
                    action="supervision_respond", before=before, after=snapshot(sup),
                    data={"document_no": sup.document_no, "on_time": now <= sup.response_due_at})
        notify(s, "supervision.responded", sup, t, ev.seq, now)


def close(ctx: Context, p: Principal, supervision_id: int, note: str | None = None) -> None:
    """A supervisor closes the notice; closing one never answered needs a note saying why."""
    check_close(p.actor)
    with ctx.sessions.begin() as s:
        sup, t = _load(s, supervision_id)
        if sup.status == SupervisionStatus.closed:
            raise Conflict("该督办事项已办结", field="supervision_id")
        note = (note or "").strip() or None
        if sup.status == SupervisionStatus.open and note is None:
            raise InvalidInput("被督办单位尚未反馈，直接办结须说明理由", field="note")
        now = ctx.clock.now()
        before = snapshot(sup)
        sup.status, sup.closed_at, sup.closed_by_id = SupervisionStatus.closed, now, p.actor.user_id
        sup.close_note = note
        ev = record(s, p.who, at=now, entity="supervision", entity_id=sup.id, ticket_id=t.id,
                    action="supervision_close", before=before, after=snapshot(sup), reason=note,
                    data={"document_no": sup.document_no})
        notify(s, "supervision.closed", sup, t, ev.seq, now)


def flag_major(ctx: Context, p: Principal, ticket_id: int, reason: str, major: bool = True) -> int:
    """Mark (or unmark) a ticket as a major matter (重大事项); a marked ticket with a lead unit gets
    its must-supervise reminder at once. Returns the ticket's version."""
    check_flag_major(p.actor)
    reason = _text(reason, "reason", "认定理由")
    with ctx.sessions.begin() as s:
        t = load_for_update(s, ticket_id)
        if t.major == major:
            return t.version
        now = ctx.clock.now()
        t.major, t.updated_at = major, now
        flag_modified(t, "updated_at")
        s.flush()
        record(s, p.who, at=now, entity="ticket", entity_id=t.id, ticket_id=t.id,
               action="flag_major" if major else "unflag_major",
               before={"major": not major}, after={"major": major}, reason=reason)
        if major:
            apply_triggers(s, ctx, t, now)
        return t.version
