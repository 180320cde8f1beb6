"""Score sheets: every version of every reviewer's sheet for every applicant."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Row
from sqlmodel import Session, select

from zc_review.storage.models import ScoreSheet


def current_sheet(*, session: Session, reviewer_id: str, applicant_id: str) -> ScoreSheet | None:
    """The newest version of one reviewer's sheet for one applicant, or None."""
    return session.exec(select(ScoreSheet).where(ScoreSheet.reviewer_id == reviewer_id,
                                                 ScoreSheet.applicant_id == applicant_id)
                        .order_by(ScoreSheet.version.desc())).first()  # type: ignore[attr-defined]


def current_sheets(*, session: Session) -> dict[tuple[str, str], ScoreSheet]:
    """(reviewer id, applicant id) → the newest version of that sheet, for every sheet (one query)."""
    out: dict[tuple[str, str], ScoreSheet] = {}
    for sh in session.exec(select(ScoreSheet).order_by(ScoreSheet.version)):  # type: ignore[arg-type]
        out[(sh.reviewer_id, sh.applicant_id)] = sh
    return out


def sheet_versions(*, session: Session, reviewer_id: str, applicant_id: str) -> list[ScoreSheet]:
    """Every version of one reviewer's sheet for one applicant, oldest first."""
    return list(session.exec(select(ScoreSheet).where(ScoreSheet.reviewer_id == reviewer_id,
                                                      ScoreSheet.applicant_id == applicant_id)
                             .order_by(ScoreSheet.version)))  # type: ignore[arg-type]


def all_sheets(*, session: Session) -> list[Row[Any]]:
    """Every sheet version, ordered by reviewer, applicant and version (the raw record's order).

    Rows of the table's columns (read by attribute: ``sh.reviewer_id``, ``sh.values_json``, ...), not table
    objects: the record reads 10,000 sheets at a province's size (issue 9), read-only."""
    cols = [c for c in ScoreSheet.__table__.columns]  # type: ignore[attr-defined]
    return list(session.exec(select(*cols).order_by(
        ScoreSheet.reviewer_id, ScoreSheet.applicant_id, ScoreSheet.version)))
