"""The wall clock of the service: one function, so the room and the office stamp times alike."""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    """Now, timezone-aware UTC, truncated to whole seconds (log entries and letters print seconds)."""
    return datetime.now(UTC).replace(microsecond=0)
