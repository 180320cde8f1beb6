"""The office archive's queries before the room (issue 11): pool versions, credit entries, drawn committees.

Keyword-only, on an open ``session`` from ``storage.archive.writing`` or ``storage.archive.reading``; the same
SQL on SQLite and PostgreSQL.
"""

from __future__ import annotations

from sqlmodel import Session, col, select

from zc_review.storage.archive import ArchiveCommittee, ArchiveCredit, ArchivePool


def pool_by_sha256(*, session: Session, sha256: str) -> ArchivePool | None:
    """The pool version whose document has this SHA-256, or None."""
    return session.exec(select(ArchivePool).where(ArchivePool.sha256 == sha256)).first()


def latest_pool(*, session: Session, pool_id: str | None = None,
                committee_name: str | None = None) -> ArchivePool | None:
    """The newest imported version of a pool (by ``pool_id``, or the pool of ``committee_name``), or None."""
    stmt = select(ArchivePool)
    if pool_id is not None:
        stmt = stmt.where(ArchivePool.pool_id == pool_id)
    if committee_name is not None:
        stmt = stmt.where(ArchivePool.committee_name == committee_name)
    return session.exec(stmt.order_by(col(ArchivePool.id).desc())).first()


def pools(*, session: Session) -> list[ArchivePool]:
    """Every imported pool version, oldest first."""
    return list(session.exec(select(ArchivePool).order_by(col(ArchivePool.id))))


def add_row(*, session: Session, row: ArchivePool | ArchiveCredit) -> None:
    """Add a pool version or a credit entry (the caller's transaction commits it)."""
    session.add(row)
    session.flush()


def credit_entries(*, session: Session) -> list[ArchiveCredit]:
    """Every credit entry, in reference order."""
    return list(session.exec(select(ArchiveCredit).order_by(col(ArchiveCredit.ref))))


def credit_refs(*, session: Session, prefix: str) -> list[str]:
    """The references starting with ``prefix`` (``XY-2025-``)."""
    return list(session.exec(select(ArchiveCredit.ref).where(col(ArchiveCredit.ref).startswith(prefix))))


def put_committee(*, session: Session, row: ArchiveCommittee) -> None:
    """File (or replace: the session packed again) a session's drawn committee."""
    session.merge(row)


def committees(*, session: Session, committee_name: str, before_year: int) -> list[ArchiveCommittee]:
    """The committee's filed draws of the years before ``before_year``, oldest first."""
    return list(session.exec(select(ArchiveCommittee)
                             .where(ArchiveCommittee.committee_name == committee_name,
                                    col(ArchiveCommittee.year) < before_year)
                             .order_by(col(ArchiveCommittee.year), col(ArchiveCommittee.session_id))))
