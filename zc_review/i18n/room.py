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
    "secrets_invalid": "凭证文件 {path} 无法读取或格式不正确。",
    "script_invalid": "会议脚本不符合格式（{where}）：{problem}",
    "script_step_failed": "脚本第 {index} 步（{action}）被拒绝：{message}",
}
