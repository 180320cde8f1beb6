"""The rules' edges the mutation audit found untested (issue 15): a pass rate outside [0, 1], a run-off round
that does not cover exactly the tied applicants, a score exactly at a criterion's maximum.

Source: RULES.md §3–5; 000_…txt 第二十六条(五)(六).
"""

from __future__ import annotations

import shutil
from decimal import Decimal as D
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT
from zc_review.domain import rules
from zc_review.domain.model import Criterion, ScorePart
from zc_review.domain.rules import Candidate, Outcome, RuleError
from zc_review.service.errors import ServiceError

# -- the pass rate is a share in [0, 1] -------------------------------------------------------------------------

@pytest.mark.parametrize("rate", [D("1.01"), D("1.5"), D(2), D("-0.01"), D(-1)])
def test_pass_cap_refuses_a_rate_outside_0_1(rate: D) -> None:
    with pytest.raises(RuleError) as err:
        rules.pass_cap(rate, 10)
    assert err.value.code == "pass_rate_range" and err.value.params == {"rate": rate}


def test_pass_cap_accepts_both_ends() -> None:
    # ⌊0 × 10⌋ = 0; ⌊1 × 10⌋ = 10; ⌊1 × 7⌋ = 7
    assert rules.pass_cap(D(0), 10) == 0
    assert rules.pass_cap(D(1), 10) == 10
    assert rules.pass_cap(D("1.00"), 7) == 7


def test_decide_group_refuses_a_rate_above_1() -> None:
    """A rate of 1.2 would give cap ⌊1.2 × 5⌋ = 6 > 5 applicants: refused before any decision."""
    c = [Candidate(f"a{i}", 10, 12, D(80)) for i in range(5)]
    with pytest.raises(RuleError) as err:
        rules.decide_group(c, D("1.2"))
    assert err.value.code == "pass_rate_range"


def _input_with_rate(rate: str, tmp_path: Path) -> Path:
    """A copy of data/demo-education whose first group's pass rate is ``rate`` (YAML text)."""
    src = tmp_path / "in"
    shutil.copytree(ROOT / "data/demo-education", src)
    p = src / "session.yaml"
    text = p.read_text("utf-8")
    first = text.index("pass_rate: '0.7'")
    p.write_text(text[:first] + f"pass_rate: {rate}" + text[text.index("\n", first):], "utf-8")
    return src


@pytest.mark.parametrize(("rate", "shown"), [("'1.2'", "1.2"), ("1.01", "1.01"), ("-0.1", "-0.1")])
def test_office_pack_refuses_a_rate_outside_0_1(rate: str, shown: str, office_keys: Path, tmp_path: Path) -> None:
    """``office pack`` names the file, the field and the value, in Chinese, and writes no package."""
    from zc_review.service.office import pack

    with pytest.raises(ServiceError) as err:
        pack(_input_with_rate(rate, tmp_path), tmp_path / "x.zcp", office_keys, fast_kdf=True)
    assert err.value.code == "input_invalid"
    assert f"session.yaml: 字段 groups[0].pass_rate: 通过率应在 0 到 1 之间，实际为 {shown}" in err.value.message
    assert not (tmp_path / "x.zcp").exists()


