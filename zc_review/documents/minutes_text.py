"""The minutes' fixed wording: agenda, the rules in force, round kinds, sign-off roles, attendance notes.

A legal template (RULES.md §6; 000_…txt 第二十八条): what the minutes print whatever the session, kept
beside the renderer rather than in the screen catalogue (zc_review/i18n/), so a change to a screen's
wording never changes the record, and the record stays Chinese (its punctuation included) whatever
language the screens speak. ``zc_review.service.room.minutes_view`` fills the view-model from
these names; ``zc_review.documents.minutes`` lays it out. Pure: standard library only.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal

from zc_review.domain.codec import percent_text

#: Poll round kind (``PollRound.kind``) -> its name in the minutes and the zero report.
ROUND_KINDS: dict[str, str] = {"main": "主投票", "runoff": "加投（并列决选）", "revote": "重投"}

#: Signing role of a rubric sign-off (``Signature.role``) -> its label in the minutes' panel table.
SIGNOFF_ROLES: dict[str, str] = {
    "panel_leader": "评议组组长", "panel_vice_leader": "评议组副组长", "supervisor": "纪检监察人员",
    "vice_chair": "评委会副主任委员", "chair": "评委会主任委员",
}

#: Attendance note of the discipline supervisor, who attends without a vote.
NOTE_SUPERVISING = "列席监督"
#: Attendance note of a reviewer marked absent at the roll call.
NOTE_ABSENT = "缺席"
#: Attendance note of a reviewer the roll call never reached.
NOTE_NOT_CALLED = "未点名"
#: Shown where a reviewer flagged for disagreement gave no explanation.
NOT_EXPLAINED = "（未说明）"

#: The agenda, in order: the meeting's steps as the minutes record them (RULES.md §2, §6; 000 第二十六条(二)).
AGENDA: tuple[str, ...] = (
    "宣布评委会组成、评议组划分和会议议程", "点名，确认达到法定人数", "评审专家签署诚信承诺书，登记回避",
    "签署量化评分标准", "审阅申报材料，评议组量化赋分", "评议组介绍评议意见",
    "无记名投票表决", "公布表决结果，评审专家签字确认", "记录人、主持人签署会议记录，封存结果",
)

#: Label of the minutes digest (zc_review.domain.digest.minutes_digest) in section 13.
DIGEST_LABEL = "记录内容摘要"
#: What the minutes digest covers and who vouches for it, printed under section 13 (issue 12 §2).
DIGEST_NOTE = ("记录内容摘要（SHA-256）覆盖本记录所载的全部数字与文字：出席情况、回避及其原因、评审结果的各项数字、"
               "评分分歧、评议意见、复核说明、未通过原因与努力方向、投票轮次和各项签署；记录人、主持人的电子签名覆盖该摘要，"
               "办事机构导入时据结果数据重新计算并逐位核对。评审专家的结果签字确认只覆盖表决结果的数字（结果数据摘要），"
               "不含其后填写的未通过原因；评议意见、未通过原因与努力方向由评议组组长、复核说明由评审专家本人以个人凭证签名。")

#: Joins the items of a list (applicant codes, run-off counts) in the minutes.
LIST_SEP = "、"
#: Joins clauses (one per ballot round, one per flagged score part) in the minutes.
CLAUSE_SEP = "；"


def session_title(year: int | str, committee_name: str) -> str:
    """The minutes' title, e.g. ``"2025年度青川市工程系列中级评审会议记录"``."""
    return f"{year}年度{committee_name}评审会议记录"


def runoff_note(agree_counts: Iterable[int]) -> str:
    """The agree votes an applicant received in each run-off, appended to the reason it failed.

    Returns ``"（加投同意 3、2）"``, or ``""`` when there was no run-off.
    """
    counts = [str(n) for n in agree_counts]
    return f"（加投同意 {LIST_SEP.join(counts)}）" if counts else ""


def round_applicants(codes: Sequence[str]) -> str:
    """The applicants a ballot round covered, by code (sorted by the caller).

    Returns the codes joined by 、 for up to three (``""`` for none), else the range ``"A01–A12（12 人）"``.
    """
    if len(codes) > 3:
        return f"{codes[0]}–{codes[-1]}（{len(codes)} 人）"
    return LIST_SEP.join(codes)


