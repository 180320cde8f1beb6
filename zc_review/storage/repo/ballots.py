"""Poll rounds, the ballot box's slips and the voter roll (kept apart from the slips)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlmodel import Session, select

from zc_review.storage.models import BallotSlip, PollRound, VoterRoll


def rounds(*, session: Session) -> list[PollRound]:
    """Every poll round by number."""
    return list(session.exec(select(PollRound).order_by(PollRound.round_no)))  # type: ignore[arg-type]


def round_by_no(*, session: Session, round_no: int) -> PollRound | None:
    """The round numbered ``round_no``, or None."""
    return session.get(PollRound, round_no)


def open_round(*, session: Session) -> PollRound | None:
    """The round now open, or None."""
    return session.exec(select(PollRound).where(PollRound.status == "open")).first()


def last_round(*, session: Session) -> PollRound | None:
    """The highest-numbered round, or None before the first poll."""
    return session.exec(select(PollRound).order_by(PollRound.round_no.desc())).first()  # type: ignore[attr-defined]


def add_round(*, session: Session, rnd: PollRound) -> PollRound:
    """Add a new round row."""
    session.add(rnd)
    return rnd


def slips_of_round(*, session: Session, round_no: int) -> list[BallotSlip]:
    """The round's slips in key (random id) order."""
    return list(session.exec(select(BallotSlip).where(BallotSlip.round_no == round_no)))


def add_slips(*, session: Session, slips: Iterable[BallotSlip]) -> None:
    """Add slips to the box (the caller shuffles them first)."""
    for slip in slips:
        session.add(slip)


def replace_slips(*, session: Session, old: Iterable[BallotSlip], new: Iterable[BallotSlip]) -> None:
    """Delete ``old`` slips and add ``new`` ones in the same transaction (re-keying a box at close)."""
    for x in old:
        session.delete(x)
    session.flush()
    for slip in new:
        session.add(slip)
    session.flush()


def voters_of_round(*, session: Session, round_no: int) -> set[str]:
    """Reviewer ids on the voter roll of ``round_no`` (who has voted; never how)."""
    return {v.reviewer_id for v in session.exec(select(VoterRoll).where(VoterRoll.round_no == round_no))}


def voted(*, session: Session, round_no: int, reviewer_id: str) -> bool:
    """True when ``reviewer_id`` is on the voter roll of ``round_no``."""
    return session.get(VoterRoll, (round_no, reviewer_id)) is not None


def add_voter(*, session: Session, round_no: int, reviewer_id: str) -> VoterRoll:
    """Put ``reviewer_id`` on the voter roll of ``round_no``."""
    row = VoterRoll(round_no=round_no, reviewer_id=reviewer_id)
    session.add(row)
    return row
