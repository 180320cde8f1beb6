"""The decision rules of RULES.md §2–5 as pure functions: quorum, scores, the 2/3 vote, the pass-rate cap.

All arithmetic is exact ``Decimal``; values shown to people are rounded half-up to 2 places by
``round_half_up``. Counts are ``int``. Nothing here does I/O.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, localcontext
from enum import StrEnum

from zc_review.domain.model import Aggregation, Criterion, RecusalBase, Rubric, RuleSettings, ScorePart

PART_TOTAL = Decimal(100)  # each part (material, defence) is scored on 0–100
_PRECISION = 40  # digits of working precision for means; far beyond the 2 places shown


class RuleError(ValueError):
    """An input that the rules forbid (bad score, impossible count). ``code`` is a catalogue key."""

    def __init__(self, code: str, /, **params: object) -> None:
        super().__init__(code, params)
        self.code = code
        self.params = params


# -- rounding ----------------------------------------------------------------------------------

def round_half_up(value: Decimal, places: int = 2) -> Decimal:
    """Round ``value`` half-up to ``places`` decimals (2.345 → 2.35, 2.344 → 2.34).

    Source: RULES.md §4 ("displayed values rounded half-up to 2 decimals").
    """
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


# -- quorum and the 2/3 vote ---------------------------------------------------------------------

def quorum_required(committee_size: int) -> int:
    """Attending reviewers needed for quorum: ⌈2/3 × committee_size⌉.

    Args: committee_size: number of reviewers on the committee (≥ 1).
    Returns: the smallest integer q with 3q ≥ 2·committee_size.
    Raises: RuleError("committee_size") when committee_size < 1.
    Source: RULES.md §2 (national rule, 人社部令第40号).
    """
    if committee_size < 1:
        raise RuleError("committee_size", size=committee_size)
    return -(-2 * committee_size // 3)


def has_quorum(attending: int, committee_size: int) -> bool:
    """True when ``attending`` ≥ ⌈2/3 × committee_size⌉. Source: RULES.md §2."""
    return attending >= quorum_required(committee_size)


def vote_base(attending: int, recused_attending: int, setting: RecusalBase) -> int:
    """The base of the 2/3 rule for one applicant.

    Args:
        attending: reviewers attending the meeting.
        recused_attending: attending reviewers recused from this applicant.
        setting: ``attending`` (default, the text's literal reading) or ``attending_minus_recused``.
    Returns: the number of reviewers whose 2/3 must agree.
    Source: RULES.md §5 (configurable base); 000 第二十六条(六).
    """
    if setting is RecusalBase.ATTENDING_MINUS_RECUSED:
        return attending - recused_attending
    return attending


def meets_two_thirds(agree: int, base: int) -> bool:
    """Pass threshold: agree ≥ 2/3 of base, in integers 3·agree ≥ 2·base; a base of 0 never passes.

    Abstain, disagree and a missing vote all count as not agreeing.
    Source: RULES.md §5; 000 第二十六条(六).
    """
    if base <= 0:
        return False
    return 3 * agree >= 2 * base


def agree_needed(base: int) -> int:
    """The smallest agree count that passes for ``base``: ⌈2·base/3⌉. Source: RULES.md §5."""
    return -(-2 * base // 3)


# -- scores ------------------------------------------------------------------------------------

def validate_score(criterion: Criterion, value: Decimal | None) -> None:
    """Check one criterion score. ``None`` means "not applicable" (only where the rubric allows it).

    Raises:
        RuleError("score_na_not_allowed"): N/A given where the criterion does not allow it.
        RuleError("score_out_of_range"): value < 0 or > max_points.
        RuleError("score_bad_step"): value is not a multiple of the criterion's step.
    Source: RULES.md §3–4.
    """
    if value is None:
        if not criterion.allow_na:
            raise RuleError("score_na_not_allowed", criterion=criterion.name)
        return
    if not value.is_finite() or value < 0 or value > criterion.max_points:
        raise RuleError("score_out_of_range", criterion=criterion.name, max=criterion.max_points, value=value)
    if value % criterion.step != 0:
        raise RuleError("score_bad_step", criterion=criterion.name, step=criterion.step, value=value)


def part_score(rubric: Rubric, part: ScorePart, scores: Mapping[str, Decimal | None]) -> Decimal:
    """One reviewer's score for one part (material or defence), on 0–100 points.

    Args:
        rubric: the panel's rubric.
        part: which part to total.
        scores: criterion id → points, or ``None`` for "not applicable"; every criterion of the
            part must be present.
    Returns: the sum of the part's points. When some criteria are N/A the sum of the applicable
        points is rescaled to 100 (points / applicable maximum × 100), so N/A never counts as 0.
        Exact Decimal; not rounded.
    Raises: RuleError("score_missing") for a criterion without a score; any error of validate_score.
    Source: RULES.md §4.
    """
    total = Decimal(0)
    applicable_max = Decimal(0)
    full_max = Decimal(0)
    for c in rubric.part_criteria(part):
        if c.id not in scores:
            raise RuleError("score_missing", criterion=c.name)
        value = scores[c.id]
        validate_score(c, value)
        full_max += c.max_points
        if value is not None:
            total += value
            applicable_max += c.max_points
    if applicable_max == full_max:
        return total
    if applicable_max == 0:
        return Decimal(0)
    with localcontext() as ctx:
        ctx.prec = _PRECISION
        return total / applicable_max * full_max


def aggregate(values: Sequence[Decimal], method: Aggregation, trimmed_min_scores: int = 5) -> Decimal:
    """Aggregate a panel's per-reviewer scores into one, exactly.

    Args:
        values: one score per scoring reviewer, in points.
        method: ``mean`` (default) or ``trimmed_mean``: drop exactly one highest and one lowest
            when at least ``trimmed_min_scores`` values exist, else the plain mean.
    Returns: the aggregate in points (exact, 40 significant digits; round only for display).
    Raises: RuleError("no_scores") for an empty sequence.
    Source: RULES.md §4.
    """
    if not values:
        raise RuleError("no_scores")
    ordered = sorted(values)
    if method is Aggregation.TRIMMED_MEAN and len(ordered) >= max(trimmed_min_scores, 3):
        ordered = ordered[1:-1]
    with localcontext() as ctx:
        ctx.prec = _PRECISION
        return sum(ordered, Decimal(0)) / len(ordered)


def composite_score(material: Decimal, defence: Decimal | None, rules: RuleSettings) -> Decimal:
    """Composite score C = 0.7·M + 0.3·D, or C = M where there is no defence (education series).

    Args: material, defence: aggregated part scores in points (0–100); defence None = no defence.
    Returns: C rounded half-up to 2 places (the official value, printed and used for ranking).
    Source: RULES.md §4; 000 第二十六条(三).
    """
    if defence is None:
        return round_half_up(material)
    with localcontext() as ctx:
        ctx.prec = _PRECISION
        return round_half_up(rules.material_weight * material + rules.defence_weight * defence)


def rank(scores: Mapping[str, Decimal]) -> dict[str, int]:
    """Ranking (综合排序) by composite score, highest first; equal scores share a rank (1, 2, 2, 4).

    Source: RULES.md §4; 002 第七条(七).
    """
    ordered = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))
    ranks: dict[str, int] = {}
    for i, (key, value) in enumerate(ordered):
        if i and value == ordered[i - 1][1]:
            ranks[key] = ranks[ordered[i - 1][0]]
        else:
            ranks[key] = i + 1
    return ranks


# -- the pass-rate cap ----------------------------------------------------------------------------

def pass_cap(pass_rate: Decimal, group_size: int) -> int:
    """How many may pass in a group: ⌊rate × applicants⌋. Source: RULES.md §5; 000 第二十六条(五)."""
    if pass_rate < 0 or pass_rate > 1:
        raise RuleError("pass_rate_range", rate=pass_rate)
    return math.floor(pass_rate * group_size)


class Outcome(StrEnum):
    """What the rules decided for one applicant."""

    PASSED = "passed"
    BELOW_THRESHOLD = "below_threshold"  # agree < 2/3 of base
    EXCEEDS_CAP = "exceeds_cap"  # reached 2/3 but beyond the pass-rate cap
    RUNOFF_PENDING = "runoff_pending"  # tied at the cap's edge, a run-off ballot is needed


@dataclass(frozen=True)
class Candidate:
    """One applicant's vote figures for the cap: agree votes, base, composite (2 places)."""

    applicant_id: str
    agree: int
    base: int
    composite: Decimal


@dataclass(frozen=True)
class GroupDecision:
    """The decision for one group.

    ``outcomes`` maps every candidate to an Outcome. ``runoff`` lists the applicants tied at the
    cap's edge that still need a run-off ballot (empty when decided) and ``runoff_slots`` how many
    of them can pass.
    """

    cap: int
    outcomes: dict[str, Outcome]
    runoff: tuple[str, ...] = ()
    runoff_slots: int = 0
    order: tuple[str, ...] = field(default=())  # the qualified applicants in cap order


def _split_at_edge(keys: Sequence[tuple[str, object]], slots: int) -> tuple[list[str], list[str], list[str]]:
    """Split (id, key) pairs sorted best-first into (clear winners, tied at the edge, clear losers)."""
    if slots <= 0:
        return [], [], [k for k, _ in keys]
    if slots >= len(keys):
        return [k for k, _ in keys], [], []
    edge = keys[slots - 1][1]
    if keys[slots][1] != edge:
        return [k for k, _ in keys[:slots]], [], [k for k, _ in keys[slots:]]
    better = [k for k, v in keys if _gt(v, edge)]
    tied = [k for k, v in keys if v == edge]
    worse = [k for k, v in keys if not _gt(v, edge) and v != edge]
    return better, tied, worse


def _gt(a: object, b: object) -> bool:
    return a > b  # type: ignore[operator,no-any-return]


def decide_group(
    candidates: Iterable[Candidate],
    pass_rate: Decimal,
    runoffs: Sequence[Mapping[str, int]] = (),
) -> GroupDecision:
    """Apply the 2/3 threshold and the pass-rate cap to one group.

    Args:
        candidates: every applicant of the group with agree votes, base and composite.
        pass_rate: the group's cap as a share of 1.
        runoffs: agree counts of each run-off round held so far, in order; each round covers
            exactly the applicants that were tied at the edge when it was called.
    Returns: a GroupDecision. Those reaching 2/3 are ordered by agree votes, then composite; if more
        than the cap reach it, the first ``cap`` pass and the rest fail with EXCEEDS_CAP; exact ties
        at the edge are resolved by the run-off rounds (by run-off agree votes) or left
        RUNOFF_PENDING when no run-off has been held yet.
    Raises: RuleError("runoff_mismatch") when a run-off round does not cover exactly the tied set.
    Source: RULES.md §5; 000 第二十六条(五)(六), 第四十六条.
    """
    cands = list(candidates)
    cap = pass_cap(pass_rate, len(cands))
    outcomes: dict[str, Outcome] = {}
    qualified = [c for c in cands if meets_two_thirds(c.agree, c.base)]
    for c in cands:
        if not meets_two_thirds(c.agree, c.base):
            outcomes[c.applicant_id] = Outcome.BELOW_THRESHOLD
    ordered = sorted(qualified, key=lambda c: (-c.agree, -c.composite, c.applicant_id))
    order = tuple(c.applicant_id for c in ordered)
    if len(qualified) <= cap:
        for c in qualified:
            outcomes[c.applicant_id] = Outcome.PASSED
        return GroupDecision(cap=cap, outcomes=outcomes, order=order)
    keyed: list[tuple[str, object]] = [(c.applicant_id, (c.agree, c.composite)) for c in ordered]
    slots = cap
    rounds = list(runoffs)
    while True:
        better, tied, worse = _split_at_edge(keyed, slots)
        for a in better:
            outcomes[a] = Outcome.PASSED
        for a in worse:
            outcomes[a] = Outcome.EXCEEDS_CAP
        if not tied:
            return GroupDecision(cap=cap, outcomes=outcomes, order=order)
        slots -= len(better)
        if not rounds:
            for a in tied:
                outcomes[a] = Outcome.RUNOFF_PENDING
            return GroupDecision(cap=cap, outcomes=outcomes, runoff=tuple(sorted(tied)),
                                 runoff_slots=slots, order=order)
        held = rounds.pop(0)
        if set(held) != set(tied):
            raise RuleError("runoff_mismatch", expected=sorted(tied), got=sorted(held))
        keyed = sorted(((a, held[a]) for a in tied), key=lambda kv: (-int(kv[1]), kv[0]))  # type: ignore[call-overload]


def check_ballot_agree_limit(agree_by_group: Mapping[str, int], caps: Mapping[str, int]) -> None:
    """Optional rule: a ballot may hold at most ``cap`` agree votes in each group.

    Raises: RuleError("ballot_agree_limit") naming the first group over its cap.
    Source: RULES.md §5 (configurable, default off).
    """
    for group_id, agree in agree_by_group.items():
        if agree > caps.get(group_id, 0):
            raise RuleError("ballot_agree_limit", group=group_id, cap=caps.get(group_id, 0), agree=agree)
