"""ticket timers apart from the ticket; sweep batches sealed by one audit event

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22 00:50:00
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import qitong.db.types

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "ticket_timers",
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("next_check_at", qitong.db.types.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["ticket_id"], ["tickets.id"], name=op.f("fk_ticket_timers_ticket_id_tickets")),
        sa.PrimaryKeyConstraint("ticket_id", name=op.f("pk_ticket_timers")),
    )
    op.create_index(op.f("ix_ticket_timers_next_check_at"), "ticket_timers", ["next_check_at"], unique=False)
    op.execute("INSERT INTO ticket_timers (ticket_id, next_check_at) SELECT id, next_check_at FROM tickets")
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tickets_next_check_at"))
        batch_op.drop_column("next_check_at")
    with op.batch_alter_table("timer_firings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("audit_seq", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_timer_firings_audit_seq"), ["audit_seq"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("timer_firings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_timer_firings_audit_seq"))
        batch_op.drop_column("audit_seq")
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.add_column(sa.Column("next_check_at", qitong.db.types.UTCDateTime(), nullable=True))
        batch_op.create_index(batch_op.f("ix_tickets_next_check_at"), ["next_check_at"], unique=False)
    op.execute("UPDATE tickets SET next_check_at = (SELECT next_check_at FROM ticket_timers "
               "WHERE ticket_timers.ticket_id = tickets.id)")
    op.drop_index(op.f("ix_ticket_timers_next_check_at"), table_name="ticket_timers")
    op.drop_table("ticket_timers")
