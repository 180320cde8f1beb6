"""Paper ballots (``ballot_mode: paper``): the printed ballots, the two tellers' keyed counts, the witness.

A round opens and closes as with laptop ballots (``room.ballot``); in between, instead of reviewers casting at
the laptop, the recorder prints the round's ballots, the reviewers mark them, two tellers (计票人) count them
and each keys the counts per applicant independently, the laptop compares the two keyings and asks for a
re-count of every applicant they differ on (both tellers key it again) until they agree, and the supervisor
witnesses (监票) the agreed counts with their credential. Closing the round then decides exactly as a laptop
round does (``domain.outcome.compute_outcome`` on the agreed counts).

Tellers: two different people among the attending reviewers and the recorder; the supervisor witnesses and
is never a teller (docs/DESIGN.md "Paper ballots and tellers"). Every keying is a signed statement of the
teller (Signature kind ``tally_keying``), the witness a signed statement of the supervisor (``tally_witness``);
a refused keying is logged with its reason and changes nothing already keyed.
Source: RULES.md §5 ("Configurable medium": common committee practice, not a seed rule); GLOSSARY.md.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from zc_review.domain import rules, tally
from zc_review.domain.model import BallotMode, StaffRole
from zc_review.domain.tally import BallotForm, Keying, PaperCount, TallyState, tally_record
from zc_review.service.errors import ServiceError
from zc_review.service.room.context import Actor, RoomContext
from zc_review.service.room.permissions import Action, Role
from zc_review.storage import repo
from zc_review.storage.models import PollRound

KEYING_KIND = "tally_keying"
WITNESS_KIND = "tally_witness"


def is_paper(ctx: RoomContext) -> bool:
    """True when the session's ballot is held on paper (``ballot_mode: paper``)."""
    return ctx.defn.ballot_mode is BallotMode.PAPER


def keyings_of(ctx: RoomContext, round_no: int) -> list[Keying]:
    """The tellers' keyings of ``round_no`` in the order keyed (from their signed statements)."""
    prefix = f"round-{round_no}-pass-"
    out = []
    for sg in ctx.signatures(KEYING_KIND):
        if not sg.subject.startswith(prefix):
            continue
        _sid, _rnd, pass_no, teller, counts = tally.parse_keying_statement(sg.statement.decode("utf-8"))
        out.append(Keying(pass_no, teller, counts))
    return out


def tally_state_of(ctx: RoomContext, rnd: PollRound) -> TallyState:
    """Where the keying of ``rnd`` stands (domain.tally.tally_state over its keyings)."""
    return tally.tally_state(json.loads(rnd.applicants_json), keyings_of(ctx, rnd.round_no))


def witness_of(ctx: RoomContext, round_no: int) -> str | None:
    """The person id of the supervisor who witnessed ``round_no``'s agreed counts, or None."""
    sigs = ctx.signatures(WITNESS_KIND, f"round-{round_no}")
    return sigs[0].person_id if sigs else None


def printed_copies(ctx: RoomContext, rnd: PollRound) -> int:
    """How many paper ballots were printed for ``rnd`` (one copy per entitled reviewer; 0 before printing)."""
    with ctx.read() as s:
        doc = repo.document(session=s, name=f"paper-ballots-round-{rnd.round_no}.pdf")
    if doc is None:
        return 0
    return sum(f.copies for f in PaperBallot(ctx, None).forms(rnd))


def require_closable(ctx: RoomContext, rnd: PollRound) -> None:
    """A paper round closes only once both tellers agree on every applicant and the supervisor witnessed it.

    Raises: ServiceError("tally_not_agreed", count=applicants still to key), ("tally_not_witnessed").
    """
    state = tally_state_of(ctx, rnd)
    if not state.complete:
        raise ServiceError("tally_not_agreed", round=rnd.round_no, count=len(state.due))
    if witness_of(ctx, rnd.round_no) is None:
        raise ServiceError("tally_not_witnessed", round=rnd.round_no)


