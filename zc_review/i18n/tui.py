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
    # -- lifting a credential lock (issue 12 §3, issue 13 item 1) ------------------------------------------
    "tui.lift_title": "解除凭证锁定",
    "tui.lift_rule": ("连续输错凭证 {free} 次后，每次再错都须等待（{first}起逐次加倍，最长{cap}），等待中的输入不核对、不计次数；"
                      "连续输错 {limit} 次即锁定。锁定须由两名其他负责人各自输入凭证共同解除：主任委员由纪检监察人员与一名副主任委员解除，"
                      "纪检监察人员由主任委员与一名副主任委员解除，其他人员由主任委员与纪检监察人员解除"
                      "（主任委员缺席或也被锁定时，由副主任委员代行）。"),
    "tui.lift_pick": "选择要解除锁定的人员，按 Enter；随后两名负责人依次输入各自的凭证。按 R 刷新。",
    "tui.lift_person": "{label}：{state}",
    "tui.lift_state_locked": "已锁定（连续输错 {misses} 次）",
    "tui.lift_state_waiting": "等待中（连续输错 {misses} 次，还需 {wait}）",
    "tui.lift_none": "目前没有被锁定或在等待中的人员。",
    "tui.lift_no_pair": "目前无人能解除 {name} 的锁定：所需的负责人缺席或也被锁定。请先解除负责人的锁定。",
    "tui.lift_first": "解除 {name} 的锁定：第一位负责人输入凭证",
    "tui.lift_second": "解除 {name} 的锁定：第二位负责人输入凭证",
    "tui.lift_done": "已解除 {name} 的凭证锁定，可重新输入凭证。",
    "tui.lift_refresh": "刷新",
    "tui.cred_lift_hint": "凭证被锁定时，按 F2 由两名其他负责人共同解除锁定。",
    # -- issue 13: the dashboard's progress -----------------------------------------------------------------
    "tui.dash_todo": "未开始",
    "tui.dash_doing": "进行中",
    "tui.dash_done": "已完成",
    "tui.dash_next": "下一步：[{step_key}] {step}",
    "tui.dash_finished": "全部步骤已完成。",
    "tui.dash_counts": "已签署 {done} / {total}",
    "tui.dash_roll_call": "已点名 {done} / {total}",
    "tui.dash_recusals": "已登记 {n} 项",
    "tui.dash_rubrics": "已生效 {done} / {total} 个评议组",
    "tui.dash_sheets": "已提交评分表 {done} / {total}",
    "tui.dash_opinions": "已写意见 {done} / {total}",
    "tui.dash_round_open": "第 {round} 轮投票中：已投 {done} / {total}",
    "tui.dash_round_closed": "已截止 {rounds} 轮",
    "tui.dash_results": "原因 {reasons} / {failed}，签字 {signed} / {total}",
    "tui.dash_round_runoff": "已截止 {rounds} 轮，待加投",
    "tui.dash_exported": "已导出",
}
