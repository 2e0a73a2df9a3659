"""Near-duplicates (重复件), concentrated reports (集中反映) and hot topics (热点问题).

* at intake (`before_insert` and `after_insert`, called by tickets.intake.insert_ticket): index the
  ticket, and when near-duplicates from several enterprises arrived within the window, flag the group
  as a concentrated report and let the must-supervise rules open what they now find;
* `check_draft`: what a business (masked) or an agent sees while typing a new problem;
* `similar_to`: the similar tickets of one ticket, for the staff who may see it;
* `link_repeat` (标记重复件, any open or recent ticket) and `merge_into` (并单, the lifecycle's
  merge action: only before dispatch), both center roles;
* `hot_topics`: groups of near-duplicates created in a recent window, with counts.
See docs/duplicates.md."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from qitong.db.bulk import Rows
from qitong.db.engine import read_only
from qitong.db.models import Ticket, TicketBandKey, TicketFingerprint
from qitong.domain.duplicates import (
    ConcentratedRule,
    Report,
    clusters,
    enterprise_key,
    from_bytes,
    is_concentrated,
    jaccard,
    mask_title,
    within_window,
)
from qitong.domain.errors import Conflict, Forbidden, InvalidInput
from qitong.domain.tickets.access import TicketFacts, can_view, hides_reporter
from qitong.domain.tickets.lifecycle import (
    CENTER_ROLES,
    DEPARTMENT_ROLES,
    OPEN_STATUSES,
    OVERSIGHT_ROLES,
    STATUS_LABELS,
    Action,
    Role,
    Status,
)
from qitong.services import fingerprints as fp
from qitong.services.audit import SYSTEM, record
from qitong.services.auth import Principal
from qitong.services.context import Context
from qitong.services.supervision import apply_triggers
from qitong.services.tickets.actions import perform
from qitong.services.tickets.facts import facts_of, load, load_for_update
from qitong.services.tickets.payloads import ActionPayload
from qitong.services.tickets.queries import visible_clause

MERGEABLE = frozenset({Status.submitted, Status.accepted})  # lifecycle: (submitted|accepted, merge)
DRAFT_ROLES = frozenset({Role.enterprise_user, *CENTER_ROLES, Role.supervisor, Role.leader})
HOT_TOPIC_ROLES = frozenset({*CENTER_ROLES, *OVERSIGHT_ROLES})
WARNING = "已有相似问题正在办理"
# a draft's warning lists a few tickets: the 50 candidates sharing the most band keys are enough, and
# the formulaic texts that collide with 100+ tickets no longer fetch and re-check them all (the p99)
DRAFT_CANDIDATES = 50


def _recent(ctx: Context, now: datetime) -> datetime:
    return now - timedelta(days=ctx.settings.duplicate_recent_days)


def _rule(ctx: Context) -> ConcentratedRule:
    return ConcentratedRule(ctx.settings.concentrated_enterprises, ctx.settings.concentrated_window_days)


# --- intake ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Indexing:
    """A new ticket's near-duplicates in the concentrated-report window, and its index rows to write."""

    hits: list[fp.Hit]
    rows: list[Rows]


def before_insert(s: Session, ctx: Context, t: Ticket, now: datetime) -> Indexing:
    """The lookup for a ticket being inserted (its id assigned, its index rows not yet written: the
    caller writes `rows` with the rest of its intake, then calls `after_insert`)."""
    pr = fp.probe(t.title, t.content)
    window_start = now - timedelta(days=_rule(ctx).window_days)
    hits = fp.search(s, pr, since=_recent(ctx, now), threshold=ctx.settings.duplicate_threshold, exclude=t.id,
                     where=Ticket.created_at >= window_start, limit=500)
    return Indexing(hits, fp.index_rows(t, pr))


