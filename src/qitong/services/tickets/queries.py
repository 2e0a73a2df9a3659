"""The read side: lists, detail and timeline, filtered by who is asking. A fixed number of
statements per request, whatever the list's length."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, and_, exists, func, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.selectable import GenerativeSelect

from qitong.db.models import (
    Assignment,
    AssignmentRole,
    Attachment,
    AuditEvent,
    Department,
    ExtensionRequest,
    Rating,
    Ticket,
    TimerFiring,
)
from qitong.domain.errors import Forbidden
from qitong.domain.identity import mask_name, mask_phone
from qitong.domain.tickets.access import (
    Actor,
    TicketFacts,
    actions_for,
    can_view,
    hides_reporter,
)
from qitong.domain.tickets.lifecycle import (
    ACTIONS,
    CENTER_ROLES,
    CLOCK_PAUSED_STATUSES,
    DEPARTMENT_ROLES,
    OPEN_STATUSES,
    STATUS_LABELS,
    Action,
    Role,
    Status,
)
from qitong.domain.tickets.timers import TIMER_LABELS, TimerKind
from qitong.domain.tickets.vocab import Channel, TicketType
from qitong.services.auth import Principal
from qitong.services.context import Context
from qitong.services.tickets.facts import facts_from, load


@dataclass(frozen=True)
class TicketFilter:
    status: tuple[Status, ...] = ()
    department_id: int | None = None
    overdue: bool | None = None
    ticket_type: TicketType | None = None
    category: str | None = None
    region_id: int | None = None
    channel: Channel | None = None
    created_from: datetime | None = None
    created_to: datetime | None = None
    q: str | None = None
    enterprise_id: int | None = None


def visible_clause(actor: Actor) -> ColumnElement[bool]:
    """The SQL twin of access.can_view, so lists never load what the viewer may not see."""
    if actor.role in CENTER_ROLES or actor.role in (Role.supervisor, Role.leader, Role.auditor, Role.admin):
        return Ticket.id.is_not(None)
    if actor.role in DEPARTMENT_ROLES and actor.department_id is not None:
        return exists().where(
            Assignment.ticket_id == Ticket.id, Assignment.department_id == actor.department_id
        )
    if actor.role == Role.enterprise_user:
        own = Ticket.submitted_by_id == actor.user_id
        if actor.enterprise_id is not None:
            return or_(Ticket.enterprise_id == actor.enterprise_id, own)
        return own
    return Ticket.id.is_(None)


# later than any deadline: the ordered form of overdue_clause below
_NEVER = datetime(9999, 12, 31, tzinfo=UTC)


def overdue_clause(now: datetime, *, ordered: bool = False) -> ColumnElement[bool]:
    """Open, clock running, stage deadline passed. `ordered=True` for a page of rows newest first: the same
    condition, written so that PostgreSQL's planner does not see the deadline's histogram. Seeing it, it
    cannot know that only open tickets carry a deadline, underestimates the overdue ones some fortyfold
    and sorts all of them; blind, it walks the open tickets newest first (ix_tickets_open_created) and
    stops at the page's last row (docs/lists.md). Counts keep the plain form: a range scan of
    ix_tickets_status_stage_due is their best plan."""
    if ordered:
        return and_(Ticket.status.in_(OPEN_STATUSES - CLOCK_PAUSED_STATUSES),
                    func.coalesce(Ticket.stage_due_at, _NEVER) < now)
    return and_(
        Ticket.status.in_(OPEN_STATUSES - CLOCK_PAUSED_STATUSES),
        Ticket.stage_due_at.is_not(None),
        Ticket.stage_due_at < now,
    )


def _filtered(actor: Actor, f: TicketFilter, now: datetime, *, ordered: bool = False) -> list[ColumnElement[bool]]:
    conds: list[ColumnElement[bool]] = [visible_clause(actor)]
    if f.status:
        conds.append(Ticket.status.in_(f.status))
    if f.department_id is not None:
        conds.append(Ticket.lead_unit_id == f.department_id)
    if f.overdue is True:
        conds.append(overdue_clause(now, ordered=ordered))
    elif f.overdue is False:
        conds.append(~overdue_clause(now))
    for col, val in (
        (Ticket.ticket_type, f.ticket_type),
        (Ticket.category, f.category),
        (Ticket.region_id, f.region_id),
        (Ticket.channel, f.channel),
        (Ticket.enterprise_id, f.enterprise_id),
    ):
        if val is not None:
            conds.append(col == val)
    if f.created_from is not None:
        conds.append(Ticket.created_at >= f.created_from)
    if f.created_to is not None:
        conds.append(Ticket.created_at < f.created_to)
    if f.q and f.q.strip():
        conds.append(search_clause(f.q))
    return conds


# Lists count exactly up to this many matches and say "more" beyond it (docs/lists.md): an exact
# COUNT(*) over a million rows on every page is what makes large lists slow. A search's count is capped
# lower: each match it counts costs a LIKE on the ticket's texts.
COUNT_CAP = 1000
SEARCH_COUNT_CAP = 200
# the queue tabs' badges ("99+"): a dozen counts on every workbench page, each reading up to this many rows
TAB_COUNT_CAP = 99
# a search without 3 consecutive letters has no trigram to look up: it scans, so only the newest tickets
SHORT_SEARCH_WINDOW = 10_000
_S = TypeVar("_S", bound=GenerativeSelect)
_WORD = re.compile(r"\w{3,}")


def is_short_search(q: str) -> bool:
    """No run of 3 letters or digits: nothing a trigram index can look up (docs/lists.md)."""
    return _WORD.search(q) is None


def search_clause(q: str) -> ColumnElement[bool]:
    """A ticket number, or a substring of the title, the content or the enterprise's name. LIKE with the
    user's % and _ escaped; on PostgreSQL the trigram GIN indexes answer it when the query has 3 letters
    in a row. A shorter query (1-2 Chinese characters: 审批, 用电) looks at the newest SHORT_SEARCH_WINDOW
    tickets only, a bounded scan, whatever the archive's size."""
    q = q.strip()
    like = "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    match = or_(Ticket.number == q, Ticket.title.like(like, escape="\\"), Ticket.content.like(like, escape="\\"),
                Ticket.enterprise_name.like(like, escape="\\"))
    if not is_short_search(q):
        return match
    window = select(Ticket.id).order_by(Ticket.id.desc()).offset(SHORT_SEARCH_WINDOW).limit(1).scalar_subquery()
    return and_(match, Ticket.id > func.coalesce(window, 0))


