"""All tables of the session database (SQLModel over SQLite): what the room records, as it happens.

The session definition itself (roster, dossiers, rubrics) is never stored here: it stays inside the
encrypted package and is decrypted in memory at each open. Ballot slips live in a WITHOUT ROWID table
keyed by a random id, so the table's physical order is the order of random ids, not of casting;
the roll of who has voted is a separate table (RULES.md §5; issue 4).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, LargeBinary, UniqueConstraint
from sqlmodel import Field, SQLModel


class SessionState(SQLModel, table=True):
    """The one row describing this room's session and how far it has come."""

    id: int = Field(default=1, primary_key=True)
    session_id: str
    package_id: str
    package_sha256: str
    opened_at: datetime
    roll_call_closed_at: datetime | None = None
    presiding_officer_id: str | None = None
    poll_opened_at: datetime | None = None
    results_final_at: datetime | None = None
    closed_at: datetime | None = None


class Attendance(SQLModel, table=True):
    """Roll call (点名): one row per reviewer marked attending or absent."""

    reviewer_id: str = Field(primary_key=True)
    attending: bool
    marked_at: datetime


class Signature(SQLModel, table=True):
    """A signed statement by a person with their credential's key (pledge, rubric, result sign-off).

    ``kind``: pledge | rubric | results. ``subject``: what was signed (panel id for a rubric,
    empty otherwise). ``role``: the role signed in. ``statement``: the exact UTF-8 bytes signed;
    ``signature``: DER ECDSA P-256 over them.
    """

    __table_args__ = (UniqueConstraint("kind", "subject", "person_id"), UniqueConstraint("kind", "subject", "role"))
    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(index=True)
    subject: str = ""
    role: str
    person_id: str
    signed_at: datetime
    statement: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    signature: bytes = Field(sa_column=Column(LargeBinary, nullable=False))


class Recusal(SQLModel, table=True):
    """A recusal (回避): pre-declared by the office or added in the room; never removed."""

    __table_args__ = (UniqueConstraint("reviewer_id", "applicant_id"),)
    id: int | None = Field(default=None, primary_key=True)
    reviewer_id: str
    applicant_id: str
    reason: str
    source: str  # predeclared | room
    recorded_at: datetime


class ScoreSheet(SQLModel, table=True):
    """One version of one reviewer's scores for one applicant. Every version is kept.

    ``values_json``: canonical JSON {criterion_id: "18.5" | null (N/A)}. ``status``: draft |
    submitted | returned. A submitted sheet is locked: a change needs a new version.
    """

    __table_args__ = (UniqueConstraint("reviewer_id", "applicant_id", "version"),)
    id: int | None = Field(default=None, primary_key=True)
    reviewer_id: str = Field(index=True)
    applicant_id: str = Field(index=True)
    version: int
    status: str
    rubric_id: str
    rubric_version: str
    values_json: str
    saved_at: datetime
    submitted_at: datetime | None = None
    return_reason: str = ""


class PollRound(SQLModel, table=True):
    """A numbered ballot round: the main vote, a run-off at the cap's edge, or a re-vote."""

    round_no: int = Field(primary_key=True)
    kind: str  # main | runoff | revote
    applicants_json: str  # JSON list of applicant ids on this round's ballot
    group_id: str = ""  # for a run-off: the group whose edge is tied
    slots: int = 0  # for a run-off: how many of the tied may pass
    status: str  # open | closed | void
    opened_at: datetime
    closed_at: datetime | None = None
    closed_by_role: str = ""
    forced: bool = False  # closed by the chair before everyone voted
    missing_voters: int = 0
    void_reason: str = ""
    box_sha256: str = ""  # fingerprint of the closed box


class BallotSlip(SQLModel, table=True):
    """One choice for one applicant, cut from a ballot: random id, no reviewer, no time, no order.

    WITHOUT ROWID keeps the rows in the B-tree order of the random ``id``. No index on ``round_no``: a
    round's slips are read whole (a scan), and an index is one more B-tree to write on every cast and to
    rebuild on every scrub (it was the largest part of the VACUUM after each cast at a province's size).
    """

    __table_args__ = {"sqlite_with_rowid": False}
    id: str = Field(primary_key=True)  # 32 hex chars from secrets.token_hex(16)
    round_no: int
    applicant_id: str
    choice: str  # agree | disagree | abstain


