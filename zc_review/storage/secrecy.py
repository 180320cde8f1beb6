"""Disk hygiene for the ballot box: after a poll closes, no trace of cast order is left in any file.

During an open poll the WAL holds recently written pages in write order; closing the poll
checkpoints and truncates the WAL and VACUUMs the database (with secure_delete on), which rewrites
every table in key order (the ballot box's key is a random id) and leaves no free pages.
"""

from __future__ import annotations

from sqlalchemy.engine import Engine


def scrub_database(engine: Engine) -> None:
    """Checkpoint and truncate the WAL, then VACUUM and truncate again. Safe to call at any time.

    Raises: sqlalchemy errors only for a broken database (the caller's transaction is already
    committed, so nothing is lost if this fails; it is retried at the next close or at export).
    """
    if engine.url.database in (None, "", ":memory:"):
        return
    with engine.connect() as conn:
        conn = conn.execution_options(isolation_level="AUTOCOMMIT")
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.exec_driver_sql("VACUUM")
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