def after_insert(s: Session, ctx: Context, t: Ticket, now: datetime, ix: Indexing) -> list[int]:
    """Detect a concentrated report among the new ticket and its near-duplicates (`before_insert`), its
    index rows written. Returns the ids newly flagged."""
    rule = _rule(ctx)
    hits = ix.hits
    me = Report(t.id, enterprise_key(t.enterprise_id, t.enterprise_name), t.created_at)
    reports = [me, *(Report(h.ticket_id, h.enterprise_key, h.created_at) for h in hits)]
    if not is_concentrated(reports, now, rule):
        return []
    group = [r.ticket_id for r in within_window(reports, now, rule)]
    fresh = fp.mark_concentrated(s, group, now)
    enterprises = len({r.enterprise for r in within_window(reports, now, rule)})
    record(s, SYSTEM, at=now, entity="ticket", entity_id=t.id, ticket_id=t.id, action="concentrated_report",
           reason=f"{rule.window_days}日内{enterprises}家企业反映相似问题",
           data={"similar": [h.number for h in hits if h.ticket_id in group], "enterprises": enterprises,
                 "window_days": rule.window_days, "flagged": fresh})
    for h in hits:
        if h.ticket_id in group and h.status in OPEN_STATUSES and h.lead_unit_id is not None:
            other = s.get(Ticket, h.ticket_id)
            assert other is not None
            apply_triggers(s, ctx, other, now)
    return fresh


# --- keeping the index -----------------------------------------------------------------------------------

INDEX_BATCH = 1000


def prune_index(ctx: Context, batch: int = INDEX_BATCH) -> int:
    """The worker's periodic job: tickets finished before the recent window leave the index (one
    transaction per batch). Index rows are derived data, rebuilt by `reindex`: not audited."""
    before = _recent(ctx, ctx.clock.now())
    total = 0
    while True:
        with ctx.sessions.begin() as s:
            n = fp.prune(s, before, limit=batch)
        total += n
        if n < batch:
            return total


def reindex(ctx: Context, batch: int = INDEX_BATCH, progress: Callable[[int], object] | None = None) -> int:
    """Backfill (`qitong duplicates reindex`): index the tickets that have no fingerprint and still
    count (open, or finished within the recent window), in batches of `batch`, one transaction each.
    No concentrated-report detection: that is for new arrivals. Returns how many were indexed."""
    before = _recent(ctx, ctx.clock.now())
    last, total = 0, 0
    while True:
        with ctx.sessions.begin() as s:
            todo = fp.unindexed(s, before=before, after_id=last, limit=batch)
            fp.index_many(s, todo)
        if not todo:
            return total
        last, total = todo[-1].ticket_id, total + len(todo)
        if progress is not None:
            progress(total)


# --- reading ----------------------------------------------------------------------------------------

def _status(st: Status) -> dict[str, str]:
    return {"status": st.value, "status_label": STATUS_LABELS[st]}


def check_draft(ctx: Context, p: Principal, title: str, content: str, limit: int = 10) -> dict[str, Any]:
    """Similar open and recent tickets for a problem being written. A business sees its own tickets
    in full and, of the others, only open ones by number and masked title."""
    if p.actor.role not in DRAFT_ROLES:
        raise Forbidden("当前角色不能查询相似诉求", field="role")
    if len(title) > 200 or len(content) > 10000:
        raise InvalidInput("标题或内容过长", field="content")
    pr = fp.probe(title, content)
    now = ctx.clock.now()
    with ctx.sessions() as s:
        read_only(s)  # one statement: no transaction round trips (the 5 ms p99 target, docs/duplicates.md)
        hits = fp.search(s, pr, since=_recent(ctx, now), threshold=ctx.settings.duplicate_threshold, limit=50,
                         cap=DRAFT_CANDIDATES)
    items = [i for i in (_draft_item(p, h) for h in hits) if i is not None][:limit]
    open_ = any(i["status"] in OPEN_STATUSES for i in items)
    return {"warning": WARNING if open_ else None, "items": items}


def _draft_item(p: Principal, h: fp.Hit) -> dict[str, Any] | None:
    base = {"number": h.number, "similarity": h.similarity, **_status(h.status)}
    if p.actor.role != Role.enterprise_user:
        return {**base, "ticket_id": h.ticket_id, "title": h.title, "enterprise_name": h.enterprise_name,
                "own": False}
    own = (p.actor.enterprise_id is not None and h.enterprise_id == p.actor.enterprise_id) or (
        h.submitted_by_id == p.actor.user_id)
    if own:
        return {**base, "ticket_id": h.ticket_id, "title": h.title, "own": True}
    if h.status not in OPEN_STATUSES:
        return None
    return {**base, "title": mask_title(h.title), "own": False}


def _hit_facts(h: fp.Hit) -> TicketFacts:
    return TicketFacts(status=h.status, enterprise_id=h.enterprise_id, submitted_by=h.submitted_by_id,
                       lead_unit_id=h.lead_unit_id, ticket_type=h.ticket_type,
                       reported_department_id=h.reported_department_id, confidential=h.confidential)


