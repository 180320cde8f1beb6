"""Catalogue area ``sheets`` (zh-CN). Paper score sheets (评分表) and their double keying (双人录入), issue 14:
the printed sheets, the keying screen, its refusals, the minutes' table of sheets transcribed from paper.

Keys: error codes are bare snake_case names (``ServiceError`` codes); every other text is ``sheets.<name>``.
"""

from __future__ import annotations

AREA = "sheets"

MESSAGES: dict[str, str] = {
    # -- error codes ---------------------------------------------------------------------------------------
    "paper_reviewer_absent": "评审专家 {reviewer} 未出席（或尚未点名），其评分表不能录入。",
    "paper_sheet_unknown": "没有表号为“{sheet}”的评分表。请核对纸质评分表右上方的表号后重新输入。",
    "paper_cell_empty": "{criterion} 的得分未录入。纸质表上该项空白时请退回评审专家补填，不能代填。",
    "paper_cell_invalid": "{criterion}：{error}",
    "paper_check_code_wrong": "评分表 {sheet} 的校验码不符：这张纸可能属于其他会议或其他版本的评分标准。"
                              "请核对表上的校验码；仍不符时交纪检监察人员查明，已录入的内容未受影响。",
    "paper_sheet_recused": "评审专家 {reviewer} 已对申报人 {code} 回避，评分表 {sheet} 不能录入，请交纪检监察人员收存。",
    "paper_keyed_twice": "评分表 {sheet} 已由两人录入完毕。如有不一致，请两名录入人共同核对纸质表后逐项确定。",
    "paper_same_keyer": "评分表 {sheet} 的第一次录入人就是 {name}：第二次录入须由另一名工作人员完成。",
    "paper_not_second_keyed": "评分表 {sheet} 尚未完成第二次录入。",
    "paper_not_keyers": "核对不一致项须由该表的两名录入人（{keyers}）共同在场完成。",
    "paper_cell_not_mismatched": "评分表 {sheet} 的 {criterion} 两次录入一致，无需核对。",
    "paper_cell_settled": "评分表 {sheet} 的 {criterion} 已核对确定，不能再改。",
    "paper_confirmed_already": "评分表 {sheet} 已确认并计入评分。",
    "paper_unsettled": "评分表 {sheet} 尚有不一致项未核对：{cells}。请两名录入人对照纸质表逐项确定后再确认。",
    "paper_confirmer_wrong": "评分表 {sheet} 须由{who}凭证确认。",
    "paper_panel_unknown": "没有评议组“{panel}”。本会议的评议组：{panels}",
    # -- texts --------------------------------------------------------------------------------------------
    "sheets.confirmer_reviewer": "评审专家 {reviewer} 本人",
    "sheets.confirmer_supervisor": "纪检监察人员（见证）",
    "sheets.person_role": "{name}（{role}）",
    "sheets.signer_confirmation": "纸质评分表 {sheet} 确认：{role} {name}（{person}）",
    "sheets.rule_confirmation": "纸质评分表确认",
    "sheets.rule_confirmation_reviewer": "两人录入核对后，由评审专家本人凭证确认",
    "sheets.rule_confirmation_supervisor": "两人录入核对后，由纪检监察人员凭证见证确认",
    # the command line (cli/paper_sheets.py)
    "sheets.cli_group": "纸质评分表：打印空白评分表（每位评议组评审专家对每位申报人一张）",
    "sheets.cli_ex_group": "示例：\n  zc-review sheets print session.zcp --out 评分表.pdf",
    "sheets.cli_print": "打印空白纸质评分表：开启评审包，由记录人凭证生成 PDF（申报人仅列代码，含评分项、满分、步长、等级说明、"
                        "评分标准版本、表号与校验码）",
    "sheets.cli_ex_print": "示例：\n  zc-review sheets print session.zcp --out 评分表.pdf\n"
                           "  zc-review sheets print session.zcp --panel P-JZ --out 建筑组评分表.pdf",
    "sheets.cli_out": "PDF 写入的文件（默认 reports/<会议编号>-paper-sheets.pdf）",
    "sheets.cli_panel": "只打印这个评议组的评分表（评议组编号，默认全部）",
    "sheets.cli_done": "已生成 {sheets} 张空白评分表：{path}",
    # the keying screen (tui/screens/paper_keying.py)
    "sheets.tui_open": "纸质评分表录入",
    "sheets.tui_title": "纸质评分表双人录入",
    "sheets.tui_heading": "纸质评分表双人录入　录入人：{name}",
    "sheets.tui_who": "录入人：请选择本人并输入凭证",
    "sheets.tui_no_keyer": "尚无录入人。按 F2 选择录入人。",
    "sheets.tui_none_due": "没有待您录入的评分表。按 F2 换另一名工作人员，或 Esc 返回。",
    "sheets.tui_pick": "选择要录入的评分表（可输入表号或申报人代码查找）",
    "sheets.tui_pick_line": "{sheet}　申报人 {code}　评审专家 {reviewer}　{state}",
    "sheets.state_blank": "未录入",
    "sheets.state_first": "待第二次录入",
    "sheets.state_mismatched": "待核对不一致项",
    "sheets.state_settled": "待确认",
    "sheets.tui_check_code": "评分表 {sheet}：请输入表上的校验码",
    "sheets.tui_sheet_line": "表号 {sheet}　申报人 {code}　评审专家 {reviewer}　{rubric}（版本 {version}）",
    "sheets.tui_keying": "第 {n} 次录入：按纸质表逐项输入得分（“-”为不适用），Enter 下一项，Ctrl+S 保存。",
    "sheets.tui_first_saved": "评分表 {sheet} 第一次录入已保存。请另一名工作人员按 F2 登录后独立进行第二次录入。",
    "sheets.tui_mismatches": "两次录入有 {n} 项不一致：请两名录入人共同对照纸质原件，在“核定值”栏输入表上的分数，Ctrl+S 保存。",
    "sheets.tui_other_keyer": "核定不一致项：请另一名录入人 {name} 输入凭证",
    "sheets.tui_ready": "录入完成（核定不一致项 {n} 处）。按 C 请 {who} 凭证确认后计入评分。",
    "sheets.tui_not_ready": "该评分表尚未完成两次录入和核对，不能确认。",
    "sheets.tui_confirm_title": "确认评分表 {sheet}：请输入凭证",
    "sheets.tui_confirmed": "评分表 {sheet} 已确认并计入评分。按 N 录入下一张。",
    "sheets.tui_printed": "空白评分表已生成：{path}",
    "sheets.cell_not_typed": "此栏不需输入。",
    "sheets.col_criterion": "评分项目",
    "sheets.col_value": "得分",
    "sheets.col_first": "第一次（{name}）",
    "sheets.col_second": "第二次（{name}）",
    "sheets.col_settled": "核定值",
    "sheets.key_pick": "选表",
    "sheets.key_switch": "换录入人",
    "sheets.key_print": "打印空白表",
    "sheets.help_about": "评审专家在纸质评分表上手写评分并签字；两名工作人员分别独立录入同一张表（第二人看不到第一人的录入），"
                         "两次不一致的项目由两人共同对照原件核定，再由评审专家本人（或按会议设置由纪检监察人员见证）凭证确认，"
                         "方计入评分。评分范围、步长、回避、评分标准生效和提交前保密等规则与屏幕评分相同。"
                         "依据：RULES.md §3–4；双人录入为会议常规做法，非种子文件条款。",
    "sheets.help_next": "全部评分表确认后，评议组组长撰写评议意见，然后开始投票。纸质原件随会议记录归档。",
}