def count_cap(q: str | None) -> int:
    return SEARCH_COUNT_CAP if q and q.strip() else COUNT_CAP


def newest_first(stmt: _S) -> _S:
    """The lists' one order: newest first, the id breaking ties (keyset-friendly; ix_tickets_created_id)."""
    return stmt.order_by(Ticket.created_at.desc(), Ticket.id.desc())


def capped_count(s: Session, where: list[ColumnElement[bool]], cap: int) -> tuple[int, bool]:
    """How many tickets match, counted up to `cap`: (the count, whether there are more than `cap`)."""
    n = s.scalar(select(func.count()).select_from(capped_subquery(where, cap))) or 0
    return min(n, cap), n > cap


def capped_subquery(where: list[ColumnElement[bool]], cap: int) -> Any:
    """The first cap + 1 matching ids, in no particular order: what a capped count counts."""
    return select(Ticket.id).where(*where).limit(cap + 1).subquery()


@dataclass(frozen=True)
class TicketPage:
    total: int  # exact when `total_exact`, else the cap (COUNT_CAP, SEARCH_COUNT_CAP): there are more
    total_exact: bool
    items: list[dict[str, Any]]


def list_tickets(
    ctx: Context, p: Principal, f: TicketFilter, page: int = 1, per_page: int = 20
) -> tuple[int, list[dict[str, Any]]]:
    """(total, items) of a page; the total is capped at COUNT_CAP, `ticket_page` says whether it is."""
    lst = ticket_page(ctx, p, f, page, per_page)
    return lst.total, lst.items


