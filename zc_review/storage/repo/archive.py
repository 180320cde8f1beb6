"""The office archive's queries (``storage.archive`` tables): sessions, results, notices, complaints, filings.

Keyword-only, on an open ``session`` from ``storage.archive.writing`` or ``storage.archive.reading``; the
same SQL on SQLite and PostgreSQL. The sealed bundle's bytes are loaded only where asked for
(``with_bundle``): listing a province's sessions never reads them.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func, or_
from sqlalchemy.orm import defer
from sqlmodel import Session, col, select

from zc_review.storage.archive import (
    ArchiveComplaint,
    ArchiveFiling,
    ArchiveNotice,
    ArchiveResult,
    ArchiveSession,
)


def filed_sha256(*, session: Session, session_id: str) -> str | None:
    """The SHA-256 of the bundle filed for ``session_id``, or None when the session is not filed."""
    return session.exec(select(ArchiveSession.bundle_sha256)
                        .where(ArchiveSession.session_id == session_id)).first()


def file_session(*, session: Session, row: ArchiveSession, results: Iterable[ArchiveResult]) -> None:
    """Add one filed session and its per-applicant results (the caller's transaction commits them)."""
    session.add(row)
    session.flush()  # the session row first: the results' foreign key refers to it
    for r in results:
        session.add(r)


def complete_adopted(*, session: Session, session_id: str, bundle: bytes, person_keys: dict[str, str]) -> bool:
    """Give a session adopted from the first importer's tables (no bundle kept) its sealed bundle, and its
    results without a person key the one in ``person_keys`` (applicant id → key). True when it changed
    anything; a session that has its bundle is left as it is."""
    row = session.get(ArchiveSession, session_id)
    if row is None or row.bundle is not None:
        return False
    row.bundle = bundle
    session.add(row)
    for r in results_of(session=session, session_id=session_id):
        if r.person_key is None and r.applicant_id in person_keys:
            r.person_key = person_keys[r.applicant_id]
            session.add(r)
    session.flush()
    return True


def filed_sessions(*, session: Session) -> list[ArchiveSession]:
    """Every filed session, newest meeting first (then by id); the bundle bytes are not loaded."""
    stmt = (select(ArchiveSession).options(defer(ArchiveSession.bundle))  # type: ignore[arg-type]
            .order_by(col(ArchiveSession.scheduled_date).desc(), col(ArchiveSession.session_id)))
    return list(session.exec(stmt))


def filed_session(*, session: Session, session_id: str, with_bundle: bool = False) -> ArchiveSession | None:
    """The filed session ``session_id`` (its bundle bytes only ``with_bundle``), or None."""
    stmt = select(ArchiveSession).where(ArchiveSession.session_id == session_id)
    if not with_bundle:
        stmt = stmt.options(defer(ArchiveSession.bundle))  # type: ignore[arg-type]
    return session.exec(stmt).first()


def bundle_kept(*, session: Session, session_id: str) -> bool:
    """Whether the archive keeps the session's sealed bundle (not a session adopted from the first
    importer's tables that was not imported again); the bytes are not loaded."""
    stmt = select(ArchiveSession.session_id).where(ArchiveSession.session_id == session_id,
                                                   col(ArchiveSession.bundle).is_not(None))
    return session.exec(stmt).first() is not None


def results_of(*, session: Session, session_id: str) -> list[ArchiveResult]:
    """The session's results by group, then code."""
    return list(session.exec(select(ArchiveResult).where(ArchiveResult.session_id == session_id)
                             .order_by(col(ArchiveResult.group_id), col(ArchiveResult.code))))


def result_of(*, session: Session, session_id: str, applicant_id: str) -> ArchiveResult | None:
    """One applicant's result in one session, or None."""
    return session.get(ArchiveResult, (session_id, applicant_id))


def history(*, session: Session, query: str, person_key: str | None = None
            ) -> list[tuple[ArchiveResult, ArchiveSession]]:
    """Every result whose person key equals ``person_key`` (when given: the query was an identity-card
    number), else whose applicant id, code or name equals ``query`` (spaces around it ignored), with its
    session (bundle not loaded), oldest meeting first."""
    q = query.strip()
    match = (col(ArchiveResult.person_key) == person_key if person_key is not None else
             or_(col(ArchiveResult.applicant_id) == q, col(ArchiveResult.code) == q, col(ArchiveResult.name) == q))
    stmt = (select(ArchiveResult, ArchiveSession).options(defer(ArchiveSession.bundle))  # type: ignore[arg-type]
            .join(ArchiveSession, col(ArchiveSession.session_id) == col(ArchiveResult.session_id))
            .where(match)
            .order_by(col(ArchiveSession.scheduled_date), col(ArchiveSession.session_id)))
    return [(r, s) for r, s in session.exec(stmt)]


def notice(*, session: Session, session_id: str) -> ArchiveNotice | None:
    """The session's public notice, or None before it is drafted."""
    return session.get(ArchiveNotice, session_id)


def notices(*, session: Session) -> dict[str, ArchiveNotice]:
    """Every drafted notice by session id."""
    return {n.session_id: n for n in session.exec(select(ArchiveNotice))}


def put_row(*, session: Session, row: ArchiveNotice | ArchiveComplaint | ArchiveFiling) -> None:
    """Add a new notice, complaint or filing row, or mark a changed one for writing."""
    session.add(row)
    session.flush()


def complaints(*, session: Session, session_id: str | None = None) -> list[ArchiveComplaint]:
    """Complaints in the order recorded, of one session or of all."""
    stmt = select(ArchiveComplaint).order_by(col(ArchiveComplaint.id))
    if session_id is not None:
        stmt = stmt.where(ArchiveComplaint.session_id == session_id)
    return list(session.exec(stmt))


def complaint(*, session: Session, complaint_id: int) -> ArchiveComplaint | None:
    """The complaint numbered ``complaint_id``, or None."""
    return session.get(ArchiveComplaint, complaint_id)


def complaint_counts(*, session: Session) -> dict[str, int]:
    """How many complaints each session has (sessions without any are absent)."""
    stmt = select(ArchiveComplaint.session_id, func.count()).group_by(col(ArchiveComplaint.session_id))
    return {sid: int(n) for sid, n in session.exec(stmt)}


def filed_ids(*, session: Session) -> set[str]:
    """The ids of the sessions whose filing pack was written."""
    return set(session.exec(select(ArchiveFiling.session_id)))


def filing(*, session: Session, session_id: str) -> ArchiveFiling | None:
    """The session's filing record, or None before the pack is written."""
    return session.get(ArchiveFiling, session_id)


def database_size(*, session: Session) -> int:
    """The archive's size on disk in bytes: ``pg_database_size`` on PostgreSQL; on SQLite the pages in use
    (``page_count × page_size``, the WAL not counted)."""
    conn = session.connection()
    if conn.dialect.name == "postgresql":
        return int(conn.exec_driver_sql("SELECT pg_database_size(current_database())").scalar_one())
    pages = int(conn.exec_driver_sql("PRAGMA page_count").scalar_one())
    return pages * int(conn.exec_driver_sql("PRAGMA page_size").scalar_one())
