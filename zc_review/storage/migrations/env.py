"""Alembic's environment for the office archive: runs on the engine ``storage.archive.upgrade`` hands over.

No alembic.ini: ``storage.archive._alembic_config`` builds the configuration in code and puts the engine in
``config.attributes["engine"]``; the target metadata is the archive's own (``ArchiveBase.metadata``).
"""

from __future__ import annotations

from alembic import context

from zc_review.storage.archive import ArchiveBase

config = context.config
engine = config.attributes["engine"]

with engine.begin() as connection:
    context.configure(connection=connection, target_metadata=ArchiveBase.metadata,
                      render_as_batch=connection.dialect.name == "sqlite")
    with context.begin_transaction():
        context.run_migrations()
