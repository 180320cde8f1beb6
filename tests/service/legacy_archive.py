"""The first importer's archive tables, as it made them (``git show 4b29441:zc_review/storage/archive.py``:
its SQLModel models, created by ``create_all`` with no Alembic revision), for the migration tests."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import registry
from sqlmodel import Field, SQLModel


class OldBase(SQLModel, registry=registry()):
    """The first importer's own metadata."""


class ImportedBundle(OldBase, table=True):
    """One imported bundle (with ``results_json``, the verified raw record)."""

    session_id: str = Field(primary_key=True)
    bundle_sha256: str = Field(index=True)
    package_id: str
    committee_name: str
    rehearsal: bool = False
    imported_at: datetime
    applicants: int
    passed: int
    log_head: str
    results_json: str


class ImportedResult(OldBase, table=True):
    """One applicant's verified result."""

    session_id: str = Field(primary_key=True)
    applicant_id: str = Field(primary_key=True)
    code: str
    name: str
    employer: str
    group_name: str
    composite: str | None
    agree: int | None
    disagree: int | None
    abstain: int | None
    outcome: str | None
    reason: str = ""
    guidance: str = ""
