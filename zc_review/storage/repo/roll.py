"""Who is in the room and the session's own state: attendance, credential attempts, session state."""

from __future__ import annotations

from sqlmodel import Session, select

from zc_review.storage.models import Attendance, CredentialState, SessionState


def attendance(*, session: Session) -> dict[str, bool]:
    """Roll-call marks: reviewer id → attending (True) or absent (False); unmarked reviewers are missing."""
    return {a.reviewer_id: a.attending for a in session.exec(select(Attendance))}


def credential_state(*, session: Session, person_id: str) -> CredentialState:
    """The person's wrong-attempt counter and lock (a fresh, unsaved row when none exists yet)."""
    return session.get(CredentialState, person_id) or CredentialState(person_id=person_id)


def session_state(*, session: Session) -> SessionState | None:
    """The one SessionState row (id 1), or None before the session's first open."""
    return session.get(SessionState, 1)
