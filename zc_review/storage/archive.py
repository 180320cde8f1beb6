"""The office's archive database: filed sessions, their per-applicant results, notices, complaints, filings.

Its own SQLModel registry, so the archive never holds the room's tables. The same schema on SQLite (the
default, one file under the user's data directory) and PostgreSQL (a city's or a province's archive, any
``postgresql+psycopg://`` URL given with ``--db``), managed by the Alembic migrations in
``storage/migrations`` (:func:`upgrade`, :func:`ensure_current`).

What it never holds (RULES.md §1; 000 第二十七条): a reviewer's name or id next to a result, a ballot slip,
the voter roll, a score sheet. The sealed bundle is kept as filed — ciphertext only the office's age
identity opens — so the evidence for a complaint and the signed minutes for the filing pack are taken from
it after verifying it again, never from a plain copy in a table.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import Column, DateTime, LargeBinary, event, inspect
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import registry
from sqlmodel import Field, Session, SQLModel, create_engine

#: Alembic's folder of migrations (env.py and versions/).
MIGRATIONS = Path(__file__).parent / "migrations"
#: Tables the archive had before its migrations (``create_all`` of the first importer).
LEGACY_TABLES = frozenset({"importedbundle", "importedresult"})


class ArchiveError(Exception):
    """The archive cannot be used: ``kind`` is ``unreachable`` (cannot connect: ``detail`` says why),
    ``outdated`` (schema older than this program: ``detail`` the revision), ``legacy`` (tables of the first
    importer without migrations: ``office db upgrade`` adopts them), ``foreign`` (only part of those tables),
    ``newer`` (schema newer than this program) or ``conflict`` (a write met a
    row written meanwhile by another user)."""

    def __init__(self, kind: str, detail: str = "") -> None:
        super().__init__(f"{kind}: {detail}")
        self.kind = kind
        self.detail = detail


class ArchiveBase(SQLModel, registry=registry()):
    """Base of the archive's tables (separate metadata)."""


class ArchiveSession(ArchiveBase, table=True):
    """One filed session (one verified bundle); a session is filed once (the same file again changes nothing).

    ``bundle``: the sealed bundle's bytes as imported (encrypted to the office), None for a session adopted
    from the first importer's tables until its bundle is imported again (revision 0003); ``imported_by``: the
    office user who imported it (login name or ``--by``; ``"—"`` when not recorded).
    """

    __tablename__ = "archive_session"
    session_id: str = Field(primary_key=True, max_length=128)
    bundle_sha256: str = Field(index=True, max_length=64)
    package_id: str = Field(max_length=64)
    committee_name: str
    organizing_body: str
    series: str = Field(max_length=32)
    title_level: str = Field(max_length=32)
    year: int = Field(index=True)
    scheduled_date: date
    rehearsal: bool = False
    applicants: int
    passed: int
    log_head: str = Field(max_length=64)
    imported_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    imported_by: str
    bundle: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))


class ArchiveResult(ArchiveBase, table=True):
    """One applicant's verified result (what the public notice shows: never a reviewer)."""

    __tablename__ = "archive_result"
    session_id: str = Field(primary_key=True, foreign_key="archive_session.session_id", max_length=128)
    applicant_id: str = Field(primary_key=True, max_length=64)
    code: str = Field(max_length=64)
    name: str = Field(index=True)
    employer: str
    group_id: str = Field(max_length=64)
    group_name: str
    target_title: str = ""
    composite: str | None = Field(default=None, max_length=16)
    rank: int | None = None
    agree: int | None = None
    disagree: int | None = None
    abstain: int | None = None
    outcome: str | None = Field(default=None, max_length=32)
    opinion: str = ""
    reason: str = ""
    guidance: str = ""
    #: HMAC-SHA256 hex of the identity-card number under the office's person key (``seal.person_key``), or
    #: None when the package carried none; the number itself is never stored (SECURITY.md).
    person_key: str | None = Field(default=None, index=True, max_length=64)


class ArchiveNotice(ArchiveBase, table=True):
    """The public notice (公示) of a session: its period in working days and when it was drafted."""

    __tablename__ = "archive_notice"
    session_id: str = Field(primary_key=True, foreign_key="archive_session.session_id", max_length=128)
    first_day: date
    last_day: date
    working_days: int
    drafted_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    drafted_by: str


