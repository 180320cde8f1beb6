"""Generate the deterministic demo office input: data/demo (engineering) and data/demo-education.

Run: ``.venv/bin/python tools/make_demo_data.py`` (rewrites both directories; same bytes every run).
Everything is fictional. Every character is checked against the embedded WenQuanYi Micro Hei font.
"""

from __future__ import annotations

import io
import random
import shutil
import sys
from pathlib import Path
from typing import Any

import yaml
from reportlab import rl_config
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

sys.path.insert(0, str(Path(__file__).resolve().parent))
import demo_texts as T  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
FONT_PATH = ROOT / "zc_review" / "documents" / "fonts" / "wqy-microhei.ttc"
FONT = "WQYMicroHei"
rl_config.invariant = 1  # byte-identical PDFs on every run

_font = TTFont(FONT, str(FONT_PATH), subfontIndex=0)
pdfmetrics.registerFont(_font)
_CMAP = set(_font.face.charToGlyph)


def check_font(value: Any, where: str = "") -> None:
    """Refuse any character the embedded font lacks (reportlab would silently drop it)."""
    if isinstance(value, dict):
        for k, v in value.items():
            check_font(v, f"{where}.{k}")
    elif isinstance(value, list | tuple):
        for v in value:
            check_font(v, where)
    elif isinstance(value, str):
        missing = {ch for ch in value if ord(ch) not in _CMAP and ch not in "\n\t"}
        if missing:
            raise SystemExit(f"{where}: characters missing from font: {sorted(missing)}")


# -- YAML and PDF writers ------------------------------------------------------------------------

class _Dumper(yaml.SafeDumper):
    pass


def _str_rep(dumper: yaml.SafeDumper, s: str) -> yaml.ScalarNode:
    style = "|" if "\n" in s else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", s, style=style)


_Dumper.add_representer(str, _str_rep)


def write_yaml(path: Path, data: Any, header: str = "") -> None:
    check_font(data, str(path))
    path.parent.mkdir(parents=True, exist_ok=True)
    text = yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=1000)
    path.write_text((f"# {header}\n" if header else "") + text, encoding="utf-8")


def make_pdf(title: str, subtitle: str, paragraphs: list[str]) -> bytes:
    """A small A4 PDF with the embedded font; text extractable; reproducible bytes."""
    check_font([title, subtitle, *paragraphs], title)
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=A4, title=title, author="", subject="", creator="zc-review demo",
                            initialFontName=FONT, leftMargin=60, rightMargin=60, topMargin=60, bottomMargin=60)
    h = ParagraphStyle("h", fontName=FONT, fontSize=16, leading=24, alignment=1, spaceAfter=6)
    s = ParagraphStyle("s", fontName=FONT, fontSize=10, leading=16, alignment=1, spaceAfter=12)
    b = ParagraphStyle("b", fontName=FONT, fontSize=11, leading=19, firstLineIndent=22, wordWrap="CJK")
    story: list[Any] = [Paragraph(title, h), Paragraph(subtitle, s)]
    for p in paragraphs:
        story += [Paragraph(p, b), Spacer(1, 6)]
    doc.build(story)
    return buf.getvalue()


class Names:
    """Unique fictional names from a seeded generator."""

    def __init__(self, rng: random.Random) -> None:
        self.rng, self.used = rng, set[str]()

    def __call__(self) -> str:
        while True:
            name = self.rng.choice(T.SURNAMES) + self.rng.choice(T.GIVEN)
            if name not in self.used:
                self.used.add(name)
                return name


def id_number(region: str, birth_year: int, n: int) -> str:
    """A fictional but valid 居民身份证号码 (stdnum.cn.ric): ``region`` (a real county code, so the birth
    place checks), a birth date in ``birth_year`` and a sequence from ``n`` (no random draw: the other data
    stay the same bytes), then its check digit."""
    from stdnum.cn import ric

    body = f"{region}{birth_year:04d}{1 + n % 12:02d}{1 + (n * 7) % 28:02d}{(n * 37) % 1000:03d}"
    number = body + ric.calc_check_digit(body + "0")  # it reads the number with a check digit, ignoring it
    assert ric.is_valid(number), number
    return number


