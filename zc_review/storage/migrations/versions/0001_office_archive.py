"""The office archive: sessions, results, notices, complaints, filings (issue 10).

The same tables on SQLite and PostgreSQL; no table has a reviewer column (RULES.md §1).

Revision ID: 0001
Revises: (none: the first revision)
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the five archive tables and their indexes."""
    op.create_table('archive_session',
    sa.Column('session_id', sa.String(length=128), nullable=False),
    sa.Column('bundle_sha256', sa.String(length=64), nullable=False),
    sa.Column('package_id', sa.String(length=64), nullable=False),
    sa.Column('committee_name', sa.String(), nullable=False),
    sa.Column('organizing_body', sa.String(), nullable=False),
    sa.Column('series', sa.String(length=32), nullable=False),
    sa.Column('title_level', sa.String(length=32), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('scheduled_date', sa.Date(), nullable=False),
    sa.Column('rehearsal', sa.Boolean(), nullable=False),
    sa.Column('applicants', sa.Integer(), nullable=False),
    sa.Column('passed', sa.Integer(), nullable=False),
    sa.Column('log_head', sa.String(length=64), nullable=False),
    sa.Column('imported_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('imported_by', sa.String(), nullable=False),
    sa.Column('bundle', sa.LargeBinary(), nullable=False),
    sa.PrimaryKeyConstraint('session_id')
    )
    with op.batch_alter_table('archive_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_archive_session_bundle_sha256'), ['bundle_sha256'], unique=False)
        batch_op.create_index(batch_op.f('ix_archive_session_year'), ['year'], unique=False)

    op.create_table('archive_complaint',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.String(length=128), nullable=False),
    sa.Column('applicant_id', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('summary', sa.String(), nullable=False),
    sa.Column('status', sa.String(length=32), nullable=False),
    sa.Column('handler', sa.String(), nullable=False),
    sa.Column('finding', sa.String(), nullable=False),
    sa.Column('finding_on', sa.Date(), nullable=True),
    sa.Column('finding_statement', sa.String(), nullable=False),
    sa.Column('finding_signature', sa.String(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('recorded_by', sa.String(), nullable=False),
    sa.ForeignKeyConstraint(['session_id'], ['archive_session.session_id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('archive_complaint', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_archive_complaint_session_id'), ['session_id'], unique=False)

    op.create_table('archive_filing',
    sa.Column('session_id', sa.String(length=128), nullable=False),
    sa.Column('filed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('filed_by', sa.String(), nullable=False),
    sa.Column('manifest_sha256', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['session_id'], ['archive_session.session_id'], ),
    sa.PrimaryKeyConstraint('session_id')
    )
    op.create_table('archive_notice',
    sa.Column('session_id', sa.String(length=128), nullable=False),
    sa.Column('first_day', sa.Date(), nullable=False),
    sa.Column('last_day', sa.Date(), nullable=False),
    sa.Column('working_days', sa.Integer(), nullable=False),
    sa.Column('drafted_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('drafted_by', sa.String(), nullable=False),
    sa.ForeignKeyConstraint(['session_id'], ['archive_session.session_id'], ),
    sa.PrimaryKeyConstraint('session_id')
    )
    op.create_table('archive_result',
    sa.Column('session_id', sa.String(length=128), nullable=False),
    sa.Column('applicant_id', sa.String(length=64), nullable=False),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(), nullable=False),
    sa.Column('employer', sa.String(), nullable=False),
    sa.Column('group_id', sa.String(length=64), nullable=False),
    sa.Column('group_name', sa.String(), nullable=False),
    sa.Column('target_title', sa.String(), nullable=False),
    sa.Column('composite', sa.String(length=16), nullable=True),
    sa.Column('rank', sa.Integer(), nullable=True),
    sa.Column('agree', sa.Integer(), nullable=True),
    sa.Column('disagree', sa.Integer(), nullable=True),
    sa.Column('abstain', sa.Integer(), nullable=True),
    sa.Column('outcome', sa.String(length=32), nullable=True),
    sa.Column('opinion', sa.String(), nullable=False),
    sa.Column('reason', sa.String(), nullable=False),
    sa.Column('guidance', sa.String(), nullable=False),
    sa.ForeignKeyConstraint(['session_id'], ['archive_session.session_id'], ),
    sa.PrimaryKeyConstraint('session_id', 'applicant_id')
    )
    with op.batch_alter_table('archive_result', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_archive_result_name'), ['name'], unique=False)



def downgrade() -> None:
    """Drop the five archive tables (all the archive's data)."""
    with op.batch_alter_table('archive_result', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_archive_result_name'))

    op.drop_table('archive_result')
    op.drop_table('archive_notice')
    op.drop_table('archive_filing')
    with op.batch_alter_table('archive_complaint', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_archive_complaint_session_id'))

    op.drop_table('archive_complaint')
    with op.batch_alter_table('archive_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_archive_session_year'))
        batch_op.drop_index(batch_op.f('ix_archive_session_bundle_sha256'))

    op.drop_table('archive_session')
