"""Tests of the office input loader: the demo directories load, and each kind of bad input is refused."""

from __future__ import annotations

import hashlib
import io
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pypdf
import pytest
import yaml

from zc_review.domain.committee import composition_findings
from zc_review.domain.model import ApplicantFlag, ScorePart, Series
from zc_review.service.office.input import OfficeInputError, load_office_input

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "data" / "demo"
EDU = ROOT / "data" / "demo-education"


# -- the demo data ------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def demo() -> Any:
    return load_office_input(DEMO)


def test_engineering_demo_counts(demo: Any) -> None:
    defn, blobs = demo
    assert defn.series is Series.ENGINEERING
    assert len(defn.reviewers) == 17
    assert len(defn.applicants) == 36
    assert len(defn.conflicts) == 2
    assert len(defn.panels) == 3 and all(len(p.member_ids) >= 4 for p in defn.panels)
    assert defn.chair.id == "R01" and len(defn.vice_chairs) == 2
    assert sum(r.title_level.value == "intermediate" for r in defn.reviewers) <= 5
    assert {g.id for g in defn.groups} == {"G-JZ", "G-JD", "G-JT", "G-JC"}
    assert len(defn.applicants_of_group("G-JC")) == 12
    assert all(ApplicantFlag.GRASSROOTS in a.flags for a in defn.applicants_of_group("G-JC"))
    flags = [f for a in defn.applicants for f in a.flags]
    assert flags.count(ApplicantFlag.EXCEPTIONAL) == 1 and flags.count(ApplicantFlag.GREEN_CHANNEL) == 1
    assert len({a.code for a in defn.applicants}) == 36
    assert not [f for f in composition_findings(defn) if f.fatal]


def test_engineering_demo_conflicts_are_same_employer(demo: Any) -> None:
    defn, _ = demo
    for c in defn.conflicts:
        assert defn.reviewer(c.reviewer_id).employer == defn.applicant(c.applicant_id).employer


def test_engineering_rubrics(demo: Any) -> None:
    defn, _ = demo
    for rubric in defn.rubrics:
        assert sum(c.max_points for c in rubric.part_criteria(ScorePart.MATERIAL)) == 100
        assert sum(c.max_points for c in rubric.part_criteria(ScorePart.DEFENCE)) == 100
        assert any("安全生产" in c.name for c in rubric.criteria)
    assert any("诚信经营与遵纪守法" in c.name for c in defn.rubric("RB-GC-QY").criteria)


def test_demo_attachments_are_pdfs_with_chinese_text(demo: Any) -> None:
    defn, blobs = demo
    for a in defn.applicants:
        assert a.dossier.attachments
        for att in a.dossier.attachments:
            data = blobs[att.id]
            assert data.startswith(b"%PDF-")
            assert att.size == len(data) and att.sha256 == hashlib.sha256(data).hexdigest()
        text = pypdf.PdfReader(io.BytesIO(blobs[a.dossier.attachments[0].id])).pages[0].extract_text()
        assert a.code in text and "申报人编码" in text
        assert a.name not in text and a.employer not in text


def test_work_summaries_are_blind_and_sized(demo: Any) -> None:
    defn, _ = demo
    for a in defn.applicants:
        summary = a.dossier.work_summary
        assert 600 <= len(summary.strip()) <= 1200
        assert a.name not in summary and a.employer not in summary
    assert len({a.dossier.work_summary for a in defn.applicants}) == 36


def test_education_demo() -> None:
    defn, blobs = load_office_input(EDU)
    assert defn.series is Series.EDUCATION
    assert len(defn.reviewers) == 11 and defn.rules.min_committee_size == 11
    assert len(defn.applicants) == 12 and len(blobs) == 12
    (rubric,) = defn.rubrics
    assert rubric.criteria[0].name == "师德师风" and not rubric.has_defence
    assert not [f for f in composition_findings(defn) if f.fatal]


# -- breaking a copy ----------------------------------------------------------------------------

@pytest.fixture()
def copy(tmp_path: Path) -> Path:
    dst = tmp_path / "demo"
    shutil.copytree(DEMO, dst)
    return dst


