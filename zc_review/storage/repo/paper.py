"""Paper score sheets being double-keyed (issue 14): one row per printed sheet keyed so far."""

from __future__ import annotations

from sqlmodel import Session, select

from zc_review.storage.models import PaperSheet


def paper_sheet(*, session: Session, sheet_id: str) -> PaperSheet | None:
    """The keyed paper sheet with id ``sheet_id``, or None when nobody keyed it yet."""
    return session.get(PaperSheet, sheet_id)


def paper_sheets(*, session: Session) -> list[PaperSheet]:
    """Every keyed paper sheet, ordered by sheet id (the raw record's order)."""
    return list(session.exec(select(PaperSheet).order_by(PaperSheet.sheet_id)))
