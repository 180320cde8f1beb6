"""Checks of a committee's composition (RULES.md §1): what is refused and what is only a warning."""

from __future__ import annotations

from dataclasses import dataclass

from zc_review.domain.model import CommitteeRole, SessionDefinition, StaffRole, TitleLevel


@dataclass(frozen=True)
class Finding:
    """One composition finding. ``code`` is a catalogue key; ``fatal`` findings refuse the package."""

    code: str
    fatal: bool
    params: tuple[tuple[str, object], ...] = ()


def composition_findings(defn: SessionDefinition) -> list[Finding]:
    """Check a session definition against RULES.md §1 and the room's needs.

    Returns: findings, fatal ones first. Fatal: no chair or more than one, vice-chairs outside 1–3,
    a panel under 3 reviewers or whose leader/vice-leader is not a member, a reviewer on two panels,
    no supervisor or recorder. Warnings: even committee size, fewer reviewers than the minimum,
    intermediate-only title holders over 1/3.
    Source: RULES.md §1; 000 第十三条, 第十四条, 第二十六条(四).
    """
    out: list[Finding] = []
    n = len(defn.reviewers)
    chairs = [r for r in defn.reviewers if r.committee_role is CommitteeRole.CHAIR]
    vices = [r for r in defn.reviewers if r.committee_role is CommitteeRole.VICE_CHAIR]
    if len(chairs) != 1:
        out.append(Finding("committee_chair_count", True, (("count", len(chairs)),)))
    if not 1 <= len(vices) <= 3:
        out.append(Finding("committee_vice_chair_count", True, (("count", len(vices)),)))
    for role in (StaffRole.SUPERVISOR, StaffRole.RECORDER):
        if sum(1 for s in defn.staff if s.role is role) != 1:
            out.append(Finding("staff_role_count", True, (("role", role.value),)))
    seen: dict[str, str] = {}
    for p in defn.panels:
        if len(p.member_ids) < 3:
            out.append(Finding("panel_too_small", True, (("panel", p.name), ("size", len(p.member_ids)))))
        for lead in (p.leader_id, p.vice_leader_id):
            if lead not in p.member_ids:
                out.append(Finding("panel_leader_not_member", True, (("panel", p.name), ("reviewer", lead))))
        if p.leader_id == p.vice_leader_id:
            out.append(Finding("panel_leader_same", True, (("panel", p.name),)))
        for m in p.member_ids:
            if m in seen:
                out.append(Finding("reviewer_two_panels", True, (("reviewer", m),)))
            seen[m] = p.id
    if n % 2 == 0:
        out.append(Finding("committee_even", False, (("size", n),)))
    if n < defn.rules.min_committee_size:
        out.append(Finding("committee_small", False, (("size", n), ("min", defn.rules.min_committee_size))))
    intermediate = sum(1 for r in defn.reviewers if r.title_level is TitleLevel.INTERMEDIATE)
    if 3 * intermediate > n:
        out.append(Finding("committee_intermediate_share", False, (("count", intermediate), ("size", n))))
    return sorted(out, key=lambda f: not f.fatal)
