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
    "credential_locked": "{name} 的凭证已因连续输错被锁定。需主任委员与纪检监察人员共同解锁。",
    "not_permitted": "当前身份无权进行此操作（{action}）。",
    "reason_required": "请填写理由。",
    "committee_size": "评委会人数必须至少为 1 人（现为 {size} 人）。",
    "no_scores": "没有可汇总的已提交评分。",
    "pass_rate_range": "通过率必须在 0 到 1 之间（现为 {rate}）。请组建单位改正 session.yaml 后重新制作文件包。",
    "runoff_mismatch": "加投轮次的申报人与并列名单不一致，票箱记录异常。请联系组建单位核查。",
    "secrets_invalid": "凭证文件 {path} 无法读取或格式不正确。",
    "script_invalid": "会议脚本不符合格式（{where}）：{problem}",
    "script_step_failed": "脚本第 {index} 步（{action}）被拒绝：{message}",
}
