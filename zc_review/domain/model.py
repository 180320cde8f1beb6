"""The session definition the organizing body packs: committee, panels, groups, rubrics, applicants.

Plain frozen dataclasses, stdlib only. Scores and rates are ``Decimal``; identifiers are short ASCII
strings chosen by the office (``R01``, ``P-JZ``, ``A001``). The office input format that becomes
these objects is documented in docs/INPUT.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from functools import cached_property


class CommitteeRole(StrEnum):
    """A reviewer's office on the review committee (评委会). Source: RULES.md §1; 000 第十四条."""

    CHAIR = "chair"  # 主任委员
    VICE_CHAIR = "vice_chair"  # 副主任委员
    MEMBER = "member"  # 委员


class StaffRole(StrEnum):
    """Non-voting people in the room."""

    SUPERVISOR = "supervisor"  # 纪检监察人员
    RECORDER = "recorder"  # 记录人


class TitleLevel(StrEnum):
    """The professional title a reviewer holds. Source: RULES.md §1; 000 第十三条."""

    FULL_SENIOR = "full_senior"  # 正高级
    ASSOCIATE_SENIOR = "associate_senior"  # 副高级
    INTERMEDIATE = "intermediate"  # 中级


class ScorePart(StrEnum):
    """Which half of the composite a rubric criterion feeds. Source: RULES.md §4."""

    MATERIAL = "material"  # 申报材料分
    DEFENCE = "defence"  # 答辩分


class Series(StrEnum):
    """Title series; the education series has no oral defence. Source: RULES.md §4; 000 第二十六条(三)."""

    ENGINEERING = "engineering"  # 工程系列
    EDUCATION = "education"  # 中小学教师系列
    OTHER = "other"


class RecusalBase(StrEnum):
    """Base of the 2/3 rule for an applicant some reviewers recused from. Source: RULES.md §5."""

    ATTENDING = "attending"
    ATTENDING_MINUS_RECUSED = "attending_minus_recused"


class PaperConfirmation(StrEnum):
    """Who confirms a double-keyed paper score sheet with their credential (issue 14). Configurable in
    session.yaml as ``paper_sheet_confirmation``; default the reviewer who filled the sheet."""

    REVIEWER = "reviewer"  # 评审专家本人确认
    SUPERVISOR = "supervisor"  # 纪检监察人员见证确认
class BallotMode(StrEnum):
    """The medium of the secret ballot: at the laptop (default) or on printed paper ballots counted by two
    tellers under the supervisor's eye. The seeds require a secret ballot, not its medium: paper is common
    committee practice, not a seed rule. Source: RULES.md §5 ("Configurable medium")."""

    LAPTOP = "laptop"
    PAPER = "paper"


class Aggregation(StrEnum):
    """How a panel's per-reviewer scores become one score. Source: RULES.md §4."""

    MEAN = "mean"
    TRIMMED_MEAN = "trimmed_mean"  # drop exactly one highest and one lowest


class ApplicantFlag(StrEnum):
    """Flags shown to the panel. Source: GLOSSARY.md."""

    EXCEPTIONAL = "exceptional"  # 破格
    GREEN_CHANNEL = "green_channel"  # 绿色通道
    GRASSROOTS = "grassroots"  # 基层
    ENTERPRISE = "enterprise"  # 企业申报人员


@dataclass(frozen=True)
class Reviewer:
    """A committee member (评审专家). Never named in any public output (000 第二十七条)."""

    id: str
    name: str
    employer: str
    title: str  # e.g. 正高级工程师
    title_level: TitleLevel
    specialty: str
    committee_role: CommitteeRole = CommitteeRole.MEMBER


@dataclass(frozen=True)
class Staff:
    """The discipline supervisor or the recorder: in the room, never voting."""

    id: str
    name: str
    role: StaffRole
    employer: str = ""


@dataclass(frozen=True)
class Criterion:
    """One line of a scoring rubric (量化评分标准).

    ``max_points`` and ``step`` are in points; a score is valid when 0 ≤ s ≤ max and s is a
    multiple of step. ``levels`` are level descriptors shown while scoring. ``allow_na`` allows
    "not applicable", which is kept distinct from 0 (an N/A criterion contributes nothing and is
    not counted as a zero).
    """

    id: str
    name: str
    part: ScorePart
    max_points: Decimal
    step: Decimal = Decimal("0.5")
    levels: tuple[str, ...] = ()
    allow_na: bool = False
    description: str = ""


