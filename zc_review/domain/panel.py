"""Panel-scoring rules as pure functions: disagreement flags, discussion order, blind-material checks.

Exact ``Decimal`` arithmetic; nothing here does I/O. Source: RULES.md §4 ("large disagreement is flagged
for the panel to re-check and explain; a score is never changed automatically"), issue 5 §4, §7, §9.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, localcontext

_PRECISION = 40


@dataclass(frozen=True)
class Thresholds:
    """When a part's scores count as "large disagreement" (all in points, on the part's 0–100).

    ``range``: max − min above this flags; ``stdev``: population standard deviation above this
    flags; ``distance``: a reviewer whose score is further than this from the mean of the others
    is flagged (and is asked to explain). Strictly greater than: equal does not flag.
    """

    range: Decimal = Decimal(20)
    stdev: Decimal = Decimal(8)
    distance: Decimal = Decimal(15)


@dataclass(frozen=True)
class PartSpread:
    """The spread of one part's scores across a panel: exact values, not rounded.

    ``distance`` maps reviewer → |own score − mean of the other reviewers'| (empty with < 2 scores).
    ``concerned``: the reviewers asked to re-check (empty when not flagged).
    """

    part: str
    n: int
    mean: Decimal
    range: Decimal
    stdev: Decimal
    distance: dict[str, Decimal]
    reasons: tuple[str, ...]  # "range" | "stdev" | "distance"
    concerned: tuple[str, ...]

    @property
    def flagged(self) -> bool:
        """True when some threshold (range, stdev, distance) is exceeded: the panel must re-check and
        explain; the scores stay as given. Source: RULES.md §4; issue 5 §4."""
        return bool(self.reasons)


def spread(part: str, scores: Mapping[str, Decimal], limits: Thresholds) -> PartSpread:
    """Range, standard deviation and per-reviewer distance of one part's scores, and whether they flag.

    Args:
        part: ``material`` or ``defence`` (carried through for display).
        scores: reviewer id → that reviewer's part score in points (exact).
        limits: the thresholds in force.
    Returns: a PartSpread. The stdev is the population one, √(Σ(x − x̄)² / n). The concerned
        reviewers are those beyond ``limits.distance``; when only the range or the stdev flags, the
        reviewers holding the highest and the lowest score.
    Source: RULES.md §4; issue 5 §4.
    """
    n = len(scores)
    if n == 0:
        return PartSpread(part, 0, Decimal(0), Decimal(0), Decimal(0), {}, (), ())
    with localcontext() as ctx:
        ctx.prec = _PRECISION
        values = list(scores.values())
        total = sum(values, Decimal(0))
        mean = total / n
        rng = max(values) - min(values)
        stdev = (sum(((x - mean) ** 2 for x in values), Decimal(0)) / n).sqrt()
        distance = {r: abs(x - (total - x) / (n - 1)) for r, x in scores.items()} if n >= 2 else {}
    reasons = []
    if rng > limits.range:
        reasons.append("range")
    if stdev > limits.stdev:
        reasons.append("stdev")
    far = tuple(sorted(r for r, d in distance.items() if d > limits.distance))
    if far:
        reasons.append("distance")
    concerned = far
    if reasons and not far:
        hi, lo = max(values), min(values)
        concerned = tuple(sorted(r for r, x in scores.items() if x in (hi, lo)))
    return PartSpread(part, n, mean, rng, stdev, distance, tuple(reasons), concerned)


def concerned_reviewers(spreads: Sequence[PartSpread]) -> tuple[str, ...]:
    """Every reviewer asked to re-check, over the parts, sorted."""
    return tuple(sorted({r for s in spreads for r in s.concerned}))


# -- discussion order ---------------------------------------------------------------------------------

def movements(order: Sequence[str], out_of_room: Mapping[str, frozenset[str]]) -> int:
    """How many times reviewers leave or re-enter the room when applicants are discussed in ``order``.

    Everyone is in the room before the first and after the last applicant; between consecutive
    applicants, each reviewer in the symmetric difference of the two "must be out" sets moves once.
    """
    moves, current = 0, frozenset[str]()
    for a in order:
        nxt = out_of_room.get(a, frozenset())
        moves += len(current ^ nxt)
        current = nxt
    return moves + len(current)


def discussion_order(applicants: Sequence[str], out_of_room: Mapping[str, frozenset[str]]) -> list[str]:
    """Order applicants so that recused reviewers leave and return as few times as possible.

    Applicants with the same "must be out" set are discussed together (in the given order); the sets
    themselves are ordered as a shortest closed tour from and back to the empty set, with the cost
    between two sets the size of their symmetric difference: exactly (Held–Karp) up to 10 distinct
    non-empty sets, else greedily (nearest next set). Ties keep the given order, so the result is
    deterministic. Source: issue 5 §7 (HotCRP orders papers to minimise conflict changes).

    Args:
        applicants: applicant ids in their default order (e.g. by code).
        out_of_room: applicant id → reviewers who must step out for it (missing = nobody).
    Returns: the applicant ids in discussion order.
    """
    groups: dict[frozenset[str], list[str]] = {}
    for a in applicants:
        groups.setdefault(out_of_room.get(a, frozenset()), []).append(a)
    empty = frozenset[str]()
    sets = [s for s in groups if s != empty]  # in order of first appearance
    tour = _exact_tour(sets) if len(sets) <= 10 else _greedy_tour(sets)
    return [*groups.get(empty, []), *(a for s in tour for a in groups[s])]


def _cost(a: frozenset[str], b: frozenset[str]) -> int:
    return len(a ^ b)


def _greedy_tour(sets: list[frozenset[str]]) -> list[frozenset[str]]:
    left, current, out = list(sets), frozenset[str](), []
    while left:
        best = min(range(len(left)), key=lambda i: (_cost(current, left[i]), i))
        current = left.pop(best)
        out.append(current)
    return out


def _exact_tour(sets: list[frozenset[str]]) -> list[frozenset[str]]:
    n = len(sets)
    if n <= 1:
        return list(sets)
    empty = frozenset[str]()
    # best[(mask, last)] = (cost of visiting mask from ∅, ending at last; predecessor)
    best: dict[tuple[int, int], tuple[int, int]] = {(1 << i, i): (_cost(empty, sets[i]), -1) for i in range(n)}
    for size in range(2, n + 1):
        for combo in itertools.combinations(range(n), size):
            mask = sum(1 << i for i in combo)
            for last in combo:
                prev_mask = mask ^ (1 << last)
                best[(mask, last)] = min((best[(prev_mask, p)][0] + _cost(sets[p], sets[last]), p)
                                         for p in combo if p != last)
    full = (1 << n) - 1
    _, last = min((best[(full, i)][0] + _cost(sets[i], empty), i) for i in range(n))
    order, mask = [], full
    while last != -1:
        order.append(sets[last])
        mask, last = mask ^ (1 << last), best[(mask, last)][1]
    return order[::-1]


# -- blind materials ----------------------------------------------------------------------------------

_EMPLOYER_SUFFIXES = ("股份有限公司", "有限责任公司", "有限公司", "集团", "公司")


@dataclass(frozen=True)
class BlindFinding:
    """A place in a blind material (work summary, attachment text) naming the applicant or employer."""

    where: str  # e.g. "work_summary" or an attachment id
    term: str  # the name or employer (form) found
    kind: str  # "name" | "employer" | "region"
    excerpt: str  # a few characters either side


def strip_legal_suffix(employer: str, keep: int = 4) -> str:
    """The employer without one trailing legal-form suffix (股份有限公司, 有限责任公司, 有限公司, 集团, 公司; the longest
    that fits) when at least ``keep`` characters remain; else the employer as it is (stripped of spaces)."""
    emp = employer.strip()
    for suffix in _EMPLOYER_SUFFIXES:
        if emp.endswith(suffix) and len(emp) - len(suffix) >= keep:
            return emp[: -len(suffix)]
    return emp


def identifying_terms(name: str, employer: str, region: str = "", id_number: str = "") -> list[tuple[str, str]]:
    """The strings that identify an applicant: the name, the employer and its core without a legal suffix
    (青川精工装备制造有限公司 → 青川精工装备制造) when that core keeps at least 4 characters, the region
    (市、县、区) when given (003 五; 三(九)), and the identity-card number when given (``office pack`` only)."""
    terms = [("name", name.strip())] if len(name.strip()) >= 2 else []
    emp = employer.strip()
    if emp:
        terms.append(("employer", emp))
        core = strip_legal_suffix(emp)
        if core != emp:
            terms.append(("employer", core))
    if len(region.strip()) >= 2:
        terms.append(("region", region.strip()))
    if id_number.strip():
        terms.append(("id_number", id_number.strip()))
    return terms


def blind_findings(name: str, employer: str, texts: Mapping[str, str], context: int = 12,
                   region: str = "", id_number: str = "") -> list[BlindFinding]:
    """Find the applicant's name or employer in blind materials. Source: 003 五、评审办法; RULES.md §4.

    Args:
        name, employer: the applicant's, from the dossier's structured fields; region: the applicant's
            region (市、县、区; optional in the dossier, checked at ``office pack`` only); id_number: the
            identity-card number (``office pack`` only: it is not in the package).
        texts: where → text (work summary, each attachment's extracted text).
        context: characters of excerpt either side of a hit.
    Returns: one finding per (where, term) found, first occurrence, in ``texts`` order; a hit of the
        full employer is not repeated by its shorter core.
    """
    out: list[BlindFinding] = []
    for where, text in texts.items():
        flat = text.replace("\n", " ")
        seen_spans: list[tuple[int, int]] = []
        for kind, term in identifying_terms(name, employer, region, id_number):
            i = flat.find(term)
            if i < 0 or any(s <= i < e for s, e in seen_spans):
                continue
            seen_spans.append((i, i + len(term)))
            excerpt = flat[max(0, i - context): i + len(term) + context]
            out.append(BlindFinding(where, term, kind, excerpt))
    return out
