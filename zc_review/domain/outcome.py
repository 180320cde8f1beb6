"""From the raw record of a session to every derived number: composites, ranks, tallies, decisions.

The room and the office call the same ``compute_outcome`` on the same raw record (results.json in
the bundle), so the office's import recomputes everything from scores, ballots and rules and
compares with what the room declared. Source: RULES.md §4–5.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from zc_review.domain import rules
from zc_review.domain.ballot import Tally, tally_slips
from zc_review.domain.model import ScorePart, SessionDefinition
from zc_review.domain.scoring import ApplicantScore, aggregate_scores
from zc_review.domain.tally import agreed_tallies


@dataclass(frozen=True)
class ApplicantOutcome:
    """Every derived figure for one applicant. Scores in points, exact; composite to 2 places."""

    applicant_id: str
    score: ApplicantScore | None
    rank: int | None
    tally: Tally | None
    base: int
    outcome: rules.Outcome | None
    runoff_agree: tuple[int, ...] = ()


@dataclass(frozen=True)
class SessionOutcome:
    """Derived results of a session: per applicant, per group, pending run-offs, finality."""

    applicants: dict[str, ApplicantOutcome]
    groups: dict[str, rules.GroupDecision]
    main_round: int | None
    pending: tuple[tuple[str, tuple[str, ...], int], ...] = field(default=())  # (group, tied ids, slots)

    @property
    def final(self) -> bool:
        """True when the main vote is closed and no run-off is pending."""
        return self.main_round is not None and not self.pending

    def failed(self) -> list[str]:
        """Ids of the applicants with an outcome other than passed (below 2/3, beyond the cap, or a run-off
        pending), in input order; applicants with no outcome yet (no vote) are not listed. Source: RULES.md §5."""
        return [a for a, o in self.applicants.items() if o.outcome not in (None, rules.Outcome.PASSED)]


def latest_submitted(sheets: list[dict[str, Any]]) -> dict[tuple[str, str], dict[str, Any]]:
    """(reviewer, applicant) → the highest-version submitted sheet.

    Raises: RuleError("sheet_version_twice", reviewer=, applicant=, version=) when two submitted sheets of one
    reviewer for one applicant have the same version: which one counts would be a matter of their order (the
    room's database cannot hold them, a forged record can). Source: RULES.md §4; docs/FORMATS.md
    "Recomputing the outcome" step 1.
    """
    out: dict[tuple[str, str], dict[str, Any]] = {}
    seen: set[tuple[str, str, Any]] = set()
    for sh in sheets:
        if sh["status"] != "submitted":
            continue
        key = (sh["reviewer_id"], sh["applicant_id"])
        if (*key, sh["version"]) in seen:
            raise rules.RuleError("sheet_version_twice", reviewer=key[0], applicant=key[1], version=sh["version"])
        seen.add((*key, sh["version"]))
        if key not in out or sh["version"] > out[key]["version"]:
            out[key] = sh
    return out


def round_tallies(rnd: dict[str, Any]) -> dict[str, Tally]:
    """Counts per applicant of one closed round of the record: from its slips (laptop ballot) or, for a round
    held on paper (``"medium": "paper"``), from the counts both tellers agreed (``tally.agreed``).

    Raises: RuleError("ballot_box_corrupt") for a slip or count that does not fit the round.
    Source: RULES.md §5 (the same counts whatever the medium); docs/FORMATS.md "Rounds".
    """
    if rnd.get("medium", "laptop") == "paper":
        return agreed_tallies(rnd["tally"]["agreed"], rnd["applicants"])
    return tally_slips([(s[1], s[2]) for s in rnd["slips"]], rnd["applicants"])


def compute_outcome(defn: SessionDefinition, record: dict[str, Any]) -> SessionOutcome:
    """Compute every derived number from a raw record.

    Args:
        defn: the session definition.
        record: dict with ``attendance`` {reviewer: bool}, ``recusals`` [{reviewer_id, applicant_id}],
            ``sheets`` [{reviewer_id, applicant_id, version, status, values {criterion: str|None}}],
            ``rounds`` [{round_no, kind, status, applicants, group_id, slots, slips [[id, applicant, choice]]}];
            a paper round has ``medium`` "paper" and ``tally.agreed`` {applicant: counts} instead of slips.
    Returns: SessionOutcome. Scores use submitted sheets of attending, non-recused panel members;
        the main vote is the last closed non-void round of kind main/revote; run-offs are the closed
        non-void run-off rounds of each group, in order.
    Source: RULES.md §4–5.
    """
    attending = {r for r, v in record["attendance"].items() if v}
    recused: dict[str, set[str]] = {}
    for rc in record["recusals"]:
        recused.setdefault(rc["applicant_id"], set()).add(rc["reviewer_id"])
    sheets = latest_submitted(record["sheets"])
    scores: dict[str, ApplicantScore | None] = {}
    for a in defn.applicants:
        panel = defn.panel(a.panel_id)
        rubric = defn.rubric(panel.rubric_id)
        per: dict[str, tuple[Decimal, Decimal | None]] = {}
        for r in panel.member_ids:
            if r not in attending or r in recused.get(a.id, set()) or (r, a.id) not in sheets:
                continue
            vals = {k: (None if v is None else Decimal(v)) for k, v in sheets[(r, a.id)]["values"].items()}
            m = rules.part_score(rubric, ScorePart.MATERIAL, vals)
            d = rules.part_score(rubric, ScorePart.DEFENCE, vals) if rubric.has_defence else None
            per[r] = (m, d)
        scores[a.id] = aggregate_scores(a.id, per, defn.rules, rubric.has_defence)

    ranks: dict[str, int] = {}
    for g in defn.groups:
        ranks.update(rules.rank({a.id: s.composite for a in defn.applicants_of_group(g.id)
                                 if (s := scores[a.id]) is not None}))

    closed = [r for r in record["rounds"] if r["status"] == "closed"]
    mains = [r for r in closed if r["kind"] in ("main", "revote")]
    main = mains[-1] if mains else None
    tallies: dict[str, Tally] = {}
    if main is not None:
        tallies = round_tallies(main)

    outcomes: dict[str, ApplicantOutcome] = {}
    groups: dict[str, rules.GroupDecision] = {}
    pending: list[tuple[str, tuple[str, ...], int]] = []
    bases = {a.id: rules.vote_base(len(attending), len(recused.get(a.id, set()) & attending), defn.rules.recusal_base)
             for a in defn.applicants}
    for g in defn.groups:
        members = defn.applicants_of_group(g.id)
        runoff_rounds = [r for r in closed if r["kind"] == "runoff" and r["group_id"] == g.id]
        runoffs = [{a: t.agree for a, t in round_tallies(r).items()} for r in runoff_rounds]
        if main is not None:
            cands = [rules.Candidate(a.id, tallies[a.id].agree, bases[a.id],
                                     scores[a.id].composite if scores[a.id] is not None else Decimal(0))  # type: ignore[union-attr]
                     for a in members]
            decision = rules.decide_group(cands, g.pass_rate, runoffs)
            groups[g.id] = decision
            if decision.runoff:
                pending.append((g.id, decision.runoff, decision.runoff_slots))
        for a in members:
            outcomes[a.id] = ApplicantOutcome(
                a.id, scores[a.id], ranks.get(a.id), tallies.get(a.id), bases[a.id],
                groups[g.id].outcomes.get(a.id) if g.id in groups else None,
                tuple(r[a.id] for r in runoffs if a.id in r))
    return SessionOutcome(outcomes, groups, None if main is None else main["round_no"], tuple(pending))


def declared_numbers(defn: SessionDefinition, out: SessionOutcome) -> dict[str, Any]:
    """The numbers the room declares in the bundle, as strings (2 places) and ints, for comparison."""
    def fmt(x: Decimal | None) -> str | None:
        return None if x is None else str(rules.round_half_up(x))

    applicants = {}
    for a_id, o in out.applicants.items():
        s = o.score
        applicants[a_id] = {
            "material": fmt(s.material) if s else None,
            "defence": fmt(s.defence) if s else None,
            "composite": str(s.composite) if s else None,
            "rank": o.rank,
            "agree": o.tally.agree if o.tally else None,
            "disagree": o.tally.disagree if o.tally else None,
            "abstain": o.tally.abstain if o.tally else None,
            "base": o.base,
            "runoff_agree": list(o.runoff_agree),
            "outcome": o.outcome.value if o.outcome else None,
        }
    groups = {g: {"cap": d.cap, "passed": sorted(a for a, v in d.outcomes.items() if v is rules.Outcome.PASSED)}
              for g, d in out.groups.items()}
    return {"applicants": applicants, "groups": groups, "main_round": out.main_round, "final": out.final}
