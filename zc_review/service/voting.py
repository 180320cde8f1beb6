"""The secret ballot: rounds, casting, closing, tallies of complete boxes only (RULES.md §5)."""

from __future__ import annotations

import json
import random
from typing import Any

from sqlmodel import Session, select

from zc_review.domain import rules
from zc_review.domain.ballot import Choice, Tally, tally_slips  # noqa: F401
from zc_review.domain.ballot import box_fingerprint as _box_fingerprint
from zc_review.domain.model import Applicant
from zc_review.service.errors import ServiceError
from zc_review.service.permissions import Action, Role
from zc_review.service.room import Actor, new_slip_id
from zc_review.service.scoring import ScoringMixin
from zc_review.storage.models import BallotSlip, Document, PollRound, SessionState, VoterRoll
from zc_review.storage.secrecy import scrub_database


class VotingMixin(ScoringMixin):
    """Poll rounds and the ballot box.

    Disk hygiene (issue 4 §1): while a round is open its slips hold only sealed choices (AES-GCM under
    a key derived in memory from the package's device key, see seal/ballotbox.py); after every cast
    the database is scrubbed (WAL checkpointed and truncated, VACUUM), so between two casts the files
    hold the open box in the order of random ids only. Closing a round unseals the box and rewrites it
    under fresh random ids, so ids seen on the disk during the poll cannot be matched to the final box.
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        # a crash may have left a WAL holding the last cast in write order: scrub it before anything
        scrub_database(self.engine)

    @property
    def _box_key(self) -> bytes:
        key: bytes | None = getattr(self, "_box_key_cache", None)
        if key is None:
            from zc_review.seal.ballotbox import box_key

            key = self._box_key_cache = box_key(self.payload.device_key_der)
        return key

    # -- rounds ---------------------------------------------------------------------------------
    def rounds(self) -> list[PollRound]:
        with self._read() as s:
            return list(s.exec(select(PollRound).order_by(PollRound.round_no)))  # type: ignore[arg-type]

    def open_round(self) -> PollRound | None:
        return next((r for r in self.rounds() if r.status == "open"), None)

    def round_applicants(self, rnd: PollRound) -> list[str]:
        return list(json.loads(rnd.applicants_json))

    def _new_round(self, kind: str, applicant_ids: list[str], *, group_id: str = "", slots: int = 0,
                   actor: Actor, role: str) -> PollRound:
        with self._tx() as s:
            existing = s.exec(select(PollRound).where(PollRound.status == "open")).first()
            if existing is not None:
                raise ServiceError("poll_already_open", round=existing.round_no)
            last = s.exec(select(PollRound).order_by(PollRound.round_no.desc())).first()  # type: ignore[attr-defined]
            rnd = PollRound(round_no=1 if last is None else last.round_no + 1, kind=kind,
                            applicants_json=json.dumps(applicant_ids), group_id=group_id, slots=slots,
                            status="open", opened_at=self.clock())
            s.add(rnd)
            if self.defn.rehearsal:  # the zero report is made in the round's own transaction
                self._zero_report(s, rnd, actor, role)
            st = s.get(SessionState, 1)
            assert st is not None
            if st.poll_opened_at is None:
                st.poll_opened_at = self.clock()
                s.add(st)
            self._log(s, actor.person_id, role, "poll_opened",
                      {"round": rnd.round_no, "kind": kind, "applicants": len(applicant_ids)})
        return rnd

    def open_poll(self, actor: Actor) -> PollRound:
        """Open the main ballot (round 1) on every applicant.

        Requires: roll call closed with quorum, every attending reviewer pledged, every applicant's
        scoring complete. Raises: ServiceError("pledges_missing"), ("scoring_incomplete", codes),
        ("poll_already_open"). Source: RULES.md §2, §5.
        """
        self._require_roll_call()
        self._require(actor, Action.OPEN_POLL)
        if self.rounds():
            raise ServiceError("poll_already_open", round=self.rounds()[0].round_no)
        missing = [self.person_name(r) for r in self.attending_ids() if r not in self.pledged_ids()]
        if missing:
            raise ServiceError("pledges_missing", names="、".join(missing))
        incomplete = [a.code for a in self.defn.applicants if not self.scoring_complete(a.id)]
        if incomplete:
            raise ServiceError("scoring_incomplete", codes="、".join(incomplete[:10]), count=len(incomplete))
        ids = [a.id for a in sorted(self.defn.applicants, key=lambda a: a.code)]
        return self._new_round("main", ids, actor=actor, role="recorder")

    def voters_of(self, applicant_id: str) -> list[str]:
        """Reviewers entitled to vote on an applicant: attending, not recused. Source: RULES.md §2, §5."""
        recused = self.recused_ids(applicant_id)
        return [r for r in self.attending_ids() if r not in recused]

    def ballot_items(self, actor: Actor) -> list[Applicant]:
        """The applicants on ``actor``'s ballot in the open round (recused ones left out), by code.

        Raises: ServiceError("poll_not_open"), ("already_voted"), ("not_permitted"), ("pledge_missing").
        """
        rnd = self._require_can_vote(actor)
        return sorted((self.defn.applicant(a) for a in self.round_applicants(rnd)
                       if not self.is_recused(actor.person_id, a)), key=lambda a: a.code)

    def _require_can_vote(self, actor: Actor) -> PollRound:
        self._require(actor, Action.CAST_BALLOT)
        self._require_pledged(actor.person_id)
        rnd = self.open_round()
        if rnd is None:
            raise ServiceError("poll_not_open")
        if self.has_voted(actor.person_id, rnd.round_no):
            raise ServiceError("already_voted", name=actor.name)
        return rnd

    def has_voted(self, reviewer_id: str, round_no: int) -> bool:
        with self._read() as s:
            return s.get(VoterRoll, (round_no, reviewer_id)) is not None

    def cast_ballot(self, actor: Actor, choices: dict[str, Choice]) -> None:
        """Cast a secret ballot: one slip per applicant, random ids, no identity, no time, no order.

        The slips and the voter-roll entry are written in one transaction, so a crash leaves either
        both or neither (nobody can vote twice, no acknowledged ballot is lost).
        Args: choices: applicant id → Choice for exactly the applicants of ``ballot_items``.
        Raises: ServiceError("ballot_incomplete"), ("ballot_foreign_applicant"), ("already_voted"),
            ("poll_not_open"), ("ballot_agree_limit") when the optional limit is on.
        Source: RULES.md §5; 000 第二十六条(六).
        """
        with self._lock:
            rnd = self._require_can_vote(actor)
            expected = {a.id for a in self.ballot_items(actor)}
            if set(choices) - expected:
                raise ServiceError("ballot_foreign_applicant")
            if set(choices) != expected:
                raise ServiceError("ballot_incomplete", count=len(expected - set(choices)))
            parsed = {a: Choice(c) for a, c in choices.items()}
            if self.defn.rules.ballot_agree_limit and rnd.kind in ("main", "revote"):
                per_group: dict[str, int] = {}
                for a, c in parsed.items():
                    if c is Choice.AGREE:
                        g = self.defn.applicant(a).group_id
                        per_group[g] = per_group.get(g, 0) + 1
                caps = {g.id: rules.pass_cap(g.pass_rate, len(self.defn.applicants_of_group(g.id)))
                        for g in self.defn.groups}
                try:
                    rules.check_ballot_agree_limit(per_group, caps)
                except rules.RuleError as exc:
                    raise ServiceError(exc.code, **exc.params) from exc
            from zc_review.seal.ballotbox import seal_choice

            slips = []
            for a, c in parsed.items():
                sid = new_slip_id()
                slips.append(BallotSlip(id=sid, round_no=rnd.round_no, applicant_id=a,
                                        choice=seal_choice(self._box_key, sid, rnd.round_no, a, c.value)))
            random.SystemRandom().shuffle(slips)
            with self._tx() as s:
                for slip in slips:
                    s.add(slip)
                s.add(VoterRoll(round_no=rnd.round_no, reviewer_id=actor.person_id))
                self._log(s, actor.person_id, "reviewer", "ballot_cast", {"round": rnd.round_no})
            parsed.clear()
            # the cast is committed (durable); now leave no write-order trace of it in any file
            scrub_database(self.engine)

    def voters_done(self, round_no: int) -> set[str]:
        with self._read() as s:
            return {v.reviewer_id for v in s.exec(select(VoterRoll).where(VoterRoll.round_no == round_no))}

    def close_poll(self, actor: Actor, *, force: bool = False) -> PollRound:
        """Close the open round. The recorder closes when everyone entitled has voted; the presiding
        officer may close early (``force``), the missing counted as not agreeing, and the minutes say so.

        After closing, the box is fingerprinted and the database is scrubbed (WAL checkpointed and
        truncated, vacuumed) so no trace of cast order remains on disk.
        Raises: ServiceError("poll_not_open"), ("voters_missing", count), ("not_permitted").
        Source: RULES.md §5; issue 2 step 5.
        """
        self._require(actor, Action.FORCE_CLOSE_POLL if force else Action.CLOSE_POLL)
        with self._lock:
            rnd = self.open_round()
            if rnd is None:
                raise ServiceError("poll_not_open")
            entitled = {v for a in self.round_applicants(rnd) for v in self.voters_of(a)}
            missing = entitled - self.voters_done(rnd.round_no)
            if missing and not force:
                raise ServiceError("voters_missing", count=len(missing))
            with self._tx() as s:
                row = s.get(PollRound, rnd.round_no)
                assert row is not None
                row.status, row.closed_at = "closed", self.clock()
                row.closed_by_role = Role.PRESIDING.value if force else Role.RECORDER.value
                row.forced, row.missing_voters = bool(missing), len(missing)
                row.box_sha256 = box_fingerprint(self._unseal_and_rekey(s, rnd.round_no))
                s.add(row)
                self._log(s, actor.person_id, row.closed_by_role, "poll_closed",
                          {"round": rnd.round_no, "missing": len(missing), "box": row.box_sha256})
            scrub_database(self.engine)
            return row

    def _unseal_and_rekey(self, s: Session, round_no: int) -> list[BallotSlip]:
        """Replace the round's sealed slips by plain ones under fresh random ids (inside the close's
        transaction). Raises: ServiceError("ballot_box_corrupt") for a slip that does not unseal."""
        from zc_review.seal.ballotbox import is_sealed, open_choice
        from zc_review.seal.errors import SealError

        fresh = []
        for x in self._slips(s, round_no):
            try:
                choice = open_choice(self._box_key, x.id, round_no, x.applicant_id, x.choice) \
                    if is_sealed(x.choice) else x.choice
            except SealError as exc:
                raise ServiceError("ballot_box_corrupt") from exc
            fresh.append(BallotSlip(id=new_slip_id(), round_no=round_no, applicant_id=x.applicant_id, choice=choice))
            s.delete(x)
        s.flush()
        random.SystemRandom().shuffle(fresh)
        for slip in fresh:
            s.add(slip)
        s.flush()
        return fresh

    def _zero_report(self, s: Session, rnd: PollRound, actor: Actor, role: str) -> None:
        """Render the empty box's zero report (rehearsal), store it, write it beside the database, log it."""
        import hashlib as _h

        from zc_review.documents.zero_report import ZeroReportView, render_zero_report
        from zc_review.service.minutes_view import ROUND_KINDS, fmt_time

        slips = len(self._slips(s, rnd.round_no))
        roll = len(list(s.exec(select(VoterRoll).where(VoterRoll.round_no == rnd.round_no))))
        apps = json.loads(rnd.applicants_json)
        pdf = render_zero_report(ZeroReportView(
            committee_name=self.defn.committee_name, session_id=self.defn.session_id, round_no=str(rnd.round_no),
            kind=ROUND_KINDS.get(rnd.kind, rnd.kind), applicants=str(len(apps)), slips=str(slips),
            voters=str(roll), opened_at=fmt_time(rnd.opened_at), box_sha256=box_fingerprint([]),
            rehearsal=self.defn.rehearsal))
        name = f"zero-report-round-{rnd.round_no}.pdf"
        s.add(Document(name=name, content=pdf, stage="printed", updated_at=self.clock()))
        if self.workdir is not None:
            from zc_review.service.office import write_atomic

            try:  # the stored copy is the record; a file that cannot be written does not stop the vote
                write_atomic(self.workdir / name, pdf)
            except OSError:
                pass
        self._log(s, actor.person_id, role, "zero_report_printed",
                  {"round": rnd.round_no, "slips": slips, "sha256": _h.sha256(pdf).hexdigest()})

    def zero_report(self, round_no: int) -> bytes | None:
        """The zero report PDF printed when ``round_no`` opened (rehearsal sessions), or None."""
        with self._read() as s:
            doc = s.get(Document, f"zero-report-round-{round_no}.pdf")
            return None if doc is None else bytes(doc.content)

    @staticmethod
    def _slips(s: Session, round_no: int) -> list[BallotSlip]:
        return list(s.exec(select(BallotSlip).where(BallotSlip.round_no == round_no)))

    def tally(self, round_no: int) -> dict[str, Tally]:
        """Counts per applicant of one *closed* round. No tally of an open box or of a subset of voters.

        Raises: ServiceError("round_not_closed").
        Source: RULES.md §5; issue 4 §2.
        """
        with self._read() as s:
            rnd = s.get(PollRound, round_no)
            if rnd is None or rnd.status != "closed":
                raise ServiceError("round_not_closed", round=round_no)
            try:
                return tally_slips([(x.applicant_id, x.choice) for x in self._slips(s, round_no)],
                                   self.round_applicants(rnd))
            except rules.RuleError as exc:
                raise ServiceError("ballot_box_corrupt") from exc

    def void_round(self, chair: Actor, supervisor: Actor, round_no: int, reason: str) -> PollRound:
        """Void a closed round (chair and supervisor together, written reason) and open its re-vote.

        Raises: ServiceError("not_permitted"), ("reason_required"), ("round_not_closed").
        Source: issue 4 §4.
        """
        roles = self._require(chair, Action.VOID_ROUND) | self._require(supervisor, Action.VOID_ROUND)
        if Role.CHAIR not in self.roles_of(chair.person_id) and Role.PRESIDING not in self.roles_of(chair.person_id):
            raise ServiceError("not_permitted", action="void_round")
        if Role.SUPERVISOR not in self.roles_of(supervisor.person_id) or not roles:
            raise ServiceError("not_permitted", action="void_round")
        if not reason.strip():
            raise ServiceError("reason_required")
        if self.state().results_final_at is not None:
            raise ServiceError("results_final")
        with self._tx() as s:
            rnd = s.get(PollRound, round_no)
            if rnd is None or rnd.status != "closed":
                raise ServiceError("round_not_closed", round=round_no)
            rnd.status, rnd.void_reason = "void", reason.strip()
            s.add(rnd)
            self._log(s, chair.person_id, "chair", "round_voided",
                      {"round": round_no, "witness": supervisor.person_id})
        kind = "runoff" if rnd.kind == "runoff" else "revote"
        return self._new_round(kind, self.round_applicants(rnd), group_id=rnd.group_id, slots=rnd.slots,
                               actor=chair, role="chair")




def box_fingerprint(slips: list[BallotSlip]) -> str:
    """SHA-256 over the box's slips sorted by id (domain.ballot.box_fingerprint). Printed in the minutes."""
    return _box_fingerprint((x.id, x.applicant_id, x.choice) for x in slips)
