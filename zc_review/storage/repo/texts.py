"""Texts written in the room: panel opinions, failure reasons and guidance, disagreement explanations."""

from __future__ import annotations

from sqlmodel import Session, select

from zc_review.storage.models import FailureReason, FlagExplanation, PanelOpinion


def opinions(*, session: Session) -> list[PanelOpinion]:
    """Every panel opinion (one per applicant)."""
    return list(session.exec(select(PanelOpinion)))


def failure_reasons(*, session: Session) -> list[FailureReason]:
    """Every failure reason with its guidance (one per failed applicant)."""
    return list(session.exec(select(FailureReason)))


def flag_explanations(*, session: Session) -> list[FlagExplanation]:
    """Every reviewer's explanation of a flagged disagreement."""
    return list(session.exec(select(FlagExplanation)))
