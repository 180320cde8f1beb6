"""The office before the room (issue 11): the expert pool, the credit record, the drawn committees.

``archive_pool`` (every imported version of a pool, its canonical JSON), ``archive_credit`` (诚信档案),
``archive_committee`` (each official session's signed draw record, for the rotation of later draws).

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the pool, credit and committee tables."""
    op.create_table('archive_pool',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pool_id', sa.String(length=64), nullable=False),
    sa.Column('committee_name', sa.String(), nullable=False),
    sa.Column('reviewed_on', sa.String(length=10), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('experts', sa.Integer(), nullable=False),
    sa.Column('document', sa.LargeBinary(), nullable=False),
    sa.Column('imported_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('imported_by', sa.String(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('archive_pool', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_archive_pool_pool_id'), ['pool_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_archive_pool_sha256'), ['sha256'], unique=True)

    op.create_table('archive_credit',
    sa.Column('ref', sa.String(length=32), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('name', sa.String(), nullable=False),
    sa.Column('employer', sa.String(), nullable=False),
    sa.Column('person_id', sa.String(length=64), nullable=False),
    sa.Column('reason', sa.String(), nullable=False),
    sa.Column('source', sa.String(), nullable=False),
    sa.Column('start', sa.Date(), nullable=False),
    sa.Column('until', sa.Date(), nullable=True),
    sa.Column('fraud', sa.Boolean(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('recorded_by', sa.String(), nullable=False),
    sa.PrimaryKeyConstraint('ref')
    )
    with op.batch_alter_table('archive_credit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_archive_credit_name'), ['name'], unique=False)

    op.create_table('archive_committee',
    sa.Column('session_id', sa.String(length=128), nullable=False),
    sa.Column('committee_name', sa.String(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('pool_id', sa.String(length=64), nullable=False),
    sa.Column('package_id', sa.String(length=64), nullable=False),
    sa.Column('record', sa.LargeBinary(), nullable=False),
    sa.Column('filed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('filed_by', sa.String(), nullable=False),
    sa.PrimaryKeyConstraint('session_id')
    )
    with op.batch_alter_table('archive_committee', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_archive_committee_year'), ['year'], unique=False)


def downgrade() -> None:
    """Drop the three tables (the pool, the credit record and the committees kept in the archive)."""
    with op.batch_alter_table('archive_committee', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_archive_committee_year'))
    op.drop_table('archive_committee')
    with op.batch_alter_table('archive_credit', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_archive_credit_name'))
    op.drop_table('archive_credit')
    with op.batch_alter_table('archive_pool', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_archive_pool_sha256'))
        batch_op.drop_index(batch_op.f('ix_archive_pool_pool_id'))
    op.drop_table('archive_pool')
