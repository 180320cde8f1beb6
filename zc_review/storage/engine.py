"""Engine factory for the session database: SQLite, WAL, synchronous=FULL, foreign keys, secure delete."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.pool import StaticPool
from sqlmodel import Session, SQLModel, create_engine

from zc_review.storage import models  # noqa: F401  (registers the tables)


def _on_connect(dbapi_connection: Any, _record: Any) -> None:
    cur = dbapi_connection.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=FULL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA secure_delete=ON")
    # VACUUM and big sorts would otherwise spill into unlinked temporary files (issue 4 §1)
    cur.execute("PRAGMA temp_store=MEMORY")
    cur.close()


def make_engine(path: Path | None) -> Engine:
    """Create the session database engine and its tables.

    Args: path: the database file; ``None`` gives a private in-memory database (tests).
    Returns: a SQLAlchemy engine whose every connection runs with WAL, synchronous=FULL,
        foreign_keys=ON and secure_delete=ON, so a commit is on disk before the screen says so.
    """
    if path is None:
        engine = create_engine("sqlite://", connect_args={"check_same_thread": False}, poolclass=StaticPool)
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(f"sqlite:///{path}", connect_args={"check_same_thread": False},
                               poolclass=StaticPool)
    event.listen(engine, "connect", _on_connect)
    SQLModel.metadata.create_all(engine)
    return engine


@contextmanager
def transaction(engine: Engine, lock: AbstractContextManager[Any]) -> Iterator[Session]:
    """One committed transaction under ``lock``: the caller acknowledges only after this returns.

    The engine shares one SQLite connection between threads (the TUI's workers and the screen), so every
    use of it is serialised by the same lock. Rows stay readable after commit (expire_on_commit=False).
    """
    with lock, Session(engine, expire_on_commit=False) as s:
        yield s
        s.commit()


@contextmanager
def reading(engine: Engine, lock: AbstractContextManager[Any]) -> Iterator[Session]:
    """A read-only session under ``lock`` (never committed)."""
    with lock, Session(engine, expire_on_commit=False) as s:
        yield s
