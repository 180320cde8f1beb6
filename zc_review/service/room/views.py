"""Read models for the screens: what the room shows, built from the room and never written back.

``room.views`` (a ``Views``) answers frozen dataclasses; a screen draws them and never reads the session
definition, calls a rule of the domain or computes a figure (the pass-rate cap, a rounding) itself.
Applicants appear by code, with their names only in the results once the presiding officer has declared
them final (RULES.md §4–5).
Nothing here writes: every method is a read (the anonymity notice, which is logged, is a command of the
panel part: ``room.panel.anonymity_lines``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from zc_review.domain import rules
from zc_review.domain.model import CommitteeRole, Criterion, Rubric, ScorePart, StaffRole
from zc_review.domain.rules import Outcome
from zc_review.i18n import join_list, label_of, t
from zc_review.service.room.ballot import Ballot
from zc_review.service.room.closing import Closing
from zc_review.service.room.context import Actor, RoomContext
from zc_review.service.room.opening import RUBRIC_ROLES
from zc_review.service.room.progress import Progress, session_progress
from zc_review.service.room.scoring import Scoring
from zc_review.service.room.shell_views import ShellViews

#: The committee office of a reviewer as the roll call shows it. Source: GLOSSARY.md.
COMMITTEE_ROLE_KEYS = {CommitteeRole.CHAIR: "common.role_chair", CommitteeRole.VICE_CHAIR: "common.role_vice_chair",
                       CommitteeRole.MEMBER: "common.role_member"}
#: Separator between a reviewer's committee office and panel office ("副主任委员 · 评议组组长").
ROLE_SEP = " · "


def fmt2(value: Decimal | None) -> str:
    """Two decimals, rounded half up (the rules' rounding, RULES.md §4): Decimal("1.005") → "1.01";
    "—" for None."""
    return "—" if value is None else str(rules.round_half_up(value))


# -- people, panels, applicants --------------------------------------------------------------------------
@dataclass(frozen=True)
class SessionHeading:
    """The session as the dashboard's title shows it; ``rehearsal`` for a rehearsal package (演练)."""

    session_id: str
    committee_name: str
    rehearsal: bool


@dataclass(frozen=True)
class Person:
    """A reviewer or staff member by id and name."""

    person_id: str
    name: str


@dataclass(frozen=True)
class RollCallRow:
    """A reviewer in the roll call: id, name, offices (committee · panel, Chinese), panel name ("" if none)."""

    reviewer_id: str
    name: str
    role_label: str
    panel_name: str


@dataclass(frozen=True)
class PanelRow:
    """A panel (评议组): id, name, its leader's and vice-leader's reviewer ids."""

    panel_id: str
    name: str
    leader_id: str
    vice_leader_id: str


@dataclass(frozen=True)
class GroupRow:
    """A group ranked under one pass-rate cap: id and name."""

    group_id: str
    name: str


@dataclass(frozen=True)
class ApplicantRow:
    """An applicant by code (never the name: blind materials), with the panel and the group. Source: RULES.md §4."""

    applicant_id: str
    code: str
    panel_id: str
    panel_name: str
    group_id: str
    group_name: str


@dataclass(frozen=True)
class RecusalRow:
    """One recusal: the reviewer, the applicant's code, the reason; ``source`` "predeclared" or "room"."""

    reviewer_id: str
    reviewer_name: str
    code: str
    reason: str
    source: str


# -- rubrics and scoring ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class CriterionView:
    """One criterion of a rubric: points as exact Decimals, ``part`` "material" | "defence" with its label,
    ``levels`` the rubric's level descriptions, ``allow_na`` where "not applicable" may be typed."""

    criterion_id: str
    name: str
    part: str
    part_label: str
    max_points: Decimal
    step: Decimal
    levels: tuple[str, ...]
    allow_na: bool
    description: str


@dataclass(frozen=True)
class RubricView:
    """A panel's rubric: ``criteria`` in the rubric's order, ``grid`` in the scoring grid's order (material
    then defence), ``parts`` the parts scored ("material", and "defence" when the rubric has one)."""

    panel_id: str
    panel_name: str
    rubric_id: str
    name: str
    version: str
    criteria: tuple[CriterionView, ...]
    grid: tuple[CriterionView, ...]
    parts: tuple[str, ...]

    @property
    def has_defence(self) -> bool:
        """True when the rubric scores a defence (答辩) part."""
        return ScorePart.DEFENCE.value in self.parts

    def criterion(self, criterion_id: str) -> CriterionView:
        """The criterion ``criterion_id``. Raises: KeyError for an id not in the rubric."""
        for c in self.criteria:
            if c.criterion_id == criterion_id:
                return c
        raise KeyError(criterion_id)


@dataclass(frozen=True)
class RubricSignRow:
    """One of the five places of a rubric's sign-off: the role (``Role`` value) and its label, the signer
    (None while unsigned) and the signer's name. Source: RULES.md §3."""

    role: str
    role_label: str
    signer_id: str | None
    signer_name: str


@dataclass(frozen=True)
class ScoringRow:
    """One applicant of a reviewer's scoring grid: code, the saved values (criterion id → points, None for
    N/A), and ``status`` "empty" (no sheet), "draft" or "locked" (submitted)."""

    applicant_id: str
    code: str
    values: Mapping[str, Decimal | None]
    status: str


# -- the ballot and the results ---------------------------------------------------------------------------
@dataclass(frozen=True)
class BallotItem:
    """An applicant on a reviewer's ballot: code, group name, panel name (names never: RULES.md §5)."""

    applicant_id: str
    code: str
    group_name: str
    panel_name: str


@dataclass(frozen=True)
class PendingRunoff:
    """A run-off still to hold: the group, the tied applicants' codes, the slots, and its Chinese line."""

    group_id: str
    group_name: str
    codes: tuple[str, ...]
    slots: int
    text: str


@dataclass(frozen=True)
class ResultRow:
    """One applicant's results: ``name`` None until the presiding officer has declared the results final; ``tally`` (agree, disagree,
    abstain) None before the vote; ``base`` the vote base; ``outcome`` None before the vote;
    ``runoff_agree`` the agree votes of each run-off. Source: RULES.md §5."""

    applicant_id: str
    code: str
    name: str | None
    composite: Decimal | None
    rank: int | None
    tally: tuple[int, int, int] | None
    base: int
    outcome: Outcome | None
    runoff_agree: tuple[int, ...]


@dataclass(frozen=True)
class GroupResults:
    """A group's results: its cap (as decided, else ⌊rate × n⌋), its size and its rows, best rank first.
    Source: RULES.md §5; 000 第二十六条(五)."""

    group_id: str
    name: str
    cap: int
    applicants: int
    rows: tuple[ResultRow, ...]


@dataclass(frozen=True)
class ResultsView:
    """The results screen: final or not, declared by the presiding officer or not (names are shown only
    then), whether the main vote has closed, pending run-offs, the groups."""

    final: bool
    voted: bool
    pending: tuple[PendingRunoff, ...]
    groups: tuple[GroupResults, ...]
    declared: bool = False


@dataclass(frozen=True)
class FailedRow:
    """A failed applicant for the failure reasons: code, panel (name, leader) and the outcome."""

    applicant_id: str
    code: str
    panel_id: str
    panel_name: str
    leader_id: str
    outcome: Outcome | None


def _criterion_view(c: Criterion) -> CriterionView:
    return CriterionView(c.id, c.name, c.part.value, label_of("part", c.part.value), c.max_points, c.step,
                         tuple(c.levels), c.allow_na, c.description)


def _rubric_view(panel_id: str, panel_name: str, rubric: Rubric) -> RubricView:
    parts = (ScorePart.MATERIAL, ScorePart.DEFENCE) if rubric.has_defence else (ScorePart.MATERIAL,)
    grid = [c for p in (ScorePart.MATERIAL, ScorePart.DEFENCE) for c in rubric.part_criteria(p)]
    return RubricView(panel_id, panel_name, rubric.id, rubric.name, rubric.version,
                      tuple(_criterion_view(c) for c in rubric.criteria), tuple(_criterion_view(c) for c in grid),
                      tuple(p.value for p in parts))


class Views:
    """The read models of the room's screens (``room.views``). Every method reads; none writes. ``shell``: the
    application shell's (the package fingerprint, the projector, who is still due; ``ShellViews``)."""

    def __init__(self, ctx: RoomContext, scoring: Scoring, ballot: Ballot, closing: Closing, *,
                 shell: ShellViews) -> None:
        self.ctx = ctx
        self.scoring = scoring
        self.ballot = ballot
        self.closing = closing
        self.shell = shell

    # -- the session and its people ----------------------------------------------------------------------
    def session(self) -> SessionHeading:
        """The session's id, committee name and whether it is a rehearsal."""
        d = self.ctx.defn
        return SessionHeading(d.session_id, d.committee_name, d.rehearsal)

    def recorder(self) -> Person:
        """The recorder (记录人). Raises: KeyError when the package has none (packing refuses that)."""
        s = self.ctx.defn.staff_with_role(StaffRole.RECORDER)
        return Person(s.id, s.name)

    def supervisor(self) -> Person:
        """The discipline supervisor (纪检监督). Raises: KeyError when the package has none."""
        s = self.ctx.defn.staff_with_role(StaffRole.SUPERVISOR)
        return Person(s.id, s.name)

    def reviewer_row(self, reviewer_id: str) -> RollCallRow:
        """One reviewer as the roll call shows them. Raises: KeyError for an unknown id."""
        d = self.ctx.defn
        r = d.reviewer(reviewer_id)
        parts = [t(COMMITTEE_ROLE_KEYS[r.committee_role])]
        for p in d.panels:
            if p.leader_id == reviewer_id:
                parts.append(t("common.role_panel_leader"))
            elif p.vice_leader_id == reviewer_id:
                parts.append(t("common.role_panel_vice_leader"))
        panel = d.panel_of_reviewer(reviewer_id)
        return RollCallRow(r.id, r.name, ROLE_SEP.join(parts), panel.name if panel else "")

    def roll_call(self) -> list[RollCallRow]:
        """Every reviewer of the committee in roster order."""
        return [self.reviewer_row(r.id) for r in self.ctx.defn.reviewers]

    def reviewer_id(self, typed: str) -> str | None:
        """``typed`` when it is a reviewer's id (exactly), else None."""
        return typed if any(r.id == typed for r in self.ctx.defn.reviewers) else None

    def scorer_ids(self) -> list[str]:
        """Attending reviewers who sit on a panel (those who score), in roster order."""
        return [rid for rid in self.ctx.attending_ids() if self.ctx.defn.panel_of_reviewer(rid) is not None]

    # -- panels, groups, applicants -----------------------------------------------------------------------
    def panels(self) -> list[PanelRow]:
        """Every panel in definition order."""
        return [PanelRow(p.id, p.name, p.leader_id, p.vice_leader_id) for p in self.ctx.defn.panels]

    def panel(self, panel_id: str) -> PanelRow:
        """One panel. Raises: KeyError for an unknown id."""
        p = self.ctx.defn.panel(panel_id)
        return PanelRow(p.id, p.name, p.leader_id, p.vice_leader_id)

    def groups(self) -> list[GroupRow]:
        """Every group in definition order."""
        return [GroupRow(g.id, g.name) for g in self.ctx.defn.groups]

    def applicant(self, applicant_id: str) -> ApplicantRow:
        """One applicant by code, with panel and group. Raises: KeyError for an unknown id."""
        d = self.ctx.defn
        a = d.applicant(applicant_id)
        return ApplicantRow(a.id, a.code, a.panel_id, d.panel(a.panel_id).name, a.group_id, d.group(a.group_id).name)

    def applicants(self) -> list[ApplicantRow]:
        """Every applicant by code, in definition order."""
        return [self.applicant(a.id) for a in self.ctx.defn.applicants]

    def applicant_by_code(self, code: str) -> ApplicantRow | None:
        """The applicant whose code is ``code`` (case-insensitive), or None."""
        wanted = code.upper()
        a = next((a for a in self.ctx.defn.applicants if a.code.upper() == wanted), None)
        return None if a is None else self.applicant(a.id)

    def recusals(self) -> list[RecusalRow]:
        """Every recusal (pre-declared and added in the room) in the order recorded."""
        d = self.ctx.defn
        return [RecusalRow(r.reviewer_id, self.ctx.person_name(r.reviewer_id), d.applicant(r.applicant_id).code,
                           r.reason, r.source) for r in self.ctx.recusals()]

    # -- rubrics and scoring ---------------------------------------------------------------------------------
    def rubric(self, panel_id: str) -> RubricView:
        """The rubric of ``panel_id``. Raises: KeyError for an unknown panel."""
        p = self.ctx.defn.panel(panel_id)
        return _rubric_view(p.id, p.name, self.ctx.defn.rubric(p.rubric_id))

    def reviewer_rubric(self, reviewer_id: str) -> RubricView | None:
        """The rubric of the panel ``reviewer_id`` sits on, or None for a reviewer on no panel."""
        p = self.ctx.defn.panel_of_reviewer(reviewer_id)
        return None if p is None else self.rubric(p.id)

    def rubric_signatures(self, panel_id: str) -> list[RubricSignRow]:
        """The five places of the panel's rubric sign-off in signing order, signed or not. Source: RULES.md §3."""
        signed = {sg.role: sg.person_id for sg in self.ctx.signatures("rubric", panel_id)}
        return [RubricSignRow(role.value, label_of("role", role.value), signed.get(role.value),
                              self.ctx.person_name(signed[role.value]) if role.value in signed else "")
                for role in RUBRIC_ROLES]

    def scoring_rows(self, reviewer_id: str) -> list[ScoringRow]:
        """The applicants ``reviewer_id`` scores (not recused), by code, with their current sheet's values."""
        rows = []
        sheets = self.scoring.current_sheets()  # one query for the whole grid
        for a in self.scoring.applicants_for_reviewer(reviewer_id):
            sheet = sheets.get((reviewer_id, a.id))
            values = self.scoring.sheet_values(sheet) if sheet is not None else {}
            status = "empty" if sheet is None else ("locked" if sheet.status == "submitted" else "draft")
            rows.append(ScoringRow(a.id, a.code, values, status))
        return rows

    # -- the ballot and the results ------------------------------------------------------------------------
    def ballot_items(self, actor: Actor) -> list[BallotItem]:
        """``actor``'s ballot in the open round, by code (recused applicants left out).

        Raises: as ``Ballot.ballot_items``: ServiceError("poll_not_open"), ("already_voted"), ...
        """
        d = self.ctx.defn
        return [BallotItem(a.id, a.code, d.group(a.group_id).name, d.panel(a.panel_id).name)
                for a in self.ballot.ballot_items(actor)]

    def composites(self) -> dict[str, Decimal | None]:
        """Applicant id → official composite (2 places), None when not scored. Source: RULES.md §4."""
        out = self.ctx.outcome()
        return {a: (o.score.composite if o.score else None) for a, o in out.applicants.items()}

    def pending_runoffs(self) -> tuple[PendingRunoff, ...]:
        """The run-offs still to hold, each with its Chinese line; empty when none."""
        d = self.ctx.defn
        out = []
        for g, tied, slots in self.ctx.outcome().pending:
            codes = tuple(d.applicant(a).code for a in tied)
            name = d.group(g).name
            out.append(PendingRunoff(g, name, codes, slots,
                                     t("ballot.pending_runoff", group=name, codes=join_list(codes), slots=slots)))
        return tuple(out)

    def results(self) -> ResultsView:
        """Every group's results, ranked (rank, then code), with the cap; names once the presiding officer has
        declared the results final (``Closing.declare_results``), codes only before. Source: RULES.md §4–5."""
        d = self.ctx.defn
        final = self.closing.results_final()
        declared = final and self.closing.results_declared()
        out = self.ctx.outcome()
        groups = []
        for g in d.groups:
            members = sorted(d.applicants_of_group(g.id), key=lambda a: (out.applicants[a.id].rank or 10**6, a.code))
            decision = out.groups.get(g.id)
            cap = decision.cap if decision else rules.pass_cap(g.pass_rate, len(members))
            rows = []
            for a in members:
                o = out.applicants[a.id]
                tl = o.tally
                rows.append(ResultRow(a.id, a.code, a.name if declared else None, o.score.composite if o.score else None,
                                      o.rank, (tl.agree, tl.disagree, tl.abstain) if tl else None, o.base, o.outcome,
                                      tuple(o.runoff_agree)))
            groups.append(GroupResults(g.id, g.name, cap, len(members), tuple(rows)))
        return ResultsView(final, out.main_round is not None, self.pending_runoffs(), tuple(groups), declared)

    def failed(self) -> list[FailedRow]:
        """The applicants who did not pass (below 2/3, beyond the cap, run-off pending), by code."""
        d = self.ctx.defn
        out = self.ctx.outcome()
        rows = []
        for aid in out.failed():
            a = d.applicant(aid)
            p = d.panel(a.panel_id)
            rows.append(FailedRow(a.id, a.code, p.id, p.name, p.leader_id, out.applicants[aid].outcome))
        return sorted(rows, key=lambda r: r.code)

    # -- the dashboard ------------------------------------------------------------------------------------------
    def progress(self) -> Progress:
        """Each step's state with its counts and the next step (``progress.session_progress``)."""
        return session_progress(self)

    # -- documents ----------------------------------------------------------------------------------------------
    def minutes_summary(self, pdf: bytes) -> str:
        """Pages, size (KiB, at least 1) and the first 32 hex digits of the SHA-256 of a PDF, in Chinese, for the
        room to see what is about to be signed."""
        from io import BytesIO

        from pypdf import PdfReader

        pages = len(PdfReader(BytesIO(pdf)).pages)
        digest = hashlib.sha256(pdf).hexdigest().upper()
        return t("closing.minutes_summary", pages=pages, kb=max(1, len(pdf) // 1024),
                 sha=" ".join(digest[i:i + 4] for i in range(0, 32, 4)))
