"""Recusals (回避): pre-declared and added in the room; never removed."""

from __future__ import annotations

from sqlmodel import Session, select

from zc_review.storage.models import Recusal


def recusals(*, session: Session) -> list[Recusal]:
    """Every recusal in the order recorded."""
    return list(session.exec(select(Recusal).order_by(Recusal.id)))  # type: ignore[arg-type]
