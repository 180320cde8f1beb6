"""Conflicts found, not typed: at ``office pack``, the same-employer pairs of reviewers and applicants are
detected (``domain.draw.employer_conflicts``: names normalised as the blind-material check does, plus the
aliases the pool lists for a drawn reviewer), and each hit not already listed in conflicts.yaml is put to the
office staff: confirmed (it becomes a pre-declared conflict in the package) or dismissed with a reason.
Both are recorded, in order, in ``<package stem>-conflicts.json`` beside the package (office side).

Decisions come from a file (``--conflicts-decisions``, schema ``office-conflict-decisions``) or from a
``Decider`` (the CLI asks at the terminal). A hit with no decision refuses the package.
Source: 000 第四十条(二)4, (三)3, (六)7; 第四十二条(四); RULES.md §0, §2.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from zc_review.domain import draw as d
from zc_review.domain.model import Conflict, SessionDefinition
from zc_review.i18n import t
from zc_review.service.errors import ServiceError
from zc_review.service.office.files import Reader, show

Decider = Callable[[str], tuple[bool, str, str]]
"""Asked once per undecided hit with its Chinese line: returns ``(confirmed, reason, who decided)``."""


@dataclass(frozen=True)
class ConflictDecision:
    """One detected hit and what became of it: ``decision`` ``listed`` (already in conflicts.yaml),
    ``confirmed`` or ``dismissed`` (with ``reason``); ``decided_by``: who decided (staff name) or ``""``."""

    reviewer: str
    applicant: str
    form: str
    decision: str
    reason: str
    decided_by: str
    line: str


def detect(defn: SessionDefinition, aliases: Mapping[str, Sequence[str]] | None = None) -> list[d.EmployerHit]:
    """The same-employer hits of the definition's reviewers and applicants (``aliases``: reviewer id → the
    other names the pool lists for their employer)."""
    al = aliases or {}
    return d.employer_conflicts([(r.id, r.employer, tuple(al.get(r.id, ()))) for r in defn.reviewers],
                                [(a.id, a.employer) for a in defn.applicants])


def hit_line(defn: SessionDefinition, hit: d.EmployerHit) -> str:
    """A hit as the staff see it: the reviewer (id, name, employer), the applicant (id, employer), the form."""
    r = next(x for x in defn.reviewers if x.id == hit.reviewer)
    a = defn.applicant(hit.applicant)
    return t("pool.conflict_hit", reviewer=r.id, reviewer_name=r.name, reviewer_employer=r.employer,
             applicant=a.id, applicant_employer=a.employer, form=hit.form)


def load_decisions(path: Path) -> tuple[str, dict[tuple[str, str], tuple[str, str]]]:
    """A decisions file: ``(decided_by, {(reviewer, applicant): ("confirm" | "dismiss", reason)})``.

    Raises: ServiceError("conflict_decisions_invalid") for schema problems or a pair decided twice.
    """
    rd = Reader(Path(path).parent)
    raw = rd.read_yaml(Path(path).name, "office-conflict-decisions")
    out: dict[tuple[str, str], tuple[str, str]] = {}
    if raw is not None:
        for i, x in enumerate(raw["decisions"]):
            key = (x["reviewer"], x["applicant"])
            if key in out:
                rd.problem(Path(path).name, f"decisions[{i}]", t("office.conflict_dup"))
            out[key] = (x["decision"], x.get("reason", "").strip())
    if rd.problems or raw is None:
        raise ServiceError("conflict_decisions_invalid", problems="\n".join(str(p) for p in rd.problems))
    return str(raw["decided_by"]), out


def resolve(defn: SessionDefinition, hits: Sequence[d.EmployerHit], *,
            decisions: Mapping[tuple[str, str], tuple[str, str]] | None = None, decided_by: str = "",
            decide: Decider | None = None) -> tuple[SessionDefinition, list[ConflictDecision]]:
    """Apply the staff's decisions: the definition with the confirmed hits added to its conflicts, and the
    record of every hit in order.

    Raises: ServiceError("conflict_undecided", count, hits) when a hit has no decision (and no ``decide``);
        ServiceError("conflict_dismiss_no_reason") for a dismissal without a reason.
    """
    listed = {(c.reviewer_id, c.applicant_id) for c in defn.conflicts}
    record: list[ConflictDecision] = []
    added: list[Conflict] = []
    undecided: list[str] = []
    for h in hits:
        line = hit_line(defn, h)
        key = (h.reviewer, h.applicant)
        if key in listed:
            record.append(ConflictDecision(h.reviewer, h.applicant, h.form, "listed", t("pool.conflict_listed"), "", line))
            continue
        if decisions is not None and key in decisions:
            choice, reason = decisions[key]
            confirmed, who = choice == "confirm", decided_by
        elif decide is not None:
            confirmed, reason, who = decide(line)
            who = who or decided_by
        else:
            undecided.append(line)
            continue
        if not confirmed and not reason.strip():
            raise ServiceError("conflict_dismiss_no_reason", reviewer=h.reviewer, applicant=show(h.applicant))
        if confirmed:
            reason = reason.strip() or t("pool.conflict_reason")
            added.append(Conflict(reviewer_id=h.reviewer, applicant_id=h.applicant, reason=reason))
        record.append(ConflictDecision(h.reviewer, h.applicant, h.form, "confirmed" if confirmed else "dismissed",
                                       reason.strip(), who, line))
    if undecided:
        raise ServiceError("conflict_undecided", count=len(undecided), hits="\n".join(undecided))
    return dataclasses.replace(defn, conflicts=(*defn.conflicts, *added)), record
