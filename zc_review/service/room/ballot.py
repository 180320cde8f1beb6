"""The secret ballot: rounds, casting, closing, tallies of complete boxes only (RULES.md §5)."""

from __future__ import annotations

import json
import random
from typing import Any

from zc_review.domain import rules
from zc_review.domain.ballot import Choice, Tally, tally_slips
from zc_review.domain.ballot import box_fingerprint as _box_fingerprint
from zc_review.domain.model import Applicant
from zc_review.domain.tally import agreed_tallies
from zc_review.i18n import join_list
from zc_review.service.errors import ServiceError
from zc_review.service.room.context import Actor, RoomContext, new_slip_ids
from zc_review.service.room.opening import Opening
from zc_review.service.room.paper_ballot import is_paper, require_closable, round_tally
from zc_review.service.room.permissions import Action, Role
from zc_review.service.room.scoring import Scoring
from zc_review.storage import repo
from zc_review.storage.models import PollRound
from zc_review.storage.repo.ballots import SlipRow
from zc_review.storage.secrecy import scrub_database


class Ballot:
    """Poll rounds and the ballot box, and the finality of the results (decided when a round closes).

    Disk hygiene (issue 4 §1): while a round is open its slips hold only sealed choices (AES-GCM under
    a key derived in memory from the package's device key, see seal/ballotbox.py); after every cast
    the database is scrubbed (WAL checkpointed and truncated, VACUUM), so between two casts the files
    hold the open box in the order of random ids only. Closing a round unseals the box and rewrites it
    under fresh random ids, so ids seen on the disk during the poll cannot be matched to the final box.
    """

    def __init__(self, ctx: RoomContext, opening: Opening, scoring: Scoring) -> None:
        self.ctx = ctx
        self.opening = opening
        self.scoring = scoring
        # a crash may have left a WAL holding the last cast in write order: scrub it before anything
        scrub_database(ctx.engine)
        # a crash between a round's close and the finality commit: settle it now (a command, at open)
        self.settle_finality()

    # -- rounds ---------------------------------------------------------------------------------
    def rounds(self) -> list[PollRound]:
        """Every poll round by number (memoised per state change)."""
        def load() -> list[PollRound]:
            with self.ctx.read() as s:
                return repo.rounds(session=s)
        return list(self.ctx.memo("rounds", load))

    def open_round(self) -> PollRound | None:
        """The round now open, or None."""
        return next((r for r in self.rounds() if r.status == "open"), None)

    def round_applicants(self, rnd: PollRound) -> list[str]:
        """The applicant ids on a round's ballot."""
        return list(json.loads(rnd.applicants_json))

    def new_round(self, kind: str, applicant_ids: list[str], *, group_id: str = "", slots: int = 0,
                  actor: Actor, role: str) -> PollRound:
        """Open a new round of ``kind`` (main | runoff | revote) on ``applicant_ids``; logged.

        Raises: ServiceError("poll_already_open").
        """
        with self.ctx.tx() as s:
            existing = repo.open_round(session=s)
            if existing is not None:
                raise ServiceError("poll_already_open", round=existing.round_no)
            last = repo.last_round(session=s)
            rnd = PollRound(round_no=1 if last is None else last.round_no + 1, kind=kind,
                            applicants_json=json.dumps(applicant_ids), group_id=group_id, slots=slots,
                            status="open", opened_at=self.ctx.clock())
            repo.put(session=s, row=rnd)
            if self.ctx.defn.rehearsal:  # the zero report is made in the round's own transaction
                self._zero_report(s, rnd, actor, role)
            st = repo.session_state(session=s)
            assert st is not None
            if st.poll_opened_at is None:
                st.poll_opened_at = self.ctx.clock()
                repo.put(session=s, row=st)
            self.ctx.log(s, actor.person_id, role, "poll_opened",
                      {"round": rnd.round_no, "kind": kind, "applicants": len(applicant_ids)})
        return rnd

    def open_poll(self, actor: Actor) -> PollRound:
        """Open the main ballot (round 1) on every applicant.

        Requires: roll call closed with quorum, every attending reviewer pledged, every applicant's
        scoring complete. Raises: ServiceError("pledges_missing"), ("scoring_incomplete", codes),
        ("poll_already_open"). Source: RULES.md §2, §5.
        """
        self.opening.require_roll_call()
        self.ctx.require(actor, Action.OPEN_POLL)
        if self.rounds():
            raise ServiceError("poll_already_open", round=self.rounds()[0].round_no)
        missing = [self.ctx.person_name(r) for r in self.ctx.attending_ids() if r not in self.opening.pledged_ids()]
        if missing:
            raise ServiceError("pledges_missing", names=join_list(missing))
        incomplete = [a.code for a in self.ctx.defn.applicants if not self.scoring.scoring_complete(a.id)]
        if incomplete:
            raise ServiceError("scoring_incomplete", codes=join_list(incomplete[:10]), count=len(incomplete))
        ids = [a.id for a in sorted(self.ctx.defn.applicants, key=lambda a: a.code)]
        return self.new_round("main", ids, actor=actor, role="recorder")

    def voters_of(self, applicant_id: str) -> list[str]:
        """Reviewers entitled to vote on an applicant: attending, not recused. Source: RULES.md §2, §5."""
        recused = self.ctx.recused_ids(applicant_id)
        return [r for r in self.ctx.attending_ids() if r not in recused]

    def entitled_voters(self) -> list[str]:
        """Reviewers entitled to vote in the open round, in roster order: attending and not recused from every
        applicant on its ballot (the set ``close_poll`` waits for); ``[]`` when no round is open.

        Computed from one read of the recusals. Source: RULES.md §2, §5.
        """
        rnd = self.open_round()
        if rnd is None:
            return []
        applicants = set(self.round_applicants(rnd))
        recused: dict[str, set[str]] = {}
        for rc in self.ctx.recusals():
            recused.setdefault(rc.reviewer_id, set()).add(rc.applicant_id)
        return [r for r in self.ctx.attending_ids() if not applicants <= recused.get(r, set())]

    def ballot_items(self, actor: Actor) -> list[Applicant]:
        """The applicants on ``actor``'s ballot in the open round (recused ones left out), by code.

        Raises: ServiceError("poll_not_open"), ("already_voted"), ("not_permitted"), ("pledge_missing").
        """
        return self._ballot_of(actor, self._require_can_vote(actor))

    def _ballot_of(self, actor: Actor, rnd: PollRound) -> list[Applicant]:
        """The applicants of ``rnd`` that ``actor`` votes on, by code: one read of the recusals, one look-up
        per applicant (a province's ballot has 2,000 applicants: issue 9)."""
        recused = {r.applicant_id for r in self.ctx.recusals() if r.reviewer_id == actor.person_id}
        d = self.ctx.defn
        return sorted((d.applicant(a) for a in self.round_applicants(rnd) if a not in recused), key=lambda a: a.code)

    def _require_can_vote(self, actor: Actor) -> PollRound:
        self.ctx.require(actor, Action.CAST_BALLOT)
        if is_paper(self.ctx):  # the ballot is on paper: the tellers key its counts (room.tally)
            raise ServiceError("ballot_mode_paper")
        self.opening.require_pledged(actor.person_id)
        rnd = self.open_round()
        if rnd is None:
            raise ServiceError("poll_not_open")
        if self.has_voted(actor.person_id, rnd.round_no):
            raise ServiceError("already_voted", name=actor.name)
        return rnd

    def has_voted(self, reviewer_id: str, round_no: int) -> bool:
        """True when ``reviewer_id`` is on the voter roll of ``round_no``."""
        with self.ctx.read() as s:
            return repo.voted(session=s, round_no=round_no, reviewer_id=reviewer_id)

    def cast_ballot(self, actor: Actor, choices: dict[str, Choice]) -> None:
        """Cast a secret ballot: one slip per applicant, random ids, no identity, no time, no order.

        The slips and the voter-roll entry are written in one transaction, so a crash leaves either
        both or neither (nobody can vote twice, no acknowledged ballot is lost).
        Args: choices: applicant id → Choice for exactly the applicants of ``ballot_items``.
        Raises: ServiceError("ballot_incomplete"), ("ballot_foreign_applicant"), ("already_voted"),
            ("poll_not_open"), ("ballot_agree_limit") when the optional limit is on.
        Source: RULES.md §5; 000 第二十六条(六).
        """
        with self.ctx.lock:
            rnd = self._require_can_vote(actor)
            expected = {a.id for a in self._ballot_of(actor, rnd)}
            if set(choices) - expected:
                raise ServiceError("ballot_foreign_applicant")
            if set(choices) != expected:
                raise ServiceError("ballot_incomplete", count=len(expected - set(choices)))
            parsed = {a: Choice(c) for a, c in choices.items()}
            if self.ctx.defn.rules.ballot_agree_limit and rnd.kind in ("main", "revote"):
                per_group: dict[str, int] = {}
                for a, c in parsed.items():
                    if c is Choice.AGREE:
                        g = self.ctx.defn.applicant(a).group_id
                        per_group[g] = per_group.get(g, 0) + 1
                caps = {g.id: rules.pass_cap(g.pass_rate, len(self.ctx.defn.applicants_of_group(g.id)))
                        for g in self.ctx.defn.groups}
                try:
                    rules.check_ballot_agree_limit(per_group, caps)
                except rules.RuleError as exc:
                    raise ServiceError(exc.code, **exc.params) from exc
            from zc_review.seal.ballotbox import seal_choices

            plain = [(sid, a, c.value) for sid, (a, c) in zip(new_slip_ids(len(parsed)), parsed.items(), strict=True)]
            sealed = seal_choices(self.ctx.box_key, rnd.round_no, plain)
            slips = [(sid, a, sc) for (sid, a, _c), sc in zip(plain, sealed, strict=True)]
            plain.clear()
            random.SystemRandom().shuffle(slips)
            # the outcome reads closed rounds only (an open round's slips and voters are not in it): a cast keeps
            # it, so a voter's return to the ballot screen does not compute it again (at 2,000 applicants, 0.8 s)
            with self.ctx.tx(keep=("outcome",)) as s:
                repo.add_slips(session=s, round_no=rnd.round_no, slips=slips)
                repo.add_voter(session=s, round_no=rnd.round_no, reviewer_id=actor.person_id)
                self.ctx.log(s, actor.person_id, "reviewer", "ballot_cast", {"round": rnd.round_no})
            parsed.clear()
            # the cast is committed (durable); now leave no write-order trace of it in any file
            scrub_database(self.ctx.engine)

    def voters_done(self, round_no: int) -> set[str]:
        """Who has voted in ``round_no`` (the voter roll; never how)."""
        with self.ctx.read() as s:
            return repo.voters_of_round(session=s, round_no=round_no)

    def close_poll(self, actor: Actor, *, force: bool = False) -> PollRound:
        """Close the open round. The recorder closes when everyone entitled has voted; the presiding
        officer may close early (``force``), the missing counted as not agreeing, and the minutes say so.

        After closing, the box is fingerprinted and the database is scrubbed (WAL checkpointed and
        truncated, vacuumed) so no trace of cast order remains on disk.
        Raises: ServiceError("poll_not_open"), ("voters_missing", count), ("not_permitted").
        Source: RULES.md §5; issue 2 step 5.
        """
        self.ctx.require(actor, Action.FORCE_CLOSE_POLL if force else Action.CLOSE_POLL)
        with self.ctx.lock:
            rnd = self.open_round()
            if rnd is None:
                raise ServiceError("poll_not_open")
            if is_paper(self.ctx):  # the counts both tellers agreed and the supervisor witnessed
                require_closable(self.ctx, rnd)
                missing: set[str] = set()
            else:
                missing = set(self.entitled_voters()) - self.voters_done(rnd.round_no)
            if missing and not force:
                raise ServiceError("voters_missing", count=len(missing))
            with self.ctx.tx() as s:
                row = repo.round_by_no(session=s, round_no=rnd.round_no)
                assert row is not None
                row.status, row.closed_at = "closed", self.ctx.clock()
                row.closed_by_role = Role.PRESIDING.value if force else Role.RECORDER.value
                row.forced, row.missing_voters = bool(missing), len(missing)
                row.box_sha256 = box_fingerprint(self._unseal_and_rekey(s, rnd.round_no))
                repo.put(session=s, row=row)
                self.ctx.log(s, actor.person_id, row.closed_by_role, "poll_closed",
                          {"round": rnd.round_no, "missing": len(missing), "box": row.box_sha256})
            scrub_database(self.ctx.engine)
        self.settle_finality()
        return row

    def _unseal_and_rekey(self, s: Any, round_no: int) -> list[SlipRow]:
        """Replace the round's sealed slips by plain ones under fresh random ids (inside the close's
        transaction): one read of the box, one delete, one insert. Raises: ServiceError("ballot_box_corrupt")
        for a slip that does not unseal."""
        from zc_review.seal.ballotbox import is_sealed, open_choices
        from zc_review.seal.errors import SealError

        old = self._slips(s, round_no)
        sealed = [x for x in old if is_sealed(x[2])]
        try:
            opened = dict(zip((x[0] for x in sealed), open_choices(self.ctx.box_key, round_no, sealed), strict=True))
        except SealError as exc:
            raise ServiceError("ballot_box_corrupt") from exc
        fresh = [(sid, a, opened.get(i, c)) for sid, (i, a, c) in zip(new_slip_ids(len(old)), old, strict=True)]
        opened.clear()
        # written in the order of the fresh random ids: a random order, unrelated to the old ids (hence to the
        # casts), and the key order the table keeps anyway, so the insert appends to the B-tree
        fresh.sort()
        repo.replace_slips(session=s, round_no=round_no, new=fresh)
        return fresh

    def _zero_report(self, s: Any, rnd: PollRound, actor: Actor, role: str) -> None:
        """Render the empty box's zero report (rehearsal), store it, write it beside the database, log it."""
        import hashlib as _h

        from zc_review.documents.zero_report import ZeroReportView, render_zero_report
        from zc_review.service.room.minutes_view import ROUND_KINDS, fmt_time

        slips = len(self._slips(s, rnd.round_no))
        roll = len(repo.voters_of_round(session=s, round_no=rnd.round_no))
        apps = json.loads(rnd.applicants_json)
        pdf = render_zero_report(ZeroReportView(
            committee_name=self.ctx.defn.committee_name, session_id=self.ctx.defn.session_id, round_no=str(rnd.round_no),
            kind=ROUND_KINDS.get(rnd.kind, rnd.kind), applicants=str(len(apps)), slips=str(slips),
            voters=str(roll), opened_at=fmt_time(rnd.opened_at), box_sha256=box_fingerprint([]),
            rehearsal=self.ctx.defn.rehearsal))
        name = f"zero-report-round-{rnd.round_no}.pdf"
        repo.put_document(session=s, name=name, content=pdf, stage="printed", at=self.ctx.clock())
        if self.ctx.workdir is not None:
            from zc_review.service.atomic import write_atomic

            try:  # the stored copy is the record; a file that cannot be written does not stop the vote
                write_atomic(self.ctx.workdir / name, pdf)
            except OSError:
                pass
        self.ctx.log(s, actor.person_id, role, "zero_report_printed",
                  {"round": rnd.round_no, "slips": slips, "sha256": _h.sha256(pdf).hexdigest()})

    def zero_report(self, round_no: int) -> bytes | None:
        """The zero report PDF printed when ``round_no`` opened (rehearsal sessions), or None."""
        with self.ctx.read() as s:
            doc = repo.document(session=s, name=f"zero-report-round-{round_no}.pdf")
            return None if doc is None else bytes(doc.content)

    @staticmethod
    def _slips(s: Any, round_no: int) -> list[SlipRow]:
        return repo.slips_of_round(session=s, round_no=round_no)

    def tally(self, round_no: int) -> dict[str, Tally]:
        """Counts per applicant of one *closed* round. No tally of an open box or of a subset of voters.

        Raises: ServiceError("round_not_closed").
        Source: RULES.md §5; issue 4 §2.
        """
        with self.ctx.read() as s:
            rnd = repo.round_by_no(session=s, round_no=round_no)
            if rnd is None or rnd.status != "closed":
                raise ServiceError("round_not_closed", round=round_no)
        if is_paper(self.ctx):  # the counts both tellers agreed (domain.tally.agreed_tallies)
            try:
                return agreed_tallies(round_tally(self.ctx, rnd)["agreed"], self.round_applicants(rnd))
            except rules.RuleError as exc:
                raise ServiceError("ballot_box_corrupt") from exc
        with self.ctx.read() as s:
            try:
                return tally_slips([(x[1], x[2]) for x in self._slips(s, round_no)],
                                   self.round_applicants(rnd))
            except rules.RuleError as exc:
                raise ServiceError("ballot_box_corrupt") from exc

    def void_round(self, chair: Actor, supervisor: Actor, round_no: int, reason: str) -> PollRound:
        """Void a closed round (chair and supervisor together, written reason) and open its re-vote.

        Raises: ServiceError("not_permitted"), ("reason_required"), ("round_not_closed").
        Source: issue 4 §4.
        """
        roles = self.ctx.require(chair, Action.VOID_ROUND) | self.ctx.require(supervisor, Action.VOID_ROUND)
        if Role.CHAIR not in self.ctx.roles_of(chair.person_id) and Role.PRESIDING not in self.ctx.roles_of(chair.person_id):
            raise ServiceError("not_permitted", action="void_round")
        if Role.SUPERVISOR not in self.ctx.roles_of(supervisor.person_id) or not roles:
            raise ServiceError("not_permitted", action="void_round")
        if not reason.strip():
            raise ServiceError("reason_required")
        if self.ctx.state().results_final_at is not None:
            raise ServiceError("results_final")
        with self.ctx.tx() as s:
            rnd = repo.round_by_no(session=s, round_no=round_no)
            if rnd is None or rnd.status != "closed":
                raise ServiceError("round_not_closed", round=round_no)
            rnd.status, rnd.void_reason = "void", reason.strip()
            repo.put(session=s, row=rnd)
            self.ctx.log(s, chair.person_id, "chair", "round_voided",
                      {"round": round_no, "witness": supervisor.person_id})
        kind = "runoff" if rnd.kind == "runoff" else "revote"
        return self.new_round(kind, self.round_applicants(rnd), group_id=rnd.group_id, slots=rnd.slots,
                              actor=chair, role="chair")

    # -- run-offs and finality ------------------------------------------------------------------------
    def open_runoff(self, actor: Actor, group_id: str) -> PollRound:
        """Open a run-off ballot among the applicants tied at ``group_id``'s cap edge.

        Raises: ServiceError("no_runoff_needed"), ("poll_already_open").
        Source: RULES.md §5 (exact ties at the cap's edge go to a run-off among the tied only).
        """
        self.ctx.require(actor, Action.OPEN_RUNOFF)
        for g, tied, slots in self.ctx.outcome().pending:
            if g == group_id:
                return self.new_round("runoff", list(tied), group_id=g, slots=slots, actor=actor, role="recorder")
        raise ServiceError("no_runoff_needed")

    def settle_finality(self) -> bool:
        """Mark the results final once the main vote is closed and no run-off is pending (a command).

        Called by the commands that close a round and once at open; never by a screen.
        Returns: True when the results are final. Source: RULES.md §5.
        """
        if self.ctx.state().results_final_at is not None:
            return True
        if self.open_round() is not None or not self.ctx.outcome().final:
            return False
        with self.ctx.tx(outcome_unchanged=True) as s:
            st = repo.session_state(session=s)
            assert st is not None
            st.results_final_at = self.ctx.clock()
            repo.put(session=s, row=st)
            self.ctx.log(s, "system", "system", "results_final", {})
        return True




def box_fingerprint(slips: list[SlipRow]) -> str:
    """SHA-256 over the box's (id, applicant, choice) slips sorted by id (domain.ballot.box_fingerprint).
    Printed in the minutes."""
    return _box_fingerprint(slips)
