"""a department's deadlines: ix_tickets_lead_running_due for its overdue and due-soon queues

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-22 03:20:00
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

RUNNING = sa.text("status IN ('accepted', 'awaiting_confirmation', 'awaiting_sign_off', 'awaiting_verification', 'confirmed', 'dispatched', 'dissatisfied', 'escalated', 'extension_requested', 'handling', 'returned', 'signed', 'submitted')")


def upgrade() -> None:
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.create_index("ix_tickets_lead_running_due", ["lead_unit_id", "stage_due_at", "id"], unique=False,
                              postgresql_where=RUNNING, sqlite_where=RUNNING)


def downgrade() -> None:
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.drop_index("ix_tickets_lead_running_due", postgresql_where=RUNNING, sqlite_where=RUNNING)