def levels(max_points: int) -> list[str]:
    """Level descriptors 优/良/中/差 as point ranges (85% / 70% / 60% of the maximum)."""
    a, b, c = (round(max_points * f * 2) / 2 for f in (0.85, 0.70, 0.60))
    fmt = lambda x: f"{x:g}"  # noqa: E731
    return [f"优：{fmt(a)}–{max_points} 分", f"良：{fmt(b)}–{fmt(a - 0.5)} 分", f"中：{fmt(c)}–{fmt(b - 0.5)} 分",
            f"差：0–{fmt(c - 0.5)} 分"]


def criterion(cid: str, name: str, part: str, pts: int, desc: str) -> dict[str, Any]:
    return {"id": cid, "name": name, "part": part, "max_points": pts, "step": 0.5, "levels": levels(pts),
            "allow_na": False, "description": desc}


# -- engineering --------------------------------------------------------------------------------

REVIEWERS = [  # id, employer, title, level, specialty, role
    ("R01", "青川市建筑设计研究院有限公司", "正高级工程师", "full_senior", "建筑工程", "chair"),
    ("R02", "青川理工学院土木与建筑学院", "正高级工程师", "full_senior", "建筑工程", "vice_chair"),
    ("R03", "青川市交通规划勘察设计院", "正高级工程师", "full_senior", "交通运输工程", "vice_chair"),
    ("R04", "青川市建设工程质量安全监督站", "正高级工程师", "full_senior", "建筑工程", "member"),
    ("R05", "青川市市政工程设计院", "高级工程师", "associate_senior", "建筑工程", "member"),
    ("R06", "青川建工集团有限公司", "高级工程师", "associate_senior", "建筑工程", "member"),
    ("R07", "青川市城市建设投资发展有限公司", "高级工程师", "associate_senior", "建筑工程", "member"),
    ("R08", "青川市建筑业协会", "工程师", "intermediate", "建筑工程", "member"),
    ("R09", "青川理工学院机械工程学院", "正高级工程师", "full_senior", "机电工程", "member"),
    ("R10", "青川市特种设备检验研究所", "高级工程师", "associate_senior", "机电工程", "member"),
    ("R11", "青川重型机械有限公司", "高级工程师", "associate_senior", "机电工程", "member"),
    ("R12", "青川供电设计院有限公司", "高级工程师", "associate_senior", "机电工程", "member"),
    ("R13", "青川市工业和信息化研究中心", "工程师", "intermediate", "机电工程", "member"),
    ("R14", "青川市公路事业发展中心", "正高级工程师", "full_senior", "交通运输工程", "member"),
    ("R15", "青川路桥建设集团有限公司", "高级工程师", "associate_senior", "交通运输工程", "member"),
    ("R16", "青川市交通工程质量监督站", "高级工程师", "associate_senior", "交通运输工程", "member"),
    ("R17", "青川市农村公路管理所", "工程师", "intermediate", "交通运输工程", "member"),
]
PANELS = [  # id, specialty key, leader, vice, members, rubric
    ("P-JZ", "JZ", "R02", "R04", ["R02", "R04", "R05", "R06", "R07", "R08"], "RB-GC"),
    ("P-JD", "JD", "R09", "R10", ["R09", "R10", "R11", "R12", "R13"], "RB-GC-QY"),
    ("P-JT", "JT", "R03", "R14", ["R03", "R14", "R15", "R16", "R17"], "RB-GC"),
]
APPLICANT_EMPLOYERS = {
    "JZ": ("青川市恒泰建设工程有限公司", "青川华远房地产开发有限公司", "青川市建设工程质量检测中心",
           "青川宏达建筑安装工程有限公司", "青川市东城区城市更新服务中心"),
    "JD": ("青川水务集团有限公司", "青川精工装备制造有限公司", "青川市热力有限公司", "青川新能源科技有限公司",
           "青川市机电设备安装有限公司"),
    "JT": ("青川市公路勘察设计有限公司", "青川交通建设养护有限公司", "青川市城市道路管理中心",
           "青川港航工程有限公司", "青川市西岭区交通运输局"),
}
GRASSROOTS_EMPLOYERS = {
    "JZ": ("临溪县住房和城乡建设局", "石门县白沙镇规划建设服务中心"),
    "JD": ("临溪县农机技术推广站", "石门县河口镇综合服务中心"),
    "JT": ("临溪县农村公路养护站", "石门县交通运输服务中心"),
}
CONFLICTS = [("R06", "A003"), ("R11", "A015")]  # reviewer and applicant share an employer
# the draw plan of `office draw` (docs/INPUT.md "The draw plan"); pool ids of data/demo/pool (tools/make_pool_data.py)
DRAW: dict[str, Any] = {
    "ratio": 3,
    "seats": [{"specialty": "建筑工程", "count": 7, "panel": "P-JZ"},
              {"specialty": "机电工程", "count": 5, "panel": "P-JD"},
              {"specialty": "交通运输工程", "count": 5, "panel": "P-JT"}],
    "reappoint": ["E001", "E002", "E003", "E005", "E006", "E010", "E011", "E014"],
    "drawers": [{"id": "S02", "name": "范家豪"}],
    "supervisor": {"id": "S01", "name": "孟嘉怡"},
    "staff": [{"id": "S01", "name": "孟嘉怡", "role": "supervisor", "employer": "青川市人力资源和社会保障局"},
              {"id": "S02", "name": "范家豪", "role": "recorder", "employer": "青川市职称评审服务中心"}],
    "complaint_channel": "青川市人力资源和社会保障局专业技术人员管理科，电话 0000-12345678（虚构）",
}