def edit(path: Path, change: Callable[[Any], None]) -> None:
    data = yaml.safe_load(path.read_text("utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")


def refused(root: Path) -> list[str]:
    with pytest.raises(OfficeInputError) as info:
        load_office_input(root)
    assert info.value.problems
    assert str(info.value).startswith("办公室输入目录有")
    return [str(p) for p in info.value.problems]


def has(problems: list[str], *parts: str) -> bool:
    return any(all(p in line for p in parts) for line in problems)


def test_wrong_type(copy: Path) -> None:
    edit(copy / "applicants/A003/dossier.yaml", lambda d: d["dossier"].update(years_in_field="十年"))
    problems = refused(copy)
    assert problems == ['applicants/A003/dossier.yaml: 字段 dossier.years_in_field: 应为整数，实际为 "十年"']


def test_missing_field(copy: Path) -> None:
    edit(copy / "committee.yaml", lambda d: d["reviewers"][4].pop("employer"))
    assert has(refused(copy), "committee.yaml", "reviewers[4].employer", "缺少必填字段")


def test_unknown_field_and_bad_enum(copy: Path) -> None:
    def change(d: Any) -> None:
        d["reviewers"][0]["committee_role"] = "boss"
        d["nickname"] = "x"

    edit(copy / "committee.yaml", change)
    problems = refused(copy)
    assert has(problems, "committee.yaml", "reviewers[0].committee_role", "之一")
    assert has(problems, "committee.yaml", "字段 nickname", "未知字段")


def test_errors_are_collected_across_files(copy: Path) -> None:
    edit(copy / "applicants/A001/dossier.yaml", lambda d: d["dossier"].pop("education"))
    edit(copy / "applicants/A002/dossier.yaml", lambda d: d.update(code="bad code!"))
    problems = refused(copy)
    assert has(problems, "applicants/A001/dossier.yaml", "dossier.education")
    assert has(problems, "applicants/A002/dossier.yaml", "字段 code")


def test_unknown_panel(copy: Path) -> None:
    edit(copy / "applicants/A005/dossier.yaml", lambda d: d.update(panel="P-XX"))
    assert has(refused(copy), "applicants/A005/dossier.yaml", "字段 panel", "P-XX")


def test_unknown_panel_member_and_rubric(copy: Path) -> None:
    def change(d: Any) -> None:
        d["panels"][1]["members"].append("R99")
        d["panels"][2]["rubric"] = "RB-NONE"

    edit(copy / "panels.yaml", change)
    problems = refused(copy)
    assert has(problems, "panels.yaml", "panels[1].members[5]", "R99")
    assert has(problems, "panels.yaml", "panels[2].rubric", "RB-NONE")


def test_reviewer_on_two_panels(copy: Path) -> None:
    edit(copy / "panels.yaml", lambda d: d["panels"][1]["members"].append("R05"))
    assert has(refused(copy), "panels.yaml", "panels[1].members[5]", "P-JZ")


def test_duplicate_reviewer_id(copy: Path) -> None:
    edit(copy / "committee.yaml", lambda d: d["reviewers"][5].update(id="R04"))
    assert has(refused(copy), "committee.yaml", "reviewers", "R04", "重复")


def test_duplicate_applicant_code(copy: Path) -> None:
    edit(copy / "applicants/A002/dossier.yaml", lambda d: d.update(code="GC-2025-001"))
    problems = refused(copy)
    assert has(problems, "applicants/A001/dossier.yaml", "字段 code", "重复")
    assert has(problems, "applicants/A002/dossier.yaml", "字段 code", "重复")


def test_unknown_conflict_ids(copy: Path) -> None:
    edit(copy / "conflicts.yaml", lambda d: d["conflicts"].append({"reviewer": "R77", "applicant": "A404",
                                                                   "reason": "亲属"}))
    problems = refused(copy)
    assert has(problems, "conflicts.yaml", "conflicts[2].reviewer", "R77")
    assert has(problems, "conflicts.yaml", "conflicts[2].applicant", "A404")


def test_dotdot_path(copy: Path) -> None:
    (copy / "applicants/secret.pdf").write_bytes(b"%PDF-1.4 outside")
    edit(copy / "applicants/A004/dossier.yaml",
         lambda d: d["dossier"]["attachments"][0].update(file="../../secret.pdf"))
    assert has(refused(copy), "applicants/A004/dossier.yaml", "dossier.attachments[0].file", "越出")


def test_absolute_path(copy: Path) -> None:
    edit(copy / "applicants/A004/dossier.yaml",
         lambda d: d["dossier"]["attachments"][0].update(file="/etc/passwd.pdf"))
    assert has(refused(copy), "applicants/A004/dossier.yaml", "dossier.attachments[0].file", "相对路径")


def test_symlinked_attachment(copy: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside.pdf"
    outside.write_bytes(b"%PDF-1.4 secret")
    target = copy / "applicants/A006/attachments/technical-report.pdf"
    target.unlink()
    os.symlink(outside, target)
    assert has(refused(copy), "applicants/A006/dossier.yaml", "dossier.attachments[0].file", "符号链接")


def test_symlinked_yaml_and_directory(copy: Path, tmp_path: Path) -> None:
    (copy / "committee.yaml").rename(tmp_path / "committee.yaml")
    os.symlink(tmp_path / "committee.yaml", copy / "committee.yaml")
    shutil.move(str(copy / "applicants/A008"), str(tmp_path / "A008"))
    os.symlink(tmp_path / "A008", copy / "applicants/A008")
    problems = refused(copy)
    assert has(problems, "committee.yaml", "符号链接")
    assert has(problems, "applicants/A008", "符号链接")


def test_oversized_attachment(copy: Path) -> None:
    target = copy / "applicants/A009/attachments/technical-report.pdf"
    with target.open("r+b") as fh:  # sparse: cheap to make, 20 MiB + 1 byte long
        fh.truncate(20 * 1024 * 1024 + 1)
    assert has(refused(copy), "applicants/A009/dossier.yaml", "dossier.attachments[0].file", "超过上限")


def test_oversized_yaml(copy: Path) -> None:
    path = copy / "applicants/A010/dossier.yaml"
    path.write_bytes(path.read_bytes() + b"#" * (1024 * 1024))
    assert has(refused(copy), "applicants/A010/dossier.yaml", "超过上限")


def test_invalid_utf8(copy: Path) -> None:
    path = copy / "panels.yaml"
    path.write_bytes(path.read_bytes().replace("建筑".encode(), b"\xff\xfe", 1))
    assert has(refused(copy), "panels.yaml", "UTF-8")


def test_escape_sequence_in_text(copy: Path) -> None:
    edit(copy / "applicants/A011/dossier.yaml",
         lambda d: d["dossier"].update(work_summary="正常文字\x1b[2J\x1b]0;pwned\x07"))
    edit(copy / "applicants/A012/dossier.yaml", lambda d: d.update(name="张\u202e三"))
    problems = refused(copy)
    assert has(problems, "applicants/A011/dossier.yaml", "dossier.work_summary", "ESC")
    assert has(problems, "applicants/A012/dossier.yaml", "字段 name", "U+202E")


def test_newline_only_in_long_text(copy: Path) -> None:
    edit(copy / "applicants/A013/dossier.yaml", lambda d: d.update(name="张\n三"))
    problems = refused(copy)
    assert problems == [p for p in problems if "A013" in p]
    assert has(problems, "字段 name", "换行")


def test_yaml_alias_refused(copy: Path) -> None:
    path = copy / "conflicts.yaml"
    path.write_text("a: &x [1, 2]\nconflicts: *x\n", "utf-8")
    assert has(refused(copy), "conflicts.yaml", "别名")


def test_non_pdf_attachment(copy: Path) -> None:
    (copy / "applicants/A014/attachments/technical-report.pdf").write_bytes(b"MZ\x90\x00 not a pdf")
    (copy / "applicants/A015/attachments/notes.docx").write_bytes(b"PK\x03\x04")
    edit(copy / "applicants/A015/dossier.yaml", lambda d: d["dossier"]["attachments"][0].update(file="notes.docx"))
    problems = refused(copy)
    assert has(problems, "applicants/A014/dossier.yaml", "dossier.attachments[0].file", "%PDF-")
    assert has(problems, "applicants/A015/dossier.yaml", "dossier.attachments[0].file", ".pdf")


def test_criteria_not_summing_to_100(copy: Path) -> None:
    edit(copy / "rubrics/RB-GC.yaml", lambda d: d["criteria"][1].update(max_points=35))
    assert has(refused(copy), "rubrics/RB-GC.yaml", "字段 criteria", "申报材料", "95")


def test_engineering_rubric_without_safety(copy: Path) -> None:
    edit(copy / "rubrics/RB-GC.yaml", lambda d: d["criteria"][3].update(name="履职情况"))
    assert has(refused(copy), "rubrics/RB-GC.yaml", "字段 criteria", "安全生产")


def test_education_rubric_with_defence(tmp_path: Path) -> None:
    root = tmp_path / "edu"
    shutil.copytree(EDU, root)

    def change(d: Any) -> None:
        d["criteria"].append({"id": "D1", "name": "答辩", "part": "defence", "max_points": 100})
        d["criteria"].reverse()

    edit(root / "rubrics/RB-JY.yaml", change)
    problems = refused(root)
    assert has(problems, "rubrics/RB-JY.yaml", "criteria[0].part", "不设答辩")
    assert has(problems, "rubrics/RB-JY.yaml", "criteria[0].name", "师德师风")


def test_missing_directory_and_file(copy: Path) -> None:
    (copy / "session.yaml").unlink()
    assert has(refused(copy), "session.yaml", "找不到")
    with pytest.raises(OfficeInputError):
        load_office_input(copy / "nope")


def test_yaml_syntax_error_names_line(copy: Path) -> None:
    (copy / "panels.yaml").write_text("panels:\n  - id: [unclosed\n", "utf-8")
    assert has(refused(copy), "panels.yaml", "YAML 语法错误", "行")


def test_raw_escape_byte_in_yaml_file(copy: Path) -> None:
    path = copy / "committee.yaml"
    path.write_bytes(path.read_bytes().replace("青川理工学院".encode(), b"\x1b[31m", 1))
    assert has(refused(copy), "committee.yaml", "ESC")