@dataclass(frozen=True)
class Rubric:
    """A panel's scoring rubric. The material criteria sum to 100 points, and so do the defence ones
    (none in the education series). Source: RULES.md §3–4."""

    id: str
    name: str
    version: str
    series: Series
    criteria: tuple[Criterion, ...]

    @property
    def has_defence(self) -> bool:
        """True when some criterion scores the defence (答辩); False in the education series. Source: RULES.md §4."""
        return any(c.part is ScorePart.DEFENCE for c in self.criteria)

    def part_criteria(self, part: ScorePart) -> tuple[Criterion, ...]:
        """The criteria of one part (material or defence), in rubric order; ``()`` when the part has none."""
        return tuple(c for c in self.criteria if c.part is part)

    def criterion(self, criterion_id: str) -> Criterion:
        """The criterion with id ``criterion_id``. Raises: KeyError (the id) when the rubric has none."""
        for c in self.criteria:
            if c.id == criterion_id:
                return c
        raise KeyError(criterion_id)


@dataclass(frozen=True)
class Panel:
    """A review panel (评议组) of ≥3 reviewers, with a leader and vice-leader. Source: RULES.md §1, §3."""

    id: str
    name: str
    specialty: str
    leader_id: str  # 评议组组长（主任委员）
    vice_leader_id: str  # 评议组副组长（副主任委员）
    member_ids: tuple[str, ...]  # includes leader and vice-leader
    rubric_id: str


@dataclass(frozen=True)
class Group:
    """A ranking group with its own pass-rate cap (单独分组、单独确定通过率). Source: RULES.md §5.

    ``pass_rate`` is a share in [0, 1] (e.g. Decimal("0.6") for 60%).
    """

    id: str
    name: str
    pass_rate: Decimal


@dataclass(frozen=True)
class Attachment:
    """A dossier attachment; the bytes travel inside the package, keyed by ``id``."""

    id: str
    filename: str
    media_type: str
    sha256: str
    size: int
    title: str = ""


@dataclass(frozen=True)
class Dossier:
    """An applicant's materials (申报材料), text fields as the office entered them."""

    education: str
    years_in_field: int
    current_title: str
    target_title: str
    achievements: tuple[str, ...] = ()
    papers: tuple[str, ...] = ()
    annual_reviews: tuple[str, ...] = ()
    continuing_education: str = ""
    work_summary: str = ""
    attachments: tuple[Attachment, ...] = ()


@dataclass(frozen=True)
class Applicant:
    """An applicant (申报人). In the room shown by ``code`` only until results are final."""

    id: str
    code: str
    name: str
    employer: str
    panel_id: str
    group_id: str
    dossier: Dossier
    flags: tuple[ApplicantFlag, ...] = ()


@dataclass(frozen=True)
class Conflict:
    """A pre-declared conflict of interest: the reviewer recuses from the applicant (回避)."""

    reviewer_id: str
    applicant_id: str
    reason: str


@dataclass(frozen=True)
class RuleSettings:
    """The configurable rule values in force (RULES.md marks them **configurable**).

    Weights are shares of 1; ``trimmed_min_scores`` is a count of reviewers' scores.
    """

    recusal_base: RecusalBase = RecusalBase.ATTENDING
    aggregation: Aggregation = Aggregation.MEAN
    trimmed_min_scores: int = 5
    material_weight: Decimal = Decimal("0.7")
    defence_weight: Decimal = Decimal("0.3")
    ballot_agree_limit: bool = False  # a ballot may hold at most `cap` agree votes per group
    min_committee_size: int = 17  # series committee ≥17; specialty committee ≥11 (warning only)
    # Disagreement flags (issue 5 §4), in points on a part's 0–100: range, standard deviation, one
    # reviewer's distance from the mean of the others. Above a threshold the applicant is flagged.
    flag_range: Decimal = Decimal(20)
    flag_stdev: Decimal = Decimal(8)
    flag_distance: Decimal = Decimal(15)
    # Who confirms a double-keyed paper score sheet (issue 14): the reviewer, or the supervisor as witness.
    paper_sheet_confirmation: PaperConfirmation = PaperConfirmation.REVIEWER