def work_summary(rng: random.Random, key: str, major: str, grad_year: int, years: int) -> list[str]:
    spec = T.SPECIALTIES[key]
    for _ in range(100):
        paras = [
            f"本人{grad_year}年毕业于{major}专业，参加工作{years}年来一直从事{spec['field']}工作。"
            f"取得助理工程师资格以来，先后参与和负责了{rng.randint(4, 12)}项工程的技术工作，现将任现职以来的主要专业技术工作总结如下。"
        ]
        for idx, tpl in enumerate(rng.sample(spec["projects"], rng.choice((2, 3)))):
            place, place2 = rng.sample(T.PLACES, 2)
            project = tpl.format(place=place, place2=place2, area=rng.randint(3, 18), n=rng.randint(3, 24),
                                 floors=rng.randint(8, 22), depth=rng.randint(8, 16), kva=rng.randint(4, 40) * 500,
                                 kwh=rng.randint(30, 260), km=rng.randint(6, 48))
            prob, measure, result = rng.choice(spec["problems"])
            paras.append(
                f"{'一二三'[idx]}、{project}。本人在该项目中担任{rng.choice(spec['roles'])}，负责施工组织设计、技术交底和"
                f"过程质量控制。实施过程中{prob}，本人{measure}，{result}。该项目于{rng.randint(2020, 2024)}年通过竣工验收。"
            )
        paras.append(rng.choice(T.SAFETY).format(n=rng.randint(3, 15), m=rng.randint(40, 300)))
        if rng.random() < 0.7:
            paras.append(rng.choice(T.INNOVATION))
        paras.append(rng.choice(T.CLOSING))
        if 600 <= sum(map(len, paras)) <= 1200:
            return paras
    raise SystemExit("could not build a work summary of 600–1200 characters")