class PaperBallot:
    """The paper side of the ballot: forms, printing, keyed counts and the witness (``room.tally``)."""

    def __init__(self, ctx: RoomContext, ballot: Any) -> None:
        self.ctx = ctx
        self.ballot = ballot

    @property
    def active(self) -> bool:
        """True in paper mode."""
        return is_paper(self.ctx)

    def _require_paper(self) -> None:
        if not self.active:
            raise ServiceError("ballot_mode_laptop")

    def _open_round(self) -> PollRound:
        self._require_paper()
        rnd = self.ballot.open_round()
        if rnd is None:
            raise ServiceError("poll_not_open")
        return rnd  # type: ignore[no-any-return]

    # -- the forms and the printed ballots ---------------------------------------------------------------
    def eligible(self, rnd: PollRound) -> dict[str, frozenset[str]]:
        """Applicant → the attending reviewers not recused from it (who get a ballot carrying it)."""
        recused: dict[str, set[str]] = {}
        for rc in self.ctx.recusals():
            recused.setdefault(rc.applicant_id, set()).add(rc.reviewer_id)
        attending = self.ctx.attending_ids()
        return {a: frozenset(r for r in attending if r not in recused.get(a, set()))
                for a in json.loads(rnd.applicants_json)}

    def forms(self, rnd: PollRound) -> list[BallotForm]:
        """The round's ballot forms (domain.tally.ballot_forms), applicants in code order."""
        d = self.ctx.defn
        ids = sorted(json.loads(rnd.applicants_json), key=lambda a: d.applicant(a).code)
        return tally.ballot_forms(ids, self.eligible(rnd))

    def print_ballots(self, actor: Actor) -> bytes:
        """Render the open round's paper ballots (PDF), store and log it; print again freely (same content).

        One copy of each form per reviewer entitled to it: no name, no number of the holder; the round, its
        kind, the form letter and a check code (domain.tally.ballot_check_code) on every page.
        Raises: ServiceError("ballot_mode_laptop"), ("poll_not_open"), ("not_permitted").
        Source: RULES.md §5; issue 14.
        """
        self.ctx.require(actor, Action.PRINT_BALLOTS)
        rnd = self._open_round()
        from zc_review.documents.paper_ballots import render_paper_ballots

        pdf = render_paper_ballots(self.ballot_view(rnd))
        name = f"paper-ballots-round-{rnd.round_no}.pdf"
        with self.ctx.tx(outcome_unchanged=True) as s:
            repo.put_document(session=s, name=name, content=pdf, stage="printed", at=self.ctx.clock())
            self.ctx.log(s, actor.person_id, "recorder", "paper_ballots_printed",
                         {"round": rnd.round_no, "forms": len(self.forms(rnd)),
                          "copies": sum(f.copies for f in self.forms(rnd)), "sha256": hashlib.sha256(pdf).hexdigest()})
        if self.ctx.workdir is not None:
            from zc_review.service.atomic import write_atomic

            try:  # the stored copy is the record; a file that cannot be written does not stop the vote
                write_atomic(self.ctx.workdir / name, pdf)
            except OSError:
                pass
        return pdf

    def ballot_view(self, rnd: PollRound) -> Any:
        """The view model of the round's printed ballots (documents/paper_ballots.py)."""
        from zc_review.documents.paper_ballots import PaperBallotForm, PaperBallotRow, PaperBallotsView
        from zc_review.i18n import t

        d = self.ctx.defn
        caps = {g.id: rules.pass_cap(g.pass_rate, len(d.applicants_of_group(g.id))) for g in d.groups}
        limit = d.rules.ballot_agree_limit and rnd.kind in ("main", "revote")
        forms = []
        for f in self.forms(rnd):
            groups = sorted({d.applicant(a).group_id for a in f.applicant_ids})
            notes = [t("ballot.paper_limit_note", group=d.group(g).name, cap=caps[g]) for g in groups] if limit else []
            if rnd.kind == "runoff":
                notes.append(t("ballot.paper_runoff_note", slots=rnd.slots))
            rows = tuple(PaperBallotRow(d.applicant(a).code, d.group(d.applicant(a).group_id).name,
                                        d.panel(d.applicant(a).panel_id).name) for a in f.applicant_ids)
            forms.append(PaperBallotForm(letter=f.letter, copies=f.copies, rows=rows, notes=tuple(notes),
                                         check_code=tally.ballot_check_code(d.session_id, self.ctx.package_id,
                                                                            rnd.round_no, f)))
        kind = {"main": "ballot.kind_main", "runoff": "ballot.kind_runoff", "revote": "ballot.kind_revote"}
        return PaperBallotsView(committee_name=d.committee_name, session_id=d.session_id, round_no=rnd.round_no,
                                kind=t(kind.get(rnd.kind, "ballot.kind_main")), forms=tuple(forms),
                                rehearsal=d.rehearsal)

    # -- tellers and keyed counts ------------------------------------------------------------------------
    def teller_candidates(self) -> list[str]:
        """Who may be a teller: the attending reviewers and the recorder (never the supervisor), roster order."""
        return [*self.ctx.attending_ids(), self.ctx.defn.staff_with_role(StaffRole.RECORDER).id]

    def state(self) -> TallyState:
        """Where the open round's keying stands. Raises: ServiceError("poll_not_open"), ("ballot_mode_laptop")."""
        return tally_state_of(self.ctx, self._open_round())

    def key_tally(self, teller: Actor, counts: Mapping[str, PaperCount | Mapping[str, Any]]) -> TallyState:
        """One teller keys the counts of the applicants due in the open round (all in the first pass, then only
        those the last two keyings differed on), signed with the teller's key.

        Args: counts: applicant id → PaperCount (or its dict {agree, disagree, abstain, blank, returned}).
        Returns: the new TallyState (``mismatches`` lists what to re-count after a second keying).
        Raises: ServiceError with the code of domain.tally (``tally_same_teller``, ``tally_other_teller``,
            ``tally_foreign_applicant``, ``tally_incomplete``, ``tally_exceeds_returned``,
            ``tally_short_of_returned``, ``tally_returned_over_attending``, ``tally_returned_over_eligible``,
            ``tally_not_count``, ``ballot_agree_limit_paper``, ``tally_already_agreed``), ("teller_not_allowed")
            for the supervisor or an absent reviewer, ("poll_not_open"), ("ballot_mode_laptop"). A refusal is
            logged (``tally_refused``) and changes nothing already keyed.
        Source: RULES.md §2, §5; issue 14.
        """
        with self.ctx.lock:
            rnd = self._open_round()
            self.ctx.require(teller, Action.KEY_TALLY)
            try:
                typed = self._check(rnd, teller, counts)
            except ServiceError as exc:
                with self.ctx.tx(outcome_unchanged=True) as s:
                    self.ctx.log(s, teller.person_id, self._teller_role(teller), "tally_refused",
                                 {"round": rnd.round_no, "code": exc.code})
                raise
            state = tally_state_of(self.ctx, rnd)
            nth = 1 if state.first is None else 2
            text = tally.keying_statement(self.ctx.defn.session_id, rnd.round_no, state.pass_no, teller.person_id,
                                          typed)
            self.ctx.sign(teller, kind="tally_keying", subject=f"round-{rnd.round_no}-pass-{state.pass_no}-{nth}",
                          role=self._teller_role(teller), text=text)
            after = tally_state_of(self.ctx, rnd)
            with self.ctx.tx(outcome_unchanged=True) as s:
                self.ctx.log(s, teller.person_id, self._teller_role(teller), "tally_keyed",
                             {"round": rnd.round_no, "pass": state.pass_no, "applicants": len(typed),
                              "mismatches": len(after.mismatches) if nth == 2 else 0,
                              "agreed": len(after.agreed)})
            return after

    def _teller_role(self, teller: Actor) -> str:
        """The role a teller signs in: reviewer (an attending reviewer) or recorder."""
        return Role.REVIEWER.value if teller.person_id in self.ctx.attending_ids() else Role.RECORDER.value

    def _check(self, rnd: PollRound, teller: Actor, counts: Mapping[str, Any]) -> dict[str, PaperCount]:
        d = self.ctx.defn
        if teller.person_id not in self.teller_candidates():
            raise ServiceError("teller_not_allowed", name=teller.name)
        state = tally_state_of(self.ctx, rnd)
        try:
            typed = {a: c if isinstance(c, PaperCount) else PaperCount.from_dict(c) for a, c in counts.items()}
            tally.check_next_keying(state, teller.person_id, typed)
            attending = len(self.ctx.attending_ids())
            eligible = self.eligible(rnd)
            for a in state.due:
                tally.check_count(d.applicant(a).code, typed[a], attending=attending, eligible=len(eligible[a]))
            if d.rules.ballot_agree_limit and rnd.kind in ("main", "revote"):
                caps = {g.id: rules.pass_cap(g.pass_rate, len(d.applicants_of_group(g.id))) for g in d.groups}
                tally.check_paper_agree_limit(self.forms(rnd), typed, {a.id: a.group_id for a in d.applicants}, caps)
        except rules.RuleError as exc:
            params = dict(exc.params)
            if exc.code == "tally_foreign_applicant":
                foreign = str(params.pop("applicant"))
                params["code"] = next((a.code for a in d.applicants if a.id == foreign), foreign)
                on_ballot = foreign in json.loads(rnd.applicants_json)
                raise ServiceError("tally_foreign_applicant" if not on_ballot else "tally_already_agreed_applicant",
                                   **params) from exc
            if exc.code == "ballot_agree_limit_paper":
                params["group"] = d.group(str(params["group"])).name
            raise ServiceError(exc.code, **params) from exc
        return typed

    def witness(self, supervisor: Actor) -> None:
        """The supervisor witnesses (监票) the open round's agreed counts with their credential (a signed statement).

        Raises: ServiceError("tally_not_agreed") while applicants are still to key, ("not_permitted") for anyone
        but the supervisor, ("already_signed"), ("poll_not_open"), ("ballot_mode_laptop").
        """
        rnd = self._open_round()
        self.ctx.require(supervisor, Action.WITNESS_TALLY)
        if Role.SUPERVISOR not in self.ctx.roles_of(supervisor.person_id):
            raise ServiceError("not_permitted", action=Action.WITNESS_TALLY.value)
        state = tally_state_of(self.ctx, rnd)
        if not state.complete:
            raise ServiceError("tally_not_agreed", round=rnd.round_no, count=len(state.due))
        ids = json.loads(rnd.applicants_json)
        text = tally.witness_statement(self.ctx.defn.session_id, rnd.round_no, state.tellers,
                                       {a: state.agreed[a] for a in ids})
        self.ctx.sign(supervisor, kind="tally_witness", subject=f"round-{rnd.round_no}", role="supervisor", text=text)

    def witnessed(self) -> bool:
        """True when the open round's agreed counts are witnessed."""
        rnd = self._open_round()
        return witness_of(self.ctx, rnd.round_no) is not None

    def round_record(self, rnd: PollRound) -> dict[str, Any]:
        """The record's ``tally`` of a paper round: keyings, tellers, agreed counts, witness (docs/FORMATS.md)."""
        return round_tally(self.ctx, rnd)


def round_tally(ctx: RoomContext, rnd: PollRound) -> dict[str, Any]:
    """The ``tally`` object of one paper round of ``ctx``'s session (see ``tally_record``)."""
    keyings = keyings_of(ctx, rnd.round_no)
    return tally_record(keyings, tally.tally_state(json.loads(rnd.applicants_json), keyings), witness_of(ctx, rnd.round_no))
