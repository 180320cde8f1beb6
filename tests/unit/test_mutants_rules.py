"""Kills of the mutants of the rules that survived ``make mutate`` (docs/MUTATION.md): edges and error details.

Each test pins one edge of a rule that a one-character change of the code moved without any test noticing
(``<`` for ``<=``, a constant off by one, a dropped default), or the code and parameters of a refusal (the
room and ``office pack`` show them to people through the catalogue, so a wrong parameter is a wrong message).
Numbers are worked by hand in the docstrings. Source: RULES.md §2–5.
"""

from __future__ import annotations

import hashlib
from decimal import Decimal as D

import pytest

from zc_review.domain import rules
from zc_review.domain.ballot import Tally, box_fingerprint, tally_slips
from zc_review.domain.codec import CodecError, definition_from_dict, percent_text
from zc_review.domain.model import Aggregation, Criterion, Rubric, RuleSettings, ScorePart, Series
from zc_review.domain.rules import Outcome, RuleError
from zc_review.domain.scoring import aggregate_scores, parse_score


def _refused(fn: object, *args: object) -> RuleError:
    with pytest.raises(RuleError) as err:
        fn(*args)  # type: ignore[operator]
    return err.value


# -- RuleError -------------------------------------------------------------------------------------------

def test_rule_error_carries_its_code_and_parameters() -> None:
    """The catalogue key and the parameters of the message are kept, also as the exception's args."""
    err = RuleError("score_out_of_range", criterion="业绩", max=D(60), value=D(61))
    assert err.code == "score_out_of_range"
    assert err.params == {"criterion": "业绩", "max": D(60), "value": D(61)}
    assert err.args == ("score_out_of_range", {"criterion": "业绩", "max": D(60), "value": D(61)})


# -- quorum and the 2/3 vote (RULES.md §2, §5) ----------------------------------------------------------------

def test_committee_of_one_has_a_quorum_of_one_and_none_is_refused() -> None:
    """⌈2/3 × 1⌉ = 1: a committee of one is a committee; a committee of 0 is refused with its size."""
    assert rules.quorum_required(1) == 1
    assert rules.has_quorum(1, 1) and not rules.has_quorum(0, 1)
    err = _refused(rules.quorum_required, 0)
    assert (err.code, err.params, err.args) == ("committee_size", {"size": 0}, ("committee_size", {"size": 0}))


def test_base_of_one_passes_with_one_agree() -> None:
    """Base 1: 3·1 ≥ 2·1, one agree vote is 2/3 of one; no agree vote is not. Only a base of 0 never passes."""
    assert rules.meets_two_thirds(1, 1)
    assert not rules.meets_two_thirds(0, 1)
    assert not rules.meets_two_thirds(1, 0)


# -- scores (RULES.md §3–4) -----------------------------------------------------------------------------------

CRIT = Criterion("M1", "业绩", ScorePart.MATERIAL, D(60))
NA_RUBRIC = Rubric("R", "标准", "1", Series.ENGINEERING, (
    Criterion("M1", "业绩", ScorePart.MATERIAL, D(60), allow_na=True),
    Criterion("M2", "安全生产", ScorePart.MATERIAL, D(40), allow_na=True),
    Criterion("D1", "答辩", ScorePart.DEFENCE, D(100)),
))


def test_score_exactly_at_the_maximum_is_accepted() -> None:
    """0 ≤ 60 ≤ 60 and 60 is a multiple of 0.5: accepted; 60.5 is above the maximum."""
    rules.validate_score(CRIT, D(60))
    rules.validate_score(CRIT, D(0))
    err = _refused(rules.validate_score, CRIT, D("60.5"))
    assert (err.code, err.params) == ("score_out_of_range", {"criterion": "业绩", "max": D(60), "value": D("60.5")})


def test_refusals_of_a_score_name_the_criterion_and_the_limit() -> None:
    """N/A where not allowed names the criterion; a bad step names the step (0.5) and the value (10.3)."""
    err = _refused(rules.validate_score, CRIT, None)
    assert (err.code, err.params) == ("score_na_not_allowed", {"criterion": "业绩"})
    err = _refused(rules.validate_score, CRIT, D("10.3"))
    assert (err.code, err.params) == ("score_bad_step", {"criterion": "业绩", "step": D("0.5"), "value": D("10.3")})
    err = _refused(rules.part_score, NA_RUBRIC, ScorePart.MATERIAL, {"M1": D(30)})
    assert (err.code, err.params) == ("score_missing", {"criterion": "安全生产"})