@dataclass(frozen=True)
class SessionDefinition:
    """Everything the office packs for one sealed-room session."""

    session_id: str
    committee_name: str  # e.g. 某市工程系列中级职称评审委员会
    organizing_body: str
    series: Series
    title_level: str  # the level being awarded, e.g. 中级
    year: int
    venue: str
    scheduled_date: str  # ISO date
    reviewers: tuple[Reviewer, ...]
    staff: tuple[Staff, ...]
    panels: tuple[Panel, ...]
    groups: tuple[Group, ...]
    rubrics: tuple[Rubric, ...]
    applicants: tuple[Applicant, ...]
    conflicts: tuple[Conflict, ...] = ()
    rules: RuleSettings = field(default_factory=RuleSettings)
    rehearsal: bool = False
    ballot_mode: BallotMode = BallotMode.LAPTOP  # RULES.md §5 "Configurable medium"

    # -- lookups ---------------------------------------------------------------------------
    def reviewer(self, reviewer_id: str) -> Reviewer:
        """The reviewer with id ``reviewer_id``. Raises: KeyError (the id) when the session has none."""
        for r in self.reviewers:
            if r.id == reviewer_id:
                return r
        raise KeyError(reviewer_id)

    def applicant(self, applicant_id: str) -> Applicant:
        """The applicant with id ``applicant_id`` (the first, should the input hold two). Raises: KeyError (the
        id) when the session has none. Constant time: a province's committee has thousands (issue 9)."""
        return self._applicant_index[applicant_id]

    # Indexes of the applicants, built once per definition (the definition is frozen). ``cached_property``
    # writes the instance's __dict__ directly, so it works on a frozen dataclass and leaves eq/hash alone.
    @cached_property
    def _applicant_index(self) -> dict[str, Applicant]:
        index: dict[str, Applicant] = {}
        for a in self.applicants:
            index.setdefault(a.id, a)
        return index

    @cached_property
    def _applicants_by_panel(self) -> dict[str, tuple[Applicant, ...]]:
        out: dict[str, list[Applicant]] = {}
        for a in self.applicants:
            out.setdefault(a.panel_id, []).append(a)
        return {k: tuple(v) for k, v in out.items()}

    @cached_property
    def _applicants_by_group(self) -> dict[str, tuple[Applicant, ...]]:
        out: dict[str, list[Applicant]] = {}
        for a in self.applicants:
            out.setdefault(a.group_id, []).append(a)
        return {k: tuple(v) for k, v in out.items()}

    def panel(self, panel_id: str) -> Panel:
        """The panel with id ``panel_id``. Raises: KeyError (the id) when the session has none."""
        for p in self.panels:
            if p.id == panel_id:
                return p
        raise KeyError(panel_id)

    def group(self, group_id: str) -> Group:
        """The group with id ``group_id``. Raises: KeyError (the id) when the session has none."""
        for g in self.groups:
            if g.id == group_id:
                return g
        raise KeyError(group_id)

    def rubric(self, rubric_id: str) -> Rubric:
        """The rubric with id ``rubric_id``. Raises: KeyError (the id) when the session has none."""
        for r in self.rubrics:
            if r.id == rubric_id:
                return r
        raise KeyError(rubric_id)

    def staff_with_role(self, role: StaffRole) -> Staff:
        """The staff member holding ``role``: the recorder or the discipline supervisor (the first, should
        the input hold two; packing refuses that, ``committee.composition_findings``).

        Raises: KeyError (the role) when no staff member holds it.
        """
        for s in self.staff:
            if s.role is role:
                return s
        raise KeyError(role)

    @property
    def chair(self) -> Reviewer:
        """The committee chair (主任委员). Raises: StopIteration when there is none (packing refuses a
        committee without exactly one, ``committee.composition_findings``). Source: RULES.md §1."""
        return next(r for r in self.reviewers if r.committee_role is CommitteeRole.CHAIR)

    @property
    def vice_chairs(self) -> tuple[Reviewer, ...]:
        """The committee vice-chairs (副主任委员), 1–3 in a valid committee, in input order. Source: RULES.md §1."""
        return tuple(r for r in self.reviewers if r.committee_role is CommitteeRole.VICE_CHAIR)

    def panel_of_reviewer(self, reviewer_id: str) -> Panel | None:
        """The panel the reviewer sits on (its ``member_ids`` hold them), or None for a reviewer on no panel."""
        for p in self.panels:
            if reviewer_id in p.member_ids:
                return p
        return None

    def applicants_of_panel(self, panel_id: str) -> tuple[Applicant, ...]:
        """The applicants the panel scores, in input order; ``()`` for an unknown id."""
        return self._applicants_by_panel.get(panel_id, ())

    def applicants_of_group(self, group_id: str) -> tuple[Applicant, ...]:
        """The applicants ranked in the group (one pass-rate cap), in input order; ``()`` for an unknown id.
        Source: RULES.md §5."""
        return self._applicants_by_group.get(group_id, ())