def repeat_count(s: Session, ticket_id: int) -> int:
    return s.scalar(select(func.count()).select_from(Ticket).where(Ticket.duplicate_of_id == ticket_id)) or 0


def similar_to(ctx: Context, p: Principal, ticket_id: int, limit: int = 10) -> dict[str, Any]:
    """The similar tickets of a ticket the viewer may see, among those the viewer may see."""
    if p.actor.role == Role.enterprise_user:
        raise Forbidden("企业用户不能查看相似工单", field="role")
    now = ctx.clock.now()
    with ctx.sessions() as s:
        t = load(s, ticket_id)
        if not can_view(p.actor, facts_of(s, t)):
            raise Forbidden("无权查看该工单", field="ticket_id")
        pr = fp.stored_probe(s, t.id) or fp.probe(t.title, t.content)
        hits = fp.search(s, pr, since=_recent(ctx, now), threshold=ctx.settings.duplicate_threshold,
                         exclude=t.id, where=visible_clause(p.actor), limit=limit)
        original = s.get(Ticket, t.duplicate_of_id) if t.duplicate_of_id else None
        center = p.actor.role in CENTER_ROLES
        return {
            "ticket_id": t.id,
            "repeat_count": repeat_count(s, t.id),
            "duplicate_of": {"ticket_id": original.id, "number": original.number} if original else None,
            "concentrated": fp.is_concentrated(s, t.id),
            "can_link": center and t.status != Status.merged and t.duplicate_of_id is None,
            "can_merge": center and t.status in MERGEABLE,
            "items": [_similar_item(p, h, t) for h in hits],
        }


def _similar_item(p: Principal, h: fp.Hit, t: Ticket) -> dict[str, Any]:
    hide = p.actor.role in DEPARTMENT_ROLES and hides_reporter(p.actor, _hit_facts(h))
    return {"ticket_id": h.ticket_id, "number": h.number, "title": h.title, "similarity": h.similarity,
            "enterprise_name": "（已保密）" if hide else h.enterprise_name,
            "same_enterprise": enterprise_key(t.enterprise_id, t.enterprise_name) == h.enterprise_key,
            "repeat_of_this": h.duplicate_of_id == t.id, "created_at": h.created_at.isoformat(),
            **_status(h.status)}


# --- linking and merging ------------------------------------------------------------------------------

def _check_center(p: Principal) -> None:
    if p.actor.role not in CENTER_ROLES:
        raise Forbidden("只有企业综合服务中心可以标记重复件或并单", field="role")


def _root(s: Session, t: Ticket) -> Ticket:
    """Follow duplicate_of to the original of the original (a link always points at a root)."""
    seen = {t.id}
    while t.duplicate_of_id is not None and t.duplicate_of_id not in seen:
        nxt = s.get(Ticket, t.duplicate_of_id)
        if nxt is None:
            break
        seen.add(nxt.id)
        t = nxt
    return t


def _original(s: Session, ticket_id: int, original_id: int) -> Ticket:
    if ticket_id == original_id:
        raise InvalidInput("不能把工单标记为自身的重复件", field="original_id")
    o = _root(s, load(s, original_id))
    if o.id == ticket_id:
        raise InvalidInput("原工单本身是该工单的重复件，不能反向关联", field="original_id")
    if o.status == Status.merged:
        raise InvalidInput("只能关联到未被并单的工单", field="original_id")
    return o


def link_repeat(ctx: Context, p: Principal, ticket_id: int, original_id: int,
                reason: str | None = None) -> dict[str, Any]:
    """标记重复件: the ticket stays where it is in its lifecycle; the original counts one more repeat."""
    _check_center(p)
    now = ctx.clock.now()
    with ctx.sessions.begin() as s:
        for i in sorted({ticket_id, original_id}):  # lock both, always in the same order
            load_for_update(s, i)
        t = load(s, ticket_id)
        o = _original(s, ticket_id, original_id)
        if t.status == Status.merged:
            raise Conflict("该工单已并单", field="ticket_id")
        if t.duplicate_of_id is not None:
            raise Conflict("该工单已标记为重复件", field="ticket_id")
        t.duplicate_of_id = o.id
        t.updated_at = now
        s.flush()
        n = repeat_count(s, o.id)
        data = {"original": o.number, "repeat": t.number, "repeat_count": n}
        record(s, p.who, at=now, entity="ticket", entity_id=t.id, ticket_id=t.id, action="link_duplicate",
               after={"duplicate_of_id": o.id}, reason=reason, data=data)
        record(s, p.who, at=now, entity="ticket", entity_id=o.id, ticket_id=o.id, action="repeat_linked",
               reason=reason, data=data)
        return {"ticket_id": t.id, "duplicate_of": o.number, "original_id": o.id, "repeat_count": n}