def report_paragraphs(rng: random.Random, key: str) -> list[str]:
    """A short representative technical report (kept short: every distinct glyph costs PDF bytes)."""
    spec = T.SPECIALTIES[key]
    place, place2 = rng.sample(T.PLACES, 2)
    project = rng.choice(spec["projects"]).format(
        place=place, place2=place2, area=rng.randint(3, 18), n=rng.randint(3, 24), floors=rng.randint(8, 22),
        depth=rng.randint(8, 16), kva=rng.randint(4, 40) * 500, kwh=rng.randint(30, 260), km=rng.randint(6, 48))
    prob, measure, result = rng.choice(spec["problems"])
    return [f"一、工程概况。{project}。", f"二、存在问题。{prob}。", f"三、技术措施。{measure}。",
            f"四、实施效果。{result}，相关做法可为同类工程提供参考。"]


def make_engineering(out: Path, rng: random.Random) -> None:
    names = Names(rng)
    write_yaml(out / "session.yaml", {
        "session_id": "QC-GC-ZJ-2025",
        "committee_name": "青川市工程系列中级职称评审委员会",
        "organizing_body": "青川市人力资源和社会保障局",
        "series": "engineering", "title_level": "中级", "year": 2025,
        "venue": "青川市专业技术人员继续教育基地第三会议室", "scheduled_date": "2025-11-20", "rehearsal": False,
        "rules": {"recusal_base": "attending", "aggregation": "mean", "trimmed_min_scores": 5,
                  "material_weight": "0.7", "defence_weight": "0.3", "ballot_agree_limit": False,
                  "min_committee_size": 17},
        "groups": [
            {"id": "G-JZ", "name": "建筑工程组", "pass_rate": "0.6"},
            {"id": "G-JD", "name": "机电工程组", "pass_rate": "0.6"},
            {"id": "G-JT", "name": "交通运输工程组", "pass_rate": "0.6"},
            {"id": "G-JC", "name": "基层专业技术人员组", "pass_rate": "0.75"},
        ],
        "draw": DRAW,
    }, "评审会议：基本信息、规则设置、分组和评审专家抽取方案（见 docs/INPUT.md）")
    reviewers = [{"id": i, "name": names(), "employer": e, "title": t, "title_level": lv, "specialty": sp,
                  "committee_role": role} for i, e, t, lv, sp, role in REVIEWERS]
    staff = [{"id": "S01", "name": names(), "role": "supervisor", "employer": "青川市人力资源和社会保障局"},
             {"id": "S02", "name": names(), "role": "recorder", "employer": "青川市职称评审服务中心"}]
    write_yaml(out / "committee.yaml", {"reviewers": reviewers, "staff": staff}, "评审委员会：评审专家和工作人员")
    write_yaml(out / "panels.yaml", {"panels": [
        {"id": pid, "name": f"{T.SPECIALTIES[k]['name']}评议组", "specialty": T.SPECIALTIES[k]["name"], "leader": ld,
         "vice_leader": vl, "members": ms, "rubric": rb} for pid, k, ld, vl, ms, rb in PANELS]}, "评议组")
    material = [
        ("M1", "学历资历", 10, "学历、专业对口程度和任现职年限"),
        ("M2", "专业技术工作业绩", 40, "任现职以来主持或参与的工程项目、解决的技术问题及成效"),
        ("M3", "论文与技术报告", 15, "公开发表的论文、技术报告、工法、专利等"),
        ("M4", "安全生产履职情况", 15, "落实安全生产责任、隐患排查治理和无责任事故情况"),
        ("M5", "继续教育", 10, "按规定完成继续教育学时情况"),
        ("M6", "年度考核", 10, "近五年年度考核结果"),
    ]
    defence = [
        ("D1", "专业理论", 40, "对本专业基础理论和标准规范的掌握"),
        ("D2", "实践能力", 40, "结合工程实际分析和解决问题的能力"),
        ("D3", "表达与应变", 20, "陈述条理、回答问题的准确性和应变能力"),
    ]
    base = [criterion(c, n, "material", p, d) for c, n, p, d in material]
    # Papers are not required of grassroots applicants (基层): M3 may be "not applicable", kept distinct from 0.
    base[2]["allow_na"] = True
    base += [criterion(c, n, "defence", p, d) for c, n, p, d in defence]
    write_yaml(out / "rubrics" / "RB-GC.yaml", {
        "id": "RB-GC", "name": "工程系列中级职称量化评分标准", "version": "2025.1", "series": "engineering",
        "criteria": base}, "量化评分标准：申报材料分 100 分 + 答辩分 100 分，步长 0.5")
    qy = [dict(c) for c in base]
    qy[1] = criterion("M2", "专业技术工作业绩", "material", 35, material[1][3])
    qy.insert(4, criterion("M7", "诚信经营与遵纪守法", "material", 5, "企业申报人员的信用记录和遵纪守法情况"))
    write_yaml(out / "rubrics" / "RB-GC-QY.yaml", {
        "id": "RB-GC-QY", "name": "工程系列中级职称量化评分标准（企业人员适用）", "version": "2025.1",
        "series": "engineering", "criteria": qy}, "企业版：增加诚信经营与遵纪守法评分项")
    conflicts = []
    reviewer_employer = {r[0]: r[1] for r in REVIEWERS}
    conflict_employer = {a: reviewer_employer[r] for r, a in CONFLICTS}
    n = 0
    for pid, key, *_ in PANELS:
        for j in range(12):
            n += 1
            aid = f"A{n:03d}"
            grassroots = j >= 8
            pool = GRASSROOTS_EMPLOYERS[key] if grassroots else APPLICANT_EMPLOYERS[key]
            employer = conflict_employer.get(aid) or pool[j % len(pool)]
            flags = ["grassroots"] if grassroots else []
            if "有限公司" in employer:
                flags.append("enterprise")
            years = rng.randint(5, 12)
            if aid == "A007":
                flags.append("exceptional")
                years = 3
            if aid == "A030":
                flags.append("green_channel")
            degree = "硕士研究生" if rng.random() < 0.3 else "本科"
            grad_year = 2025 - years
            major = rng.choice(T.SPECIALTIES[key]["majors"])
            school = rng.choice(("青川理工学院", "江北建筑大学", "青川大学", "东岭交通大学", "南湖工业大学"))
            summary = work_summary(rng, key, major, grad_year, years)
            name = names()
            topics = rng.sample(T.PAPER_TOPICS[key], rng.randint(1, 3))
            papers = [f"《{t}》，《{rng.choice(T.JOURNALS)}》{rng.randint(2020, 2024)}年第{rng.randint(1, 12)}期，"
                      f"{'第一作者' if i == 0 else '第二作者'}" for i, t in enumerate(topics)]
            if rng.random() < 0.5:
                papers.append(f"《{rng.choice(T.PLACES)}{T.SPECIALTIES[key]['name']}项目技术总结报告》"
                              f"（技术报告，{rng.randint(2021, 2024)}年）")
            hours = [rng.randint(90, 130) for _ in range(5)]
            att_file = "technical-report.pdf"
            pdf = make_pdf(f"代表性技术报告：{topics[0]}",
                           f"申报人编码：GC-2025-{n:03d}　申报专业：{T.SPECIALTIES[key]['name']}",
                           report_paragraphs(rng, key))
            adir = out / "applicants" / aid
            (adir / "attachments").mkdir(parents=True, exist_ok=True)
            (adir / "attachments" / att_file).write_bytes(pdf)
            write_yaml(adir / "dossier.yaml", {
                "id": aid, "code": f"GC-2025-{n:03d}", "name": name,
                "id_number": id_number("330102", grad_year - 22, n), "employer": employer, "panel": pid,
                "group": "G-JC" if grassroots else f"G-{key}", "flags": flags,
                "dossier": {
                    "education": f"{degree}，{school}，{major}专业，{grad_year}年毕业",
                    "years_in_field": years, "current_title": "助理工程师", "target_title": "工程师",
                    "achievements": [
                        f"参与{T.SPECIALTIES[key]['name']}项目{rng.randint(2, 6)}项，"
                        f"其中{rng.randint(1, 2)}项获市级优质工程或科技进步奖",
                        f"任现职以来解决现场技术问题{rng.randint(5, 20)}项，编写专项施工或技术方案{rng.randint(3, 12)}份",
                    ],
                    "papers": papers,
                    "annual_reviews": [f"{y}年度：{'优秀' if rng.random() < 0.25 else '合格'}" for y in range(2020, 2025)],
                    "continuing_education": f"2020–2024年累计完成继续教育{sum(hours)}学时（每年不少于90学时），"
                                            f"其中公需科目{5 * 30}学时，其余为专业科目，均已登记",
                    "work_summary": "\n".join(summary) + "\n",
                    "attachments": [{"id": f"{aid}-F1", "file": att_file, "title": f"代表性技术报告：{topics[0]}"}],
                },
            }, f"申报人 {aid}（会场只显示编码）")
    for r, a in CONFLICTS:
        conflicts.append({"reviewer": r, "applicant": a, "reason": "同一工作单位"})
    write_yaml(out / "conflicts.yaml", {"conflicts": conflicts},
               "回避关系：即制作评审包时系统检出、办事机构确认的结果（data/demo/pool/demo-conflict-decisions.yaml；"
               "make demo 按抽取结果重新检出并确认），测试直接用本目录制作评审包时作为预先申报的回避关系")


