"""A few numbers of the demo's golden file (data/demo/expected-results.json) re-derived by hand.

The golden file is written by the program itself; these tests check some of its numbers against the demo
script's typed scores and ballots (data/demo/script.json) with nothing but the standard library, the
arithmetic worked out in each docstring. Source: RULES.md §4–5; data/demo/session.yaml (mean, 0.7/0.3,
recusal base = attending, G-JZ pass rate 0.6).
"""

from __future__ import annotations

import json
from collections import Counter
from decimal import ROUND_HALF_UP
from decimal import Decimal as D
from typing import Any

import pytest

from tests.conftest import ROOT

DEMO = ROOT / "data/demo"
MATERIAL = ("M1", "M2", "M3", "M4", "M5", "M6")  # RB-GC: material criteria (10 + 40 + 15 + 15 + 10 + 10)
DEFENCE = ("D1", "D2", "D3")  # RB-GC: defence criteria (40 + 40 + 20)


@pytest.fixture(scope="module")
def golden() -> dict[str, Any]:
    return json.loads((DEMO / "expected-results.json").read_text("utf-8"))  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def actions() -> list[dict[str, Any]]:
    return json.loads((DEMO / "script.json").read_text("utf-8"))["actions"]  # type: ignore[no-any-return]


def sheet_totals(actions: list[dict[str, Any]], applicant: str) -> list[tuple[str, D, D]]:
    """(reviewer, material total, defence total) of every submitted sheet for ``applicant``, in script order."""
    out = []
    for a in actions:
        if a["action"] == "scores" and a["applicant"] == applicant and a.get("submit"):
            v = a["values"]
            out.append((a["reviewer"], sum((D(v[c]) for c in MATERIAL), D(0)), sum((D(v[c]) for c in DEFENCE), D(0))))
    return out


def half_up(x: D) -> str:
    """``x`` to 2 places, half-up, as text."""
    return str(x.quantize(D("0.01"), rounding=ROUND_HALF_UP))


def round_marks(actions: list[dict[str, Any]], opened_by: str) -> dict[str, Counter[str]]:
    """applicant → Counter of marks, over the ballots between the first ``opened_by`` action and the next
    close_poll."""
    start = next(i for i, a in enumerate(actions) if a["action"] == opened_by)
    end = next(i for i, a in enumerate(actions) if i > start and a["action"] == "close_poll")
    marks: dict[str, Counter[str]] = {}
    for a in actions[start:end]:
        if a["action"] == "ballot":
            for applicant, choice in a["choices"].items():
                marks.setdefault(applicant, Counter())[choice] += 1
    return marks


def test_a001_composite_by_hand(actions: list[dict[str, Any]], golden: dict[str, Any]) -> None:
    """A001 (G-JZ) was scored by six reviewers, each sheet submitted once:

    R02  M 7.5 + 32.5 + 12 + 12 + 8 + 8 = 80      D 26 + 36 + 16 = 78
    R04  M 9 + 34 + 12.5 + 12.5 + 6.5 + 8 = 82.5  D 30 + 34 + 16 = 80
    R05  M 7.5 + 35.5 + 12.5 + 12.5 + 8 + 8 = 84  D 34.5 + 30 + 14.5 = 79
    R06  M 7.5 + 35 + 13 + 11 + 8 + 6.5 = 81      D 29 + 32.5 + 14.5 = 76
    R07  M 9 + 27.5 + 11.5 + 12.5 + 8 + 8 = 76.5  D 31.5 + 32 + 17 = 80.5
    R08  M 7 + 30 + 10.5 + 12 + 8 + 8 = 75.5      D 32 + 30.5 + 16 = 78.5

    M = 479.5 / 6 = 79.91666… → 79.92;  D = 472 / 6 = 78.666… → 78.67;
    C = 0.7·M + 0.3·D = (0.7·479.5 + 0.3·472) / 6 = (335.65 + 141.6) / 6 = 477.25 / 6 = 79.541666… → 79.54
    (from the exact means, not from the rounded 79.92 and 78.67, which would give 55.944 + 23.601 = 79.545 → 79.55).
    """
    totals = sheet_totals(actions, "A001")
    assert totals == [("R02", D(80), D(78)), ("R04", D("82.5"), D(80)), ("R05", D(84), D(79)),
                      ("R06", D(81), D(76)), ("R07", D("76.5"), D("80.5")), ("R08", D("75.5"), D("78.5"))]
    m_sum, d_sum = sum((m for _, m, _ in totals), D(0)), sum((d for _, _, d in totals), D(0))
    assert (m_sum, d_sum) == (D("479.5"), D(472))
    assert (D("0.7") * m_sum + D("0.3") * d_sum) == D("477.25")
    a001 = golden["applicants"]["A001"]
    assert (a001["material"], a001["defence"], a001["composite"]) == ("79.92", "78.67", "79.54")
    assert half_up(m_sum / 6) == "79.92" and half_up(d_sum / 6) == "78.67" and half_up(D("477.25") / 6) == "79.54"
    assert half_up(D("0.7") * D("79.92") + D("0.3") * D("78.67")) == "79.55"  # not the official value