def merge_into(ctx: Context, p: Principal, ticket_id: int, original_id: int, reason: str | None = None,
               if_match: int | None = None) -> dict[str, Any]:
    """并单 in one step: the lifecycle's merge action (closes the ticket as merged, audited)."""
    _check_center(p)
    with ctx.sessions() as s:
        t = load(s, ticket_id)
        o = _original(s, ticket_id, original_id)
        number, oid = o.number, o.id
        if t.status not in MERGEABLE:
            raise Conflict("该工单已进入办理流程，不能并单；请改为“标记重复件”", field="ticket_id")
    perform(ctx, p, ticket_id, Action.merge, ActionPayload(duplicate_of=number, reason=reason), if_match=if_match)
    with ctx.sessions() as s:
        n = repeat_count(s, oid)
    return {"ticket_id": ticket_id, "duplicate_of": number, "original_id": oid, "repeat_count": n}


# --- hot topics ------------------------------------------------------------------------------------------

def hot_topics(ctx: Context, p: Principal, days: int | None = None, limit: int = 20) -> dict[str, Any]:
    """Groups of near-duplicates (and of tickets the center linked) created in the last `days` days."""
    if p.actor.role not in HOT_TOPIC_ROLES:
        raise Forbidden("只有中心、督查和领导可以查看热点问题", field="role")
    days = days or ctx.settings.hot_topic_days
    if not 1 <= days <= 366:
        raise InvalidInput("统计天数应在 1 到 366 之间", field="days")
    now = ctx.clock.now()
    since = now - timedelta(days=days)
    with ctx.sessions() as s:
        rows = {r[0]: r for r in s.execute(
            select(TicketFingerprint.ticket_id, TicketFingerprint.shingles, TicketFingerprint.enterprise_key,
                   TicketFingerprint.concentrated_at, Ticket.number, Ticket.title, Ticket.status,
                   Ticket.created_at, Ticket.category, Ticket.duplicate_of_id)
            .join(Ticket, Ticket.id == TicketFingerprint.ticket_id)
            .where(TicketFingerprint.created_at >= since, Ticket.status != Status.rejected))}
        pairs = _candidate_pairs(s, since)
    threshold = ctx.settings.duplicate_threshold
    shingle_sets = {i: from_bytes(r[1]) for i, r in rows.items()}
    good = [(a, b) for a, b in pairs if a in rows and b in rows
            and jaccard(shingle_sets[a], shingle_sets[b]) >= threshold]
    good += [(i, r[9]) for i, r in rows.items() if r[9] is not None and r[9] in rows]
    topics = [_topic(g, rows) for g in clusters(rows, good)[:limit]]
    return {"days": days, "since": since.isoformat(), "items": topics}


def _candidate_pairs(s: Session, since: datetime) -> list[tuple[int, int]]:
    a, b = TicketBandKey.__table__.alias("a"), TicketBandKey.__table__.alias("b")
    fa, fb = TicketFingerprint.__table__.alias("fa"), TicketFingerprint.__table__.alias("fb")
    stmt = (select(a.c.ticket_id, b.c.ticket_id).distinct()
            .join(b, (a.c.band_key == b.c.band_key) & (a.c.ticket_id < b.c.ticket_id))
            .join(fa, fa.c.ticket_id == a.c.ticket_id).join(fb, fb.c.ticket_id == b.c.ticket_id)
            .where(fa.c.created_at >= since, fb.c.created_at >= since))
    return [(x, y) for x, y in s.execute(stmt)]


def _topic(ids: list[int], rows: dict[int, Any]) -> dict[str, Any]:
    group = sorted((rows[i] for i in ids), key=lambda r: (r[7], r[0]))
    first = group[0]
    cats = Counter(r[8] for r in group if r[8])
    return {
        "label": first[5],
        "first_ticket_id": first[0],
        "tickets": len(group),
        "enterprises": len({r[2] for r in group}),
        "open": sum(1 for r in group if r[6] in OPEN_STATUSES),
        "concentrated": any(r[3] is not None for r in group),
        "category": cats.most_common(1)[0][0] if cats else None,
        "first_at": first[7].isoformat(),
        "last_at": group[-1][7].isoformat(),
        "numbers": [r[4] for r in group][:20],
    }
