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


def add_log_entry(*, session: Session, entry: LogEntry) -> LogEntry:
    """Append ``entry`` (its seq and hashes computed by the caller) and flush it."""
    session.add(entry)
    session.flush()
    return entry
