"""The hash-chained log's rows (the formula itself is domain/chain.py)."""

from __future__ import annotations

from sqlmodel import Session, select

from zc_review.storage.models import LogEntry


def last_log_entry(*, session: Session) -> LogEntry | None:
    """The newest log entry (highest seq), or None for an empty log."""
    return session.exec(select(LogEntry).order_by(LogEntry.seq.desc()).limit(1)).first()  # type: ignore[attr-defined]


def log_entries(*, session: Session) -> list[LogEntry]:
    """Every log entry in seq order."""
    return list(session.exec(select(LogEntry).order_by(LogEntry.seq)))  # type: ignore[arg-type]


def log_entries_of(*, session: Session, action: str) -> list[LogEntry]:
    """The log entries whose action is ``action`` (e.g. ``credential_lock_lifted``), in seq order."""
    query = select(LogEntry).where(LogEntry.action == action).order_by(LogEntry.seq)  # type: ignore[arg-type]
    return list(session.exec(query))


def add_log_entry(*, session: Session, entry: LogEntry) -> LogEntry:
    """Append ``entry`` (its seq and hashes computed by the caller) and flush it."""
    session.add(entry)
    session.flush()
    return entry