def test_a001_and_a002_votes_by_hand(actions: list[dict[str, Any]], golden: dict[str, Any]) -> None:
    """16 attending (R17 absent): base 16, agree needed ⌈2·16/3⌉ = 11 (3·11 = 33 ≥ 32).

    Main vote, A001: 12 agree, 2 disagree, 2 abstain (16 slips); A002 the same. Both reach 2/3 (12 ≥ 11),
    with the same composite 79.54: tied at G-JZ's edge. Run-off: A001 12 agree, A002 6.
    """
    attendance = next(a for a in actions if a["action"] == "attendance")
    assert (len(attendance["attending"]), attendance["absent"]) == (16, ["R17"])
    main = round_marks(actions, "open_poll")
    assert main["A001"] == Counter(agree=12, disagree=2, abstain=2)
    assert main["A002"] == Counter(agree=12, disagree=2, abstain=2)
    runoff = round_marks(actions, "open_runoff")
    assert set(runoff) == {"A001", "A002"}
    assert (runoff["A001"]["agree"], runoff["A002"]["agree"]) == (12, 6)
    for a, agree_runoff in (("A001", 12), ("A002", 6)):
        g = golden["applicants"][a]
        assert (g["agree"], g["disagree"], g["abstain"], g["base"]) == (12, 2, 2, 16)
        assert g["composite"] == "79.54" and g["runoff_agree"] == [agree_runoff]


def test_g_jz_decision_by_hand(actions: list[dict[str, Any]], golden: dict[str, Any]) -> None:
    """G-JZ: 8 applicants, cap ⌊0.6 × 8⌋ = ⌊4.8⌋ = 4. Main-vote agree counts (needed 11 of 16):
    A006 16, A007 15, A003 14, A001 12, A002 12 reach 2/3; A008 9, A005 8, A004 7 do not.
    Five qualify for four places: A006, A007, A003 pass; A001 and A002 tie (12 agree, 79.54) for the last
    place; the run-off (12 to 6) passes A001, A002 exceeds the cap.
    """
    main = round_marks(actions, "open_poll")
    group = sorted(p.parent.name for p in (DEMO / "applicants").glob("*/dossier.yaml")
                   if "group: G-JZ\n" in p.read_text("utf-8"))
    assert group == [f"A00{i}" for i in range(1, 9)]
    assert {a: main[a]["agree"] for a in group} == {"A001": 12, "A002": 12, "A003": 14, "A004": 7, "A005": 8,
                                                    "A006": 16, "A007": 15, "A008": 9}
    assert golden["groups"]["G-JZ"] == {"cap": 4, "passed": ["A001", "A003", "A006", "A007"]}
    outcomes = {a: golden["applicants"][a]["outcome"] for a in group}
    assert outcomes == {"A001": "passed", "A002": "exceeds_cap", "A003": "passed", "A004": "below_threshold",
                        "A005": "below_threshold", "A006": "passed", "A007": "passed", "A008": "below_threshold"}
