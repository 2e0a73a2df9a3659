"""The read side of the pages: role-aware queues (待受理 … 超期), filters, paging and the ledger
(台账) rows. A fixed number of statements per page, whatever the list's length."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import ColumnElement, Select, and_, exists, func, select, true
from sqlalchemy.orm import Session

from qitong.db.models import Assignment, AssignmentRole, Category, Department, Region, Supervision, Ticket
from qitong.domain.supervision import SupervisionStatus
from qitong.domain.tickets.access import Actor, hides_reporter
from qitong.domain.tickets.lifecycle import (
    CLOCK_PAUSED_STATUSES,
    DEPARTMENT_ROLES,
    OPEN_STATUSES,
    STATUS_LABELS,
    TERMINAL_STATUSES,
    Role,
    Status,
)
from qitong.domain.tickets.vocab import Channel, TicketType
from qitong.domain.timelimits import due_after
from qitong.services.auth import Principal
from qitong.services.choices import Choices, choices_in
from qitong.services.context import Context
from qitong.services.tickets import queries
from qitong.services.tickets.facts import facts_from
from qitong.services.tickets.queries import (
    capped_count,
    capped_subquery,
    count_cap,
    newest_first,
    overdue_clause,
    search_clause,
    visible_clause,
)

S = Status
# 临期: the stage deadline falls before the end of the current working day (after the cut-off, or on a day
# off, the next one): the deadline's last working day has begun, as the timers' default rule (ADR 0003)
LEDGER_MAX_ROWS = 5000
_ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class Queue:
    key: str
    label: str
    statuses: tuple[Status, ...] = ()
    due: str | None = None  # "soon" or "over"
    co_unit: bool = False  # a department's tickets where it is an active co-unit
    supervised: bool = False  # an open supervision notice (督办) on the ticket; a department's: sent to it


QUEUES: Mapping[str, Queue] = {
    q.key: q
    for q in (
        Queue("submitted", "待受理", (S.submitted,)),
        Queue("to_dispatch", "待分派", (S.accepted, S.returned, S.dissatisfied, S.escalated)),
        Queue("extension", "延期待审批", (S.extension_requested,)),
        Queue("to_sign", "待签收", (S.dispatched,)),
        Queue("handling", "办理中", (S.signed, S.handling, S.extension_requested, S.suspended)),
        Queue("co_unit", "协办件", co_unit=True),
        Queue("sign_off", "待审签", (S.awaiting_sign_off,)),
        Queue("verify", "待审核", (S.awaiting_verification,)),
        Queue("confirm", "待确认", (S.awaiting_confirmation,)),
        Queue("to_close", "待办结", (S.confirmed,)),
        Queue("due_soon", "临期", due="soon"),
        Queue("supervised", "督办中", supervised=True),
        Queue("overdue", "超期", due="over"),
        Queue("all", "全部工单"),
        # the enterprise's own tabs
        Queue("mine_open", "办理中", tuple(s for s in S if s in OPEN_STATUSES and s != S.awaiting_confirmation)),
        Queue("mine_confirm", "待我评价", (S.awaiting_confirmation,)),
        Queue("mine_done", "已办结", tuple(s for s in S if s in TERMINAL_STATUSES)),
    )
}

_OVERSIGHT = ("submitted", "to_dispatch", "to_sign", "handling", "sign_off", "verify", "confirm", "to_close",
              "due_soon", "overdue", "supervised", "all")
QUEUES_BY_ROLE: Mapping[Role, tuple[str, ...]] = {
    Role.center_agent: ("submitted", "to_dispatch", "to_sign", "handling", "sign_off", "verify", "confirm",
                        "to_close", "due_soon", "overdue", "supervised", "all"),
    Role.dispatcher: ("to_dispatch", "extension", "submitted", "to_sign", "handling", "sign_off", "verify",
                      "confirm", "to_close", "due_soon", "overdue", "supervised", "all"),
    Role.handler: ("to_sign", "handling", "co_unit", "sign_off", "due_soon", "overdue", "supervised", "all"),
    Role.department_leader: ("sign_off", "to_sign", "handling", "co_unit", "due_soon", "overdue", "supervised",
                             "all"),
    Role.supervisor: _OVERSIGHT,
    Role.leader: _OVERSIGHT,
    Role.auditor: _OVERSIGHT,
    Role.admin: _OVERSIGHT,
    Role.enterprise_user: ("all", "mine_open", "mine_confirm", "mine_done"),
}


def queues_for(role: Role) -> list[Queue]:
    return [QUEUES[k] for k in QUEUES_BY_ROLE.get(role, ())]


@dataclass(frozen=True)
class WorkFilter:
    q: str | None = None
    status: Status | None = None
    ticket_type: TicketType | None = None
    category: str | None = None
    lead_unit_id: int | None = None
    region_id: int | None = None
    channel: Channel | None = None
    created_from: date | None = None
    created_to: date | None = None  # inclusive

    def is_empty(self) -> bool:
        return all(v is None or v == "" for v in self.__dict__.values())


@dataclass(frozen=True)
class WorkRow:
    id: int
    number: str
    title: str
    status: Status
    status_label: str
    ticket_type: TicketType
    category_name: str | None
    channel: Channel
    enterprise_name: str
    lead_unit: str | None
    region: str | None
    overdue: bool
    due_soon: bool
    stage_due_at: datetime | None
    reply_due_at: datetime | None
    created_at: datetime
    milestones: Mapping[str, datetime | None]
    rating_process: int | None
    rating_result: int | None
    version: int


@dataclass(frozen=True)
class WorkPage:
    queue: Queue
    total: int  # exact up to queries.COUNT_CAP; when total_capped there are more (docs/lists.md)
    page: int
    per_page: int
    rows: list[WorkRow]
    total_capped: bool = False

    @property
    def total_label(self) -> str:
        return f"{self.total}+" if self.total_capped else str(self.total)

    @property
    def pages(self) -> int:
        known = max(1, -(-self.total // self.per_page))
        if self.total_capped and len(self.rows) == self.per_page:
            return max(known, self.page + 1)  # beyond the count's cap: there is at least one more page
        return known


MILESTONES = ("submitted", "accepted", "dispatched", "signed", "contacted", "replied", "signed_off", "verified",
              "confirmed", "closed")


class _Now:
    """The two instants the due conditions need, computed once per request."""

    def __init__(self, s: Session, ctx: Context) -> None:
        self.now = ctx.clock.now()
        cal = ctx.calendars.get(s)
        self.soon = due_after(cal, self.now, 0, ctx.policy).at  # the end of the current working day


def _due_soon(n: _Now) -> ColumnElement[bool]:
    return and_(
        Ticket.status.in_(OPEN_STATUSES - CLOCK_PAUSED_STATUSES),
        Ticket.stage_due_at.is_not(None),
        Ticket.stage_due_at >= n.now,
        Ticket.stage_due_at <= n.soon,
    )


def _supervised(dept: int | None) -> ColumnElement[bool]:
    open_notice = and_(Supervision.ticket_id == Ticket.id, Supervision.status != SupervisionStatus.closed)
    if dept is not None:
        return exists().where(open_notice, Supervision.department_id == dept)
    return exists().where(open_notice)


def _queue_clause(actor: Actor, q: Queue, n: _Now, *, ordered: bool = False) -> ColumnElement[bool]:
    conds: list[ColumnElement[bool]] = []
    dept = actor.department_id if actor.role in DEPARTMENT_ROLES else None
    if q.co_unit:
        conds.append(exists().where(
            Assignment.ticket_id == Ticket.id, Assignment.department_id == (dept or -1),
            Assignment.active, Assignment.role == AssignmentRole.co))
    elif q.supervised:
        conds.append(_supervised(dept))
    elif dept is not None and q.key != "all":
        conds.append(Ticket.lead_unit_id == dept)
    if q.statuses:
        conds.append(Ticket.status.in_(q.statuses))
    if q.due == "soon":
        conds.append(_due_soon(n))
    elif q.due == "over":
        conds.append(overdue_clause(n.now, ordered=ordered))
    return and_(true(), *conds)


def _day_start(ctx: Context, d: date) -> datetime:
    return datetime.combine(d, time(0), ctx.policy.tz)


def _filter_clause(ctx: Context, f: WorkFilter) -> ColumnElement[bool]:
    conds: list[ColumnElement[bool]] = []
    for col, val in (
        (Ticket.status, f.status),
        (Ticket.ticket_type, f.ticket_type),
        (Ticket.category, f.category or None),
        (Ticket.lead_unit_id, f.lead_unit_id),
        (Ticket.region_id, f.region_id),
        (Ticket.channel, f.channel),
    ):
        if val is not None:
            conds.append(col == val)
    if f.created_from is not None:
        conds.append(Ticket.created_at >= _day_start(ctx, f.created_from))
    if f.created_to is not None:
        conds.append(Ticket.created_at < _day_start(ctx, f.created_to) + _ONE_DAY)
    if f.q and f.q.strip():
        conds.append(search_clause(f.q))
    return and_(true(), *conds)


def _rows_stmt(where: Sequence[ColumnElement[bool]]) -> Select[Ticket, str, str, str]:
    return newest_first(
        select(Ticket, Department.name, Category.name, Region.name)
        .outerjoin(Department, Department.id == Ticket.lead_unit_id)
        .outerjoin(Category, Category.code == Ticket.category)
        .outerjoin(Region, Region.id == Ticket.region_id)
        .where(*where)
    )


def _row(actor: Actor, t: Ticket, lead: str | None, cat: str | None, region: str | None, n: _Now) -> WorkRow:
    open_clock = t.status in OPEN_STATUSES and t.status not in CLOCK_PAUSED_STATUSES and t.stage_due_at
    overdue = bool(open_clock and t.stage_due_at is not None and t.stage_due_at < n.now)
    soon = bool(open_clock and t.stage_due_at is not None and n.now <= t.stage_due_at <= n.soon)
    hide = actor.role in DEPARTMENT_ROLES and hides_reporter(actor, facts_from(t, []))
    return WorkRow(
        id=t.id, number=t.number or "", title=t.title, status=t.status, status_label=STATUS_LABELS[t.status],
        ticket_type=t.ticket_type, category_name=cat, channel=t.channel,
        enterprise_name="（已保密）" if hide else t.enterprise_name, lead_unit=lead, region=region,
        overdue=overdue, due_soon=soon, stage_due_at=t.stage_due_at, reply_due_at=t.reply_due_at,
        created_at=t.created_at, milestones={k: getattr(t, f"{k}_at") for k in MILESTONES},
        rating_process=t.rating_process, rating_result=t.rating_result, version=t.version,
    )


def _where(ctx: Context, p: Principal, q: Queue, f: WorkFilter, n: _Now, *,
           ordered: bool = True) -> list[ColumnElement[bool]]:
    """`ordered` for rows newest first, else for a count (see overdue_clause)."""
    return [visible_clause(p.actor), _queue_clause(p.actor, q, n, ordered=ordered), _filter_clause(ctx, f)]


def queue_for(p: Principal, key: str | None) -> Queue:
    mine = QUEUES_BY_ROLE.get(p.actor.role, ())
    if key in mine:
        return QUEUES[key]
    return QUEUES[mine[0]] if mine else QUEUES["all"]


def worklist(ctx: Context, p: Principal, key: str | None, f: WorkFilter, page: int = 1,
             per_page: int = 20) -> WorkPage:
    with ctx.sessions() as s:
        return _worklist(s, ctx, p, key, f, page, per_page)


def _worklist(s: Session, ctx: Context, p: Principal, key: str | None, f: WorkFilter, page: int,
              per_page: int) -> WorkPage:
    q = queue_for(p, key)
    page = max(page, 1)
    n = _Now(s, ctx)
    total, more = capped_count(s, _where(ctx, p, q, f, n, ordered=False), count_cap(f.q))
    rows = s.execute(_rows_stmt(_where(ctx, p, q, f, n)).offset((page - 1) * per_page).limit(per_page)).all()
    return WorkPage(q, total, page, per_page, [_row(p.actor, t, d, c, r, n) for t, d, c, r in rows], more)


def queue_counts(ctx: Context, p: Principal) -> dict[str, int]:
    with ctx.sessions() as s:
        return _queue_counts(s, ctx, p)


def _queue_counts(s: Session, ctx: Context, p: Principal) -> dict[str, int]:
    """Every queue of the role, counted in one statement, each count capped at TAB_COUNT_CAP + 1 (a value
    above the cap means "more", shown "99+"): each a bounded index scan, whatever the archive's size."""
    qs = queues_for(p.actor.role)
    if not qs:
        return {}
    n = _Now(s, ctx)
    vis = visible_clause(p.actor)
    cap = queries.TAB_COUNT_CAP
    cols = [select(func.count()).select_from(capped_subquery([vis, _queue_clause(p.actor, q, n)], cap))
            .scalar_subquery() for q in qs]
    counts = s.execute(select(*cols)).one()
    return {q.key: int(c or 0) for q, c in zip(qs, counts, strict=True)}


