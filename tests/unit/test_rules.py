"""The decision rules of RULES.md §2–5, with numbers worked by hand, and their properties (hypothesis)."""

from __future__ import annotations

import math
import random
from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zc_review.domain import rules
from zc_review.domain.model import (
    Aggregation,
    Criterion,
    RecusalBase,
    Rubric,
    RuleSettings,
    ScorePart,
    Series,
)
from zc_review.domain.rules import Candidate, Outcome, RuleError

# -- quorum (RULES.md §2: attending ≥ ⌈2/3 × size⌉) ---------------------------------------------------

@pytest.mark.parametrize(("size", "required"), [(17, 12), (15, 10), (11, 8), (3, 2), (21, 14), (41, 28)])
def test_quorum_required_by_hand(size: int, required: int) -> None:
    # 17·2/3 = 11.33 → 12; 15·2/3 = 10; 11·2/3 = 7.33 → 8; 21·2/3 = 14; 41·2/3 = 27.33 → 28
    assert rules.quorum_required(size) == required


def test_quorum_edge_17() -> None:
    assert rules.has_quorum(12, 17)
    assert not rules.has_quorum(11, 17)


@pytest.mark.parametrize("size", range(3, 42))
def test_quorum_edge_every_size(size: int) -> None:
    q = rules.quorum_required(size)
    assert 3 * q >= 2 * size and 3 * (q - 1) < 2 * size
    assert rules.has_quorum(q, size) and not rules.has_quorum(q - 1, size)


def test_quorum_rejects_empty_committee() -> None:
    with pytest.raises(RuleError):
        rules.quorum_required(0)


# -- the 2/3 vote (RULES.md §5: 3·agree ≥ 2·base) ----------------------------------------------------------

@pytest.mark.parametrize(("base", "needed"), [(17, 12), (16, 11), (15, 10), (11, 8), (10, 7), (12, 8)])
def test_two_thirds_by_hand(base: int, needed: int) -> None:
    # 17: 2/3 = 11.33 → 12 agree; 15: exactly 10; 11: 7.33 → 8
    assert rules.agree_needed(base) == needed
    assert rules.meets_two_thirds(needed, base)
    assert not rules.meets_two_thirds(needed - 1, base)


@pytest.mark.parametrize("base", range(3, 42))
def test_two_thirds_edge_every_size(base: int) -> None:
    need = rules.agree_needed(base)
    assert rules.meets_two_thirds(need, base) and not rules.meets_two_thirds(need - 1, base)
    assert need == math.ceil(D(2) * base / 3)


def test_zero_base_never_passes() -> None:
    assert not rules.meets_two_thirds(0, 0)


def test_recusal_base_both_settings() -> None:
    # 17 attending, 2 of them recused from this applicant
    assert rules.vote_base(17, 2, RecusalBase.ATTENDING) == 17  # need 12 agree of the 15 who can vote
    assert rules.vote_base(17, 2, RecusalBase.ATTENDING_MINUS_RECUSED) == 15  # need 10
    assert not rules.meets_two_thirds(11, rules.vote_base(17, 2, RecusalBase.ATTENDING))
    assert rules.meets_two_thirds(11, rules.vote_base(17, 2, RecusalBase.ATTENDING_MINUS_RECUSED))


# -- scores (RULES.md §4) -----------------------------------------------------------------------------

def _rubric(defence: bool = True) -> Rubric:
    crit = [Criterion("M1", "业绩", ScorePart.MATERIAL, D(60)), Criterion("M2", "安全生产", ScorePart.MATERIAL, D(40),
                                                                    allow_na=True)]
    if defence:
        crit.append(Criterion("D1", "答辩", ScorePart.DEFENCE, D(100), step=D("0.5")))
    return Rubric("R", "标准", "1", Series.ENGINEERING if defence else Series.EDUCATION, tuple(crit))


def test_rounding_half_up() -> None:
    assert rules.round_half_up(D("2.345")) == D("2.35")
    assert rules.round_half_up(D("2.344")) == D("2.34")
    assert rules.round_half_up(D("79.995")) == D("80.00")
    assert rules.round_half_up(D("0.005")) == D("0.01")  # banker's rounding would give 0.00


