"""The expert pool and the drawn committees in the office archive (issue 11): ``office pool import|list``, the
pool a draw reads, and the past committees its rotation checks read.

The archive is the one of issue 10 (``service.office.archive``: SQLite by default, PostgreSQL with ``--db``);
SQL is only in ``storage.repo.archive_pool``. The pool is kept as each imported version's canonical JSON
(``archive_pool``), so that a draw record names the version it was drawn from (``pool_sha256``) and can be
re-derived from it later; the committees are the signed draw records filed at ``office pack`` of an
official package (``archive_committee``). Neither goes into a package or a public output (000 第十一条).
Source: 000 第十一条、第十二条, 第二十六条(一)1; RULES.md §0.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from zc_review.service.errors import ServiceError
from zc_review.service.office.pool import Pool, load_pool, pool_from_raw


@dataclass(frozen=True)
class PoolImport:
    """What ``import_pool`` did: the pool as imported; ``created`` False when that very version was there."""

    pool: Pool
    created: bool


def import_pool(url: str, pool_dir: Path, *, imported_by: str | None = None) -> PoolImport:
    """``office pool import``: validate ``<pool_dir>/pool.yaml`` (as ``pool.load_pool``) and keep it in the
    archive as a new version of its pool (the same version again changes nothing).

    Raises: ServiceError("pool_invalid" | "pool_not_directory") (nothing written) and the archive's refusals.
    """
    from zc_review.service.office.archive import archive, current_user
    from zc_review.storage.archive import ArchivePool
    from zc_review.storage.repo import archive_pool as repo

    pool = load_pool(pool_dir)
    raw = json.loads(pool.document)
    with archive(url, write=True) as s:
        if repo.pool_by_sha256(session=s, sha256=pool.sha256) is not None:
            return PoolImport(pool, False)
        repo.add_row(session=s, row=ArchivePool(
            pool_id=pool.pool_id, committee_name=pool.committee_name, reviewed_on=str(raw.get("reviewed_on", "")),
            sha256=pool.sha256, experts=len(pool.experts), document=pool.document, imported_at=datetime.now(UTC),
            imported_by=imported_by or current_user()))
    return PoolImport(pool, True)


def _pool_of(row: Any, url: str) -> Pool:
    from zc_review.service.office.archive import display_url

    pool = pool_from_raw(json.loads(bytes(row.document).decode("utf-8")))
    if pool.sha256 != row.sha256:  # the document was edited in the database
        raise ServiceError("pool_archive_altered", pool=row.pool_id, url=display_url(url))
    return pool


def current_pool(url: str, *, committee_name: str | None = None, pool_id: str | None = None) -> Pool:
    """The newest imported version of the pool of ``committee_name`` (or of ``pool_id``).

    Raises: ServiceError("pool_not_imported") when the archive holds none; ("pool_archive_altered") when its
    document no longer has its recorded digest; the archive's refusals.
    """
    from zc_review.service.office.archive import archive, display_url
    from zc_review.storage.repo import archive_pool as repo

    with archive(url) as s:
        row = repo.latest_pool(session=s, pool_id=pool_id, committee_name=None if pool_id else committee_name)
        if row is None:
            raise ServiceError("pool_not_imported", what=pool_id or committee_name or "", url=display_url(url))
        return _pool_of(row, url)


def pool_version(url: str, sha256: str) -> Pool | None:
    """The imported pool version with this digest (the pool of a draw record's day), or None."""
    from zc_review.service.office.archive import archive
    from zc_review.storage.repo import archive_pool as repo

    with archive(url) as s:
        row = repo.pool_by_sha256(session=s, sha256=sha256)
        return None if row is None else _pool_of(row, url)


@dataclass(frozen=True)
class PoolVersion:
    """One imported version as ``office pool list`` shows it."""

    pool_id: str
    committee_name: str
    reviewed_on: str
    experts: int
    sha256: str
    imported_at: datetime
    imported_by: str


def pool_versions(url: str) -> list[PoolVersion]:
    """Every imported pool version, oldest first."""
    from zc_review.service.office.archive import archive
    from zc_review.storage.repo import archive_pool as repo

    with archive(url) as s:
        return [PoolVersion(r.pool_id, r.committee_name, r.reviewed_on, r.experts, r.sha256, r.imported_at,
                            r.imported_by) for r in repo.pools(session=s)]


def file_committee(url: str, record: dict[str, Any], record_bytes: bytes, package_id: str, *,
                   filed_by: str | None = None) -> None:
    """Keep an official session's signed draw record (already verified) as its committee, replacing an
    earlier pack's of the same session."""
    from zc_review.service.office.archive import archive, current_user
    from zc_review.storage.archive import ArchiveCommittee
    from zc_review.storage.repo import archive_pool as repo

    body = record["body"]
    with archive(url, write=True) as s:
        repo.put_committee(session=s, row=ArchiveCommittee(
            session_id=body["session_id"], committee_name=body["committee_name"], year=int(body["year"]),
            pool_id=body["pool_id"], package_id=package_id, record=record_bytes, filed_at=datetime.now(UTC),
            filed_by=filed_by or current_user()))


def past_committees(url: str, committee_name: str, year: int) -> list[dict[str, Any]]:
    """The signed draw records of the committee's sessions before ``year`` (oldest first), as parsed JSON:
    what the draw's rotation checks read (last year's members, consecutive years). Their signatures are
    checked by the draw (``drawing.draw``)."""
    from zc_review.service.office.archive import archive
    from zc_review.storage.repo import archive_pool as repo

    with archive(url) as s:
        rows = repo.committees(session=s, committee_name=committee_name, before_year=year)
        return [json.loads(bytes(r.record).decode("utf-8")) for r in rows]