def test_a_part_with_every_criterion_not_applicable_scores_zero() -> None:
    """M1 and M2 both N/A: no applicable points, the material part is 0 (not 0/0); M1 = 30, M2 N/A: 30/60·100 = 50;
    M1 = 1, M2 N/A: 1/60·100 = 5/3 = 1.666…667 to 40 significant digits."""
    assert rules.part_score(NA_RUBRIC, ScorePart.MATERIAL, {"M1": None, "M2": None}) == D(0)
    assert rules.part_score(NA_RUBRIC, ScorePart.MATERIAL, {"M1": D(30), "M2": None}) == D(50)
    # M1 = 1, M2 N/A: 1/60·100 = 5/3, exact to 40 significant digits (the rules' working precision)
    five_thirds = D("1." + "6" * 38 + "7")
    assert rules.part_score(NA_RUBRIC, ScorePart.MATERIAL, {"M1": D(1), "M2": None}) == five_thirds


def test_trimmed_mean_defaults_to_five_scores_and_needs_three() -> None:
    """Trimmed mean, default N = 5: 70 80 85 90 99 → drop 70 and 99 → (80 + 85 + 90)/3 = 85.
    With N = 3 and 3 scores 70 80 99 → 80; N = 2 still needs 3 scores: 70 80 → plain mean 75."""
    assert rules.aggregate([D(70), D(80), D(85), D(90), D(99)], Aggregation.TRIMMED_MEAN) == D(85)
    assert rules.aggregate([D(99), D(70), D(80)], Aggregation.TRIMMED_MEAN, 3) == D(80)
    assert rules.aggregate([D(70), D(80)], Aggregation.TRIMMED_MEAN, 2) == D(75)
    err = _refused(rules.aggregate, [], Aggregation.MEAN)
    assert (err.code, err.params) == ("no_scores", {})


def test_rank_is_by_score_not_by_id() -> None:
    """a 80, b 90, c 85: b first, c second, a third, whatever the alphabetical order."""
    assert rules.rank({"a": D(80), "b": D(90), "c": D(85)}) == {"b": 1, "c": 2, "a": 3}


# -- the pass-rate cap (RULES.md §5) --------------------------------------------------------------------------

@pytest.mark.parametrize("rate", ["1.5", "1.01", "-0.1"])
def test_pass_rate_outside_0_1_is_refused_with_the_rate(rate: str) -> None:
    """A pass rate is a share of 1: 1.5, 1.01 and −0.1 are refused naming the rate; 1 and 0 are the edges."""
    err = _refused(rules.pass_cap, D(rate), 10)
    assert (err.code, err.params) == ("pass_rate_range", {"rate": D(rate)})
    assert rules.pass_cap(D(1), 10) == 10 and rules.pass_cap(D(0), 10) == 0


def test_ballot_agree_limit_names_group_cap_and_count_and_a_group_without_cap_allows_none() -> None:
    """Cap 2 in G1, 3 agree → refused (G1, 2, 3); a group missing from the caps has cap 0: 1 agree is over it,
    0 agree is not."""
    err = _refused(rules.check_ballot_agree_limit, {"G1": 3}, {"G1": 2})
    assert (err.code, err.params) == ("ballot_agree_limit", {"group": "G1", "cap": 2, "agree": 3})
    err = _refused(rules.check_ballot_agree_limit, {"G2": 1}, {})
    assert (err.code, err.params) == ("ballot_agree_limit", {"group": "G2", "cap": 0, "agree": 1})
    rules.check_ballot_agree_limit({"G2": 0}, {})
    rules.check_ballot_agree_limit({"G1": 2}, {"G1": 2})


# -- the ballot box (RULES.md §5; docs/FORMATS.md) ---------------------------------------------------------------

def test_a_slip_for_an_applicant_not_on_the_round_is_corrupt_even_with_a_good_mark() -> None:
    """A1 is on the round, A9 is not: (A9, agree) is refused; (A1, maybe) too; the good box counts 1 agree."""
    for bad in [("A9", "agree"), ("A1", "maybe")]:
        err = _refused(tally_slips, [("A1", "agree"), bad], ["A1"])
        assert (err.code, err.params) == ("ballot_box_corrupt", {})
    assert tally_slips([("A1", "agree")], ["A1", "A2"]) == {"A1": Tally(1, 0, 0), "A2": Tally(0, 0, 0)}


