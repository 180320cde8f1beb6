"""The applicant's person key (a keyed hash of the identity-card number) and a bundle that may be absent.

``archive_result.person_key``: HMAC-SHA256 (hex) of the applicant's 居民身份证号码 under the office's
person-key secret (``seal.person_key``), or NULL when the package carried none; indexed, so
``office applicant <号码>`` finds the same person across sessions and years. The number itself is never
stored (docs/SECURITY.md "Identity-card numbers").
``archive_session.bundle`` becomes nullable: a session adopted from the first importer's tables (revision
0003) has no sealed bundle until it is imported again.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add ``archive_result.person_key`` (and its index); let ``archive_session.bundle`` be NULL."""
    with op.batch_alter_table('archive_result', schema=None) as batch_op:
        batch_op.add_column(sa.Column('person_key', sa.String(length=64), nullable=True))
        batch_op.create_index(batch_op.f('ix_archive_result_person_key'), ['person_key'], unique=False)
    with op.batch_alter_table('archive_session', schema=None) as batch_op:
        batch_op.alter_column('bundle', existing_type=sa.LargeBinary(), nullable=True)


def downgrade() -> None:
    """Drop the person key; the bundle is required again (fails while an adopted session has none)."""
    with op.batch_alter_table('archive_session', schema=None) as batch_op:
        batch_op.alter_column('bundle', existing_type=sa.LargeBinary(), nullable=False)
    with op.batch_alter_table('archive_result', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_archive_result_person_key'))
        batch_op.drop_column('person_key')
