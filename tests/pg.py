"""A throw-away PostgreSQL server for the archive tests, and the ``archive_url`` fixture (SQLite and PostgreSQL).

The server is pytest-postgresql's ``PostgreSQLExecutor`` (initdb, pg_ctl start/stop) on the Debian
``postgresql`` package's binaries (``/usr/lib/postgresql/<version>/bin``, not on PATH; tests/tooling.py finds
them). PostgreSQL refuses to run as root (initdb: "cannot be run as root"), and CI runs as root: then every
pg_ctl call goes through a small wrapper that runs it with ``runuser -u postgres`` (the system user the
Debian package creates), in a private folder the postgres user owns. Not as root, pg_ctl runs as you.

One server per test run (session scope, started on first use); each test gets its own new database
(``DatabaseJanitor``), dropped after the test.
"""

from __future__ import annotations

import os
import pwd
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from tests.tooling import require_tool, tool_path

#: The unprivileged system user that runs the server when the tests run as root.
PG_USER = "postgres"


@contextmanager
def running_server() -> Iterator[Any]:
    """Start a throw-away PostgreSQL server (pytest-postgresql's executor) and stop and remove it after.

    Yields: the ``PostgreSQLExecutor`` (``host``, ``port``, ``user``). Raises: RuntimeError without pg_ctl,
    or as root without the ``postgres`` system user. Used by :func:`pg_server` and tests/bench/bench_archive.py.
    """
    import port_for
    from pytest_postgresql.executors import PostgreSQLExecutor

    pg_ctl = tool_path("pg_ctl")
    if pg_ctl is None:
        raise RuntimeError("pg_ctl not found (apt-get install postgresql)")
    base = Path(tempfile.mkdtemp(prefix="zc-pg-"))
    executable = pg_ctl
    if os.geteuid() == 0:
        try:
            pw = pwd.getpwnam(PG_USER)
        except KeyError:
            shutil.rmtree(base)
            raise RuntimeError(f"running as root needs the system user {PG_USER!r} (apt-get install postgresql)") \
                from None
        os.chown(base, pw.pw_uid, pw.pw_gid)
        wrapper = base / "pg_ctl-as-postgres"
        wrapper.write_text(f'#!/bin/sh\ncd "{base}" && exec runuser -u {PG_USER} -- "{pg_ctl}" "$@"\n')
        wrapper.chmod(0o755)
        executable = str(wrapper)
    executor = PostgreSQLExecutor(executable=executable, host="127.0.0.1", port=port_for.select_random(),
                                  datadir=str(base / "data"), unixsocketdir=str(base), logfile=str(base / "server.log"),
                                  startparams="-w", dbname="zc_archive", user=PG_USER)
    try:
        executor.start()
        yield executor
    finally:
        executor.stop()
        shutil.rmtree(base, ignore_errors=True)


def new_database(server: Any) -> Iterator[str]:
    """A new, empty database on ``server``, yielded as its SQLAlchemy URL and dropped afterwards."""
    from pytest_postgresql.janitor import DatabaseJanitor

    name = f"zc_{uuid.uuid4().hex[:12]}"
    janitor = DatabaseJanitor(user=server.user, host=server.host, port=server.port, dbname=name, password=None)
    janitor.init()
    try:
        yield f"postgresql+psycopg://{server.user}@{server.host}:{server.port}/{name}"
    finally:
        janitor.drop()


@pytest.fixture(scope="session")
def pg_server() -> Iterator[Any]:
    """A running PostgreSQL server on 127.0.0.1 (trust authentication, user ``postgres``)."""
    require_tool("pg_ctl")
    with running_server() as server:
        yield server


@pytest.fixture(params=["sqlite", "postgresql"])
def archive_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty office archive: a new SQLite file, or a new database on the test PostgreSQL server."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'archive.db'}"
    else:
        yield from new_database(request.getfixturevalue("pg_server"))