def test_box_fingerprint_is_the_sha256_of_the_sorted_lines() -> None:
    """Slips s2 (A1 disagree) and s1 (A1 agree): lines "s1:A1:agree\\n" + "s2:A1:disagree\\n", SHA-256 in hex."""
    want = hashlib.sha256(b"s1:A1:agree\ns2:A1:disagree\n").hexdigest()
    assert box_fingerprint([("s2", "A1", "disagree"), ("s1", "A1", "agree")]) == want
    assert box_fingerprint([]) == hashlib.sha256(b"").hexdigest()


# -- typed scores and a panel's aggregate (RULES.md §3–4) --------------------------------------------------------

@pytest.mark.parametrize(("text", "value"), [(" 18.5 ", D("18.5")), ("na", None), ("n/a", None), ("-", None),
                                             ("不适用", None), ("0", D(0))])
def test_parse_score_reads_numbers_and_not_applicable(text: str, value: D | None) -> None:
    assert parse_score(text) == value


@pytest.mark.parametrize(("text", "shown"), [("abc", "abc"), ("NaN", "NaN"), ("-Infinity", "-Infinity"),
                                             ("x" * 25, "x" * 20), (" 1,5 ", "1,5"),
                                             ("NaN" + "1" * 22, "NaN" + "1" * 17)])
def test_parse_score_refuses_with_the_first_20_characters(text: str, shown: str) -> None:
    err = _refused(parse_score, text)
    assert (err.code, err.params) == ("score_not_number", {"value": shown})


def test_aggregate_scores_uses_the_settings_trimmed_mean_for_both_parts() -> None:
    """Trimmed mean with N = 4 and four reviewers (M, D): (60,50) (70,70) (80,80) (99,96).
    M: drop 60 and 99 → (70 + 80)/2 = 75;  D: drop 50 and 96 → (70 + 80)/2 = 75;
    C = 0.7·75 + 0.3·75 = 75.00. (Untrimmed: M = 309/4 = 77.25, D = 296/4 = 74.)"""
    per = {"R1": (D(60), D(50)), "R2": (D(70), D(70)), "R3": (D(80), D(80)), "R4": (D(99), D(96))}
    s = aggregate_scores("A1", per, RuleSettings(aggregation=Aggregation.TRIMMED_MEAN, trimmed_min_scores=4), True)
    assert s is not None
    assert (s.applicant_id, s.material, s.defence, s.composite) == ("A1", D(75), D(75), D("75.00"))
    assert s.per_reviewer == per


def test_aggregate_scores_without_defence_is_the_material_mean() -> None:
    """Education: (80, –) (85, –) → M = 82.5, no defence, C = M = 82.50."""
    s = aggregate_scores("A2", {"R1": (D(80), None), "R2": (D(85), None)}, RuleSettings(), False)
    assert s is not None
    assert (s.applicant_id, s.material, s.defence, s.composite) == ("A2", D("82.5"), None, D("82.50"))
    assert aggregate_scores("A3", {}, RuleSettings(), True) is None


# -- the codec --------------------------------------------------------------------------------------------------

def test_percent_text_by_hand() -> None:
    """0.7 → 70%, 0.125 → 12.5%, 1 → 100%, 0 → 0%."""
    assert [percent_text(D(x)) for x in ("0.7", "0.125", "1", "0")] == ["70%", "12.5%", "100%", "0%"]


def test_codec_error_names_the_field_and_the_type_found() -> None:
    """A list where an object is expected: the message says where (``$`` for the top) and what came."""
    with pytest.raises(CodecError) as err:
        definition_from_dict([])  # type: ignore[arg-type]
    assert str(err.value) == "$: expected object, got list"
    assert (err.value.path, err.value.problem) == ("", "expected object, got list")
    e = CodecError("rules.pass_rate", "expected decimal string, got int")
    assert str(e) == "rules.pass_rate: expected decimal string, got int" and e.path == "rules.pass_rate"


# -- the cap's edge and the run-offs (RULES.md §5; 000 第二十六条(五)(六)) -------------------------------------------

def _cand(a: str, agree: int, composite: str, base: int = 3) -> rules.Candidate:
    return rules.Candidate(a, agree, base, D(composite))


