"""The secret ballot as data: marks, counts of a closed box, the box's fingerprint. Pure.

Shared by the room (closing a poll) and the office (recounting every round on import).
Source: RULES.md §5; GLOSSARY.md (同意 / 不同意 / 弃权).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from zc_review.domain.rules import RuleError


class Choice(StrEnum):
    """A ballot mark. Source: RULES.md §5; GLOSSARY.md (同意 / 不同意 / 弃权)."""

    AGREE = "agree"
    DISAGREE = "disagree"
    ABSTAIN = "abstain"


@dataclass(frozen=True)
class Tally:
    """Counts for one applicant in one closed round (ints ≥ 0)."""

    agree: int = 0
    disagree: int = 0
    abstain: int = 0

    @property
    def cast(self) -> int:
        """Slips counted for this applicant: agree + disagree + abstain."""
        return self.agree + self.disagree + self.abstain


def tally_slips(slips: Iterable[tuple[str, str]], applicant_ids: list[str]) -> dict[str, Tally]:
    """Count the (applicant id, choice) slips of a complete box.

    Args: slips: (applicant id, choice value) pairs; applicant_ids: the applicants on the round's ballot.
    Returns: applicant id → Tally, one entry per applicant of the round (zero counts included).
    Raises: RuleError("ballot_box_corrupt") for a slip naming an applicant not on the round or an
        unknown mark.
    Source: RULES.md §5.
    """
    counts = {a: [0, 0, 0] for a in applicant_ids}
    index = {Choice.AGREE.value: 0, Choice.DISAGREE.value: 1, Choice.ABSTAIN.value: 2}
    for applicant_id, choice in slips:
        if applicant_id not in counts or choice not in index:
            raise RuleError("ballot_box_corrupt")
        counts[applicant_id][index[choice]] += 1
    return {a: Tally(*c) for a, c in counts.items()}


def box_fingerprint(slips: Iterable[tuple[str, str, str]]) -> str:
    """SHA-256 (hex) over a box's (slip id, applicant id, choice) triples sorted by slip id.

    Each slip contributes the line "id:applicant:choice\\n". Printed in the minutes; the office
    recomputes it. Source: docs/FORMATS.md.
    """
    lines = "".join(f"{i}:{a}:{c}\n" for i, a, c in sorted(slips))
    return hashlib.sha256(lines.encode()).hexdigest()