def ledger(ctx: Context, p: Principal, key: str | None, f: WorkFilter) -> tuple[Queue, list[WorkRow]]:
    """The rows of a list for the Excel ledger, at most LEDGER_MAX_ROWS, in one statement."""
    q = queue_for(p, key)
    with ctx.sessions() as s:
        n = _Now(s, ctx)
        rows = s.execute(_rows_stmt(_where(ctx, p, q, f, n)).limit(LEDGER_MAX_ROWS)).all()
        return q, [_row(p.actor, t, d, c, r, n) for t, d, c, r in rows]




@dataclass(frozen=True)
class Workbench:
    """A list page in one call: its queue tabs with their counts, the page of rows, the filter choices."""

    page: WorkPage
    queues: list[Queue]
    counts: dict[str, int]  # capped: above queries.TAB_COUNT_CAP means "more than TAB_COUNT_CAP"
    choices: Choices

    def count_label(self, key: str) -> str:
        n = self.counts.get(key, 0)
        return f"{queries.TAB_COUNT_CAP}+" if n > queries.TAB_COUNT_CAP else str(n)


def workbench(ctx: Context, p: Principal, key: str | None, f: WorkFilter, page: int = 1,
              per_page: int = 20) -> Workbench:
    with ctx.sessions() as s:
        return Workbench(_worklist(s, ctx, p, key, f, page, per_page), queues_for(p.actor.role),
                         _queue_counts(s, ctx, p), choices_in(s))