def test_a_cap_of_zero_lets_no_one_pass_even_a_single_qualified_applicant() -> None:
    """Rate 0.4, two applicants: cap ⌊0.4 × 2⌋ = 0. A1 reaches 2/3 (3 of 3), A2 does not (1 of 3, 3 < 6):
    A1 exceeds the cap (no run-off: there is no slot to fight for), A2 is below the threshold."""
    d = rules.decide_group([_cand("A1", 3, "80"), _cand("A2", 1, "90")], D("0.4"))
    assert (d.cap, d.outcomes, d.runoff, d.order) == (0, {"A1": Outcome.EXCEEDS_CAP, "A2": Outcome.BELOW_THRESHOLD},
                                                      (), ("A1",))


def test_a_cap_of_zero_with_two_equal_qualified_applicants_needs_no_runoff() -> None:
    """Rate 0.3, three applicants: cap ⌊0.9⌋ = 0. A1 and A2 both 3 agree and composite 80 (tied), A3 3 agree 70:
    all three exceed the cap; nothing is pending."""
    d = rules.decide_group([_cand("A1", 3, "80"), _cand("A2", 3, "80"), _cand("A3", 3, "70")], D("0.3"))
    assert d.outcomes == {a: Outcome.EXCEEDS_CAP for a in ("A1", "A2", "A3")}
    assert (d.runoff, d.runoff_slots) == ((), 0)


def test_a_tie_at_the_edge_leaves_the_clearly_worse_beyond_the_cap() -> None:
    """Rate 0.25, four applicants: cap 1. A1 and A2 3 agree, composite 80 (tied at the edge), A3 2 agree 90,
    A4 0 agree. Ordered by agree votes then composite: A1 = A2 > A3. A1 and A2 await a run-off for 1 slot,
    A3 exceeds the cap, A4 is below 2/3 (0 < 6); the cap order is A1, A2, A3."""
    d = rules.decide_group([_cand("A3", 2, "90"), _cand("A2", 3, "80"), _cand("A1", 3, "80"), _cand("A4", 0, "99")],
                           D("0.25"))
    assert d.outcomes == {"A1": Outcome.RUNOFF_PENDING, "A2": Outcome.RUNOFF_PENDING, "A3": Outcome.EXCEEDS_CAP,
                          "A4": Outcome.BELOW_THRESHOLD}
    assert (d.cap, d.runoff, d.runoff_slots, d.order) == (1, ("A1", "A2"), 1, ("A1", "A2", "A3"))


def test_a_runoff_naming_an_applicant_outside_the_tie_is_refused_with_both_sets() -> None:
    """Tied at the edge: A1 and A2. A run-off naming A1, A2 and A3 is refused, naming the tie and the round."""
    cands = [_cand("A1", 3, "80"), _cand("A2", 3, "80"), _cand("A3", 2, "90"), _cand("A4", 0, "99")]
    err = _refused(rules.decide_group, cands, D("0.25"), [{"A1": 2, "A2": 1, "A3": 0}])
    assert (err.code, err.params) == ("runoff_mismatch", {"expected": ["A1", "A2"], "got": ["A1", "A2", "A3"]})
    d = rules.decide_group(cands, D("0.25"), [{"A1": 1, "A2": 2}])
    assert d.outcomes == {"A1": Outcome.EXCEEDS_CAP, "A2": Outcome.PASSED, "A3": Outcome.EXCEEDS_CAP,
                          "A4": Outcome.BELOW_THRESHOLD}
    assert (d.runoff, d.order) == ((), ("A1", "A2", "A3"))


# -- the codec's strictness, type by type (docs/FORMATS.md: the session definition travels as this JSON) -----------

def _decode_error(tp: object, value: object, path: str) -> str:
    from zc_review.domain import codec

    with pytest.raises(CodecError) as err:
        codec._decode(tp, value, path)
    return str(err.value)


@pytest.mark.parametrize(("tp", "value", "want"), [
    (int | None, None, None), (int | None, 3, 3), (tuple[int, str], [1, "a"], (1, "a")),
    (tuple[int, ...], [1, 2, 3], (1, 2, 3)), (tuple[int, ...], [], ()), (D, "12.50", D("12.50")),
])
def test_decode_accepts_each_type_it_knows(tp: object, value: object, want: object) -> None:
    """Optional values, fixed and variable tuples, exact decimals (12.50 keeps its two places)."""
    from zc_review.domain import codec

    got = codec._decode(tp, value, "p")
    assert got == want and type(got) is type(want)
    if isinstance(want, D):
        assert str(got) == "12.50"


