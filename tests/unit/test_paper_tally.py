"""The paper counts' rules, pure (issue 14; RULES.md §5): a paper round decides exactly as the same marks on
laptop slips, at the 2/3 edge with 11 attending; the keyings' replay (passes, re-counts, two tellers); the
checks of one applicant's counts; the ballot forms by electorate."""

from __future__ import annotations

import importlib.util
from typing import Any

import pytest

from tests.conftest import ROOT
from zc_review.domain.codec import definition_to_dict
from zc_review.domain.outcome import compute_outcome, declared_numbers
from zc_review.domain.rules import RuleError
from zc_review.domain.tally import (
    Keying,
    PaperCount,
    ballot_forms,
    check_count,
    tally_state,
)
from zc_review.service.office.input import load_office_input


@pytest.fixture(scope="module")
def edu() -> Any:
    defn, _ = load_office_input(ROOT / "data/demo-education")
    return defn


def _record(defn: Any, counts: dict[str, PaperCount], *, paper: bool) -> dict[str, Any]:
    """11 attending (all of data/demo-education), no sheets, one closed main round with ``counts``."""
    ids = [a.id for a in defn.applicants]
    rnd: dict[str, Any] = {"round_no": 1, "kind": "main", "status": "closed", "applicants": ids, "group_id": "",
                           "slots": 0, "voters": [], "slips": []}
    if paper:
        rnd["medium"] = "paper"
        rnd["tally"] = {"agreed": {a: c.as_dict() for a, c in counts.items()}}
    else:
        n = 0
        for a, c in counts.items():
            for choice, k in (("agree", c.agree), ("disagree", c.disagree), ("abstain", c.abstain)):
                for _ in range(k):
                    n += 1
                    rnd["slips"].append([f"{n:032x}", a, choice])
    return {"attendance": {r.id: True for r in defn.reviewers}, "recusals": [], "sheets": [], "rounds": [rnd]}


def test_two_thirds_edge_with_11_attending_paper_equals_laptop(edu: Any) -> None:
    """Hand-worked: base 11, 3·8 = 24 ≥ 22 passes, 3·7 = 21 < 22 fails; blank counts as not agreeing. The cap
    is ⌊0.7 × 12⌋ = 8, so the one applicant at 8 passes. The same marks on laptop slips (blanks are not
    slips) give the same numbers, and so does the auditor's verifier."""
    ids = [a.id for a in edu.applicants]
    counts = {a: PaperCount(0, 11, 0, 0, 11) for a in ids}
    counts[ids[0]] = PaperCount(8, 1, 1, 1, 11)
    counts[ids[1]] = PaperCount(7, 2, 0, 2, 11)
    paper = compute_outcome(edu, _record(edu, counts, paper=True))
    assert len(edu.reviewers) == 11
    assert (paper.applicants[ids[0]].outcome.value, paper.applicants[ids[0]].base) == ("passed", 11)
    assert paper.applicants[ids[1]].outcome.value == "below_threshold"
    laptop = compute_outcome(edu, _record(edu, counts, paper=False))
    assert declared_numbers(edu, paper) == declared_numbers(edu, laptop)
    spec = importlib.util.spec_from_file_location("vbs", ROOT / "tools/verify_bundle_standalone.py")
    assert spec is not None and spec.loader is not None
    vbs = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(vbs)
    import json

    rec = json.loads(json.dumps(_record(edu, counts, paper=True)))
    declared, _ = vbs.recompute(vbs.Definition(json.loads(json.dumps(definition_to_dict(edu)))), rec)
    assert declared == json.loads(json.dumps(declared_numbers(edu, paper)))


def test_counts_that_do_not_add_up_fail_the_recomputation(edu: Any) -> None:
    ids = [a.id for a in edu.applicants]
    counts = {a: PaperCount(0, 11, 0, 0, 11) for a in ids}
    rec = _record(edu, counts, paper=True)
    rec["rounds"][0]["tally"]["agreed"][ids[0]]["agree"] = 1  # 1 + 11 ≠ 11
    with pytest.raises(RuleError) as err:
        compute_outcome(edu, rec)
    assert err.value.code == "ballot_box_corrupt"


@pytest.mark.parametrize(("count", "code"), [
    (PaperCount(8, 2, 1, 1, 11), "tally_exceeds_returned"),
    (PaperCount(8, 1, 1, 0, 11), "tally_short_of_returned"),
    (PaperCount(8, 2, 1, 1, 12), "tally_returned_over_attending"),
    (PaperCount(8, 1, 1, 1, 11), None),
])
def test_one_applicants_counts(count: PaperCount, code: str | None) -> None:
    if code is None:
        check_count("A", count, attending=11, eligible=11)
        with pytest.raises(RuleError) as err:  # two recused: 9 ballots can carry the applicant
            check_count("A", count, attending=11, eligible=9)
        assert err.value.code == "tally_returned_over_eligible"
        return
    with pytest.raises(RuleError) as err:
        check_count("A", count, attending=11, eligible=11)
    assert err.value.code == code


def test_keyings_replay_to_agreement_after_recounts() -> None:
    c = {a: PaperCount(k, 10 - k, 0, 0, 10) for a, k in (("a", 7), ("b", 5), ("c", 9))}
    off = {**c, "b": PaperCount(4, 6, 0, 0, 10), "c": PaperCount(9, 0, 0, 1, 10)}
    s = tally_state(["a", "b", "c"], [Keying(1, "T1", c), Keying(1, "T2", off)])
    assert (s.pass_no, s.due, s.tellers, set(s.mismatches)) == (2, ("b", "c"), ("T1", "T2"), {"b", "c"})
    s = tally_state(["a", "b", "c"], [Keying(1, "T1", c), Keying(1, "T2", off), Keying(2, "T2", {"b": c["b"], "c": c["c"]}),
                                      Keying(2, "T1", {"b": c["b"], "c": c["c"]})])
    assert s.complete and dict(s.agreed) == c
    for bad in ([Keying(1, "T1", c), Keying(1, "T1", c)],  # the same teller twice
                [Keying(1, "T1", c), Keying(1, "T2", off), Keying(2, "T3", {"b": c["b"], "c": c["c"]})],  # a third
                [Keying(1, "T1", {"a": c["a"]})],  # not every applicant due
                [Keying(2, "T1", c)]):  # the wrong pass
        with pytest.raises(RuleError) as err:
            tally_state(["a", "b", "c"], bad)
        assert err.value.code == "tally_keying_out_of_order"


def test_forms_group_applicants_by_electorate() -> None:
    everyone = frozenset({"R1", "R2", "R3", "R4"})
    eligible = {"a": everyone, "b": everyone - {"R2"}, "c": everyone, "d": everyone - {"R2"},
                "e": everyone - {"R3"}, "f": frozenset()}
    forms = ballot_forms(["a", "b", "c", "d", "e", "f"], eligible)
    assert [(f.letter, f.applicant_ids, f.copies) for f in forms] == [
        ("A", ("a", "c"), 4), ("B", ("b", "d"), 3), ("C", ("e",), 3)]
