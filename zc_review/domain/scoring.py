"""A panel's aggregate for one applicant and the parsing of a typed score. Pure.

Shared by the room and by the office's recomputation on import. Source: RULES.md §4.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from zc_review.domain import rules
from zc_review.domain.model import RuleSettings
from zc_review.domain.rules import RuleError

NOT_APPLICABLE_WORDS = frozenset({"-", "NA", "N/A", "不适用"})


@dataclass(frozen=True)
class ApplicantScore:
    """A panel's aggregate for one applicant, exact, with per-reviewer part scores.

    ``material``/``defence`` in points (0–100, exact); ``composite`` rounded half-up to 2 places;
    ``defence`` is None in the education series. ``per_reviewer``: reviewer id → (M_r, D_r).
    """

    applicant_id: str
    material: Decimal
    defence: Decimal | None
    composite: Decimal
    per_reviewer: dict[str, tuple[Decimal, Decimal | None]]


def parse_score(text: str) -> Decimal | None:
    """Parse a typed score: "18.5" → Decimal("18.5"); "-", "NA", "N/A" or "不适用" → None (not applicable).

    Raises: RuleError("score_not_number", value=…) for anything else (NaN and infinities included).
    Source: RULES.md §3 (scores per criterion within range and step).
    """
    raw = text.strip()
    if raw.upper() in NOT_APPLICABLE_WORDS:
        return None
    try:
        value = Decimal(raw)
    except ArithmeticError as exc:
        raise RuleError("score_not_number", value=raw[:20]) from exc
    if not value.is_finite():
        raise RuleError("score_not_number", value=raw[:20])
    return value


def aggregate_scores(applicant_id: str, per: dict[str, tuple[Decimal, Decimal | None]],
                     settings: RuleSettings, has_defence: bool) -> ApplicantScore | None:
    """Aggregate per-reviewer (M_r, D_r) part scores (points 0–100) into an ApplicantScore.

    Returns: None when ``per`` is empty (no submitted sheet counts yet).
    Source: RULES.md §4 (mean or trimmed mean; C = 0.7·M + 0.3·D, education C = M).
    """
    if not per:
        return None
    ms = [m for m, _ in per.values()]
    m = rules.aggregate(ms, settings.aggregation, settings.trimmed_min_scores)
    d: Decimal | None = None
    if has_defence:
        d = rules.aggregate([x for _, x in per.values() if x is not None], settings.aggregation,
                            settings.trimmed_min_scores)
    return ApplicantScore(applicant_id, m, d, rules.composite_score(m, d, settings), per)
