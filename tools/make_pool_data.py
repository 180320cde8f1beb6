"""Generate the deterministic demo expert pool: data/demo/pool/pool.yaml (专家库, fictional).

Run: ``.venv/bin/python tools/make_pool_data.py`` (same bytes every run). The pool holds the demo committee's
17 reviewers (E001–E017, same names and employers as data/demo/committee.yaml's R01–R17) and 47 more
experts: 64 in all, over 3 times the committee (000 第十一条). Employers include 有限公司 / 有限责任公司
variants and abbreviations of the demo applicants' employers, so that the draw's recusal constraint and the
conflict detection at pack have something to find. Everything is fictional. See docs/INPUT.md "The expert pool".
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import demo_texts as T  # noqa: E402
from make_demo_data import CONFLICTS, REVIEWERS, write_yaml  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
REGIONS = ("东城区", "西岭区", "北湖区", "临溪县", "石门县")
SPECIALTY = {"JZ": "建筑工程", "JD": "机电工程", "JT": "交通运输工程"}
# extra experts per specialty: (employer, aliases, title, level, private enterprise)
EXTRA = {
    "JZ": [
        ("青川建工集团有限责任公司", ["青川建工"], "高级工程师", "associate_senior", True),
        ("青川市恒泰建设工程有限责任公司", ["恒泰建设工程"], "高级工程师", "associate_senior", True),
        ("青川市第二建筑工程有限公司", ["青川二建"], "正高级工程师", "full_senior", False),
        ("青川市规划设计研究院", [], "高级工程师", "associate_senior", False),
        ("青川理工学院土木与建筑学院", [], "正高级工程师", "full_senior", False),
        ("青川市房屋安全鉴定所", [], "高级工程师", "associate_senior", False),
        ("青川市绿城建设监理有限公司", ["绿城监理"], "高级工程师", "associate_senior", True),
        ("青川市东城区住房和城乡建设局", [], "工程师", "intermediate", False),
        ("青川市建筑科学研究院有限公司", ["青川建科院"], "正高级工程师", "full_senior", False),
        ("青川鼎盛装饰工程有限公司", [], "高级工程师", "associate_senior", True),
        ("青川市人防工程管理处", [], "高级工程师", "associate_senior", False),
        ("青川市园林绿化工程有限公司", [], "工程师", "intermediate", True),
        ("石门县住房和城乡建设局", [], "高级工程师", "associate_senior", False),
        ("青川市城市建设档案馆", [], "高级工程师", "associate_senior", False),
        ("青川华远房地产开发有限责任公司", ["华远地产"], "高级工程师", "associate_senior", True),
        ("青川市建设工程造价管理站", [], "高级工程师", "associate_senior", False),
        ("临溪县建筑工程质量监督站", [], "工程师", "intermediate", False),
    ],
    "JD": [
        ("青川重型机械有限责任公司", ["青川重机"], "高级工程师", "associate_senior", True),
        ("青川精工装备制造股份有限公司", ["青川精工"], "高级工程师", "associate_senior", True),
        ("青川市电力设计院", [], "正高级工程师", "full_senior", False),
        ("青川电机厂有限公司", [], "高级工程师", "associate_senior", True),
        ("青川理工学院电气工程学院", [], "正高级工程师", "full_senior", False),
        ("青川市计量检定测试所", [], "高级工程师", "associate_senior", False),
        ("青川市节能监察中心", [], "高级工程师", "associate_senior", False),
        ("青川智能装备科技有限公司", [], "高级工程师", "associate_senior", True),
        ("青川市机电产品质量监督检验所", [], "工程师", "intermediate", False),
        ("青川市轨道交通机电设备有限公司", [], "高级工程师", "associate_senior", True),
        ("临溪县工业园区管理委员会", [], "工程师", "intermediate", False),
        ("青川市特种设备安全技术协会", [], "高级工程师", "associate_senior", False),
        ("青川液压件制造有限公司", [], "高级工程师", "associate_senior", True),
        ("青川市第一人民医院设备处", [], "高级工程师", "associate_senior", False),
        ("青川自动化仪表有限公司", [], "正高级工程师", "full_senior", True),
        ("青川市供排水设备检测中心", [], "高级工程师", "associate_senior", False),
    ],
    "JT": [
        ("青川路桥建设集团有限责任公司", ["青川路桥"], "高级工程师", "associate_senior", True),
        ("青川市公路勘察设计有限责任公司", ["青川公路设计"], "正高级工程师", "full_senior", True),
        ("青川市交通运输局", [], "高级工程师", "associate_senior", False),
        ("青川理工学院交通学院", [], "正高级工程师", "full_senior", False),
        ("青川市港航管理中心", [], "高级工程师", "associate_senior", False),
        ("青川高速公路运营管理有限公司", ["青川高速"], "高级工程师", "associate_senior", True),
        ("青川市交通工程检测中心", [], "高级工程师", "associate_senior", False),
        ("青川市公共交通集团有限公司", ["青川公交"], "高级工程师", "associate_senior", True),
        ("石门县公路管理段", [], "工程师", "intermediate", False),
        ("青川市轨道交通建设指挥部", [], "高级工程师", "associate_senior", False),
        ("西岭区交通运输服务中心", [], "工程师", "intermediate", False),
        ("青川交通规划咨询有限公司", [], "高级工程师", "associate_senior", True),
        ("青川市桥梁隧道养护中心", [], "高级工程师", "associate_senior", False),
        ("北湖区公路建设服务站", [], "高级工程师", "associate_senior", False),
    ],
}
# the demo committee's years on the committee before 2025. Last year's (2024) committee had 17 members: the 8
# proposed for reappointment this year (E001–E003, E005, E006, E010, E011, E014: 8 ≤ ⌊2/3 × 17⌋ = 11) and 9 of
# the other experts (EXTRA_SERVED), who rotate off (3 of them after 3 years in a row); the other 9 of this
# year's committee sat out 2024 and come back through the random draw.
SERVED = {1: [2023, 2024], 2: [2024], 3: [2023, 2024], 4: [2021, 2022], 5: [2024], 6: [2023, 2024],
          7: [2022], 8: [], 9: [2022, 2023], 10: [2024], 11: [2024], 12: [2021], 13: [], 14: [2024],
          15: [2022, 2023], 16: [2021, 2022], 17: [2023]}
EXTRA_SERVED = {20: [2024], 23: [2022, 2023, 2024], 30: [2023, 2024], 37: [2024], 41: [2022, 2023, 2024],
                44: [2024], 53: [2024], 57: [2022, 2023, 2024], 60: [2023, 2024]}
# the demo's telephone: these pool numbers decline or cannot be reached when called. With the demo's seed
# (zc_review/cli/office_pool.py DEMO_SEED) E031, E047 and E056 are pre-drawn and called before the last of
# the demo committee's people in their specialty, so each is replaced by the next pre-drawn (a substitute).
REFUSE = {20, 24, 31, 43, 47}
UNREACHABLE = {34, 56}


def main() -> None:
    rng = random.Random(20250901)
    names: set[str] = set()
    committee = {r["id"]: r for r in _committee()}
    experts = []
    for i, (rid, employer, title, level, specialty, _role) in enumerate(REVIEWERS, start=1):
        experts.append({
            "id": f"E{i:03d}", "name": committee[rid]["name"], "employer": employer, "employer_aliases": [],
            "title": title, "title_level": level, "title_since": 2008 + (i % 9), "specialty": specialty,
            "region": REGIONS[i % 3], "private_enterprise": employer.endswith("有限公司"),
            "years_served": SERVED[i],
        })
        names.add(committee[rid]["name"])
    n = len(experts)
    for key in ("JZ", "JD", "JT"):
        for employer, aliases, title, level, private in EXTRA[key]:
            n += 1
            while True:
                name = rng.choice(T.SURNAMES) + rng.choice(T.GIVEN)
                if name not in names:
                    names.add(name)
                    break
            since = 2024 if n % 13 == 0 else 2010 + n % 13  # a few hold their title under 2 years
            experts.append({
                "id": f"E{n:03d}", "name": name, "employer": employer, "employer_aliases": aliases,
                "title": title, "title_level": level, "title_since": since, "specialty": SPECIALTY[key],
                "region": REGIONS[n % len(REGIONS)], "private_enterprise": private,
                "years_served": EXTRA_SERVED.get(n, [2022] if n % 7 == 0 else []),
            })
    pool = {"pool_id": "QC-GC-ZJ-POOL", "committee_name": "青川市工程系列中级职称评审委员会", "series": "engineering",
            "reviewed_on": "2025-09-01", "experts": experts}
    write_yaml(ROOT / "data" / "demo" / "pool" / "pool.yaml", pool,
               "专家库（不得对外公布；见 docs/INPUT.md「专家库」）：全部为虚构人员")
    print(f"wrote data/demo/pool/pool.yaml ({len(experts)} experts)")
    # the demo's call sheet: what each expert answers if called (a simulation of the telephone; a real sheet
    # lists only those called, in the order called)
    calls = []
    for i, e in enumerate(experts, start=1):
        answer = "refused" if i in REFUSE else "unreachable" if i in UNREACHABLE else "confirmed"
        note = {"refused": "出差在外，不能参加", "unreachable": "两次致电无人接听"}.get(answer, "")
        calls.append({"expert": e["id"], "answer": answer, **({"note": note} if note else {})})
    write_yaml(ROOT / "data" / "demo" / "pool" / "demo-calls.yaml",
               {"calls": calls, "chair": "E001", "vice_chairs": ["E002", "E003"],
                "panel_leaders": {"P-JZ": {"leader": "E002", "vice_leader": "E004"},
                                  "P-JD": {"leader": "E009", "vice_leader": "E010"},
                                  "P-JT": {"leader": "E003", "vice_leader": "E014"}}},
               "演示用电话确认结果（模拟：每位专家若被联系时的答复）；主任委员、副主任委员由组建单位指定")
    print("wrote data/demo/pool/demo-calls.yaml")
    # what the office staff decide on the same-employer conflicts office pack detects for the drawn committee
    write_yaml(ROOT / "data" / "demo" / "pool" / "demo-conflict-decisions.yaml",
               {"decided_by": "范家豪", "decisions": [
                   {"reviewer": r, "applicant": a, "decision": "confirm", "reason": "同一工作单位"}
                   for r, a in CONFLICTS]},
               "演示用：办事机构对制作评审包时检出的回避关系的确认（与 data/demo/conflicts.yaml 一致）")
    print("wrote data/demo/pool/demo-conflict-decisions.yaml")
    draw_committee()


def draw_committee() -> None:
    """Draw the demo committee from the pool with the demo's seed and call sheet (office keys made for the
    occasion in a temporary folder: the signatures are not kept) and write its committee.yaml and panels.yaml
    into data/demo: the files the demo script is written for and ``make demo`` draws again."""
    import shutil
    import tempfile

    sys.path.insert(0, str(ROOT))
    from zc_review.cli.office_pool import DEMO_SEED, DRAWN_FILES
    from zc_review.seal.pki import load_office_keys
    from zc_review.service.office import drawing, keygen
    from zc_review.service.office import pool as P

    demo = ROOT / "data" / "demo"
    answers, des = P.load_calls(demo / "pool" / "demo-calls.yaml")
    with tempfile.TemporaryDirectory() as tmp:
        keygen(Path(tmp) / "keys", "演示")
        res = drawing.draw(pool_dir=demo / "pool", session_file=demo / "session.yaml", seed=DEMO_SEED,
                           seed_again=DEMO_SEED, out_dir=Path(tmp) / "draw", keys=load_office_keys(Path(tmp) / "keys"),
                           answer=lambda eid, kind: answers[eid], designate=lambda m: des,
                           archive_url=f"sqlite:///{Path(tmp) / 'archive.db'}")
        for name in DRAWN_FILES:
            shutil.copyfile(res.record_path.parent / name, demo / name)
    print("wrote data/demo/committee.yaml, data/demo/panels.yaml (drawn with seed " + DEMO_SEED + ")")


def _committee() -> list[dict[str, str]]:
    import yaml

    data = yaml.safe_load((ROOT / "data" / "demo" / "committee.yaml").read_text("utf-8"))
    return list(data["reviewers"])


if __name__ == "__main__":
    main()