class VoterRoll(SQLModel, table=True):
    """Who has voted in which round; kept apart from the ballot box and holding no choice."""

    round_no: int = Field(primary_key=True)
    reviewer_id: str = Field(primary_key=True)


class PanelOpinion(SQLModel, table=True):
    """The panel's written opinion (评议意见) on an applicant, entered by the panel leader."""

    applicant_id: str = Field(primary_key=True)
    text: str
    author_id: str
    written_at: datetime


class FailureReason(SQLModel, table=True):
    """Reason for failure and improvement guidance (淘汰原因 / 努力方向) for a failed applicant."""

    applicant_id: str = Field(primary_key=True)
    reason: str
    guidance: str
    author_id: str
    written_at: datetime


class Document(SQLModel, table=True):
    """A generated document, e.g. the minutes PDF, with its signing stage."""

    name: str = Field(primary_key=True)
    content: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    stage: str  # unsigned | recorder | presiding
    updated_at: datetime


class CredentialState(SQLModel, table=True):
    """Wrong credential entries in a row per person, the time of the last one, and the lock (issue 12 §3).

    ``failures`` counts wrong entries since the person's last right one (or the last lift); the wait it
    imposes runs from ``last_failure_at`` (the room's clock, UTC), so it survives a restart; ``locked`` is
    set at the limit and cleared only by a lift (service/room/credentials.py has the policy).
    """

    person_id: str = Field(primary_key=True)
    failures: int = 0
    locked: bool = False
    last_failure_at: datetime | None = None


class LogEntry(SQLModel, table=True):
    """The hash-chained action log: who, role, what, when; never a ballot's content or a secret."""

    seq: int = Field(primary_key=True)
    at: datetime
    actor_id: str
    role: str
    action: str
    detail_json: str
    prev_hash: str
    hash: str


class Export(SQLModel, table=True):
    """A bundle exported and read back successfully."""

    id: int | None = Field(default=None, primary_key=True)
    path: str
    fingerprint: str
    exported_at: datetime


class SealedBundle(SQLModel, table=True):
    """The result bundle as first sealed: every later export writes exactly these bytes (issue 12 §5).

    One row: the bytes, the package id they answer (a package re-issued by ``office recover`` seals anew)
    and their fingerprint. Stored before the first write to the stick, so no second valid bundle of the
    session can ever come from this database.
    """

    id: int = Field(default=1, primary_key=True)
    package_id: str
    fingerprint: str
    sealed_at: datetime
    content: bytes = Field(sa_column=Column(LargeBinary, nullable=False))


class FlagExplanation(SQLModel, table=True):
    """A reviewer's written explanation of a flagged disagreement (issue 5 §4); never changes a score.

    One row per (applicant, reviewer); a later explanation replaces the text (each is logged).
    """

    applicant_id: str = Field(primary_key=True)
    reviewer_id: str = Field(primary_key=True)
    text: str
    written_at: datetime


class PaperSheet(SQLModel, table=True):
    """A paper score sheet being double-keyed (issue 14): one reviewer's sheet for one applicant.

    ``first_*`` and ``second_*``: each keying's staff member, values (canonical JSON {criterion_id: "18.5"
    | null}) and time. ``mismatches_json``: every differing cell, [{criterion, first, second, settled,
    settled_by [two ids], settled_at}] (settled null until settled). ``confirmed_*``: who confirmed (the
    reviewer or the supervisor) and when; ``sheet_version``: the ScoreSheet version it became. A keyed
    value is never overwritten: a settlement adds its value beside the two keyed ones.
    """

    sheet_id: str = Field(primary_key=True)
    reviewer_id: str = Field(index=True)
    applicant_id: str = Field(index=True)
    rubric_id: str
    rubric_version: str
    check_code: str
    first_keyer: str
    first_values_json: str
    first_at: datetime
    second_keyer: str | None = None
    second_values_json: str | None = None
    second_at: datetime | None = None
    mismatches_json: str = "[]"
    confirmed_by: str | None = None
    confirmed_role: str | None = None
    confirmed_at: datetime | None = None
    sheet_version: int | None = None
