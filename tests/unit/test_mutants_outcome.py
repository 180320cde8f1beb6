"""Kills of the mutants of the outcome from the record that survived ``make mutate`` (docs/MUTATION.md).

The record helpers are those of test_outcome_record (one panel P of R1–R3, one rubric RB: M1 material 0–100,
D1 defence 0–100, so a sheet's part scores are its two values). Every number is worked by hand in the
docstring; every declared number is asserted, key by key. Source: RULES.md §4–5; docs/FORMATS.md (results.json).
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal as D

from tests.unit.test_outcome_record import agree, box, record, session, sheet
from zc_review.domain.model import Criterion, Rubric, ScorePart, Series
from zc_review.domain.outcome import compute_outcome, declared_numbers
from zc_review.domain.rules import Outcome

_SHEETS = [
    sheet("R1", "A1", "80", "90"), sheet("R2", "A1", "83.5", "70"), sheet("R3", "A1", "82", "80"),
    sheet("R1", "A2", "70", "60"), sheet("R2", "A2", "71", "61"), sheet("R3", "A2", "72.5", "62.5"),
]


def test_declared_numbers_of_a_closed_vote_by_hand() -> None:
    """Group G (A1, A2), pass rate 0.5: cap ⌊0.5 × 2⌋ = 1. Three reviewers attend: base 3, 2/3 needs 2.

    A1: M = (80 + 83.5 + 82)/3 = 245.5/3 = 81.8333… → "81.83";  D = (90 + 70 + 80)/3 = 80 → "80.00";
        C = 0.7·81.8333… + 0.3·80 = 57.28333… + 24 = 81.28333… → 81.28.
    A2: M = (70 + 71 + 72.5)/3 = 213.5/3 = 71.1666… → "71.17";  D = (60 + 61 + 62.5)/3 = 61.1666… → "61.17";
        C = 0.7·71.1666… + 0.3·61.1666… = 49.81666… + 18.35 = 68.16666… → 68.17.
    Ranks: A1 1, A2 2. Main round 1: A1 3 agree; A2 2 agree, 1 abstain. Both reach 2/3 (9 ≥ 6, 6 ≥ 6);
    cap 1, ordered by agree votes: A1 passes, A2 exceeds the cap. Final: no run-off pending.
    """
    defn = session(3, {"G": ("A1", "A2")})
    rec = record(["R1", "R2", "R3"], sheets=_SHEETS,
                 rounds=[box(1, ["A1", "A2"], {"A1": agree(3), "A2": agree(2, abstain=1)})])
    out = compute_outcome(defn, rec)
    assert [o.applicant_id for o in out.applicants.values()] == ["A1", "A2"]
    assert [o.score.applicant_id for o in out.applicants.values() if o.score] == ["A1", "A2"]
    assert declared_numbers(defn, out) == {
        "applicants": {
            "A1": {"material": "81.83", "defence": "80.00", "composite": "81.28", "rank": 1, "agree": 3,
                   "disagree": 0, "abstain": 0, "base": 3, "runoff_agree": [], "outcome": "passed"},
            "A2": {"material": "71.17", "defence": "61.17", "composite": "68.17", "rank": 2, "agree": 2,
                   "disagree": 0, "abstain": 1, "base": 3, "runoff_agree": [], "outcome": "exceeds_cap"},
        },
        "groups": {"G": {"cap": 1, "passed": ["A1"]}},
        "main_round": 1,
        "final": True,
    }


def test_declared_numbers_before_any_vote_and_without_sheets() -> None:
    """No round yet: no tally, no outcome, no group decision, main round none, not final. A2 has no sheet:
    no score and no rank. A1: R1 alone, M 80 D 90 → "80.00", "90.00", C = 56 + 27 = 83.00, rank 1."""
    defn = session(3, {"G": ("A1", "A2")})
    out = compute_outcome(defn, record(["R1", "R2", "R3"], sheets=[sheet("R1", "A1", "80", "90")]))
    assert declared_numbers(defn, out) == {
        "applicants": {
            "A1": {"material": "80.00", "defence": "90.00", "composite": "83.00", "rank": 1, "agree": None,
                   "disagree": None, "abstain": None, "base": 3, "runoff_agree": [], "outcome": None},
            "A2": {"material": None, "defence": None, "composite": None, "rank": None, "agree": None,
                   "disagree": None, "abstain": None, "base": 3, "runoff_agree": [], "outcome": None},
        },
        "groups": {},
        "main_round": None,
        "final": False,
    }


def test_the_composite_breaks_an_equal_agree_count_at_the_cap() -> None:
    """Same sheets as above (A1 C 81.28, A2 C 68.17), both 3 agree of base 3: equal votes, cap 1 → the higher
    composite passes (A1); without the composites they would be tied and need a run-off."""
    defn = session(3, {"G": ("A1", "A2")})
    rec = record(["R1", "R2", "R3"], sheets=_SHEETS,
                 rounds=[box(1, ["A1", "A2"], {"A1": agree(3), "A2": agree(3)})])
    out = compute_outcome(defn, rec)
    assert out.groups["G"].outcomes == {"A1": Outcome.PASSED, "A2": Outcome.EXCEEDS_CAP}
    assert out.pending == () and out.final


def test_an_applicant_without_sheets_has_composite_zero_at_the_cap() -> None:
    """A1 has no sheet (composite taken as 0), A2 scored M1 0.5, D1 0.5 → C = 0.35 + 0.15 = 0.50. Both 3 agree,
    cap 1: A2's 0.50 beats A1's 0, A2 passes."""
    defn = session(3, {"G": ("A1", "A2")})
    rec = record(["R1", "R2", "R3"], sheets=[sheet("R1", "A2", "0.5", "0.5")],
                 rounds=[box(1, ["A1", "A2"], {"A1": agree(3), "A2": agree(3)})])
    out = compute_outcome(defn, rec)
    assert out.applicants["A2"].score is not None and out.applicants["A2"].score.composite == D("0.50")
    assert out.groups["G"].outcomes == {"A1": Outcome.EXCEEDS_CAP, "A2": Outcome.PASSED}


def test_a_not_applicable_value_in_a_sheet_is_rescaled() -> None:
    """Rubric: M1 0–60 (N/A allowed), M2 0–40, D1 0–100. R1: M1 N/A, M2 30, D1 80 → M = 30/40·100 = 75,
    D = 80, C = 52.5 + 24 = 76.50."""
    rubric = Rubric("RB", "测试标准", "1", Series.ENGINEERING, (
        Criterion("M1", "业绩", ScorePart.MATERIAL, D(60), allow_na=True),
        Criterion("M2", "安全生产", ScorePart.MATERIAL, D(40)),
        Criterion("D1", "答辩", ScorePart.DEFENCE, D(100)),
    ))
    defn = dataclasses.replace(session(3, {"G": ("A1",)}), rubrics=(rubric,))
    rec = record(["R1", "R2", "R3"], sheets=[{"reviewer_id": "R1", "applicant_id": "A1", "version": 1,
                                             "status": "submitted", "values": {"M1": None, "M2": "30", "D1": "80"}}])
    s = compute_outcome(defn, rec).applicants["A1"].score
    assert s is not None
    assert (s.material, s.defence, s.composite) == (D(75), D(80), D("76.50"))


def test_without_a_defence_no_defence_score_is_computed() -> None:
    """Education rubric (M1 0–100 only). R1 80, R2 85 → M = 82.5, no defence (None, not 0), C = M = 82.50;
    declared: material "82.50", defence none, composite "82.50"."""
    rubric = Rubric("RB", "测试标准", "1", Series.EDUCATION, (Criterion("M1", "业绩", ScorePart.MATERIAL, D(100)),))
    defn = dataclasses.replace(session(3, {"G": ("A1",)}), rubrics=(rubric,))
    rec = record(["R1", "R2", "R3"], sheets=[
        {"reviewer_id": r, "applicant_id": "A1", "version": 1, "status": "submitted", "values": {"M1": m}}
        for r, m in (("R1", "80"), ("R2", "85"))])
    out = compute_outcome(defn, rec)
    s = out.applicants["A1"].score
    assert s is not None
    assert s.per_reviewer == {"R1": (D(80), None), "R2": (D(85), None)}
    declared = declared_numbers(defn, out)["applicants"]["A1"]
    assert (declared["material"], declared["defence"], declared["composite"]) == ("82.50", None, "82.50")
    assert (s.applicant_id, s.material, s.defence, s.composite) == ("A1", D("82.5"), None, D("82.50"))


def test_two_submitted_sheets_of_one_version_are_refused() -> None:
    """Reviewer R1's two submitted sheets for applicant A1 both of version 1 (values 8 and 2): which one counts
    would depend on their order in the record, so the recomputation refuses it, naming reviewer, applicant
    and version. Versions 1 and 2, or a draft beside a submitted sheet of the same version, are fine
    (version 2 counts: 2). Source: docs/FORMATS.md "Recomputing the outcome" step 1."""
    import pytest

    from zc_review.domain.outcome import latest_submitted
    from zc_review.domain.rules import RuleError

    def sh(version: int, value: str, status: str = "submitted") -> dict[str, object]:
        return {"reviewer_id": "R1", "applicant_id": "A1", "version": version, "status": status,
                "values": {"c": value}}

    with pytest.raises(RuleError) as err:
        latest_submitted([sh(1, "8"), sh(1, "2")])
    assert err.value.code == "sheet_version_twice"
    assert err.value.params == {"reviewer": "R1", "applicant": "A1", "version": 1}
    assert latest_submitted([sh(1, "8"), sh(2, "2")])[("R1", "A1")]["values"] == {"c": "2"}
    assert latest_submitted([sh(1, "8", "draft"), sh(1, "2")])[("R1", "A1")]["values"] == {"c": "2"}
