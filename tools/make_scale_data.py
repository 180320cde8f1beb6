"""Generate a synthetic province-sized committee for ``make bench-scale`` (issue 9): N applicants × 31 reviewers.

Usage (from the repository root)::

    .venv/bin/python -m tools.make_scale_data --applicants 300 --out /tmp/scale-300 [--seed 9] [--attachments K]

Writes an office input folder in the format of docs/INPUT.md (session.yaml, committee.yaml, panels.yaml,
rubrics/, applicants/<id>/dossier.yaml, conflicts.yaml) and its script.json: 31 reviewers (one chair, three
vice-chairs, 27 members; none intermediate, RULES.md §1), two staff, six panels of five members with one
group each (pass rate 0.6), the engineering rubric of data/demo (material 70 % + defence 30 %), one recusal per
panel declared beforehand, one reviewer absent (quorum still met: 30 of 31), every panel member scoring every
applicant of the panel, scoring ordered by reviewer (as a panel works; the builder's order), designed agree counts around the 2/3
edge and the cap, and the failure reasons found by running the rules (tools/make_demo_script.py's builder).
``--attachments K`` gives the first K applicants one small PDF each (the same bytes) for the extraction cost.

Everything is fictional and deterministic for a given seed. The demo's own data stays in tools/make_demo_data.py.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tools.make_demo_script import build, resolve_failure_reasons  # noqa: E402
from zc_review.service.office.input import load_office_input  # noqa: E402

SPECIALTIES = ("建筑工程", "机电工程", "交通运输工程", "水利工程", "环境工程", "测绘工程")
PANEL_IDS = ("P-JZ", "P-JD", "P-JT", "P-SL", "P-HJ", "P-CH")
GROUP_IDS = ("G-JZ", "G-JD", "G-JT", "G-SL", "G-HJ", "G-CH")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "建国丽娟立新伟强敏静磊军洋勇艳杰娜涛明超秀霞平刚桂英华玉兰红梅文辉志刚海燕俊峰晓东"
EMPLOYERS = ("青川市第{n}建筑工程有限公司", "青川市{n}号线轨道交通建设有限责任公司", "青川市水务集团第{n}分公司",
             "青川市环境监测站第{n}分站", "青川市测绘院第{n}分院", "青川市机电设备安装第{n}工程处")


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def _dump(path: Path, data: Any, header: str) -> None:
    path.write_text(header + "\n" + yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")


def make_input(out: Path, applicants: int, *, seed: int = 9, attachments: int = 0) -> None:
    """Write the office input folder for ``applicants`` applicants (≥ 6) into ``out`` (replaced)."""
    if applicants < 6:
        raise SystemExit("--applicants must be at least 6 (one per panel)")
    rng = random.Random(seed)
    shutil.rmtree(out, ignore_errors=True)
    (out / "applicants").mkdir(parents=True)
    shutil.copytree(ROOT / "data/demo/rubrics", out / "rubrics")
    session = yaml.safe_load((ROOT / "data/demo/session.yaml").read_text("utf-8"))
    session.update(session_id=f"QC-SCALE-{applicants}", committee_name="青川省工程系列中级职称评审委员会（规模测试）",
                   groups=[{"id": g, "name": f"{s}组", "pass_rate": "0.6"} for g, s in zip(GROUP_IDS, SPECIALTIES, strict=True)])
    session["rules"]["min_committee_size"] = 25
    _dump(out / "session.yaml", session, "# 规模测试：合成的评审会议（tools/make_scale_data.py）")

    reviewers = []
    for i in range(1, 32):
        role = "chair" if i == 1 else "vice_chair" if i <= 4 else "member"
        specialty = SPECIALTIES[(i - 2) % 6] if i > 1 else SPECIALTIES[0]
        reviewers.append({"id": f"R{i:02d}", "name": _name(rng), "employer": f"青川省专家单位{i:02d}",
                          "title": "正高级工程师" if i <= 10 else "高级工程师",
                          "title_level": "full_senior" if i <= 10 else "associate_senior",
                          "specialty": specialty, "committee_role": role})
    staff = [{"id": "S01", "name": _name(rng), "role": "supervisor", "employer": "青川省人力资源和社会保障厅"},
             {"id": "S02", "name": _name(rng), "role": "recorder", "employer": "青川省职称评审服务中心"}]
    _dump(out / "committee.yaml", {"reviewers": reviewers, "staff": staff}, "# 规模测试：评审委员会")

    panels = []
    for p in range(6):
        members = [f"R{2 + p + 6 * k:02d}" for k in range(5)]  # R02..R31, five per panel
        panels.append({"id": PANEL_IDS[p], "name": f"{SPECIALTIES[p]}评议组", "specialty": SPECIALTIES[p],
                       "leader": members[0], "vice_leader": members[1], "members": members, "rubric": "RB-GC"})
    _dump(out / "panels.yaml", {"panels": panels}, "# 规模测试：评议组")

    pdf = (ROOT / "data/demo/applicants/A001/attachments/technical-report.pdf").read_bytes()
    conflicts = []
    for n in range(1, applicants + 1):
        p = (n - 1) % 6
        a_id = f"A{n:04d}"
        folder = out / "applicants" / a_id
        folder.mkdir()
        dossier: dict[str, Any] = {
            "education": "本科，青川理工学院，土木工程专业，2018年毕业", "years_in_field": 5 + n % 7,
            "current_title": "助理工程师", "target_title": "工程师",
            "achievements": [f"参与{SPECIALTIES[p]}项目{1 + n % 4}项"],
            "papers": [f"《{SPECIALTIES[p]}施工技术探讨（第{n}号）》，《工程技术与管理》2023年第{1 + n % 12}期，第一作者"],
            "annual_reviews": ["2022年度：合格", "2023年度：合格", "2024年度：优秀"],
            "continuing_education": "2020–2024年累计完成继续教育600学时，均已登记",
            "work_summary": f"本人从事{SPECIALTIES[p]}技术工作，负责施工组织设计、技术交底和过程质量控制。",
        }
        if n <= attachments:
            (folder / "attachments").mkdir()
            (folder / "attachments" / "technical-report.pdf").write_bytes(pdf)
            dossier["attachments"] = [{"id": f"{a_id}-F1", "file": "technical-report.pdf", "title": "代表性技术报告"}]
        applicant = {"id": a_id, "code": f"GC-2025-{n:04d}", "name": _name(rng),
                     "employer": EMPLOYERS[p].format(n=1 + n % 9), "panel": PANEL_IDS[p], "group": GROUP_IDS[p],
                     "flags": [], "dossier": dossier}
        _dump(folder / "dossier.yaml", applicant, f"# 申报人 {a_id}（合成）")
        if n <= 6:  # one declared recusal per panel: its third member and the panel's first applicant
            conflicts.append({"reviewer": panels[p]["members"][2], "applicant": a_id, "reason": "同一工作单位"})
    _dump(out / "conflicts.yaml", {"conflicts": conflicts}, "# 规模测试：预先申报的回避关系")


def make_scale(out: Path, applicants: int, *, seed: int = 9, attachments: int = 0) -> Path:
    """Input folder and script.json for ``applicants`` applicants; returns ``out``."""
    make_input(out, applicants, seed=seed, attachments=attachments)
    defn, _ = load_office_input(out)
    script = build(defn, absent=["R31"], room_recusal=None, tie_group=None, cap_group=GROUP_IDS[1], seed=seed)
    script = resolve_failure_reasons(script, defn)
    (out / "script.json").write_text(json.dumps(script, ensure_ascii=False, indent=0) + "\n", "utf-8")
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description="生成规模测试用的合成评审会议（申报人 N 名 × 评审专家 31 名）")
    ap.add_argument("--applicants", type=int, required=True, help="申报人数（至少 6）")
    ap.add_argument("--out", type=Path, required=True, help="输出目录（会被替换）")
    ap.add_argument("--seed", type=int, default=9, help="随机种子（默认 9）")
    ap.add_argument("--attachments", type=int, default=0, help="前 K 名申报人各附一个 PDF（默认 0）")
    args = ap.parse_args()
    make_scale(args.out, args.applicants, seed=args.seed, attachments=args.attachments)
    print(args.out)


if __name__ == "__main__":
    main()