def ticket_page(ctx: Context, p: Principal, f: TicketFilter, page: int = 1, per_page: int = 20) -> TicketPage:
    """A page of the ticket list, newest first, with a count capped at COUNT_CAP: a fixed number of
    statements, each bounded by an index at any number of tickets (docs/lists.md)."""
    now = ctx.clock.now()
    with ctx.sessions() as s:
        total, more = capped_count(s, _filtered(p.actor, f, now), count_cap(f.q))
        where = _filtered(p.actor, f, now, ordered=True)
        pairs = s.execute(newest_first(select(Ticket, Department.name).where(*where)
                                       .outerjoin(Department, Department.id == Ticket.lead_unit_id))
                          .offset((page - 1) * per_page).limit(per_page)).all()
        rows = [t for t, _ in pairs]
        names = {t.lead_unit_id: n for t, n in pairs if t.lead_unit_id is not None and n is not None}
        hidden = _hidden_reporters(s, p.actor, rows)
        return TicketPage(total, not more, [_summary(t, now, names, t.id in hidden) for t in rows])


def _hidden_reporters(s: Session, actor: Actor, rows: list[Ticket]) -> set[int]:
    if actor.role not in DEPARTMENT_ROLES:
        return set()
    return {
        t.id
        for t in rows
        if hides_reporter(actor, facts_from(t, []))
    }


def _iso(v: datetime | None) -> str | None:
    """In UTC, as read back from the database, also for a ticket still in memory (new_ticket_detail)."""
    return v.astimezone(UTC).isoformat() if v else None


def _summary(t: Ticket, now: datetime, names: dict[int, str], hide: bool) -> dict[str, Any]:
    overdue = (
        t.status in OPEN_STATUSES
        and t.status not in CLOCK_PAUSED_STATUSES
        and t.stage_due_at is not None
        and t.stage_due_at < now
    )
    return {
        "id": t.id,
        "number": t.number,
        "title": t.title,
        "status": t.status.value,
        "status_label": STATUS_LABELS[t.status],
        "ticket_type": t.ticket_type.value,
        "category": t.category,
        "channel": t.channel.value,
        "urgency": t.urgency.value,
        "enterprise_name": "（已保密）" if hide else t.enterprise_name,
        "submitter_name": "（已保密）" if hide else mask_name(t.submitter_name),
        "submitter_phone": "（已保密）" if hide else mask_phone(t.submitter_phone),
        "lead_unit_id": t.lead_unit_id,
        "lead_unit": names.get(t.lead_unit_id) if t.lead_unit_id else None,
        "layer": t.layer.value,
        "tier": t.tier.value,
        "stage_due_at": _iso(t.stage_due_at),
        "overdue": overdue,
        "created_at": _iso(t.created_at),
        "version": t.version,
    }


def _viewable(s: Session, p: Principal, ticket_id: int) -> tuple[Ticket, TicketFacts]:
    t = load(s, ticket_id)
    rows = s.execute(
        select(Assignment.department_id, Assignment.role, Assignment.active).where(
            Assignment.ticket_id == t.id
        )
    ).all()
    facts = facts_from(t, [(d, r, a) for d, r, a in rows])
    if not can_view(p.actor, facts):
        raise Forbidden("无权查看该工单", field="ticket_id")
    return t, facts


def ticket_detail(ctx: Context, p: Principal, ticket_id: int) -> dict[str, Any]:
    now = ctx.clock.now()
    with ctx.sessions() as s:
        t, facts = _viewable(s, p, ticket_id)
        assigns = [(a, n) for a, n in s.execute(
            select(Assignment, Department.name)
            .join(Department, Department.id == Assignment.department_id)
            .where(Assignment.ticket_id == t.id)
            .order_by(Assignment.id)
        )]
        extensions = list(s.scalars(select(ExtensionRequest).where(ExtensionRequest.ticket_id == t.id)
                                    .order_by(ExtensionRequest.id)))
        ratings = list(s.scalars(select(Rating).where(Rating.ticket_id == t.id).order_by(Rating.id)))
        files = list(s.scalars(select(Attachment).where(Attachment.ticket_id == t.id)))
        return _detail(p, t, facts, now, assigns, extensions, ratings, files)