def test_composite_by_hand() -> None:
    # M = 80.5, D = 71 → 0.7·80.5 + 0.3·71 = 56.35 + 21.3 = 77.65
    assert rules.composite_score(D("80.5"), D("71"), RuleSettings()) == D("77.65")
    # M = 85.25, D = 90.25 → 59.675 + 27.075 = 86.75
    assert rules.composite_score(D("85.25"), D("90.25"), RuleSettings()) == D("86.75")
    # 0.7·77.333… + 0.3·80 = 54.1333… + 24 = 78.1333… → 78.13
    m = rules.aggregate([D(77), D(78), D(77)], Aggregation.MEAN)
    assert rules.composite_score(m, D(80), RuleSettings()) == D("78.13")


def test_education_composite_is_material() -> None:
    assert rules.composite_score(D("83.456"), None, RuleSettings()) == D("83.46")


def test_mean_and_trimmed_mean_by_hand() -> None:
    scores = [D(70), D(80), D(85), D(90), D(99)]
    assert rules.aggregate(scores, Aggregation.MEAN) == D("84.8")  # 424 / 5
    assert rules.aggregate(scores, Aggregation.TRIMMED_MEAN, 5) == D(85)  # (80 + 85 + 90) / 3
    assert rules.aggregate(scores[:4], Aggregation.TRIMMED_MEAN, 5) == D("81.25")  # under N: plain mean


def test_part_score_and_not_applicable() -> None:
    r = _rubric()
    assert rules.part_score(r, ScorePart.MATERIAL, {"M1": D(45), "M2": D(30), "D1": D(80)}) == D(75)
    # N/A is not 0: 45 of 60 applicable → 75 of 100
    assert rules.part_score(r, ScorePart.MATERIAL, {"M1": D(45), "M2": None}) == D(75)
    assert rules.part_score(r, ScorePart.MATERIAL, {"M1": D(45), "M2": D(0)}) == D(45)


@pytest.mark.parametrize(("value", "code"), [(D(61), "score_out_of_range"), (D(-1), "score_out_of_range"),
                                             (D("10.3"), "score_bad_step"), (None, "score_na_not_allowed")])
def test_score_validation(value: D | None, code: str) -> None:
    with pytest.raises(RuleError) as err:
        rules.validate_score(_rubric().criterion("M1"), value)
    assert err.value.code == code


def test_ranking_shares_ties() -> None:
    assert rules.rank({"a": D(90), "b": D(85), "c": D(85), "d": D(80)}) == {"a": 1, "b": 2, "c": 2, "d": 4}


# -- the pass-rate cap (RULES.md §5) --------------------------------------------------------------------

def test_cap_floor() -> None:
    assert rules.pass_cap(D("0.6"), 8) == 4  # 4.8 → 4
    assert rules.pass_cap(D("0.75"), 12) == 9
    assert rules.pass_cap(D("0.3"), 3) == 0


def test_cap_orders_by_agree_then_composite() -> None:
    # base 16 → 11 agree needed; cap ⌊0.5·6⌋ = 3; five qualify
    c = [Candidate("a", 15, 16, D(70)), Candidate("b", 12, 16, D(90)), Candidate("c", 12, 16, D(88)),
         Candidate("d", 11, 16, D(95)), Candidate("e", 13, 16, D(60)), Candidate("f", 10, 16, D(99))]
    d = rules.decide_group(c, D("0.5"))
    assert d.cap == 3
    assert {k for k, v in d.outcomes.items() if v is Outcome.PASSED} == {"a", "e", "b"}
    assert d.outcomes["c"] is Outcome.EXCEEDS_CAP and d.outcomes["d"] is Outcome.EXCEEDS_CAP
    assert d.outcomes["f"] is Outcome.BELOW_THRESHOLD
    assert d.order == ("a", "e", "b", "c", "d")


