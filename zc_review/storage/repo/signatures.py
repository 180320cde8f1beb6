"""Signed statements: pledges, rubric sign-offs and results sign-offs."""

from __future__ import annotations

from sqlmodel import Session, select

from zc_review.storage.models import Signature


def signatures(*, session: Session, kind: str, subject: str | None = None) -> list[Signature]:
    """Signatures of ``kind`` (pledge | rubric | results), optionally of one subject, in signing order."""
    q = select(Signature).where(Signature.kind == kind)
    if subject is not None:
        q = q.where(Signature.subject == subject)
    return list(session.exec(q.order_by(Signature.id)))  # type: ignore[arg-type]


def conflicting_signature(*, session: Session, kind: str, subject: str, person_id: str, role: str) -> Signature | None:
    """A signature of the same kind and subject by the same person or in the same role, or None."""
    return session.exec(select(Signature).where(
        Signature.kind == kind, Signature.subject == subject,
        (Signature.person_id == person_id) | (Signature.role == role))).first()