def new_ticket_detail(ctx: Context, p: Principal, t: Ticket) -> dict[str, Any] | None:
    """ticket_detail of a ticket just inserted in the caller's transaction, without a query: nothing hangs
    off it yet (the intake's answer, docs/lists.md). None when the submitter may not see it."""
    facts = facts_from(t, [])
    if not can_view(p.actor, facts):
        return None
    return _detail(p, t, facts, ctx.clock.now(), [], [], [], [])


def _detail(p: Principal, t: Ticket, facts: TicketFacts, now: datetime, assigns: list[tuple[Assignment, str]],
            extensions: list[ExtensionRequest], ratings: list[Rating], files: list[Attachment]) -> dict[str, Any]:
    names = {a.department_id: n for a, n in assigns}
    hide = hides_reporter(p.actor, facts)
    out = _summary(t, now, names, hide)
    out.update(
        content=t.content,
        query_code=t.query_code if _may_see_contact(p, hide) else None,
        submitter_phone=("（已保密）" if hide else t.submitter_phone if _may_see_contact(p, hide)
                         else mask_phone(t.submitter_phone)),
        submitter_name="（已保密）" if hide else t.submitter_name,
        complexity=t.complexity.value,
        confidential=t.confidential,
        sla_profile=t.sla_profile,
        deadlines={
            "stage": _iso(t.stage_due_at),
            "contact": _iso(t.contact_due_at),
            "reply": _iso(t.reply_due_at),
            "resolve": _iso(t.resolve_due_at),
            "provisional": t.deadlines_provisional,
        },
        milestones={k: _iso(getattr(t, f"{k}_at")) for k in _MILESTONES},
        reply=t.reply,
        close_reason=t.close_reason,
        rating={"process": t.rating_process, "result": t.rating_result, "comment": t.rating_comment}
        if t.rating_result
        else None,
        counts={"returns": t.return_count, "redispatches": t.redispatch_count,
                "extensions": t.extension_count, "dissatisfied": t.dissatisfied_count},
        duplicate_of_id=t.duplicate_of_id,
        # where it came from: the 12345 work order's number (the business may quote it), and for staff the
        # forum, visit, leader's instruction or inspection that raised it (多渠道录入)
        source=t.source,
        source_id=t.source_id,
        origin=None if p.actor.role == Role.enterprise_user else t.origin,
        assignments=[
            {"department_id": a.department_id, "department": n, "role": a.role.value,
             "active": a.active, "round": a.round, "assigned_at": _iso(a.assigned_at),
             "signed_at": _iso(a.signed_at), "opinion": a.opinion, "opinion_at": _iso(a.opinion_at)}
            for a, n in assigns
        ],
        co_units=[n for a, n in assigns if a.active and a.role == AssignmentRole.co],
        extensions=[
            {"days": e.days, "reason": e.reason, "status": e.status.value,
             "requested_at": _iso(e.requested_at), "decided_at": _iso(e.decided_at)}
            for e in extensions
        ],
        ratings=[
            {"round": r.round, "process": r.process, "result": r.result, "comment": r.comment,
             "at": _iso(r.created_at)}
            for r in ratings
        ],
        attachments=[
            {"id": a.id, "filename": a.filename, "content_type": a.content_type, "size": a.size}
            for a in files
        ],
        allowed_actions=[
            {"action": a.value, "label": ACTIONS[a].label, "reason_required": ACTIONS[a].reason_required}
            for a in actions_for(p.actor, facts)
        ],
    )
    return out


_MILESTONES = ("submitted", "accepted", "dispatched", "signed", "contacted", "replied", "signed_off",
               "verified", "confirmed", "closed")


