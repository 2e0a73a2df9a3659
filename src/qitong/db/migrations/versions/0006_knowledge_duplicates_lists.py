"""knowledge base, duplicate index, list and search indexes, KPI slices, forced password change

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22 01:45:32.727342
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import qitong.db.types

revision: str = "0006"
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _pg() -> bool:
    return op.get_bind().dialect.name == "postgresql"


TRGM = ("title", "content", "enterprise_name")
# the rollup counters as they stand at this revision (a migration does not follow later models)
COUNTERS = ['received', 'received_finished', 'dispatches', 'returns', 'closed', 'closed_dispatched', 'resolved',
            'closed_on_time', 'contacted_in_time', 'signed_in_time', 'redispatches', 'extensions',
            'solved_at_center', 'sent_to_leadership', 'rated', 'satisfied', 'dissatisfied']


def upgrade() -> None:
    if _pg():
        # trusted since PostgreSQL 13: the database owner may create it
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.create_table('kpi_slices',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('dimension', sa.String(length=16), nullable=False),
    sa.Column('member', sa.String(length=32), nullable=False),
    sa.Column('received', sa.Integer(), server_default='0', nullable=False),
    sa.Column('received_finished', sa.Integer(), server_default='0', nullable=False),
    sa.Column('dispatches', sa.Integer(), server_default='0', nullable=False),
    sa.Column('returns', sa.Integer(), server_default='0', nullable=False),
    sa.Column('closed', sa.Integer(), server_default='0', nullable=False),
    sa.Column('closed_dispatched', sa.Integer(), server_default='0', nullable=False),
    sa.Column('resolved', sa.Integer(), server_default='0', nullable=False),
    sa.Column('closed_on_time', sa.Integer(), server_default='0', nullable=False),
    sa.Column('contacted_in_time', sa.Integer(), server_default='0', nullable=False),
    sa.Column('signed_in_time', sa.Integer(), server_default='0', nullable=False),
    sa.Column('redispatches', sa.Integer(), server_default='0', nullable=False),
    sa.Column('extensions', sa.Integer(), server_default='0', nullable=False),
    sa.Column('solved_at_center', sa.Integer(), server_default='0', nullable=False),
    sa.Column('sent_to_leadership', sa.Integer(), server_default='0', nullable=False),
    sa.Column('rated', sa.Integer(), server_default='0', nullable=False),
    sa.Column('satisfied', sa.Integer(), server_default='0', nullable=False),
    sa.Column('dissatisfied', sa.Integer(), server_default='0', nullable=False),
    sa.PrimaryKeyConstraint('day', 'dimension', 'member', name=op.f('pk_kpi_slices'))
    )
    op.create_table('kpi_slices_monthly',
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('dimension', sa.String(length=16), nullable=False),
    sa.Column('member', sa.String(length=32), nullable=False),
    sa.Column('received', sa.Integer(), server_default='0', nullable=False),
    sa.Column('received_finished', sa.Integer(), server_default='0', nullable=False),
    sa.Column('dispatches', sa.Integer(), server_default='0', nullable=False),
    sa.Column('returns', sa.Integer(), server_default='0', nullable=False),
    sa.Column('closed', sa.Integer(), server_default='0', nullable=False),
    sa.Column('closed_dispatched', sa.Integer(), server_default='0', nullable=False),
    sa.Column('resolved', sa.Integer(), server_default='0', nullable=False),
    sa.Column('closed_on_time', sa.Integer(), server_default='0', nullable=False),
    sa.Column('contacted_in_time', sa.Integer(), server_default='0', nullable=False),
    sa.Column('signed_in_time', sa.Integer(), server_default='0', nullable=False),
    sa.Column('redispatches', sa.Integer(), server_default='0', nullable=False),
    sa.Column('extensions', sa.Integer(), server_default='0', nullable=False),
    sa.Column('solved_at_center', sa.Integer(), server_default='0', nullable=False),
    sa.Column('sent_to_leadership', sa.Integer(), server_default='0', nullable=False),
    sa.Column('rated', sa.Integer(), server_default='0', nullable=False),
    sa.Column('satisfied', sa.Integer(), server_default='0', nullable=False),
    sa.Column('dissatisfied', sa.Integer(), server_default='0', nullable=False),
    sa.PrimaryKeyConstraint('month', 'dimension', 'member', name=op.f('pk_kpi_slices_monthly'))
    )
    op.create_table('knowledge_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('question', sa.String(length=300), nullable=False),
    sa.Column('answer', sa.Text(), nullable=False),
    sa.Column('category', sa.String(length=32), nullable=True),
    sa.Column('source', sa.String(length=300), nullable=False),
    sa.Column('effective_from', sa.Date(), nullable=False),
    sa.Column('effective_to', sa.Date(), nullable=True),
    sa.Column('status', sa.Enum('draft', 'published', 'retired', name='knowledge_status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('keywords', sa.JSON(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', qitong.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', qitong.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('published_at', qitong.db.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['category'], ['categories.code'], name=op.f('fk_knowledge_entries_category_categories')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_knowledge_entries_created_by_id_users')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_knowledge_entries_updated_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_knowledge_entries'))
    )
    with op.batch_alter_table('knowledge_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_knowledge_entries_category'), ['category'], unique=False)
        batch_op.create_index('ix_knowledge_entries_status_from', ['status', 'effective_from'], unique=False)

    op.create_table('ticket_band_keys',
    sa.Column('band_key', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('ticket_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], name=op.f('fk_ticket_band_keys_ticket_id_tickets')),
    sa.PrimaryKeyConstraint('band_key', 'ticket_id', name=op.f('pk_ticket_band_keys'))
    )
    with op.batch_alter_table('ticket_band_keys', schema=None) as batch_op:
        batch_op.create_index('ix_ticket_band_keys_ticket', ['ticket_id'], unique=False)

    op.create_table('ticket_fingerprints',
    sa.Column('ticket_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('enterprise_key', sa.String(length=140), nullable=False),
    sa.Column('shingles', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', qitong.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('concentrated_at', qitong.db.types.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], name=op.f('fk_ticket_fingerprints_ticket_id_tickets')),
    sa.PrimaryKeyConstraint('ticket_id', name=op.f('pk_ticket_fingerprints'))
    )
    with op.batch_alter_table('ticket_fingerprints', schema=None) as batch_op:
        batch_op.create_index('ix_ticket_fingerprints_created', ['created_at'], unique=False)

    with op.batch_alter_table('kpi_contributions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('received_finished', sa.Integer(), server_default='0', nullable=False))

    with op.batch_alter_table('kpi_rollups', schema=None) as batch_op:
        batch_op.add_column(sa.Column('received_finished', sa.Integer(), server_default='0', nullable=False))
        batch_op.create_index('ix_kpi_rollups_region_day', ['region_id', 'day'], unique=False, postgresql_include=['department_id', 'category', 'received', 'received_finished', 'dispatches', 'returns', 'closed', 'closed_dispatched', 'resolved', 'closed_on_time', 'contacted_in_time', 'signed_in_time', 'redispatches', 'extensions', 'solved_at_center', 'sent_to_leadership', 'rated', 'satisfied', 'dissatisfied'])

    with op.batch_alter_table('kpi_rollups_monthly', schema=None) as batch_op:
        batch_op.add_column(sa.Column('received_finished', sa.Integer(), server_default='0', nullable=False))
        batch_op.create_index('ix_kpi_rollups_monthly_dept_month', ['department_id', 'month'], unique=False, postgresql_include=['category', 'region_id', 'received', 'received_finished', 'dispatches', 'returns', 'closed', 'closed_dispatched', 'resolved', 'closed_on_time', 'contacted_in_time', 'signed_in_time', 'redispatches', 'extensions', 'solved_at_center', 'sent_to_leadership', 'rated', 'satisfied', 'dissatisfied'])
        batch_op.create_index('ix_kpi_rollups_monthly_region_month', ['region_id', 'month'], unique=False, postgresql_include=['department_id', 'category', 'received', 'received_finished', 'dispatches', 'returns', 'closed', 'closed_dispatched', 'resolved', 'closed_on_time', 'contacted_in_time', 'signed_in_time', 'redispatches', 'extensions', 'solved_at_center', 'sent_to_leadership', 'rated', 'satisfied', 'dissatisfied'])

    with op.batch_alter_table('ticket_assignments', schema=None) as batch_op:
        batch_op.create_index('ix_assign_dept_ticket', ['department_id', 'ticket_id'], unique=False)

    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tickets_lead_status'))
        batch_op.create_index('ix_tickets_lead_status', ['lead_unit_id', 'status', 'stage_due_at'], unique=False)
        batch_op.create_index('ix_tickets_created_id', ['created_at', 'id'], unique=False)
        batch_op.create_index('ix_tickets_duplicate_of', ['duplicate_of_id'], unique=False)
        batch_op.create_index('ix_tickets_open_created', ['created_at', 'id'], unique=False, postgresql_where=sa.text("status IN ('accepted', 'awaiting_confirmation', 'awaiting_sign_off', 'awaiting_verification', 'confirmed', 'dispatched', 'dissatisfied', 'escalated', 'extension_requested', 'handling', 'returned', 'signed', 'submitted', 'suspended')"), sqlite_where=sa.text("status IN ('accepted', 'awaiting_confirmation', 'awaiting_sign_off', 'awaiting_verification', 'confirmed', 'dispatched', 'dissatisfied', 'escalated', 'extension_requested', 'handling', 'returned', 'signed', 'submitted', 'suspended')"))
        batch_op.create_index('ix_tickets_running_due', ['stage_due_at', 'id'], unique=False, postgresql_where=sa.text("status IN ('accepted', 'awaiting_confirmation', 'awaiting_sign_off', 'awaiting_verification', 'confirmed', 'dispatched', 'dissatisfied', 'escalated', 'extension_requested', 'handling', 'returned', 'signed', 'submitted')"), sqlite_where=sa.text("status IN ('accepted', 'awaiting_confirmation', 'awaiting_sign_off', 'awaiting_verification', 'confirmed', 'dispatched', 'dissatisfied', 'escalated', 'extension_requested', 'handling', 'returned', 'signed', 'submitted')"))
        batch_op.create_index('ix_tickets_submitted_by', ['submitted_by_id', 'created_at'], unique=False)

    if _pg():
        for c in TRGM:
            op.create_index(f"ix_tickets_{c}_trgm", "tickets", [c], postgresql_using="gin",
                            postgresql_ops={c: "gin_trgm_ops"})

    # the department index now covers the counters (index-only scans for a department's dashboard)
    with op.batch_alter_table('kpi_rollups', schema=None) as batch_op:
        batch_op.drop_index('ix_kpi_rollups_dept_day')
        batch_op.create_index('ix_kpi_rollups_dept_day', ['department_id', 'day'], unique=False,
                              postgresql_include=['category', 'region_id', *COUNTERS])

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('must_change_password', sa.Boolean(), server_default=sa.text('false'), nullable=False))

    # the new counters and tables are filled by `qitong report rebuild-rollups` (docs/evaluation.md);
    # on an empty database there is nothing to fill


def downgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('must_change_password')

    with op.batch_alter_table('kpi_rollups', schema=None) as batch_op:
        batch_op.drop_index('ix_kpi_rollups_dept_day')
        batch_op.create_index('ix_kpi_rollups_dept_day', ['department_id', 'day'], unique=False)

    if _pg():
        for c in TRGM:
            op.drop_index(f"ix_tickets_{c}_trgm", table_name="tickets")

    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.drop_index('ix_tickets_submitted_by')
        batch_op.drop_index('ix_tickets_running_due', postgresql_where=sa.text("status IN ('accepted', 'awaiting_confirmation', 'awaiting_sign_off', 'awaiting_verification', 'confirmed', 'dispatched', 'dissatisfied', 'escalated', 'extension_requested', 'handling', 'returned', 'signed', 'submitted')"), sqlite_where=sa.text("status IN ('accepted', 'awaiting_confirmation', 'awaiting_sign_off', 'awaiting_verification', 'confirmed', 'dispatched', 'dissatisfied', 'escalated', 'extension_requested', 'handling', 'returned', 'signed', 'submitted')"))
        batch_op.drop_index('ix_tickets_open_created', postgresql_where=sa.text("status IN ('accepted', 'awaiting_confirmation', 'awaiting_sign_off', 'awaiting_verification', 'confirmed', 'dispatched', 'dissatisfied', 'escalated', 'extension_requested', 'handling', 'returned', 'signed', 'submitted', 'suspended')"), sqlite_where=sa.text("status IN ('accepted', 'awaiting_confirmation', 'awaiting_sign_off', 'awaiting_verification', 'confirmed', 'dispatched', 'dissatisfied', 'escalated', 'extension_requested', 'handling', 'returned', 'signed', 'submitted', 'suspended')"))
        batch_op.drop_index('ix_tickets_duplicate_of')
        batch_op.drop_index('ix_tickets_created_id')
        batch_op.drop_index('ix_tickets_lead_status')
        batch_op.create_index(batch_op.f('ix_tickets_lead_status'), ['lead_unit_id', 'status'], unique=False)

    with op.batch_alter_table('ticket_assignments', schema=None) as batch_op:
        batch_op.drop_index('ix_assign_dept_ticket')

    with op.batch_alter_table('kpi_rollups_monthly', schema=None) as batch_op:
        batch_op.drop_index('ix_kpi_rollups_monthly_region_month', postgresql_include=['department_id', 'category', 'received', 'received_finished', 'dispatches', 'returns', 'closed', 'closed_dispatched', 'resolved', 'closed_on_time', 'contacted_in_time', 'signed_in_time', 'redispatches', 'extensions', 'solved_at_center', 'sent_to_leadership', 'rated', 'satisfied', 'dissatisfied'])
        batch_op.drop_index('ix_kpi_rollups_monthly_dept_month', postgresql_include=['category', 'region_id', 'received', 'received_finished', 'dispatches', 'returns', 'closed', 'closed_dispatched', 'resolved', 'closed_on_time', 'contacted_in_time', 'signed_in_time', 'redispatches', 'extensions', 'solved_at_center', 'sent_to_leadership', 'rated', 'satisfied', 'dissatisfied'])
        batch_op.drop_column('received_finished')

    with op.batch_alter_table('kpi_rollups', schema=None) as batch_op:
        batch_op.drop_index('ix_kpi_rollups_region_day', postgresql_include=['department_id', 'category', 'received', 'received_finished', 'dispatches', 'returns', 'closed', 'closed_dispatched', 'resolved', 'closed_on_time', 'contacted_in_time', 'signed_in_time', 'redispatches', 'extensions', 'solved_at_center', 'sent_to_leadership', 'rated', 'satisfied', 'dissatisfied'])
        batch_op.drop_column('received_finished')

    with op.batch_alter_table('kpi_contributions', schema=None) as batch_op:
        batch_op.drop_column('received_finished')

    with op.batch_alter_table('ticket_fingerprints', schema=None) as batch_op:
        batch_op.drop_index('ix_ticket_fingerprints_created')

    op.drop_table('ticket_fingerprints')
    with op.batch_alter_table('ticket_band_keys', schema=None) as batch_op:
        batch_op.drop_index('ix_ticket_band_keys_ticket')

    op.drop_table('ticket_band_keys')
    with op.batch_alter_table('knowledge_entries', schema=None) as batch_op:
        batch_op.drop_index('ix_knowledge_entries_status_from')
        batch_op.drop_index(batch_op.f('ix_knowledge_entries_category'))

    op.drop_table('knowledge_entries')
    op.drop_table('kpi_slices_monthly')
    op.drop_table('kpi_slices')
