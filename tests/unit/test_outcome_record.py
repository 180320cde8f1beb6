"""The outcome from the raw record (domain/outcome.py ``compute_outcome``), on small records built by hand.

Each test builds a tiny session (one rubric: M1 material 0–100, D1 defence 0–100, so a sheet's part scores
are its two values) and a record holding only what the test is about, works every number by hand in its
docstring and asserts every derived number. Each test kills one mutant of the code that chooses which sheets
and rounds count (issue 15: the mutation audit found 6 of the 7 surviving):

- the newest submitted sheet wins over older submitted ones (resubmission after a return);
- drafts and returned sheets are not counted;
- absent recused reviewers do not reduce the base (both recusal bases);
- run-off rounds are filtered by group (two groups in run-off at once);
- the sheet of a reviewer who recused after submitting is not counted;
- voided rounds are not counted (a voided main vote, a voided run-off).

Source: RULES.md §4–5; docs/FORMATS.md (results.json).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal as D
from typing import Any

import pytest

from zc_review.domain.ballot import Tally
from zc_review.domain.model import (
    Applicant,
    CommitteeRole,
    Criterion,
    Dossier,
    Group,
    Panel,
    RecusalBase,
    Reviewer,
    Rubric,
    RuleSettings,
    ScorePart,
    Series,
    SessionDefinition,
    TitleLevel,
)
from zc_review.domain.outcome import compute_outcome, declared_numbers, latest_submitted
from zc_review.domain.rules import Outcome, RuleError

RUBRIC = Rubric("RB", "测试标准", "1", Series.ENGINEERING, (
    Criterion("M1", "业绩与安全生产", ScorePart.MATERIAL, D(100)),
    Criterion("D1", "答辩", ScorePart.DEFENCE, D(100)),
))


def session(reviewers: int, groups: Mapping[str, tuple[str, ...]], *, rate: str = "0.5",
            recusal_base: RecusalBase = RecusalBase.ATTENDING) -> SessionDefinition:
    """Reviewers R1…Rn (R1 chair, R2 vice-chair), one panel P of R1–R3, one group per key with its applicants."""
    roles = [CommitteeRole.CHAIR, CommitteeRole.VICE_CHAIR] + [CommitteeRole.MEMBER] * (reviewers - 2)
    people = tuple(Reviewer(f"R{i + 1}", f"评委{i + 1}", "某单位", "正高级工程师", TitleLevel.FULL_SENIOR, "建筑",
                            roles[i]) for i in range(reviewers))
    dossier = Dossier("本科", 10, "工程师", "高级工程师")
    applicants = tuple(Applicant(a, f"C-{a}", f"申报人{a}", "某公司", "P", g, dossier)
                       for g, ids in groups.items() for a in ids)
    return SessionDefinition(
        session_id="S-TEST", committee_name="测试评委会", organizing_body="测试局", series=Series.ENGINEERING,
        title_level="高级", year=2025, venue="会议室", scheduled_date="2025-06-01", reviewers=people, staff=(),
        panels=(Panel("P", "评议组", "建筑", "R1", "R2", ("R1", "R2", "R3"), "RB"),),
        groups=tuple(Group(g, f"组{g}", D(rate)) for g in groups), rubrics=(RUBRIC,), applicants=applicants,
        rules=RuleSettings(recusal_base=recusal_base))


def sheet(reviewer: str, applicant: str, m: str, d: str, version: int = 1, status: str = "submitted") -> dict[str, Any]:
    """One score sheet of the record: M1 = m, D1 = d (points)."""
    return {"reviewer_id": reviewer, "applicant_id": applicant, "version": version, "status": status,
            "values": {"M1": m, "D1": d}}


def box(round_no: int, applicants: list[str], marks: dict[str, list[str]], *, kind: str = "main",
        status: str = "closed", group_id: str | None = None, slots: int = 0) -> dict[str, Any]:
    """One round of the record; ``marks`` applicant → one choice per slip ("agree", "disagree", "abstain")."""
    slips = [[f"s{round_no}-{a}-{i}", a, c] for a, cs in marks.items() for i, c in enumerate(cs)]
    return {"round_no": round_no, "kind": kind, "status": status, "applicants": applicants,
            "group_id": group_id, "slots": slots, "slips": slips}


def record(attending: Sequence[str], absent: Sequence[str] = (), *, recusals: Sequence[tuple[str, str]] = (),
           sheets: Sequence[dict[str, Any]] = (), rounds: Sequence[dict[str, Any]] = ()) -> dict[str, Any]:
    """A raw record: attendance, recusals (reviewer, applicant), sheets and rounds."""
    return {"attendance": {**{r: True for r in attending}, **{r: False for r in absent}},
            "recusals": [{"reviewer_id": r, "applicant_id": a} for r, a in recusals],
            "sheets": list(sheets), "rounds": list(rounds)}


def agree(n: int, disagree: int = 0, abstain: int = 0) -> list[str]:
    """``n`` agree slips, then disagree and abstain ones."""
    return ["agree"] * n + ["disagree"] * disagree + ["abstain"] * abstain


# -- which sheets count -------------------------------------------------------------------------------------

def test_newest_submitted_sheet_wins_over_older_submitted_ones() -> None:
    """R1 submitted three versions for A1 (listed v2, v3, v1); R2 one. Only R1's v3 and R2's v1 count.

    R1 v3: M 80, D 90.   R2 v1: M 90, D 70.
    M = (80 + 90)/2 = 85;  D = (90 + 70)/2 = 80;  C = 0.7·85 + 0.3·80 = 59.5 + 24 = 83.50.
    (Oldest wins: R1 v1 M 60 D 60 → M 75, D 65, C 52.5 + 19.5 = 72.00; listing order wins: v1 or v2.)
    """
    defn = session(3, {"G": ("A1",)})
    rec = record(["R1", "R2", "R3"], sheets=[
        sheet("R1", "A1", "70", "70", version=2), sheet("R1", "A1", "80", "90", version=3),
        sheet("R1", "A1", "60", "60", version=1), sheet("R2", "A1", "90", "70"),
    ])
    chosen = latest_submitted(rec["sheets"])
    assert set(chosen) == {("R1", "A1"), ("R2", "A1")}
    assert chosen[("R1", "A1")]["version"] == 3 and chosen[("R1", "A1")]["values"] == {"M1": "80", "D1": "90"}
    s = compute_outcome(defn, rec).applicants["A1"].score
    assert s is not None
    assert s.per_reviewer == {"R1": (D(80), D(90)), "R2": (D(90), D(70))}
    assert (s.material, s.defence, s.composite) == (D(85), D(80), D("83.50"))
    assert str(s.composite) == "83.50"


def test_newest_submitted_wins_whatever_the_listing_order() -> None:
    """The same two submitted versions listed old-first and new-first give the same sheet.

    R1 v1: M 50, D 50; R1 v2: M 70, D 80 → M = 70, D = 80, C = 0.7·70 + 0.3·80 = 49 + 24 = 73.00.
    """
    defn = session(3, {"G": ("A1",)})
    old, new = sheet("R1", "A1", "50", "50", version=1), sheet("R1", "A1", "70", "80", version=2)
    for order in ([old, new], [new, old]):
        s = compute_outcome(defn, record(["R1", "R2", "R3"], sheets=order)).applicants["A1"].score
        assert s is not None
        assert s.per_reviewer == {"R1": (D(70), D(80))}
        assert (s.material, s.defence, s.composite) == (D(70), D(80), D("73.00"))


def test_drafts_and_returned_sheets_are_not_counted() -> None:
    """For A1: R1's v1 was returned (M 40, D 40) and its v2 is a draft (M 50, D 50); R3 has only a draft
    (M 100, D 100); R2 submitted M 80, D 70. Only R2 counts.

    M = 80;  D = 70;  C = 0.7·80 + 0.3·70 = 56 + 21 = 77.00.
    (Counting drafts: R1 v2 and R3 → M (50 + 80 + 100)/3 = 76.67; counting returned: R1 v1 → M 60.)
    A2 has only a draft (R1, M 90): no score, no rank.
    """
    defn = session(3, {"G": ("A1", "A2")})
    rec = record(["R1", "R2", "R3"], sheets=[
        sheet("R1", "A1", "40", "40", version=1, status="returned"),
        sheet("R1", "A1", "50", "50", version=2, status="draft"),
        sheet("R2", "A1", "80", "70"),
        sheet("R3", "A1", "100", "100", status="draft"),
        sheet("R1", "A2", "90", "90", status="draft"),
    ])
    assert set(latest_submitted(rec["sheets"])) == {("R2", "A1")}
    out = compute_outcome(defn, rec)
    s = out.applicants["A1"].score
    assert s is not None
    assert s.per_reviewer == {"R2": (D(80), D(70))}
    assert (s.material, s.defence, s.composite) == (D(80), D(70), D("77.00"))
    assert out.applicants["A1"].rank == 1
    assert out.applicants["A2"].score is None and out.applicants["A2"].rank is None


def test_sheet_of_a_reviewer_who_recused_after_submitting_is_not_counted() -> None:
    """R1, R2, R3 submitted for A1; R3 then recused from A1 in the room. R3's sheet stays in the record but
    does not count.

    R1: M 70, D 60; R2: M 80, D 90; (R3: M 100, D 100, recused).
    M = (70 + 80)/2 = 75;  D = (60 + 90)/2 = 75;  C = 0.7·75 + 0.3·75 = 75.00.
    (Counting R3: M = 250/3 = 83.33…, D = 250/3, C = 83.33.)
    Base, attending minus recused: 3 attending − 1 = 2; agree needed ⌈2·2/3⌉ = 2; 2 agree → passed
    (cap ⌊1·1⌋ = 1).
    """
    defn = session(3, {"G": ("A1",)}, rate="1", recusal_base=RecusalBase.ATTENDING_MINUS_RECUSED)
    rec = record(["R1", "R2", "R3"], recusals=[("R3", "A1")], sheets=[
        sheet("R1", "A1", "70", "60"), sheet("R2", "A1", "80", "90"), sheet("R3", "A1", "100", "100"),
    ], rounds=[box(1, ["A1"], {"A1": agree(2)})])
    o = compute_outcome(defn, rec).applicants["A1"]
    assert o.score is not None
    assert o.score.per_reviewer == {"R1": (D(70), D(60)), "R2": (D(80), D(90))}
    assert (o.score.material, o.score.defence, o.score.composite) == (D(75), D(75), D("75.00"))
    assert o.base == 2 and o.tally == Tally(2, 0, 0) and o.outcome is Outcome.PASSED


def test_absent_reviewer_does_not_score() -> None:
    """R3 submitted for A1 and was then marked absent: only R1 and R2 count.

    R1: M 60, D 80; R2: M 90, D 70 → M = 75, D = 75, C = 75.00 (with R3's M 30, D 30: M 60, D 60).
    """
    defn = session(3, {"G": ("A1",)})
    rec = record(["R1", "R2"], ["R3"], sheets=[
        sheet("R1", "A1", "60", "80"), sheet("R2", "A1", "90", "70"), sheet("R3", "A1", "30", "30")])
    s = compute_outcome(defn, rec).applicants["A1"].score
    assert s is not None
    assert set(s.per_reviewer) == {"R1", "R2"}
    assert (s.material, s.defence, s.composite) == (D(75), D(75), D("75.00"))


# -- the base of the 2/3 rule ---------------------------------------------------------------------------------

def _recusal_record() -> dict[str, Any]:
    """6 reviewers, R6 absent. A1: R5 (attending) and R6 (absent) recused; 3 agree, 1 disagree (R1–R4).
    A2: nobody recused; 4 agree, 1 disagree (R1–R5)."""
    return record(["R1", "R2", "R3", "R4", "R5"], ["R6"], recusals=[("R5", "A1"), ("R6", "A1")],
                  rounds=[box(1, ["A1", "A2"], {"A1": agree(3, 1), "A2": agree(4, 1)})])


def test_absent_recused_reviewer_does_not_reduce_the_base_attending_minus_recused() -> None:
    """Base = attending − attending recused. 5 attending (R1–R5); recused from A1: R5 (attending), R6 (absent).

    A1: base 5 − 1 = 4 (not 5 − 2 = 3); needed ⌈2·4/3⌉ = 3; 3 agree: 3·3 = 9 ≥ 8 → reaches 2/3.
    A2: base 5; needed ⌈10/3⌉ = 4; 4 agree: 12 ≥ 10 → reaches 2/3.
    Cap ⌊0.5 × 2⌋ = 1; both qualify; order by agree: A2 (4) before A1 (3) → A2 passed, A1 exceeds the cap.
    (With base 3 the outcome is the same: the base itself is asserted.)
    """
    defn = session(6, {"G": ("A1", "A2")}, recusal_base=RecusalBase.ATTENDING_MINUS_RECUSED)
    out = compute_outcome(defn, _recusal_record())
    a1, a2 = out.applicants["A1"], out.applicants["A2"]
    assert (a1.base, a2.base) == (4, 5)
    assert a1.tally == Tally(3, 1, 0) and a2.tally == Tally(4, 1, 0)
    assert out.groups["G"].cap == 1 and out.groups["G"].order == ("A2", "A1")
    assert (a1.outcome, a2.outcome) == (Outcome.EXCEEDS_CAP, Outcome.PASSED)
    assert out.main_round == 1 and out.final
    nums = declared_numbers(defn, out)["applicants"]
    assert (nums["A1"]["base"], nums["A1"]["agree"], nums["A1"]["disagree"]) == (4, 3, 1)


def test_absent_recused_reviewer_does_not_reduce_the_base_when_two_agree() -> None:
    """As above, but A1 alone in a group with rate 1 and 2 agree, 2 disagree.

    Base 5 − 1 = 4; needed 3; 2 agree: 3·2 = 6 < 8 → below threshold.
    (Were the absent R6 subtracted too: base 3, 6 ≥ 6 → passed.)
    """
    defn = session(6, {"G": ("A1",)}, rate="1", recusal_base=RecusalBase.ATTENDING_MINUS_RECUSED)
    rec = record(["R1", "R2", "R3", "R4", "R5"], ["R6"], recusals=[("R5", "A1"), ("R6", "A1")],
                 rounds=[box(1, ["A1"], {"A1": agree(2, 2)})])
    a1 = compute_outcome(defn, rec).applicants["A1"]
    assert a1.base == 4 and a1.tally == Tally(2, 2, 0) and a1.outcome is Outcome.BELOW_THRESHOLD


def test_absent_recused_reviewer_does_not_count_in_the_base_attending() -> None:
    """Base = attending (the default): recusals change nothing, absent reviewers are not counted.

    5 attending (R1–R5; R6 absent, not in the base). A1: base 5, needed 4, 3 agree: 9 < 10 → below threshold.
    A2: base 5, 4 agree: 12 ≥ 10 → reaches 2/3; cap ⌊0.5 × 2⌋ = 1; only A2 qualifies → passed.
    (Counting the roll, absent included: base 6, needed 4, A2 still 12 ≥ 12; the bases are asserted.)
    """
    defn = session(6, {"G": ("A1", "A2")})
    out = compute_outcome(defn, _recusal_record())
    a1, a2 = out.applicants["A1"], out.applicants["A2"]
    assert (a1.base, a2.base) == (5, 5)
    assert (a1.outcome, a2.outcome) == (Outcome.BELOW_THRESHOLD, Outcome.PASSED)
    assert out.groups["G"].cap == 1 and out.groups["G"].order == ("A2",)


# -- which rounds count ---------------------------------------------------------------------------------------

def _two_group_ties(rounds_after_main: list[dict[str, Any]]) -> tuple[SessionDefinition, dict[str, Any]]:
    """Groups GA (A1, A2, A3) and GB (B1, B2, B3), rate 0.5 → cap ⌊1.5⌋ = 1 each. 4 attending: base 4,
    needed ⌈8/3⌉ = 3. Main vote: A1 4, A2 4, A3 1 agree; B1 3, B2 3, B3 2 agree. Every applicant scored by
    R1 alone with the same sheet (M 80, D 80 → C 80.00), so A1–A2 and B1–B2 tie exactly at their cap's edge."""
    groups = {"GA": ("A1", "A2", "A3"), "GB": ("B1", "B2", "B3")}
    defn = session(4, groups)
    main = box(1, ["A1", "A2", "A3", "B1", "B2", "B3"], {
        "A1": agree(4), "A2": agree(4), "A3": agree(1, 3), "B1": agree(3, 1), "B2": agree(3, 0, 1),
        "B3": agree(2, 2)})
    sheets = [sheet("R1", a, "80", "80") for ids in groups.values() for a in ids]
    return defn, record(["R1", "R2", "R3", "R4"], sheets=sheets, rounds=[main, *rounds_after_main])


def test_runoffs_are_filtered_by_group_two_groups_at_once() -> None:
    """Both groups tie at the edge; round 2 is GB's run-off (B1 1, B2 3 agree), round 3 GA's (A1 3, A2 1).

    GA: A1, A2 reach 2/3 (4 ≥ 3), tied on (4 agree, 80.00) for 1 slot; run-off A1 3 > A2 1 → A1 passed,
    A2 exceeds the cap; A3 1 agree < 3 → below threshold.
    GB: B1, B2 tied on (3, 80.00); run-off B2 3 > B1 1 → B2 passed, B1 exceeds; B3 2 < 3 → below.
    (Giving each group every run-off: GB's round would be read as GA's → run-off mismatch.)
    """
    defn, rec = _two_group_ties([
        box(2, ["B1", "B2"], {"B1": agree(1, 3), "B2": agree(3, 1)}, kind="runoff", group_id="GB", slots=1),
        box(3, ["A1", "A2"], {"A1": agree(3, 1), "A2": agree(1, 3)}, kind="runoff", group_id="GA", slots=1),
    ])
    out = compute_outcome(defn, rec)
    o = {a: x.outcome for a, x in out.applicants.items()}
    assert o == {"A1": Outcome.PASSED, "A2": Outcome.EXCEEDS_CAP, "A3": Outcome.BELOW_THRESHOLD,
                 "B1": Outcome.EXCEEDS_CAP, "B2": Outcome.PASSED, "B3": Outcome.BELOW_THRESHOLD}
    assert {a: x.runoff_agree for a, x in out.applicants.items()} == {
        "A1": (3,), "A2": (1,), "A3": (), "B1": (1,), "B2": (3,), "B3": ()}
    assert {a: x.tally.agree for a, x in out.applicants.items() if x.tally} == {
        "A1": 4, "A2": 4, "A3": 1, "B1": 3, "B2": 3, "B3": 2}
    assert all(x.base == 4 for x in out.applicants.values())
    assert all(x.score is not None and x.score.composite == D("80.00") for x in out.applicants.values())
    assert (out.groups["GA"].cap, out.groups["GB"].cap) == (1, 1)
    assert out.groups["GA"].order == ("A1", "A2") and out.groups["GB"].order == ("B1", "B2")
    assert out.pending == () and out.final and out.main_round == 1
    assert declared_numbers(defn, out)["groups"] == {"GA": {"cap": 1, "passed": ["A1"]},
                                                     "GB": {"cap": 1, "passed": ["B2"]}}


def test_runoff_of_one_group_leaves_the_other_pending() -> None:
    """Only GA's run-off held (round 2: A1 1, A2 3 agree): GA decided (A2 passed, A1 exceeds), GB still
    pending between B1 and B2 for 1 slot, so the session is not final.
    (Giving GB the run-off of GA → run-off mismatch.)"""
    defn, rec = _two_group_ties([
        box(2, ["A1", "A2"], {"A1": agree(1, 3), "A2": agree(3, 1)}, kind="runoff", group_id="GA", slots=1)])
    out = compute_outcome(defn, rec)
    assert (out.applicants["A1"].outcome, out.applicants["A2"].outcome) == (Outcome.EXCEEDS_CAP, Outcome.PASSED)
    assert out.applicants["B1"].outcome is Outcome.RUNOFF_PENDING
    assert out.applicants["B2"].outcome is Outcome.RUNOFF_PENDING
    assert out.applicants["B1"].runoff_agree == () and out.applicants["A2"].runoff_agree == (3,)
    assert out.pending == (("GB", ("B1", "B2"), 1),) and not out.final
    assert out.failed() == ["A1", "A3", "B1", "B2", "B3"]


def test_runoff_of_another_group_is_refused_when_given_to_the_wrong_group() -> None:
    """The guard the group filter relies on: GB's tie handed GA's run-off is a run-off mismatch."""
    from zc_review.domain import rules

    with pytest.raises(RuleError) as err:
        rules.decide_group([rules.Candidate("B1", 3, 4, D(80)), rules.Candidate("B2", 3, 4, D(80))], D("0.5"),
                           [{"A1": 3, "A2": 1}])
    assert err.value.code == "runoff_mismatch"


def test_voided_main_round_is_not_counted() -> None:
    """Round 1 (main) voided, its re-vote round 2 closed. Base 3 (R1–R3), needed 2, cap ⌊1 × 1⌋ = 1.

    Round 1 (void): 3 agree. Round 2 (revote): 1 agree, 2 disagree → 3·1 = 3 < 6 → below threshold.
    Main round = 2; A1's tally (1, 2, 0).
    """
    defn = session(3, {"G": ("A1",)}, rate="1")
    rec = record(["R1", "R2", "R3"], rounds=[
        box(1, ["A1"], {"A1": agree(3)}, status="void"), box(2, ["A1"], {"A1": agree(1, 2)}, kind="revote")])
    out = compute_outcome(defn, rec)
    assert out.main_round == 2 and out.final
    assert out.applicants["A1"].tally == Tally(1, 2, 0)
    assert out.applicants["A1"].outcome is Outcome.BELOW_THRESHOLD


def test_voided_main_round_with_its_revote_still_open_counts_for_nothing() -> None:
    """Round 1 (main, 3 agree) voided; its re-vote round 2 still open (no slips exported). No main vote:
    no tally, no decision, not final, no group decided."""
    defn = session(3, {"G": ("A1",)}, rate="1")
    rec = record(["R1", "R2", "R3"], rounds=[
        box(1, ["A1"], {"A1": agree(3)}, status="void"), box(2, ["A1"], {}, kind="revote", status="open")])
    out = compute_outcome(defn, rec)
    assert out.main_round is None and not out.final
    assert out.groups == {} and out.pending == ()
    a1 = out.applicants["A1"]
    assert a1.tally is None and a1.outcome is None and a1.base == 3
    assert declared_numbers(defn, out)["applicants"]["A1"]["agree"] is None


def test_voided_runoff_round_is_not_counted() -> None:
    """GA's run-off round 2 (A1 4, A2 0 agree) voided; its re-vote round 3 (A1 1, A2 3) closed.
    GB's run-off round 4: B1 3, B2 1. Only rounds 3 and 4 count.

    GA: A2 3 > A1 1 → A2 passed, A1 exceeds the cap; A1's run-off agree (1,), not (4, 1).
    GB: B1 3 > B2 1 → B1 passed, B2 exceeds.
    (Counting the void round: A1 4 > A2 0 → A1 passed.)
    """
    defn, rec = _two_group_ties([
        box(2, ["A1", "A2"], {"A1": agree(4), "A2": agree(0, 4)}, kind="runoff", status="void", group_id="GA",
            slots=1),
        box(3, ["A1", "A2"], {"A1": agree(1, 3), "A2": agree(3, 1)}, kind="runoff", group_id="GA", slots=1),
        box(4, ["B1", "B2"], {"B1": agree(3, 1), "B2": agree(1, 3)}, kind="runoff", group_id="GB", slots=1),
    ])
    out = compute_outcome(defn, rec)
    assert (out.applicants["A1"].outcome, out.applicants["A2"].outcome) == (Outcome.EXCEEDS_CAP, Outcome.PASSED)
    assert (out.applicants["B1"].outcome, out.applicants["B2"].outcome) == (Outcome.PASSED, Outcome.EXCEEDS_CAP)
    assert (out.applicants["A1"].runoff_agree, out.applicants["A2"].runoff_agree) == ((1,), (3,))
    assert out.final and out.main_round == 1
