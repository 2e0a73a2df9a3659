"""The ticket and what hangs off it: assignments (lead and co-units, past and present),
extension requests, ratings, attachments, categories."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import DDL, ForeignKey, Index, String, Text, UniqueConstraint, event, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from qitong.db.models.base import Base, enum_column
from qitong.domain.tickets.lifecycle import CLOCK_PAUSED_STATUSES, OPEN_STATUSES, Status
from qitong.domain.tickets.vocab import Channel, Complexity, Layer, TicketType, Tier, Urgency


class Category(Base):
    __tablename__ = "categories"
    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    parent_code: Mapped[str | None] = mapped_column(ForeignKey("categories.code"))
    default_lead_unit_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    default_co_unit_ids: Mapped[list[Any]] = mapped_column(default=list)
    active: Mapped[bool] = mapped_column(default=True)


_RUNNING = OPEN_STATUSES - CLOCK_PAUSED_STATUSES  # open, the clock running: what can be due soon or overdue


class Ticket(Base):
    __tablename__ = "tickets"
    __table_args__ = (
        # a department's queues, their due-soon and overdue counts included (docs/lists.md)
        Index("ix_tickets_lead_status", "lead_unit_id", "status", "stage_due_at"),
        Index("ix_tickets_status_stage_due", "status", "stage_due_at"),
        Index("ix_tickets_enterprise", "enterprise_id", "created_at"),
        # repeats of a ticket (重复件), counted on the original (services/duplicates.py)
        Index("ix_tickets_duplicate_of", "duplicate_of_id"),
        # the lists (docs/lists.md): newest first, for everyone; an enterprise user's own submissions;
        # the open tickets by age (every work queue but "all" asks for open statuses only)
        Index("ix_tickets_created_id", "created_at", "id"),
        Index("ix_tickets_submitted_by", "submitted_by_id", "created_at"),
        Index("ix_tickets_open_created", "created_at", "id",
              postgresql_where=text(f"status IN ({', '.join(repr(s.value) for s in sorted(OPEN_STATUSES))})"),
              sqlite_where=text(f"status IN ({', '.join(repr(s.value) for s in sorted(OPEN_STATUSES))})")),
        # the overdue and due-soon conditions (open, clock running, stage deadline in a range): an index-only
        # range that hands the ids to a department's visibility check
        Index("ix_tickets_running_due", "stage_due_at", "id",
              postgresql_where=text(f"status IN ({', '.join(repr(s.value) for s in sorted(_RUNNING))})"),
              sqlite_where=text(f"status IN ({', '.join(repr(s.value) for s in sorted(_RUNNING))})")),
        # the same for one department's own queues (lead unit first): its overdue and due-soon counts
        # walk its own deadlines, not every department's
        Index("ix_tickets_lead_running_due", "lead_unit_id", "stage_due_at", "id",
              postgresql_where=text(f"status IN ({', '.join(repr(s.value) for s in sorted(_RUNNING))})"),
              sqlite_where=text(f"status IN ({', '.join(repr(s.value) for s in sorted(_RUNNING))})")),
        # search in Chinese: trigram GIN indexes answer LIKE '%…%' for 3+ characters (PostgreSQL only;
        # the extension pg_trgm is created before the tables, see below)
        *(Index(f"ix_tickets_{c}_trgm", c, postgresql_using="gin", postgresql_ops={c: "gin_trgm_ops"})
          .ddl_if(dialect="postgresql") for c in ("title", "content", "enterprise_name")),
        # an imported work order (12345 …) lands once: importing the same file again changes nothing
        UniqueConstraint("source", "source_id", name="uq_tickets_source_source_id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str | None] = mapped_column(String(32), unique=True)
    query_code: Mapped[str] = mapped_column(String(8))
    channel: Mapped[Channel] = enum_column(Channel, "ticket_channel")
    enterprise_id: Mapped[int | None] = mapped_column(ForeignKey("enterprises.id"))
    enterprise_name: Mapped[str] = mapped_column(String(128), default="")
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    submitter_name: Mapped[str] = mapped_column(String(64))
    submitter_phone: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(200))
    content: Mapped[str] = mapped_column(Text)
    ticket_type: Mapped[TicketType] = enum_column(TicketType, "ticket_type")
    category: Mapped[str | None] = mapped_column(ForeignKey("categories.code"), index=True)
    complexity: Mapped[Complexity] = enum_column(Complexity, "ticket_complexity")
    urgency: Mapped[Urgency] = enum_column(Urgency, "ticket_urgency")
    confidential: Mapped[bool] = mapped_column(default=False)
    region_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"), index=True)
    lead_unit_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    reported_department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    layer: Mapped[Layer] = enum_column(Layer, "ticket_layer")
    tier: Mapped[Tier] = enum_column(Tier, "ticket_tier")
    status: Mapped[Status] = enum_column(Status, "ticket_status", index=True)
    version: Mapped[int] = mapped_column(default=1)
    sla_profile: Mapped[str] = mapped_column(String(16))
    # deadlines: the current stage's, and the big three the seeds count ("135")
    stage_due_at: Mapped[datetime | None]
    contact_due_at: Mapped[datetime | None]
    reply_due_at: Mapped[datetime | None]
    resolve_due_at: Mapped[datetime | None]
    deadlines_provisional: Mapped[bool] = mapped_column(default=False)
    stage_entered_at: Mapped[datetime | None]
    # when the worker should next look at this ticket lives in its own narrow row (TicketTimer)
    timer: Mapped[TicketTimer | None] = relationship(cascade="all, delete-orphan", lazy="select")
    # milestones
    submitted_at: Mapped[datetime]
    accepted_at: Mapped[datetime | None]
    dispatched_at: Mapped[datetime | None]
    signed_at: Mapped[datetime | None]
    contacted_at: Mapped[datetime | None]
    replied_at: Mapped[datetime | None]
    signed_off_at: Mapped[datetime | None]
    verified_at: Mapped[datetime | None]
    awaiting_confirmation_since: Mapped[datetime | None]
    confirmed_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    suspended_at: Mapped[datetime | None]
    reply: Mapped[str | None] = mapped_column(Text)
    close_reason: Mapped[str | None] = mapped_column(Text)
    closed_by_timeout: Mapped[bool] = mapped_column(default=False)
    rating_process: Mapped[int | None]
    rating_result: Mapped[int | None]
    rating_comment: Mapped[str | None] = mapped_column(Text)
    return_count: Mapped[int] = mapped_column(default=0)
    redispatch_count: Mapped[int] = mapped_column(default=0)
    extension_count: Mapped[int] = mapped_column(default=0)
    dissatisfied_count: Mapped[int] = mapped_column(default=0)
    duplicate_of_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"))
    # 重大事项: a must-supervise matter (docs/supervision.md); set by the center, a supervisor or a leader
    major: Mapped[bool] = mapped_column(default=False)
    # where an imported ticket came from ("12345") and its number there; NULL for our own intake
    source: Mapped[str | None] = mapped_column(String(32))
    source_id: Mapped[str | None] = mapped_column(String(64))
    # who or what raised it: the forum, the visit, the leader's instruction, the inspection (docs/routing.md)
    origin: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    __mapper_args__ = {"version_id_col": version}


# the trigram indexes above need pg_trgm; a migration creates it the same way (docs/lists.md)
event.listen(Base.metadata, "before_create",
             DDL("CREATE EXTENSION IF NOT EXISTS pg_trgm").execute_if(dialect="postgresql"))  # type: ignore[no-untyped-call]


class AssignmentRole(StrEnum):
    lead = "lead"
    co = "co"


class Assignment(Base):
    """A department's part in a ticket. Inactive rows are history: they keep read access."""

    __tablename__ = "ticket_assignments"
    __table_args__ = (
        Index("ix_assign_dept_active", "department_id", "active"),
        # a department's tickets (visibility, capped counts): an index-only semi-join (docs/lists.md)
        Index("ix_assign_dept_ticket", "department_id", "ticket_id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"))
    role: Mapped[AssignmentRole] = enum_column(AssignmentRole, "assignment_role")
    active: Mapped[bool] = mapped_column(default=True)
    round: Mapped[int] = mapped_column(default=1)
    assigned_at: Mapped[datetime]
    signed_at: Mapped[datetime | None]
    opinion: Mapped[str | None] = mapped_column(Text)
    opinion_at: Mapped[datetime | None]