# -- education ----------------------------------------------------------------------------------

def make_education(out: Path, rng: random.Random) -> None:
    names = Names(rng)
    write_yaml(out / "session.yaml", {
        "session_id": "QC-JY-ZJ-2025", "committee_name": "青川市中小学教师中级职称评审委员会",
        "organizing_body": "青川市教育局", "series": "education", "title_level": "中级", "year": 2025,
        "venue": "青川市教育科学研究院二楼会议室", "scheduled_date": "2025-12-05", "rehearsal": True,
        "rules": {"min_committee_size": 11},
        "groups": [{"id": "G-ALL", "name": "中小学教师组", "pass_rate": "0.7"}],
    }, "中小学教师系列：不设答辩")
    schools = ("青川市第一中学", "青川市实验小学", "青川市教育科学研究院", "青川市第二中学", "临溪县第一中学",
               "石门县实验学校", "青川市东城区教师发展中心", "青川师范学院附属小学", "青川市第五中学",
               "临溪县城关小学", "青川市西岭区教育局教研室")
    roles = ["chair", "vice_chair", "vice_chair"] + ["member"] * 8
    titles = [("正高级教师", "full_senior")] * 3 + [("高级教师", "associate_senior")] * 6 + [("一级教师", "intermediate")] * 2
    reviewers = [{"id": f"R{i + 1:02d}", "name": names(), "employer": schools[i], "title": titles[i][0],
                  "title_level": titles[i][1], "specialty": "语文" if i < 6 else "数学", "committee_role": roles[i]}
                 for i in range(11)]
    staff = [{"id": "S01", "name": names(), "role": "supervisor", "employer": "青川市教育局"},
             {"id": "S02", "name": names(), "role": "recorder", "employer": "青川市教育局"}]
    write_yaml(out / "committee.yaml", {"reviewers": reviewers, "staff": staff})
    write_yaml(out / "panels.yaml", {"panels": [
        {"id": "P-YW", "name": "语文评议组", "specialty": "语文", "leader": "R04", "vice_leader": "R05",
         "members": ["R02", "R03", "R04", "R05", "R06"], "rubric": "RB-JY"},
        {"id": "P-SX", "name": "数学评议组", "specialty": "数学", "leader": "R07", "vice_leader": "R08",
         "members": ["R07", "R08", "R09", "R10", "R11"], "rubric": "RB-JY"},
    ]})
    crit = [("E1", "师德师风", 15, "遵守教师职业道德规范、关爱学生、为人师表；有违反师德行为的实行一票否决"),
            ("E2", "教育教学工作", 30, "课堂教学、工作量和教学质量"),
            ("E3", "教学业绩与获奖", 20, "教学成绩、优质课和学生指导获奖"),
            ("E4", "教研与论文", 15, "课题研究、教学论文和案例"),
            ("E5", "班主任与育人工作", 10, "班主任工作和德育工作"),
            ("E6", "继续教育", 10, "按规定完成继续教育学时情况")]
    write_yaml(out / "rubrics" / "RB-JY.yaml", {
        "id": "RB-JY", "name": "中小学教师一级教师量化评分标准", "version": "2025.1", "series": "education",
        "criteria": [criterion(c, n, "material", p, d) for c, n, p, d in crit]}, "师德师风列第一项；不设答辩")
    employers = ("青川市第三中学", "青川市南屏小学", "临溪县柳林乡中心小学", "石门县河口镇中学", "青川市北湖新区实验学校",
                 "青川市第七中学")
    for n in range(1, 13):
        aid = f"A{n:03d}"
        key = "YW" if n <= 6 else "SX"
        subject, majors, topics = T.EDU_SUMMARY[key]
        years = rng.randint(6, 15)
        topic = rng.choice(topics)
        paras = [p.format(year=2025 - years, major=rng.choice(majors), years=years, subject=subject,
                          head=rng.choice(("连续多年担任班主任", "曾担任年级组长", "兼任学科教研组长")), topic=topic,
                          n=rng.randint(1, 3), m=rng.randint(30, 120), level=rng.choice(("市级", "县级", "校级")),
                          award=rng.choice(("市级教学论文评选", "县级优秀教学案例评选")), k=rng.randint(1, 4))
                 for p in T.EDU_PARAS]
        pdf = make_pdf(f"代表性教学案例：{topic}的实践", f"申报人编码：JY-2025-{n:03d}　学科：{subject}",
                       [paras[1], paras[3]])
        adir = out / "applicants" / aid
        (adir / "attachments").mkdir(parents=True, exist_ok=True)
        (adir / "attachments" / "teaching-case.pdf").write_bytes(pdf)
        write_yaml(adir / "dossier.yaml", {
            "id": aid, "code": f"JY-2025-{n:03d}", "name": names(),
            "id_number": id_number("330104", 2025 - years - 22, 100 + n), "employer": employers[n % len(employers)],
            "panel": "P-YW" if key == "YW" else "P-SX", "group": "G-ALL", "flags": [],
            "dossier": {
                "education": f"本科，青川师范学院，{rng.choice(majors)}专业，{2025 - years}年毕业",
                "years_in_field": years, "current_title": "二级教师", "target_title": "一级教师",
                "achievements": [f"所授{subject}课获{rng.choice(('市级', '县级'))}优质课评比{rng.choice(('一等奖', '二等奖'))}"],
                "papers": [f"《{topic}的实践与思考》，{rng.choice(('青川教育', '中小学教学研究'))}{rng.randint(2021, 2024)}年"],
                "annual_reviews": [f"{y}年度：{'优秀' if rng.random() < 0.3 else '合格'}" for y in range(2020, 2025)],
                "continuing_education": f"2020–2024年累计完成继续教育{rng.randint(360, 420)}学时",
                "work_summary": "\n".join(paras) + "\n",
                "attachments": [{"id": f"{aid}-F1", "file": "teaching-case.pdf", "title": f"代表性教学案例：{topic}的实践"}],
            },
        })
    write_yaml(out / "conflicts.yaml", {"conflicts": []})


def main() -> None:
    for name, maker, seed in (("demo", make_engineering, 2025), ("demo-education", make_education, 2026)):
        out = ROOT / "data" / name
        if out.exists():
            shutil.rmtree(out)
        maker(out, random.Random(seed))
        print(f"wrote {out.relative_to(ROOT)}")
    # the demo scripts are derived from the data: regenerate them too
    import make_demo_script

    make_demo_script.main()
    print("wrote data/demo/script.json, data/demo-education/script.json")
    # the expert pool the demo committee is drawn from (data/demo/pool, issue 11)
    import make_pool_data

    make_pool_data.main()  # also draws data/demo/committee.yaml and panels.yaml from the pool
    make_demo_script.main()


if __name__ == "__main__":
    main()