@pytest.mark.parametrize(("tp", "value", "path", "message"), [
    (int | None, "x", "p", "p: expected int, got str"),
    (int | str, 1, "p", "p: unsupported union int | str"),
    (tuple[int, str], [1], "p", "p: expected 2 items, got 1"),
    (tuple[int, str], ["a", "b"], "p", "p[0]: expected int, got str"),
    (tuple[int, ...], {}, "p", "p: expected list, got dict"),
    (tuple[int, ...], [1, "x"], "p", "p[1]: expected int, got str"),
    (Series, "x", "series", "series: 'x' is not a valid Series"),
    (bool, 1, "rehearsal", "rehearsal: expected bool, got int"),
    (int, True, "year", "year: expected int, got bool"),
    (int, "1", "year", "year: expected int, got str"),
    (str, 1, "venue", "venue: expected str, got int"),
    (D, 1, "rate", "rate: expected decimal string, got int"),
    (D, "abc", "rate", "rate: 'abc' is not a decimal"),
    (D, "NaN", "rate", "rate: non-finite decimal 'NaN'"),
    (float, 1.0, "x", "x: unsupported type <class 'float'>"),
    (str, None, "", "$: expected str, got NoneType"),
])
def test_decode_refuses_naming_the_field_and_what_came(tp: object, value: object, path: str, message: str) -> None:
    """Each refusal says where (the field's path, ``$`` for the top) and what was expected and found."""
    assert _decode_error(tp, value, path) == message


def test_decode_of_a_dataclass_names_missing_and_unknown_keys() -> None:
    """A group without its name: ``g.name: missing required key``; a list for an object; unknown keys sorted
    as text (even a non-text key of a dict built in Python)."""
    from zc_review.domain.model import Group

    assert _decode_error(Group, {"id": "G"}, "g") == "g.name: missing required key"
    assert _decode_error(Group, [], "groups[0]") == "groups[0]: expected object, got list"
    assert _decode_error(Group, {"id": "G", "name": "组", "pass_rate": "0.5", "zz": 1, 1: 2}, "g") == \
        "g: unknown keys [1, 'zz']"


def test_type_hints_are_read_once_per_class() -> None:
    """The codec reads a dataclass's type hints once and keeps them: the same dict on every call."""
    from zc_review.domain import codec
    from zc_review.domain.model import Group

    codec._HINTS.pop(Group, None)
    hints = codec._hints(Group)
    assert hints == {"id": str, "name": str, "pass_rate": D} and codec._hints(Group) is hints
    assert codec._HINTS[Group] is hints


def test_encode_refuses_a_non_finite_decimal_or_a_foreign_type_naming_the_field() -> None:
    """A pass rate of NaN in the first group, a set where the venue goes, a set among the reviewers."""
    import dataclasses

    from tests.unit.test_outcome_record import session
    from zc_review.domain.codec import definition_to_dict
    from zc_review.domain.model import Group

    defn = session(3, {"G": ("A1",)})
    cases = [
        (dataclasses.replace(defn, groups=(Group("G", "组G", D("NaN")),)), "groups[0].pass_rate: non-finite decimal NaN"),
        (dataclasses.replace(defn, venue={"会议室"}), "venue: cannot encode set"),
        (dataclasses.replace(defn, reviewers=(defn.reviewers[0], {"x"})), "reviewers[1]: cannot encode set"),
    ]
    for bad, message in cases:
        with pytest.raises(CodecError) as err:
            definition_to_dict(bad)
        assert str(err.value) == message
    assert definition_to_dict(defn)["groups"] == [{"id": "G", "name": "组G", "pass_rate": "0.5"}]


# -- the panel's rules: disagreement flags, discussion order, blind materials (RULES.md §4; issue 5 §4, §7, §9) ------

def test_spread_of_no_score_one_score_and_two_scores() -> None:
    """No score: all zero, nothing flagged. One score (70): mean 70, range 0, stdev 0, no distance (no others).
    Two scores 60 and 80: mean 70, range 20 (not > 20), stdev √((100 + 100)/2) = 10 > 8, each 20 > 15 from the
    other: flagged for the stdev and the distance, both concerned."""
    from zc_review.domain import panel as pr

    assert pr.spread("defence", {}, pr.Thresholds()) == pr.PartSpread("defence", 0, D(0), D(0), D(0), {}, (), ())
    one = pr.spread("defence", {"R1": D(70)}, pr.Thresholds())
    assert (one.part, one.n, one.mean, one.range, one.stdev, one.distance, one.reasons, one.concerned) == (
        "defence", 1, D(70), D(0), D(0), {}, (), ())
    two = pr.spread("material", {"R1": D(60), "R2": D(80)}, pr.Thresholds())
    assert (two.part, two.n, two.mean, two.range, two.stdev) == ("material", 2, D(70), D(20), D(10))
    assert two.distance == {"R1": D(20), "R2": D(20)}
    assert (two.reasons, two.concerned) == (("stdev", "distance"), ("R1", "R2"))  # 10 > 8, 20 > 15
    assert pr.concerned_reviewers([pr.PartSpread("m", 3, D(0), D(0), D(0), {}, ("range",), ("R3", "R1")),
                                   pr.PartSpread("d", 3, D(0), D(0), D(0), {}, ("range",), ("R2", "R1"))]) == (
        "R1", "R2", "R3")