class ExtensionStatus(StrEnum):
    pending = "pending"
    approved = "approved"
    refused = "refused"


class ExtensionRequest(Base):
    __tablename__ = "extension_requests"
    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    days: Mapped[int]
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[ExtensionStatus] = enum_column(ExtensionStatus, "extension_status")
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    requested_at: Mapped[datetime]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None]
    decision_reason: Mapped[str | None] = mapped_column(Text)


class TicketTimer(Base):
    """When the worker should next look at a ticket (its first unfired timer; NULL = nothing pending).

    Apart from the ticket because the sweep rewrites it for every ticket it touches: on the wide
    ticket row each rewrite would add an entry to every one of its indexes (the text-search ones
    included); this narrow row has one."""

    __tablename__ = "ticket_timers"
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), primary_key=True)
    next_check_at: Mapped[datetime | None] = mapped_column(index=True)


class TimerFiring(Base):
    """A timer that has fired. The unique key is what makes a firing happen once, however many
    workers sweep and however often one is killed half-way."""

    __tablename__ = "timer_firings"
    __table_args__ = (UniqueConstraint("ticket_id", "kind", "due_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"))
    kind: Mapped[str] = mapped_column(String(32))
    due_at: Mapped[datetime]
    fire_at: Mapped[datetime]
    fired_at: Mapped[datetime]
    # when the supervision rules looked at this firing (the worker's own step, after the sweep)
    supervised_at: Mapped[datetime | None] = mapped_column(index=True)
    # the chained audit event of the sweep batch that fired it: its data carries a digest of the batch
    audit_seq: Mapped[int | None] = mapped_column(index=True)


class Rating(Base):
    """一事一评: every rating is kept, one per round (a redispatch starts a new round)."""

    __tablename__ = "ratings"
    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    round: Mapped[int]
    process: Mapped[int]
    result: Mapped[int]
    comment: Mapped[str] = mapped_column(Text, default="")
    rated_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    on_behalf: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime]
    # an appeal (申诉复核) the center upheld: the rating stays on record but counts in no KPI
    excluded: Mapped[bool] = mapped_column(default=False, server_default="0")


class Attachment(Base):
    __tablename__ = "attachments"
    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(128))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    storage_key: Mapped[str] = mapped_column(String(255))
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime]


class IdempotencyKey(Base):
    """Stripe's design: same key + same body replays the first answer; another body is refused."""

    __tablename__ = "idempotency_keys"
    __table_args__ = (UniqueConstraint("user_id", "key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    key: Mapped[str] = mapped_column(String(128))
    request_sha256: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int]
    response: Mapped[dict[str, Any]]
    created_at: Mapped[datetime]
