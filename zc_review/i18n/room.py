"""Catalogue area ``room`` (zh-CN). Room-wide refusals: persons, credentials, permissions, fonts, and the meeting script.

Keys: error codes are bare snake_case names (they are ``ServiceError``/``RuleError`` codes, an API that
tests assert); every other text is ``room.<name>``. Parameters in {braces}.
"""

from __future__ import annotations

AREA = "room"

MESSAGES: dict[str, str] = {
    # -- error codes ---------------------------------------------------------------------------------------
    "glyph_missing": "嵌入字体缺少以下字符，打印会出现空白：{detail}",
    "unknown_person": "没有编号为 {person} 的人员。",
    "credential_wrong": "凭证不正确。还可尝试 {remaining} 次，之后将锁定。",
    "credential_wrong_wait": "凭证不正确（已连续输错 {failures} 次）。请等待 {wait}后再试；再输错 {remaining} 次将锁定。",
    "credential_wait": "{name} 已连续输错 {failures} 次，须等待 {wait}后才能再次输入凭证。本次输入未核对，也不计入次数。",
    "credential_locked": "{name} 的凭证已因连续输错 {failures} 次被锁定，正确的凭证也不再受理。须由{officers}共同解除锁定。",
    "credential_not_locked": "{name} 的凭证没有被锁定，也不在等待中，无需解除。",
    "lift_same_officer": "解除锁定须由两名不同的负责人各自输入凭证，同一人不能出现两次。",
    "lift_not_self": "被锁定的人不能参与解除自己的锁定，须由另外两名负责人进行。",
    "lift_wrong_officers": "{name} 的锁定须由{officers}共同解除。",
    "not_permitted": "当前身份无权进行此操作（{action}）。",
    "reason_required": "请填写理由。",
    "committee_size": "评委会人数必须至少为 1 人（现为 {size} 人）。",
    "sheet_version_twice": "评审专家 {reviewer} 对申报人 {applicant} 有两张同为第 {version} 版的已提交评分表，无法确定哪一张计分；记录不可信，请退回评审室重新导出。",
    "no_scores": "没有可汇总的已提交评分。",
    "pass_rate_range": "通过率必须在 0 到 1 之间（现为 {rate}）。请组建单位改正 session.yaml 后重新制作文件包。",
    "runoff_mismatch": "加投轮次的申报人与并列名单不一致，票箱记录异常。请联系组建单位核查。",
    "secrets_invalid": "凭证文件 {path} 无法读取或格式不正确。",
    "script_invalid": "会议脚本不符合格式（{where}）：{problem}",
    "script_step_failed": "脚本第 {index} 步（{action}）被拒绝：{message}",
    # -- waits and lifting a credential lock (issue 12 §3) ------------------------------------------------
    "room.wait_seconds": "{seconds} 秒",
    "room.wait_minutes": "{minutes} 分钟",
    "room.wait_minutes_seconds": "{minutes} 分 {seconds} 秒",
    "room.lift_rule_chair": "纪检监察人员与一名副主任委员",
    "room.lift_rule_supervisor": "主任委员与一名副主任委员（主任委员缺席或也被锁定时，由两名副主任委员）",
    "room.lift_rule_other": "主任委员与纪检监察人员（主任委员缺席或也被锁定时，由一名副主任委员代行）",
}
