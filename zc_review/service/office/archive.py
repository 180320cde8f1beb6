"""The office archive after the room: open it (SQLite or PostgreSQL), upgrade it, list sessions, look up
an applicant's history.

Notices are in ``archive_notice``, complaints in ``archive_complaint``, the filing pack in
``archive_filing``; filing a verified bundle is ``importer.import_bundle``. Every function takes the
archive's SQLAlchemy URL; SQL is only in ``storage.repo.archive``. The archive holds no reviewer's name and
no link from a ballot to a voter (RULES.md §1; 000 第二十七条): see ``storage.archive``.
"""

from __future__ import annotations

import getpass
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from zc_review.i18n import label_of, t
from zc_review.service.errors import ServiceError


def current_user() -> str:
    """The office user's login name (who imported, drafted, recorded), or ``"—"`` when it cannot be told."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "—"


def display_url(url: str) -> str:
    """``url`` without its password (``postgresql+psycopg://office:***@host/db``), for messages."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
    return urlunsplit(parts._replace(netloc=netloc))


def archive_error(exc: Any, url: str) -> ServiceError:
    """The Chinese refusal for a ``storage.archive.ArchiveError`` met on the archive at ``url``."""
    shown = display_url(url)
    if exc.kind == "outdated":
        return ServiceError("archive_outdated", url=shown, revision=exc.detail)
    if exc.kind == "newer":
        return ServiceError("archive_newer", url=shown, revision=exc.detail)
    if exc.kind == "conflict":
        return ServiceError("archive_write_conflict", url=shown, error=exc.detail)
    if exc.kind == "legacy":
        return ServiceError("archive_legacy", url=shown, tables=exc.detail)
    if exc.kind == "foreign":
        return ServiceError("archive_foreign", url=shown, tables=exc.detail)
    return ServiceError("archive_unreachable", url=shown, error=exc.detail)


@contextmanager
def archive(url: str, *, write: bool = False) -> Iterator[Any]:
    """An open archive session at the newest schema (an empty database is given it first).

    Yields: a storage session for ``storage.repo.archive``; with ``write`` it is committed when the block
    ends without error and rolled back whole otherwise.
    Raises: ServiceError("archive_unreachable") (cannot connect, wrong URL), ("archive_outdated")
    (run ``office db upgrade``), ("archive_newer"), ("archive_legacy"), ("archive_write_conflict") (someone
    else wrote the same record meanwhile: nothing of this write is kept).
    """
    from zc_review.storage.archive import ArchiveError, ensure_current, make_archive_engine, reading, writing

    try:
        engine = make_archive_engine(url)
    except ArchiveError as exc:
        raise archive_error(exc, url) from None
    try:
        ensure_current(engine)
        with (writing if write else reading)(engine) as s:
            yield s
    except ArchiveError as exc:
        raise archive_error(exc, url) from None
    finally:
        engine.dispose()


def db_upgrade(url: str) -> tuple[str | None, str]:
    """``office db upgrade``: bring the archive at ``url`` to the newest schema (Alembic).

    Returns: (revision before or None for a new database, revision now). Idempotent.
    An archive of the first importer (no revision) is adopted: its sessions and results are kept.
    Raises: ServiceError("archive_unreachable"), ("archive_foreign").
    """
    from zc_review.storage.archive import ArchiveError, make_archive_engine, upgrade

    try:
        engine = make_archive_engine(url)
    except ArchiveError as exc:
        raise archive_error(exc, url) from None
    try:
        return upgrade(engine)
    except ArchiveError as exc:
        raise archive_error(exc, url) from None
    finally:
        engine.dispose()


def grouped_fingerprint(sha256_hex: str) -> str:
    """A SHA-256 hex digest as the bundle fingerprint is printed: upper case, groups of 4 (FORMATS.md)."""
    h = sha256_hex.upper()
    return " ".join(h[i:i + 4] for i in range(0, len(h), 4))


@dataclass(frozen=True)
class SessionLine:
    """One filed session as ``office sessions`` lists it.

    ``series``: the Chinese series label; ``notice``: the notice state's label or ``"未公示"``;
    ``complaints``: how many were recorded; ``filed``: whether the filing pack was written.
    """

    session_id: str
    scheduled_date: date
    committee_name: str
    series: str
    title_level: str
    applicants: int
    passed: int
    rehearsal: bool
    fingerprint: str
    imported_at: datetime
    imported_by: str
    notice: str
    complaints: int
    filed: bool


def list_sessions(url: str, *, today: date | None = None) -> list[SessionLine]:
    """``office sessions``: every filed session, newest meeting first.

    ``today`` (default: the real date) decides each notice's state. Raises: what :func:`archive` raises.
    """
    from zc_review.storage.repo import archive as repo

    day = today or date.today()
    with archive(url) as s:
        rows = repo.filed_sessions(session=s)
        notices = repo.notices(session=s)
        counts = repo.complaint_counts(session=s)
        filed = repo.filed_ids(session=s)
    return [session_line(r, notices.get(r.session_id), counts.get(r.session_id, 0), r.session_id in filed, day)
            for r in rows]


def session_line(r: Any, n: Any, complaints: int, filed: bool, day: date) -> SessionLine:
    """The :class:`SessionLine` of archive row ``r`` with its notice row ``n`` (or None), its complaint count
    and filing, the notice's state judged on ``day``."""
    from zc_review.domain.notice_period import notice_state

    state = (label_of("notice_state", notice_state(n.first_day, n.last_day, day).value) if n
             else t("office.notice_none"))
    return SessionLine(r.session_id, r.scheduled_date, r.committee_name, label_of("series", r.series),
                       r.title_level, r.applicants, r.passed, r.rehearsal, grouped_fingerprint(r.bundle_sha256),
                       r.imported_at, r.imported_by, state, complaints, filed)


@dataclass(frozen=True)
class HistoryLine:
    """One application of an applicant, as ``office applicant`` shows it.

    ``votes``: ``"agree/disagree/abstain"`` or ``"—"``; ``outcome``: the Chinese outcome or ``"—"``;
    ``failed_year_before``: the same person (person key, else name and employer) failed an official session of
    the previous year (seed 003 七(二)); ``identified``: the result carries a person key (an identity-card
    number was given at pack).
    """

    session_id: str
    year: int
    scheduled_date: date
    committee_name: str
    rehearsal: bool
    applicant_id: str
    code: str
    name: str
    employer: str
    group_name: str
    target_title: str
    composite: str
    votes: str
    outcome: str
    passed: bool
    reason: str
    guidance: str
    failed_year_before: bool
    identified: bool = False


@dataclass(frozen=True)
class History:
    """An applicant's history: ``lines`` oldest first; ``warnings``: one Chinese line per application made
    the year after a failed one (seed 003 七(二): generally not accepted without notable new achievements)."""

    query: str
    lines: list[HistoryLine]
    warnings: list[str]


def applicant_history(url: str, query: str, *, keys_dir: Path | None = None) -> History:
    """``office applicant QUERY``: every result of the applicant ``query`` names across sessions and years,
    and a warning for an application the year after a failure.

    ``query``: an identity-card number (matched by its person key under the office's secret in ``keys_dir``,
    default the office keys folder: ``person_ids``), or a name, an applicant id or a code (exact). The same
    person is the same person key when both results have one, else the same name and employer (names
    repeat: a key tells two people of one name apart).
    Raises: ServiceError("applicant_query_empty") for a blank query, ("applicant_number_no_key") for a
    number when the office has no person-key secret, ("applicant_not_found") when no result matches; what
    :func:`archive` raises. Source: seed 003 七(二); RULES.md §0.
    """
    from zc_review.service import paths
    from zc_review.service.office.person_ids import looks_like_number, query_key
    from zc_review.storage.repo import archive as repo

    if not query.strip():
        raise ServiceError("applicant_query_empty")
    keys = keys_dir or paths.office_keys_dir()
    key = query_key(keys, query)
    is_number = looks_like_number(query) is not None
    if is_number and key is None:
        raise ServiceError("applicant_number_no_key", path=str(keys))
    with archive(url) as s:
        found = repo.history(session=s, query=query, person_key=key)
    if not found:
        raise ServiceError("applicant_not_found", query=t("office.ric_masked", tail=query.strip()[-4:])
                           if is_number else query.strip())

    def person(r: Any) -> tuple[str, ...]:
        return (r.person_key,) if r.person_key else (r.name, r.employer)

    failed: dict[tuple[str, ...], set[int]] = {}
    for r, sess in found:
        if not sess.rehearsal and r.outcome is not None and r.outcome != "passed":
            failed.setdefault(person(r), set()).add(sess.year)
    lines, warnings = [], []
    for r, sess in found:
        before = not sess.rehearsal and (sess.year - 1) in failed.get(person(r), set())
        votes = f"{r.agree}/{r.disagree}/{r.abstain}" if r.agree is not None else "—"
        lines.append(HistoryLine(sess.session_id, sess.year, sess.scheduled_date, sess.committee_name,
                                 sess.rehearsal, r.applicant_id, r.code, r.name, r.employer, r.group_name,
                                 r.target_title, r.composite or "—", votes,
                                 label_of("outcome", r.outcome) if r.outcome else "—", r.outcome == "passed",
                                 r.reason, r.guidance, before, r.person_key is not None))
        if before:
            warnings.append(t("office.applicant_failed_last_year", name=r.name, employer=r.employer,
                              year=sess.year - 1, session=sess.session_id))
    shown = t("office.ric_masked", tail=query.strip()[-4:]) if is_number else query.strip()
    return History(shown, lines, warnings)