def test_office_pack_cli_refuses_a_rate_above_1(office_keys: Path, tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    """The command line exits 2 with the same sentence on stderr and writes no package."""
    from zc_review.cli import main

    src, pkg = _input_with_rate("1.5", tmp_path), tmp_path / "x.zcp"
    assert main(["office", "pack", str(src), "--out", str(pkg), "--keys", str(office_keys), "--fast-kdf"]) == 2
    assert "session.yaml: 字段 groups[0].pass_rate: 通过率应在 0 到 1 之间，实际为 1.5" in capsys.readouterr().err
    assert not pkg.exists()


# -- a run-off covers exactly the applicants tied at the edge ------------------------------------------------------

def _tied() -> list[Candidate]:
    """Base 16 (11 agree needed); cap ⌊0.5 × 4⌋ = 2. a passes (14 agree); b and c tie on (12, 79.54) for the
    one slot left; d is below 2/3 (9 < 11)."""
    return [Candidate("a", 14, 16, D(80)), Candidate("b", 12, 16, D("79.54")), Candidate("c", 12, 16, D("79.54")),
            Candidate("d", 9, 16, D(90))]


@pytest.mark.parametrize(("held", "got"), [
    ({"b": 9}, ["b"]),  # c missing
    ({"b": 9, "c": 3, "d": 1}, ["b", "c", "d"]),  # d outside the tie
    ({"b": 9, "c": 3, "a": 1}, ["a", "b", "c"]),  # a already passed
    ({"b": 9, "d": 3}, ["b", "d"]),  # same size, wrong set
    ({}, []),  # an empty round
])
def test_runoff_not_covering_exactly_the_tie_is_refused(held: dict[str, int], got: list[str]) -> None:
    with pytest.raises(RuleError) as err:
        rules.decide_group(_tied(), D("0.5"), [held])
    assert err.value.code == "runoff_mismatch"
    assert err.value.params == {"expected": ["b", "c"], "got": got}


def test_second_runoff_with_an_extra_applicant_is_refused() -> None:
    """Round 1 ties again (b 8, c 8); round 2 names d as well: refused."""
    with pytest.raises(RuleError) as err:
        rules.decide_group(_tied(), D("0.5"), [{"b": 8, "c": 8}, {"b": 5, "c": 9, "d": 2}])
    assert err.value.code == "runoff_mismatch"


def test_runoff_covering_exactly_the_tie_decides() -> None:
    d = rules.decide_group(_tied(), D("0.5"), [{"c": 9, "b": 5}])
    assert d.outcomes == {"a": Outcome.PASSED, "c": Outcome.PASSED, "b": Outcome.EXCEEDS_CAP,
                          "d": Outcome.BELOW_THRESHOLD}


# -- a score exactly at the maximum is valid -----------------------------------------------------------------------

@pytest.mark.parametrize(("max_points", "step"), [(D(60), D("0.5")), (D(15), D("0.5")), (D(100), D(1)), (D(10), D("2.5"))])
def test_score_at_the_maximum_is_accepted(max_points: D, step: D) -> None:
    c = Criterion("M1", "业绩", ScorePart.MATERIAL, max_points, step=step)
    rules.validate_score(c, max_points)  # no error
    rules.validate_score(c, D(0))
    with pytest.raises(RuleError) as err:
        rules.validate_score(c, max_points + step)
    assert err.value.code == "score_out_of_range"


def test_full_marks_sum_to_100_per_part() -> None:
    """Full marks on every criterion: M = 60 + 40 = 100 (each part is on 0–100)."""
    from zc_review.domain.model import Rubric, Series

    r = Rubric("R", "标准", "1", Series.ENGINEERING, (
        Criterion("M1", "业绩", ScorePart.MATERIAL, D(60)), Criterion("M2", "安全生产", ScorePart.MATERIAL, D(40)),
        Criterion("D1", "答辩", ScorePart.DEFENCE, D(100))))
    assert rules.part_score(r, ScorePart.MATERIAL, {"M1": D(60), "M2": D(40)}) == D(100)
    assert rules.part_score(r, ScorePart.DEFENCE, {"D1": D(100)}) == D(100)


def test_save_scores_accepts_full_marks(room_at: Any) -> None:
    """Full marks on RB-GC through the room: M = 10 + 40 + 15 + 15 + 10 + 10 = 100, D = 40 + 40 + 20 = 100,
    C = 0.7·100 + 0.3·100 = 100.00 for A001 scored by every one of its scorers; one half-point above M1's
    maximum (10.5) is refused."""
    room, runner = room_at("scores")
    rubric = room.defn.rubric("RB-GC")
    full = {c.id: c.max_points for c in rubric.criteria}
    assert full == {"M1": D(10), "M2": D(40), "M3": D(15), "M4": D(15), "M5": D(10), "M6": D(10),
                    "D1": D(40), "D2": D(40), "D3": D(20)}
    scorers = room.scoring.scorers_of("A001")
    with pytest.raises(ServiceError) as err:
        room.scoring.save_scores(runner.actor(scorers[0]), "A001", {**full, "M1": D("10.5")}, submit=True)
    assert err.value.code == "score_out_of_range"
    for r in scorers:
        sheet = room.scoring.save_scores(runner.actor(r), "A001", full, submit=True)
        assert sheet.status == "submitted"
    s = room.scoring.applicant_score("A001")
    assert (s.material, s.defence, s.composite) == (D(100), D(100), D("100.00"))
