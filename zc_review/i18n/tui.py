"""Catalogue area ``tui`` (zh-CN). The TUI shell: app banner and log-in, the dashboard steps, the autopilot's refusals.

Keys: error codes are bare snake_case names (they are ``ServiceError``/``RuleError`` codes, an API that
tests assert); every other text is ``tui.<name>``. Parameters in {braces}.
"""

from __future__ import annotations

AREA = "tui"

MESSAGES: dict[str, str] = {
    # -- error codes ---------------------------------------------------------------------------------------
    "tui_refused": "{message}",
    "tui_timeout": "界面等待超时：{what}",
    # -- texts --------------------------------------------------------------------------------------------
    "tui.app_title": "zc-review 职称评审会议系统",
    "tui.quit": "退出",
    "tui.recorder_login": "记录人登录：请输入记录人凭证",
    "tui.rehearsal_banner": "演练 · 非正式评审",
    "tui.dash_status": "出席 {attending} / 应到 {size}，法定人数 {required}：{quorum}",
    "tui.step_roll_call": "点名与法定人数",
    "tui.step_pledge": "签署诚信承诺书",
    "tui.step_recusal": "回避登记",
    "tui.step_rubric": "量化评分标准签署",
    "tui.step_scoring": "审阅材料与评分",
    "tui.step_opinion": "评议组意见",
    "tui.step_ballot": "无记名投票",
    "tui.step_results": "表决结果、未通过原因、签字确认",
    "tui.step_minutes": "会议记录与签署",
    "tui.step_export": "封存导出结果包",
    "tui.dash_discussion": "评议顺序、回避提示与通过率预览",
}
