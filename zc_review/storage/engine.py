"""Engine factory for the session database: SQLite, WAL, synchronous=FULL, foreign keys, secure delete."""

from __future__ import annotations

import os
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


def create_private_file(path: Path) -> None:
    """Create ``path`` (and a missing folder, 0700) as an empty 0600 file unless it exists; an existing
    file is set to 0600. SQLite gives its ``-wal`` and ``-shm`` files the database file's mode (issue 12 §5).
    """
    if not path.parent.exists():
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.chmod(path.parent, 0o700)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o600)
    try:
        os.fchmod(fd, 0o600)
    finally:
        os.close(fd)


def make_engine(path: Path | None) -> Engine:
    """Create the session database engine and its tables.

    Args: path: the database file; ``None`` gives a private in-memory database (tests).
    Returns: a SQLAlchemy engine whose every connection runs with WAL, synchronous=FULL,
        foreign_keys=ON and secure_delete=ON, so a commit is on disk before the screen says so. The file
        (and its ``-wal``/``-shm``) is 0600 whatever the umask.
    """
    if path is None:
        engine = create_engine("sqlite://", connect_args={"check_same_thread": False}, poolclass=StaticPool)
    else:
        create_private_file(path)
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