# Found by search (every non-empty subset of six reviewers a–f): instances where the nearest-next tour is
# longer than the shortest one. Each applicant xi must have the reviewers of set i out of the room.
TEN = ["bef", "c", "acf", "aef", "abcdef", "a", "be", "adf", "bcdf", "bcd"]
ELEVEN = ["bc", "bcde", "bce", "aef", "def", "cef", "adef", "abcdef", "ab", "ade", "df"]


def _order_moves(sets: list[str]) -> int:
    from zc_review.domain import panel as pr

    out = {f"x{i}": frozenset(s) for i, s in enumerate(sets)}
    order = pr.discussion_order(list(out), out)
    assert sorted(order) == sorted(out)
    return pr.movements(order, out)


def test_discussion_order_is_exact_up_to_ten_sets_and_greedy_beyond() -> None:
    """Ten distinct sets: the exact tour, 20 moves (nearest-next would take 22). Eleven: nearest-next, 24 moves
    (the exact tour would take 20; the listing order 30)."""
    assert _order_moves(TEN) == 20
    assert _order_moves(ELEVEN) == 24


def test_discussion_order_of_one_and_two_sets() -> None:
    """One set: a2 (nobody out) first, then a1. Two sets {X}, {Y}: both tours cost 4 (∅→X→Y→∅); the exact tour
    keeps the one that ends on the lower index: Y first, then X."""
    from zc_review.domain import panel as pr

    x, y = frozenset({"X"}), frozenset({"Y"})
    assert pr.discussion_order(["a1", "a2"], {"a1": x}) == ["a2", "a1"]
    # those with nobody out come first even when listed first: their "set" is not a stop of the tour
    assert pr.discussion_order(["a2", "a1"], {"a1": x}) == ["a2", "a1"]
    assert pr.discussion_order(["a2", "a1", "a3"], {"a1": x, "a3": y}) == ["a2", "a3", "a1"]
    assert pr.discussion_order(["a1", "a2"], {"a1": x, "a2": y}) == ["a2", "a1"]


def test_identifying_terms_edges() -> None:
    """A one-character name is not searched; an employer's core is kept when it has 4 characters or more:
    青川精工有限公司 → 青川精工 (4), 甲公司 → no core (1)."""
    from zc_review.domain import panel as pr

    assert pr.identifying_terms("梁", "甲公司") == [("employer", "甲公司")]
    assert pr.identifying_terms(" 梁健 ", "青川精工有限公司") == [("name", "梁健"), ("employer", "青川精工有限公司"),
                                                          ("employer", "青川精工")]


def test_blind_findings_excerpts_and_positions() -> None:
    """The name at the very start, the employer right after it (not hidden by the name's span), the first
    occurrence only, newlines shown as spaces, 12 characters of context either side by default."""
    from zc_review.domain import panel as pr

    text = "梁健青川精工有限公司\n" + "一二三四五六七八九十甲乙丙丁" + "梁健"
    found = pr.blind_findings("梁健", "青川精工有限公司", {"w": text})
    flat = text.replace("\n", " ")
    assert [(f.where, f.kind, f.term, f.excerpt) for f in found] == [
        ("w", "name", "梁健", flat[:2 + 12]), ("w", "employer", "青川精工有限公司", flat[:2 + 8 + 12])]
    assert flat[:14] == "梁健青川精工有限公司 一二三" and flat[:22] == "梁健青川精工有限公司 一二三四五六七八九十甲"
    mid = pr.blind_findings("梁健", "", {"w": "甲" * 20 + "梁健" + "乙" * 20}, context=3)
    assert [f.excerpt for f in mid] == ["甲甲甲梁健乙乙乙"]