def test_tie_at_edge_needs_runoff_then_resolves() -> None:
    c = [Candidate("a", 14, 16, D(80)), Candidate("b", 12, 16, D("79.54")), Candidate("c", 12, 16, D("79.54")),
         Candidate("d", 9, 16, D(90))]
    d = rules.decide_group(c, D("0.5"))  # cap 2: a passes; b and c tied for 1 slot
    assert d.outcomes["a"] is Outcome.PASSED
    assert d.runoff == ("b", "c") and d.runoff_slots == 1
    assert d.outcomes["b"] is Outcome.RUNOFF_PENDING
    d2 = rules.decide_group(c, D("0.5"), [{"b": 12, "c": 6}])
    assert d2.outcomes["b"] is Outcome.PASSED and d2.outcomes["c"] is Outcome.EXCEEDS_CAP
    d3 = rules.decide_group(c, D("0.5"), [{"b": 8, "c": 8}])  # still tied: another run-off
    assert d3.runoff == ("b", "c")
    d4 = rules.decide_group(c, D("0.5"), [{"b": 8, "c": 8}, {"b": 5, "c": 9}])
    assert d4.outcomes["c"] is Outcome.PASSED and d4.outcomes["b"] is Outcome.EXCEEDS_CAP


def test_runoff_must_cover_the_tied() -> None:
    c = [Candidate("b", 12, 16, D(1)), Candidate("c", 12, 16, D(1)), Candidate("x", 12, 16, D(2))]
    with pytest.raises(RuleError):
        rules.decide_group(c, D("0.67"), [{"b": 3}])  # cap 2: x passes, b and c tie for one slot


def test_ballot_agree_limit() -> None:
    rules.check_ballot_agree_limit({"G": 3}, {"G": 3})
    with pytest.raises(RuleError):
        rules.check_ballot_agree_limit({"G": 4}, {"G": 3})


# -- properties ------------------------------------------------------------------------------------------

cands = st.lists(st.tuples(st.integers(0, 20), st.integers(60, 95)), min_size=1, max_size=14)


@given(cands, st.sampled_from([D("0.3"), D("0.5"), D("0.6"), D("0.75"), D(1)]), st.integers(1, 20))
def test_cap_never_exceeded(rows: list[tuple[int, int]], rate: D, base: int) -> None:
    c = [Candidate(f"a{i}", min(a, base), base, D(s)) for i, (a, s) in enumerate(rows)]
    d = rules.decide_group(c, rate)
    passed = [k for k, v in d.outcomes.items() if v is Outcome.PASSED]
    pending = [k for k, v in d.outcomes.items() if v is Outcome.RUNOFF_PENDING]
    assert len(passed) <= d.cap
    assert len(passed) + d.runoff_slots <= d.cap
    assert all(rules.meets_two_thirds(next(x.agree for x in c if x.applicant_id == k), base) for k in passed + pending)


@given(cands, st.sampled_from([D("0.5"), D("0.75")]), st.integers(1, 20), st.randoms())
def test_outcome_does_not_depend_on_order(rows: list[tuple[int, int]], rate: D, base: int, rnd: random.Random) -> None:
    c = [Candidate(f"a{i}", min(a, base), base, D(s)) for i, (a, s) in enumerate(rows)]
    shuffled = list(c)
    rnd.shuffle(shuffled)
    assert rules.decide_group(c, rate).outcomes == rules.decide_group(shuffled, rate).outcomes


@given(cands, st.integers(1, 20), st.data())
def test_more_agree_never_turns_pass_into_fail_without_cap(rows: list[tuple[int, int]], base: int,
                                                           data: st.DataObject) -> None:
    c = [Candidate(f"a{i}", min(a, base), base, D(s)) for i, (a, s) in enumerate(rows)]
    i = data.draw(st.integers(0, len(c) - 1))
    before = rules.decide_group(c, D(1)).outcomes[c[i].applicant_id]
    more = list(c)
    more[i] = Candidate(c[i].applicant_id, min(base, c[i].agree + 1), base, c[i].composite)
    after = rules.decide_group(more, D(1)).outcomes[c[i].applicant_id]
    if before is Outcome.PASSED:
        assert after is Outcome.PASSED


@given(st.lists(st.decimals(min_value=0, max_value=100, places=1), min_size=1, max_size=9))
def test_mean_within_bounds(values: list[D]) -> None:
    m = rules.aggregate(values, Aggregation.MEAN)
    assert min(values) <= m <= max(values)
