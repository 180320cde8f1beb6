"""The office's archive database: imported result bundles and their per-applicant results.

Its own SQLModel registry, so the archive never holds the room's tables. Works with SQLite (the
default, under the user's data directory) or any SQLAlchemy URL given with ``--db``.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import registry
from sqlmodel import Field, Session, SQLModel, create_engine


class ArchiveBase(SQLModel, registry=registry()):
    """Base of the archive's tables (separate metadata)."""


class ImportedBundle(ArchiveBase, table=True):
    """One imported bundle; a session can be imported once (the same file again changes nothing)."""

    session_id: str = Field(primary_key=True)
    bundle_sha256: str = Field(index=True)
    package_id: str
    committee_name: str
    rehearsal: bool = False
    imported_at: datetime
    applicants: int
    passed: int
    log_head: str
    results_json: str  # the verified raw record, kept for filing (备案)


class ImportedResult(ArchiveBase, table=True):
    """One applicant's verified result, ready for the public notice (never the reviewers' names)."""

    session_id: str = Field(primary_key=True)
    applicant_id: str = Field(primary_key=True)
    code: str
    name: str
    employer: str
    group_name: str
    composite: str | None
    agree: int | None
    disagree: int | None
    abstain: int | None
    outcome: str | None
    reason: str = ""
    guidance: str = ""


def make_archive_engine(url: str) -> Engine:
    """Create the archive engine for ``url`` and its tables (SQLite gets WAL and synchronous=FULL; its file 0600)."""
    if url.startswith("sqlite:///") and len(url) > len("sqlite:///"):
        from pathlib import Path

        from zc_review.storage.engine import create_private_file

        create_private_file(Path(url.removeprefix("sqlite:///")))  # 0600, so are its -wal and -shm
    engine = create_engine(url)
    if url.startswith("sqlite"):
        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_connection, _record):  # type: ignore[no-untyped-def]
            cur = dbapi_connection.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=FULL")
            cur.close()
    ArchiveBase.metadata.create_all(engine)
    return engine


def imported_bundle_sha256(engine: Engine, session_id: str) -> str | None:
    """The SHA-256 of the bundle filed for ``session_id``, or None when the session is not filed."""
    with Session(engine) as s:
        row = s.get(ImportedBundle, session_id)
        return None if row is None else row.bundle_sha256


def file_bundle(engine: Engine, bundle: ImportedBundle, results: list[ImportedResult]) -> None:
    """File one verified bundle and its per-applicant results in one committed transaction."""
    with Session(engine) as s:
        s.add(bundle)
        for r in results:
            s.add(r)
        s.commit()
