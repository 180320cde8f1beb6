"""Load the office input directory (YAML + PDF attachments) into a validated SessionDefinition.

The format is documented in docs/INPUT.md; the JSON Schemas are in zc_review/schemas/. Loading runs in
two stages: (1) every file is read safely, parsed and checked against its schema and the text rules;
(2) only if stage 1 found nothing, cross-references and rubric rules are checked. All problems of a
stage are collected before ``OfficeInputError`` is raised.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter
from decimal import Decimal
from pathlib import Path, PurePosixPath
from typing import Any

from zc_review.domain.model import (
    Aggregation,
    Applicant,
    ApplicantFlag,
    Attachment,
    BallotMode,
    CommitteeRole,
    Conflict,
    Criterion,
    Dossier,
    Group,
    Panel,
    PaperConfirmation,
    RecusalBase,
    Reviewer,
    Rubric,
    RuleSettings,
    ScorePart,
    Series,
    SessionDefinition,
    Staff,
    StaffRole,
    TitleLevel,
)
from zc_review.i18n import t
from zc_review.service.office.files import (
    MAX_APPLICANTS,
    MAX_ATTACHMENT_BYTES,
    MAX_RUBRICS,
    MAX_TOTAL_ATTACHMENT_BYTES,
    PDF_MAGIC,
    OfficeInputError,
    Problem,
    Reader,
    show,
)

__all__ = ["OfficeInputError", "Problem", "load_office_input"]

HUNDRED = Decimal(100)
SAFETY_WORD = t("office.safety_word")  # engineering rubrics must score safety-production performance (安全生产)
ETHICS_WORD = t("office.ethics_word")  # education rubrics put professional ethics first (师德师风)


def _dec(value: Any) -> Decimal:
    # YAML floats go through their shortest repr, so 0.6 becomes Decimal("0.6"), not the binary value.
    return Decimal(str(value))


def _dups(values: list[str]) -> set[str]:
    return {v for v, n in Counter(values).items() if n > 1}


def load_office_input(path: Path) -> tuple[SessionDefinition, dict[str, bytes]]:
    """Read and validate an office input directory.

    Args:
        path: the directory (e.g. ``data/demo``) holding session.yaml, committee.yaml, panels.yaml,
            rubrics/*.yaml, optional conflicts.yaml and applicants/<ID>/dossier.yaml with
            applicants/<ID>/attachments/*.pdf. See docs/INPUT.md.
    Returns:
        ``(definition, attachments)``: the SessionDefinition (applicants sorted by directory name) and
        a dict attachment id → PDF bytes; each ``Attachment.sha256`` (hex) and ``.size`` (bytes) are
        computed from those bytes.
    Raises:
        OfficeInputError: with ``.problems`` (list of ``Problem``: file, field JSON path, Chinese
            message), e.g. ``applicants/A003/dossier.yaml: 字段 dossier.years_in_field: 应为整数，实际为
            "十年"``. Refused: schema violations, symlinks, paths leaving the directory, YAML over 1 MiB,
            attachments over 20 MiB (512 MiB total), invalid UTF-8, YAML aliases, control characters
            (ESC etc.; \\n and \\t only in long text), non-PDF attachments, broken cross-references,
            duplicate ids or applicant codes, rubric sums ≠ 100, rubric series rules.
    Source: RULES.md §1, §3, §4; 000_8448819e6fcc71aa.txt 第二十六条(三)(四); 003 五、评审办法.
    """
    root = Path(path)
    if not root.is_dir():
        raise OfficeInputError([Problem(str(path), "", t("office.not_a_directory"))])
    rd = Reader(root)
    raw_session = rd.read_yaml("session.yaml", "office-session")
    raw_committee = rd.read_yaml("committee.yaml", "office-committee")
    raw_panels = rd.read_yaml("panels.yaml", "office-panels")
    raw_conflicts: dict[str, Any] | None = {"conflicts": []}
    if (root / "conflicts.yaml").exists() or (root / "conflicts.yaml").is_symlink():
        raw_conflicts = rd.read_yaml("conflicts.yaml", "office-conflicts")
    raw_rubrics = _read_dir_yaml(rd, "rubrics", MAX_RUBRICS)
    applicants, blobs = _read_applicants(rd)
    if rd.problems:
        raise OfficeInputError(rd.problems)
    assert raw_session is not None and raw_committee is not None and raw_panels is not None
    assert raw_conflicts is not None

    rubrics = [(f, _build_rubric(r)) for f, r in raw_rubrics]
    defn = SessionDefinition(
        session_id=raw_session["session_id"],
        committee_name=raw_session["committee_name"],
        organizing_body=raw_session["organizing_body"],
        series=Series(raw_session["series"]),
        title_level=raw_session["title_level"],
        year=raw_session["year"],
        venue=raw_session["venue"],
        scheduled_date=raw_session["scheduled_date"],
        reviewers=tuple(
            Reviewer(
                id=r["id"], name=r["name"], employer=r["employer"], title=r["title"],
                title_level=TitleLevel(r["title_level"]), specialty=r["specialty"],
                committee_role=CommitteeRole(r["committee_role"]),
            )
            for r in raw_committee["reviewers"]
        ),
        staff=tuple(
            Staff(id=s["id"], name=s["name"], role=StaffRole(s["role"]), employer=s.get("employer", ""))
            for s in raw_committee["staff"]
        ),
        panels=tuple(
            Panel(
                id=p["id"], name=p["name"], specialty=p["specialty"], leader_id=p["leader"],
                vice_leader_id=p["vice_leader"], member_ids=tuple(p["members"]), rubric_id=p["rubric"],
            )
            for p in raw_panels["panels"]
        ),
        groups=tuple(Group(id=g["id"], name=g["name"], pass_rate=_dec(g["pass_rate"])) for g in raw_session["groups"]),
        rubrics=tuple(r for _, r in rubrics),
        applicants=tuple(a for _, a in applicants),
        conflicts=tuple(
            Conflict(reviewer_id=c["reviewer"], applicant_id=c["applicant"], reason=c["reason"])
            for c in raw_conflicts["conflicts"]
        ),
        rules=_build_rules(raw_session.get("rules", {})),
        rehearsal=raw_session.get("rehearsal", False),
        ballot_mode=BallotMode(raw_session.get("ballot_mode", BallotMode.LAPTOP.value)),
    )
    _check_session(rd, defn)
    _check_panels(rd, defn)
    for file, rubric in rubrics:
        _check_rubric(rd, file, rubric, defn.series)
    _check_applicants(rd, defn, applicants)
    _check_conflicts(rd, defn)
    if rd.problems:
        raise OfficeInputError(rd.problems)
    return defn, blobs


# -- stage 1: reading ---------------------------------------------------------------------------

def _read_dir_yaml(rd: Reader, folder: str, limit: int) -> list[tuple[str, dict[str, Any]]]:
    if rd.kind(PurePosixPath(folder), folder) != "dir":
        return []
    names = sorted(p.name for p in (rd.root / folder).iterdir() if not p.name.startswith("."))
    if not names:
        rd.problem(f"{folder}/", "", t("office.rubrics_empty"))
    if len(names) > limit:
        rd.problem(f"{folder}/", "", t("office.too_many_files", n=len(names), limit=limit))
        return []
    out = []
    for name in names:
        rel = f"{folder}/{name}"
        if not name.endswith(".yaml"):
            rd.problem(rel, "", t("office.yaml_only"))
            continue
        raw = rd.read_yaml(rel, "office-rubric")
        if raw is not None:
            out.append((rel, raw))
    return out


def _read_applicants(rd: Reader) -> tuple[list[tuple[str, Applicant]], dict[str, bytes]]:
    out: list[tuple[str, Applicant]] = []
    blobs: dict[str, bytes] = {}
    if rd.kind(PurePosixPath("applicants"), "applicants/") != "dir":
        return out, blobs
    names = sorted(p.name for p in (rd.root / "applicants").iterdir() if not p.name.startswith("."))
    if not names:
        rd.problem("applicants/", "", t("office.applicants_empty"))
    if len(names) > MAX_APPLICANTS:
        rd.problem("applicants/", "", t("office.too_many_applicants", n=len(names), limit=MAX_APPLICANTS))
        return out, blobs
    total = 0
    numbers: dict[str, str] = {}
    for name in names:
        rel = f"applicants/{name}/dossier.yaml"
        if rd.kind(PurePosixPath("applicants", name), f"applicants/{name}") != "dir":
            continue
        raw = rd.read_yaml(rel, "office-applicant")
        if raw is None:
            continue
        if raw["id"] != name:
            rd.problem(rel, "id", t("office.id_not_dir_name", name=show(name), value=show(raw["id"])))
        if "id_number" in raw:
            _check_id_number(rd, rel, raw["id_number"], numbers)
        atts: list[Attachment] = []
        for i, a in enumerate(raw["dossier"].get("attachments", [])):
            field = f"dossier.attachments[{i}].file"
            clean = rd.check_rel(a["file"], rel, field)
            if clean is None:
                continue
            if clean.suffix.lower() != ".pdf":
                rd.problem(rel, field, t("office.pdf_only", value=show(a["file"])))
                continue
            data = rd.read_bytes(PurePosixPath("applicants", name, "attachments", *clean.parts),
                                 MAX_ATTACHMENT_BYTES, rel, field)
            if data is None:
                continue
            if not data.startswith(PDF_MAGIC):
                rd.problem(rel, field, t("office.not_pdf", path=clean))
                continue
            total += len(data)
            if total > MAX_TOTAL_ATTACHMENT_BYTES:
                rd.problem(rel, field, t("office.attachments_total", limit=MAX_TOTAL_ATTACHMENT_BYTES))
                return out, blobs
            if a["id"] in blobs:
                rd.problem(rel, f"dossier.attachments[{i}].id", t("office.attachment_id_dup", id=show(a["id"])))
                continue
            blobs[a["id"]] = data
            atts.append(Attachment(
                id=a["id"], filename=clean.name, media_type="application/pdf",
                sha256=hashlib.sha256(data).hexdigest(), size=len(data), title=a.get("title", ""),
            ))
        d = raw["dossier"]
        dossier = Dossier(
            education=d["education"], years_in_field=d["years_in_field"], current_title=d["current_title"],
            target_title=d["target_title"], achievements=tuple(d.get("achievements", ())),
            papers=tuple(d.get("papers", ())), annual_reviews=tuple(d.get("annual_reviews", ())),
            continuing_education=d.get("continuing_education", ""), work_summary=d.get("work_summary", ""),
            attachments=tuple(atts),
        )
        out.append((rel, Applicant(
            id=raw["id"], code=raw["code"], name=raw["name"], employer=raw["employer"], panel_id=raw["panel"],
            group_id=raw["group"], dossier=dossier, flags=tuple(ApplicantFlag(f) for f in raw.get("flags", ())),
        )))
    return out, blobs


def _check_id_number(rd: Reader, rel: str, value: str, seen: dict[str, str]) -> None:
    """An applicant's identity-card number: valid (``person_ids.check_number``) and not another applicant's
    of the same session (``seen``: number → the file that gave it first)."""
    from zc_review.service.office.person_ids import check_number

    number, why = check_number(value)
    if number is None:
        rd.problem(rel, "id_number", t("office.ric_invalid", value=show(value), why=why))
    elif number in seen:
        rd.problem(rel, "id_number", t("office.ric_dup", other=seen[number]))
    else:
        seen[number] = rel


def _build_rubric(raw: dict[str, Any]) -> Rubric:
    return Rubric(
        id=raw["id"], name=raw["name"], version=raw["version"], series=Series(raw["series"]),
        criteria=tuple(
            Criterion(
                id=c["id"], name=c["name"], part=ScorePart(c["part"]), max_points=_dec(c["max_points"]),
                step=_dec(c.get("step", "0.5")), levels=tuple(c.get("levels", ())),
                allow_na=c.get("allow_na", False), description=c.get("description", ""),
            )
            for c in raw["criteria"]
        ),
    )


def _build_rules(raw: dict[str, Any]) -> RuleSettings:
    base = RuleSettings()
    return RuleSettings(
        recusal_base=RecusalBase(raw.get("recusal_base", base.recusal_base.value)),
        aggregation=Aggregation(raw.get("aggregation", base.aggregation.value)),
        trimmed_min_scores=raw.get("trimmed_min_scores", base.trimmed_min_scores),
        material_weight=_dec(raw.get("material_weight", base.material_weight)),
        defence_weight=_dec(raw.get("defence_weight", base.defence_weight)),
        ballot_agree_limit=raw.get("ballot_agree_limit", base.ballot_agree_limit),
        min_committee_size=raw.get("min_committee_size", base.min_committee_size),
        flag_range=_dec(raw.get("flag_range", base.flag_range)),
        flag_stdev=_dec(raw.get("flag_stdev", base.flag_stdev)),
        flag_distance=_dec(raw.get("flag_distance", base.flag_distance)),
        paper_sheet_confirmation=PaperConfirmation(raw.get("paper_sheet_confirmation",
                                                           base.paper_sheet_confirmation.value)),
    )


# -- stage 2: cross-references and rules ------------------------------------------------------------

def _check_session(rd: Reader, defn: SessionDefinition) -> None:
    f = "session.yaml"
    try:
        dt.date.fromisoformat(defn.scheduled_date)
    except ValueError:
        rd.problem(f, "scheduled_date", t("office.bad_date", value=show(defn.scheduled_date)))
    for i, g in enumerate(defn.groups):
        if not Decimal(0) <= g.pass_rate <= Decimal(1):
            rd.problem(f, f"groups[{i}].pass_rate", t("office.pass_rate_range", value=g.pass_rate))
    for gid in sorted(_dups([g.id for g in defn.groups])):
        rd.problem(f, "groups", t("office.group_id_dup", id=show(gid)))
    r = defn.rules
    if r.material_weight + r.defence_weight != Decimal(1):
        rd.problem(f, "rules.material_weight", t("office.weights_sum", value=r.material_weight + r.defence_weight))
    f = "committee.yaml"
    for pid in sorted(_dups([p.id for p in defn.reviewers] + [s.id for s in defn.staff])):
        rd.problem(f, "reviewers", t("office.person_id_dup", id=show(pid)))


def _check_panels(rd: Reader, defn: SessionDefinition) -> None:
    f = "panels.yaml"
    reviewers = {r.id for r in defn.reviewers}
    rubrics = {r.id for r in defn.rubrics}
    for pid in sorted(_dups([p.id for p in defn.panels])):
        rd.problem(f, "panels", t("office.panel_id_dup", id=show(pid)))
    seen: dict[str, str] = {}
    for i, p in enumerate(defn.panels):
        for j, m in enumerate(p.member_ids):
            if m not in reviewers:
                rd.problem(f, f"panels[{i}].members[{j}]", t("office.reviewer_unknown", id=show(m)))
            elif m in seen and seen[m] != p.id:
                rd.problem(f, f"panels[{i}].members[{j}]", t("office.reviewer_other_panel", id=show(m), panel=show(seen[m])))
            seen.setdefault(m, p.id)
        for dup in sorted(_dups(list(p.member_ids))):
            rd.problem(f, f"panels[{i}].members", t("office.reviewer_listed_twice", id=show(dup)))
        for key, rid in (("leader", p.leader_id), ("vice_leader", p.vice_leader_id)):
            if rid not in reviewers:
                rd.problem(f, f"panels[{i}].{key}", t("office.reviewer_unknown", id=show(rid)))
            elif rid not in p.member_ids:
                rd.problem(f, f"panels[{i}].{key}", t("office.leader_not_member", id=show(rid)))
        if p.leader_id == p.vice_leader_id:
            rd.problem(f, f"panels[{i}].vice_leader", t("office.leader_is_vice"))
        if p.rubric_id not in rubrics:
            rd.problem(f, f"panels[{i}].rubric", t("office.rubric_unknown", id=show(p.rubric_id)))
    for rid in sorted(_dups([r.id for r in defn.rubrics])):
        rd.problem("rubrics/", "id", t("office.rubric_id_dup", id=show(rid)))


def _check_rubric(rd: Reader, f: str, rubric: Rubric, series: Series) -> None:
    for cid in sorted(_dups([c.id for c in rubric.criteria])):
        rd.problem(f, "criteria", t("office.criterion_id_dup", id=show(cid)))
    for i, c in enumerate(rubric.criteria):
        if c.step <= 0:
            rd.problem(f, f"criteria[{i}].step", t("office.step_positive", value=c.step))
        elif c.max_points <= 0 or c.max_points % c.step != 0:
            rd.problem(f, f"criteria[{i}].max_points", t("office.max_points_step", step=c.step, value=c.max_points))
    for part, label in ((ScorePart.MATERIAL, t("common.part_material")), (ScorePart.DEFENCE, t("common.part_defence"))):
        total = sum((c.max_points for c in rubric.part_criteria(part)), Decimal(0))
        if part is ScorePart.MATERIAL and total != HUNDRED:
            rd.problem(f, "criteria", t("office.part_sum", part=label, total=total))
        if part is ScorePart.DEFENCE and total not in (Decimal(0), HUNDRED):
            rd.problem(f, "criteria", t("office.part_sum_defence", part=label, total=total))
    if rubric.series is not series:
        rd.problem(f, "series", t("office.rubric_series", rubric=rubric.series.value, session=series.value))
    if rubric.series is Series.ENGINEERING and not any(SAFETY_WORD in c.name for c in rubric.criteria):
        rd.problem(f, "criteria", t("office.engineering_safety", word=SAFETY_WORD))
    if rubric.series is Series.EDUCATION:
        if not rubric.criteria or ETHICS_WORD not in rubric.criteria[0].name:
            rd.problem(f, "criteria[0].name", t("office.education_ethics_first", word=ETHICS_WORD))
        for i, c in enumerate(rubric.criteria):
            if c.part is ScorePart.DEFENCE:
                rd.problem(f, f"criteria[{i}].part", t("office.education_no_defence"))


def _check_applicants(rd: Reader, defn: SessionDefinition, applicants: list[tuple[str, Applicant]]) -> None:
    panels = {p.id for p in defn.panels}
    groups = {g.id for g in defn.groups}
    dup_codes = _dups([a.code for _, a in applicants])
    for f, a in applicants:
        if a.panel_id not in panels:
            rd.problem(f, "panel", t("office.panel_unknown", id=show(a.panel_id)))
        if a.group_id not in groups:
            rd.problem(f, "group", t("office.group_unknown", id=show(a.group_id)))
        if a.code in dup_codes:
            rd.problem(f, "code", t("office.code_dup", code=show(a.code)))


def _check_conflicts(rd: Reader, defn: SessionDefinition) -> None:
    f = "conflicts.yaml"
    reviewers = {r.id for r in defn.reviewers}
    applicants = {a.id for a in defn.applicants}
    seen: set[tuple[str, str]] = set()
    for i, c in enumerate(defn.conflicts):
        if c.reviewer_id not in reviewers:
            rd.problem(f, f"conflicts[{i}].reviewer", t("office.reviewer_unknown", id=show(c.reviewer_id)))
        if c.applicant_id not in applicants:
            rd.problem(f, f"conflicts[{i}].applicant", t("office.applicant_unknown", id=show(c.applicant_id)))
        if (c.reviewer_id, c.applicant_id) in seen:
            rd.problem(f, f"conflicts[{i}]", t("office.conflict_dup"))
        seen.add((c.reviewer_id, c.applicant_id))
