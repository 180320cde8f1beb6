"""Unit-of-work operations shared by every kind of record: fetch by key, add or update, flush."""

from __future__ import annotations

from typing import Any, TypeVar

from sqlmodel import Session, SQLModel

T = TypeVar("T", bound=SQLModel)


def get(*, session: Session, model: type[T], key: Any) -> T | None:
    """The row of ``model`` with primary key ``key`` (a tuple for composite keys), or None."""
    return session.get(model, key)


def put(*, session: Session, row: SQLModel) -> None:
    """Add a new row or mark a changed one for writing in the caller's transaction."""
    session.add(row)


def flush(*, session: Session) -> None:
    """Send pending writes to the database inside the transaction (ids and constraints checked now)."""
    session.flush()