def _may_see_contact(p: Principal, hide: bool) -> bool:
    return not hide and p.actor.role in (*CENTER_ROLES, *DEPARTMENT_ROLES, Role.enterprise_user,
                                        Role.supervisor)


def timeline(ctx: Context, p: Principal, ticket_id: int) -> list[dict[str, Any]]:
    with ctx.sessions() as s:
        _t, facts = _viewable(s, p, ticket_id)
        hide = hides_reporter(p.actor, facts)
        events = s.scalars(
            select(AuditEvent).where(AuditEvent.ticket_id == ticket_id).order_by(AuditEvent.seq)
        )
        internal = p.actor.role == Role.enterprise_user
        out = [_event(e, hide) for e in events if not (internal and e.action in ENTERPRISE_HIDDEN)]
        # the sweep seals its firings with one chained event per batch; each shows here at that seq
        fired = s.scalars(select(TimerFiring).where(TimerFiring.ticket_id == ticket_id,
                                                    TimerFiring.audit_seq.is_not(None)))
        out.extend(_firing(f) for f in fired)
        return sorted(out, key=lambda e: (e["seq"], e["at"]))


def _firing(f: TimerFiring) -> dict[str, Any]:
    label = event_label(f"timer.{f.kind}")
    return {"seq": f.audit_seq, "action": f"timer.{f.kind}", "label": label, "actor": "系统",
            "actor_role": "system", "at": _iso(f.fired_at), "reason": None, "before": {}, "after": {},
            "data": {"label": label, "due_at": _iso(f.due_at), "firing_id": f.id}}


# the enterprise follows progress, not the government's internal back-and-forth
ENTERPRISE_HIDDEN = frozenset(
    {"note", "co_opinion", "sign_off_refuse", "verify_send_back", "insist", "return", "extension_refuse"}
)


_OTHER_LABELS = {"submit": "提交诉求", "attach": "上传附件"}
# near-duplicates (services/duplicates.py)
_OTHER_LABELS.update({"link_duplicate": "标记为重复件", "repeat_linked": "收到重复件",
                      "concentrated_report": "集中反映"})
# the other services that write to a ticket's trail
_OTHER_LABELS.update({
    "import_update": "12345 工单同步更新", "supervise": "发起督办", "supervision_respond": "督办反馈",
    "supervision_close": "督办办结", "flag_major": "认定为重大事项", "unflag_major": "取消重大事项认定",
    "revisit": "回访", "low_satisfaction": "列入低满意度台账", "appeal": "评价申诉",
    "appeal_upheld": "评价申诉成立", "appeal_rejected": "评价申诉不成立", "propose_case": "推荐为典型案例",
    "edit_case": "编辑典型案例", "publish_case": "发布典型案例",
})


def event_label(action: str) -> str:
    """The timeline's Chinese name for an audit action: a lifecycle action, a timer, or another event."""
    if action in Action._value2member_map_:
        return ACTIONS[Action(action)].label
    if action.startswith("timer."):
        kind = action.removeprefix("timer.")
        return TIMER_LABELS[TimerKind(kind)] if kind in TimerKind._value2member_map_ else kind
    return _OTHER_LABELS.get(action, action)


def _event(e: AuditEvent, hide: bool) -> dict[str, Any]:
    label = event_label(e.action)
    masked = hide and e.actor_role == Role.enterprise_user.value
    return {
        "seq": e.seq,
        "action": e.action,
        "label": label,
        # the ticket's new status; a supervision's or an appeal's own status is not the ticket's
        "to_status": e.after.get("status") if e.entity == "ticket" else None,
        "actor": "（已保密）" if masked else e.actor_name,
        "actor_role": e.actor_role,
        "at": _iso(e.created_at),
        "reason": e.reason,
        "before": {k: v for k, v in e.before.items() if k != "reply" or not hide},
        "after": {k: v for k, v in e.after.items() if not (hide and k.startswith("submitter"))},
        "data": {k: v for k, v in e.data.items() if not (hide and k.startswith("submitter"))},
    }
