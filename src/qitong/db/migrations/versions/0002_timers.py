"""Timers: each ticket's next check and the firings that happened once; the 重大事项 flag.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import qitong.db.types

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.add_column(sa.Column("stage_entered_at", qitong.db.types.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("next_check_at", qitong.db.types.UTCDateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f("ix_tickets_next_check_at"), ["next_check_at"], unique=False)
        batch_op.add_column(sa.Column("major", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.create_table(
        "timer_firings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("due_at", qitong.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("fire_at", qitong.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("fired_at", qitong.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["ticket_id"], ["tickets.id"], name=op.f("fk_timer_firings_ticket_id_tickets")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_timer_firings")),
        sa.UniqueConstraint("ticket_id", "kind", "due_at", name=op.f("uq_timer_firings_ticket_id")),
    )


def downgrade() -> None:
    op.drop_table("timer_firings")
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tickets_next_check_at"))
        batch_op.drop_column("major")
        batch_op.drop_column("next_check_at")
        batch_op.drop_column("stage_entered_at")