class ArchiveComplaint(ArchiveBase, table=True):
    """A complaint (投诉举报) or a request for re-examination (复查) about one applicant's result.

    ``status``: received | investigating | concluded. The finding, once concluded, is signed by the office
    (``finding_signature``: base64 DER ECDSA P-256 by the office root key over ``finding_statement``).
    """

    __tablename__ = "archive_complaint"
    id: int | None = Field(default=None, primary_key=True)
    session_id: str = Field(foreign_key="archive_session.session_id", index=True, max_length=128)
    applicant_id: str = Field(max_length=64)
    kind: str = Field(max_length=32)
    received_on: date
    summary: str
    status: str = Field(max_length=32)
    handler: str = ""
    finding: str = ""
    finding_on: date | None = None
    finding_statement: str = ""
    finding_signature: str = ""
    recorded_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    recorded_by: str


class ArchiveFiling(ArchiveBase, table=True):
    """The filing (备案) of a session: when its pack was written, by whom, and its manifest's SHA-256."""

    __tablename__ = "archive_filing"
    session_id: str = Field(primary_key=True, foreign_key="archive_session.session_id", max_length=128)
    filed_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    filed_by: str
    manifest_sha256: str = Field(max_length=64)


class ArchivePool(ArchiveBase, table=True):
    """One version of an expert pool (专家库) as the office imported it (issue 11; ``office pool import``).

    ``document``: the pool's canonical JSON (``pool.yaml`` as loaded and validated), from which a draw reads
    it; ``sha256``: of that document (what a draw record names as ``pool_sha256``). Every version is kept,
    so a draw record can be re-derived from the pool of its day. Never in a package or a public output
    (000 第十一条).
    """

    __tablename__ = "archive_pool"
    id: int | None = Field(default=None, primary_key=True)
    pool_id: str = Field(index=True, max_length=64)
    committee_name: str
    reviewed_on: str = Field(max_length=10)
    sha256: str = Field(unique=True, index=True, max_length=64)
    experts: int
    document: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    imported_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    imported_by: str


class ArchiveCredit(ArchiveBase, table=True):
    """One entry of the credit record (诚信档案, ``office credit add``; 000 第四十二条): who is barred, from
    ``start`` to the day before ``until`` (None: for life), on what source. ``person_id``: an expert's pool id."""

    __tablename__ = "archive_credit"
    ref: str = Field(primary_key=True, max_length=32)
    kind: str = Field(max_length=16)
    name: str = Field(index=True)
    employer: str
    person_id: str = Field(default="", max_length=64)
    reason: str
    source: str
    start: date
    until: date | None = None
    fraud: bool = False
    recorded_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    recorded_by: str


class ArchiveCommittee(ArchiveBase, table=True):
    """A session's committee as drawn (the signed draw record filed at ``office pack`` of an official
    package): what the rotation checks of later draws read (000 第二十六条(一)1). Pool ids only, in the
    record; no link to any result, ballot or score."""

    __tablename__ = "archive_committee"
    session_id: str = Field(primary_key=True, max_length=128)
    committee_name: str
    year: int = Field(index=True)
    pool_id: str = Field(max_length=64)
    package_id: str = Field(max_length=64)
    record: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    filed_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    filed_by: str


def make_archive_engine(url: str) -> Engine:
    """The archive engine for ``url`` (no table is created here: see :func:`ensure_current`).

    SQLite: the file is created 0600 (its -wal and -shm too), WAL and synchronous=FULL, foreign keys on.
    PostgreSQL: a 5-second connection timeout, so an unreachable server is reported, not waited for.
    Raises: ArchiveError("unreachable") for a URL SQLAlchemy cannot use (unknown driver, malformed).
    """
    try:
        if url.startswith("sqlite:///") and len(url) > len("sqlite:///"):
            from zc_review.storage.engine import create_private_file

            create_private_file(Path(url.removeprefix("sqlite:///")))  # 0600, so are its -wal and -shm
        connect_args: dict[str, Any] = {"connect_timeout": 5} if url.startswith("postgresql") else {}
        engine = create_engine(url, connect_args=connect_args)
    except (SQLAlchemyError, ValueError, ImportError, OSError) as exc:
        raise ArchiveError("unreachable", str(exc).splitlines()[0] if str(exc) else type(exc).__name__) from None
    if engine.dialect.name == "sqlite":
        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_connection, _record):  # type: ignore[no-untyped-def]
            cur = dbapi_connection.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=FULL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.close()
    return engine


def _alembic_config(engine: Engine) -> Any:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["engine"] = engine
    return cfg