def box_fingerprint(round_no: int, sha256: str) -> str:
    """One round's ballot-box fingerprint as the minutes print it: ``"第1轮 <hex>"``."""
    return f"第{round_no}轮 {sha256}"


def spread_text(part_label: str, spread_range: Decimal, stdev: Decimal) -> str:
    """Why a score part was flagged (issue 5 §4): ``"申报材料分极差 12.00、标准差 5.10"`` (points, as given)."""
    return f"{part_label}分极差 {spread_range}、标准差 {stdev}"


def explanation_line(name: str, text: str | None) -> str:
    """One concerned reviewer's explanation of a flagged score: ``"张三：…"``; None → ``（未说明）``."""
    return f"{name}：{NOT_EXPLAINED if text is None else text}"


def rule_values(*, has_defence: bool, material_weight: Decimal, defence_weight: Decimal,
                recusal_counts_attending: bool, trimmed_mean: bool, trimmed_min_scores: int,
                quorum_required: int, agree_limited: bool, flag_range: Decimal, flag_stdev: Decimal,
                flag_distance: Decimal, pass_rates: Iterable[tuple[str, str]],
                paper_ballot: bool = False) -> tuple[tuple[str, str], ...]:
    """The rules in force as ``(label, value)`` rows of the minutes, in the order they print.

    Args:
        has_defence: some rubric has a defence part; else the composite is the material score.
        material_weight, defence_weight: fractions (``Decimal("0.7")``), printed as percentages.
        recusal_counts_attending: the 2/3 base stays the attending count when a reviewer recuses
            (else it is attending minus recused).
        trimmed_mean: the highest and lowest score are dropped once ``trimmed_min_scores`` scores exist.
        quorum_required: reviewers needed for the quorum (2/3 of the committee, rounded up).
        agree_limited: a slip may carry no more agree votes than the group's places.
        flag_range, flag_stdev, flag_distance: disagreement thresholds, in points.
        pass_rates: ``(group name, rate as printed, e.g. "30%")`` per group.
        paper_ballot: the secret ballot was held on paper ballots counted by tellers (``ballot_mode: paper``).

    Source: RULES.md §2 (quorum), §4 (composite, aggregation, disagreement), §5 (2/3, recusal base, cap, medium).
    """
    composite = (f"材料 {percent_text(material_weight)} + 答辩 {percent_text(defence_weight)}"
                 if has_defence else "综合得分 = 申报材料分（不设答辩）")
    return (
        ("综合得分", composite),
        ("投票方式", "纸质选票无记名投票，两位计票人分别录入票数、不一致处重新清点，纪检监察人员监票确认"
         "（评委会通行做法，非文件规定）" if paper_ballot else "本机无记名投票"),
        ("表决通过", "同意票 ≥ 出席评委的三分之二（3×同意 ≥ 2×基数）"),
        ("回避时的基数", "出席评委人数" if recusal_counts_attending else "出席评委人数减回避人数"),
        ("评分汇总方式", f"去掉一个最高分和一个最低分后平均（不少于 {trimmed_min_scores} 个分数时）"
         if trimmed_mean else "算术平均"),
        ("法定人数", f"出席评委 ≥ 评委会人数的三分之二（{quorum_required} 人）"),
        ("每票同意数上限", "不超过本组通过名额" if agree_limited else "不限"),
        ("分数取整", "精确十进制计算，显示四舍五入保留两位小数"),
        ("评分分歧阈值", f"极差 > {flag_range} 分、标准差 > {flag_stdev} 分或"
                     f"单个评委偏离其他评委平均分 > {flag_distance} 分时标记，须复核说明，分数不自动调整"),
    ) + tuple((f"通过率：{group}", rate) for group, rate in pass_rates)


def lift_note(misses: int, locked: bool) -> str:
    """What a credential lift ended (issue 12 §3): ``"连续输错 10 次后锁定"`` or ``"连续输错 5 次后的等待"``."""
    return f"连续输错 {misses} 次后锁定" if locked else f"连续输错 {misses} 次后的等待"


def with_role(name: str, role: str) -> str:
    """A person as a line of the minutes names them: ``"崔丽娟（主任委员）"``."""
    return f"{name}（{role}）"
