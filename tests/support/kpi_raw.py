"""The test oracle of the dashboard: the counters the gauges read, computed straight from the raw
tables (tickets, lead assignments, ratings) in plain Python, independently of services.rollups. Only
tests use it; bench/kpi_scale.py has the same definitions in SQL for PostgreSQL at scale."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from zoneinfo import ZoneInfo

from sqlalchemy import select

from qitong.db.models import Assignment, AssignmentRole, Rating, Ticket
from qitong.services.context import Context

GAUGE_COUNTERS = ("received", "received_finished", "closed", "closed_dispatched", "closed_on_time",
                  "contacted_in_time", "solved_at_center", "sent_to_leadership", "rated", "satisfied")


def raw_counts(ctx: Context, start: date, end: date, department_id: int | None = None,
               region_id: int | None = None) -> dict[str, int]:
    """The period's [start, end) gauge counters from the raw tables, for the county or one lead
    department (ratings: the round's lead) and/or region."""
    tz = ZoneInfo(ctx.settings.timezone)
    out = dict.fromkeys(GAUGE_COUNTERS, 0)
    with ctx.sessions() as s:
        tickets = list(s.scalars(select(Ticket)))
        round_lead: dict[tuple[int, int], int] = {}
        for a in s.scalars(select(Assignment).where(Assignment.role == AssignmentRole.lead).order_by(Assignment.id)):
            round_lead[(a.ticket_id, a.round)] = a.department_id
        ratings = defaultdict(list)
        for r in s.scalars(select(Rating).where(Rating.excluded.is_(False))):
            ratings[r.ticket_id].append(r)

    def inside(at: object, dept: int) -> bool:
        assert hasattr(at, "astimezone")
        day = at.astimezone(tz).date()
        return start <= day < end and department_id in (None, dept)

    for t in tickets:
        if region_id not in (None, t.region_id or 0):
            continue
        lead = t.lead_unit_id or 0
        if t.status.value not in ("submitted", "rejected", "merged") and inside(t.submitted_at, lead):
            out["received"] += 1
            out["received_finished"] += t.status.value in ("closed", "terminated")
        if t.status.value == "closed" and t.closed_at is not None and inside(t.closed_at, lead):
            out["closed"] += 1
            out["closed_on_time"] += t.reply_due_at is None or (t.replied_at is not None
                                                                and t.replied_at <= t.reply_due_at)
            out["solved_at_center"] += t.layer.value in ("board", "center")
            out["sent_to_leadership"] += t.layer.value in ("leader_meeting", "county_committee")
            if t.lead_unit_id is not None:
                out["closed_dispatched"] += 1
                out["contacted_in_time"] += (t.contacted_at is not None and t.contact_due_at is not None
                                             and t.contacted_at <= t.contact_due_at)
        for r in ratings[t.id]:
            if inside(r.created_at, round_lead.get((t.id, r.round), 0)):
                out["rated"] += 1
                out["satisfied"] += r.result >= 3
    return out
