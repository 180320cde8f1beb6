"""Poll rounds, the ballot box's slips and the voter roll (kept apart from the slips)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import delete
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


#: One slip as the box holds it: (random id, applicant id, choice: sealed while open, plain after close).
SlipRow = tuple[str, str, str]


def slips_of_round(*, session: Session, round_no: int) -> list[SlipRow]:
    """The round's slips as (id, applicant id, choice), in key (random id) order.

    Plain tuples, not table rows: a province's box holds 60,000 slips (issue 9), read at the close and by
    the record; building an ORM object per slip cost more than the query."""
    query = select(BallotSlip.id, BallotSlip.applicant_id, BallotSlip.choice).where(
        BallotSlip.round_no == round_no).order_by(BallotSlip.id)
    return [(r[0], r[1], r[2]) for r in session.exec(query)]


def add_slips(*, session: Session, round_no: int, slips: Iterable[SlipRow]) -> None:
    """Add slips (id, applicant id, sealed choice) to the box of ``round_no`` in one statement, in the order
    given (the caller shuffles them first)."""
    rows = [(i, round_no, a, c) for i, a, c in slips]
    if rows:  # the driver's executemany: a closing box re-keys 60,000 slips (issue 9)
        session.connection().exec_driver_sql(
            "INSERT INTO ballotslip (id, round_no, applicant_id, choice) VALUES (?, ?, ?, ?)", rows)


def replace_slips(*, session: Session, round_no: int, new: Iterable[SlipRow]) -> None:
    """Delete every slip of ``round_no`` and add ``new`` ones in the same transaction (re-keying a box at
    close); with secure_delete on, the deleted rows' bytes are overwritten."""
    session.exec(delete(BallotSlip).where(BallotSlip.round_no == round_no))  # type: ignore[arg-type]
    add_slips(session=session, round_no=round_no, slips=new)


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