@cache
def _revisions() -> tuple[str, frozenset[str]]:
    from alembic.script import ScriptDirectory

    scripts = ScriptDirectory(str(MIGRATIONS))
    head = scripts.get_current_head()
    assert head is not None
    return head, frozenset(s.revision for s in scripts.walk_revisions())


def head_revision() -> str:
    """The newest migration's revision id (what :func:`upgrade` brings a database to); read once a process."""
    return _revisions()[0]


def current_revision(engine: Engine) -> tuple[str | None, set[str]]:
    """(the database's Alembic revision or None, its table names). Raises: ArchiveError("unreachable")."""
    from alembic.runtime.migration import MigrationContext

    try:
        with engine.connect() as conn:
            tables = set(inspect(conn).get_table_names())
            return MigrationContext.configure(conn).get_current_revision(), tables
    except SQLAlchemyError as exc:
        raise ArchiveError("unreachable", _first_line(exc)) from None


def _first_line(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def upgrade(engine: Engine) -> tuple[str | None, str]:
    """Bring the archive's schema to the newest revision (``office db upgrade``); (revision before, after).

    A database holding the first importer's tables without a revision (``LEGACY_TABLES``) is adopted: the
    revisions create the archive's tables beside them and revision 0003 copies every session and result
    across, then drops the old tables, all in one transaction (DESIGN.md "Office TUI": legacy archives).
    Raises: ArchiveError("unreachable"); ("foreign") when only one of the old tables is there (not an archive
    this program made: nothing is changed).
    """
    from alembic import command

    before, tables = current_revision(engine)
    if before is None and tables & LEGACY_TABLES and not LEGACY_TABLES <= tables:
        raise ArchiveError("foreign", ", ".join(sorted(tables & LEGACY_TABLES)))
    try:
        command.upgrade(_alembic_config(engine), "head")
    except SQLAlchemyError as exc:
        raise ArchiveError("unreachable", _first_line(exc)) from None
    return before, head_revision()


def ensure_current(engine: Engine) -> None:
    """Make sure the archive has the newest schema before it is read or written.

    An empty database (no table yet: a new SQLite file, a new PostgreSQL database) is brought to the newest
    revision at once; a database at an older revision is not changed behind the office's back.
    Raises: ArchiveError("outdated") (run ``office db upgrade``), ("newer") (a newer zc-review made it),
    ("legacy") (the first importer's tables: run ``office db upgrade``), ("foreign"), ("unreachable").
    """
    from alembic.runtime.migration import MigrationContext

    try:
        with engine.connect() as conn:  # one query when the schema is current (every command's case)
            if MigrationContext.configure(conn).get_current_revision() == head_revision():
                return
    except SQLAlchemyError as exc:
        raise ArchiveError("unreachable", _first_line(exc)) from None
    rev, tables = current_revision(engine)
    if rev is None and not tables:
        upgrade(engine)
        return
    if rev is None and tables & LEGACY_TABLES:
        raise ArchiveError("legacy" if LEGACY_TABLES <= tables else "foreign", ", ".join(sorted(tables & LEGACY_TABLES)))
    raise ArchiveError("outdated" if rev in _revisions()[1] or rev is None else "newer", rev or "—")


@contextmanager
def writing(engine: Engine) -> Iterator[Session]:
    """One committed transaction on the archive (rolled back whole on any error).

    Raises: ArchiveError("conflict") when a key written meanwhile by someone else refuses this write (nothing
    of it is kept), ArchiveError("unreachable") when the database goes away meanwhile.
    """
    try:
        with Session(engine, expire_on_commit=False) as s:
            yield s
            s.commit()
    except IntegrityError as exc:  # another office wrote the same row meanwhile (PostgreSQL, many users)
        raise ArchiveError("conflict", _first_line(exc)) from None
    except SQLAlchemyError as exc:
        raise ArchiveError("unreachable", _first_line(exc)) from None


@contextmanager
def reading(engine: Engine) -> Iterator[Session]:
    """A read-only session on the archive (never committed). Raises: ArchiveError("unreachable")."""
    try:
        with Session(engine, expire_on_commit=False) as s:
            yield s
    except SQLAlchemyError as exc:
        raise ArchiveError("unreachable", _first_line(exc)) from None


def table_rows(engine: Engine) -> dict[str, list[dict[str, Any]]]:
    """Every row of every table in the archive database, as plain dicts by table name (audits and tests)."""
    from sqlalchemy import MetaData, select

    meta = MetaData()
    meta.reflect(bind=engine)
    with engine.connect() as conn:
        return {name: [dict(r._mapping) for r in conn.execute(select(tbl))] for name, tbl in meta.tables.items()}

