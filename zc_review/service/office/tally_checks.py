"""The paper ballots' checks (``ballot_mode: paper``): the medium, the counts, the two tellers, their signatures
and the supervisor's witness, from the record alone (docs/FORMATS.md "Paper rounds").

The outcome itself is recomputed from the agreed counts by ``outcome.recompute`` (domain.outcome, the same
function as for laptop ballots). The statements' signatures are verified by ``statements.signatures`` (they
are in the record's ``signatures``); these checks say that the right people signed the right texts.
Source: RULES.md §5 ("Configurable medium"); issue 14.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from zc_review.domain.model import BallotMode, StaffRole
from zc_review.domain.rules import RuleError
from zc_review.domain.tally import (
    Keying,
    PaperCount,
    TallyState,
    check_count,
    keying_statement,
    tally_state,
    witness_statement,
)
from zc_review.i18n import t
from zc_review.service.office.report import Check, Facts, Section, Spec, joined

_VOTABLE = ("closed", "void")


def _paper_rounds(f: Facts) -> list[dict[str, Any]]:
    return [r for r in f.record["rounds"] if r["status"] in _VOTABLE and r.get("medium", "laptop") == "paper"]


def _keyings(r: dict[str, Any]) -> list[Keying]:
    return [Keying(int(k["pass"]), str(k["teller"]), {str(a): PaperCount.from_dict(c) for a, c in k["counts"].items()})
            for k in r["tally"]["keyings"]]


def _replay(r: dict[str, Any]) -> TallyState:
    return tally_state(r["applicants"], _keyings(r))


def _medium_problems(f: Facts) -> list[str]:
    mode, out = f.defn.ballot_mode.value, []
    for r in f.record["rounds"]:
        medium = r.get("medium", "laptop")
        if medium != mode:
            out.append(f"round {r['round_no']} {medium}, session {mode}")
        elif medium == "paper" and (r["slips"] or r["voters"]):
            out.append(f"round {r['round_no']} paper round with slips or voters")
    return out


def _sums_problems(f: Facts) -> list[str]:
    out = []
    for r in _paper_rounds(f):
        agreed = r["tally"]["agreed"]
        if set(agreed) != set(r["applicants"]):
            out.append(f"round {r['round_no']} counts not for its applicants")
        for a in [x for x in r["applicants"] if x in agreed]:
            try:
                c = PaperCount.from_dict(agreed[a])
                check_count(a, c, attending=len(f.attending), eligible=len(f.attending - f.recused.get(a, set())))
            except RuleError as exc:
                out.append(f"round {r['round_no']} {a}: {exc.code}")
    return out


def _keyings_problems(f: Facts) -> list[str]:
    out = []
    allowed = f.attending | {s.id for s in f.defn.staff if s.role is StaffRole.RECORDER}
    for r in _paper_rounds(f):
        n = r["round_no"]
        try:
            state = _replay(r)
        except RuleError as exc:
            out.append(f"round {n} keyings: {exc.params.get('problem', exc.code)}")
            continue
        if not state.complete:
            out.append(f"round {n} not agreed: {len(state.due)} applicants")
        if {a: c.as_dict() for a, c in state.agreed.items()} != r["tally"]["agreed"]:
            out.append(f"round {n} agreed counts are not the keyings'")
        if list(state.tellers) != r["tally"]["tellers"] or len(set(state.tellers)) != 2:
            out.append(f"round {n} tellers")
        if any(t not in allowed for t in state.tellers):
            out.append(f"round {n} teller not allowed")
    return out


def _tellers_signed_problems(f: Facts) -> list[str]:
    out = []
    sigs = [s for s in f.record["signatures"] if s["kind"] == "tally_keying"]
    for r in _paper_rounds(f):
        n = r["round_no"]
        mine = [s for s in sigs if s["subject"].startswith(f"round-{n}-pass-")]
        keyings = _keyings(r)
        if len(mine) != len(keyings):
            out.append(f"round {n} {len(mine)} signed keyings of {len(keyings)}")
        for k in keyings:
            text = keying_statement(f.defn.session_id, n, k.pass_no, k.teller_id, k.counts)
            if not any(s["person_id"] == k.teller_id and s["statement"] == text for s in mine):
                out.append(f"round {n} pass {k.pass_no} keying of {k.teller_id} unsigned")
    return out


def _witness_problems(f: Facts) -> list[str]:
    out = []
    supervisor = f.defn.staff_with_role(StaffRole.SUPERVISOR).id
    for r in _paper_rounds(f):
        n = r["round_no"]
        agreed = {a: PaperCount.from_dict(c) for a, c in r["tally"]["agreed"].items()}
        text = witness_statement(f.defn.session_id, n, r["tally"]["tellers"], agreed)
        ws = [s for s in f.record["signatures"] if s["kind"] == "tally_witness" and s["subject"] == f"round-{n}"]
        ok = (len(ws) == 1 and ws[0]["person_id"] == supervisor and ws[0]["role"] == "supervisor"
              and ws[0]["statement"] == text and r["tally"]["witness"] == supervisor)
        if not ok:
            out.append(f"round {n} witness")
    return out


_RULES = (
    ("paper.medium", _medium_problems),  # every round held in the session's ballot_mode
    ("paper.tally_sums", _sums_problems),  # agree + disagree + abstain + blank = returned ≤ attending, ≤ eligible
    ("paper.keyings", _keyings_problems),  # two tellers' keyings replay to the agreed counts, all settled
    ("paper.tellers_signed", _tellers_signed_problems),  # every keying signed by its teller, over its counts
    ("paper.witness_signed", _witness_problems),  # the supervisor witnessed the agreed counts of each round
)


def _run_rule(check_id: str, f: Facts) -> Check:
    """The check ``check_id`` of ``_RULES``: passed when its rule finds no problem, the problems as detail."""
    p = dict(_RULES)[check_id](f)
    return Check(check_id, not p, joined(p))


def _line(f: Facts) -> str:
    """The problems found; in a paper session with none, how many paper rounds and keyings were checked."""
    problems = [p for _, rule in _RULES for p in rule(f)]
    if problems or f.defn.ballot_mode is not BallotMode.PAPER:
        return joined(problems)
    rounds = _paper_rounds(f)
    return t("office.tally_checked", rounds=len(rounds), keyings=sum(len(r["tally"]["keyings"]) for r in rounds))


def _laptop(f: Facts) -> bool:
    """The line is printed for a paper session always, for a laptop session only when it fails."""
    return f.defn.ballot_mode is not BallotMode.PAPER


TALLY = Section("office.check_tally", tuple(Spec(cid, partial(_run_rule, cid)) for cid, _rule in _RULES), _line,
                quiet_ok=_laptop)
