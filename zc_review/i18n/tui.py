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
    "tui.recorder_login": "记录人登录：请输入凭据函上的登录凭据",
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
    # -- the application shell: quit, help, palette, projector, fingerprint (issue 13) ---------------------
    "tui.quit_question": "确定要退出 zc-review 吗？\n已保存的内容不会丢失，重新打开会议文件包并由两位开封人输入凭据后可继续。",
    "tui.login_required_key": "如何退出",
    "tui.login_required": "记录人须先登录，Esc 不会退出程序。要退出程序，请按 Ctrl+Q 并确认。",
    "tui.key_help": "帮助",
    "tui.key_palette": "命令面板",
    "tui.key_projector": "投影",
    "tui.palette_placeholder": "输入命令名称查找（如：投影、指纹、锁定、步骤）…",
    "tui.palette_no_match": "没有匹配的命令",
    "tui.palette_close": "关闭命令面板",
    "tui.palette_first": "第一条命令",
    "tui.palette_last": "最后一条命令",
    "tui.palette_next": "下一条命令",
    "tui.palette_previous": "上一条命令",
    "tui.palette_page_down": "下一页",
    "tui.palette_page_up": "上一页",
    "tui.cmd_goto": "转到步骤：{step}",
    "tui.cmd_goto_help": "打开“{step}”这一步的屏幕（也可在主菜单按 {number}）",
    "tui.cmd_outstanding": "尚未完成的人员",
    "tui.cmd_outstanding_help": "谁还没有点名、签署承诺书、投票或签字确认",
    "tui.cmd_lift_help": "两名其他负责人各自输入凭证，解除被锁定人员的凭证锁定",
    "tui.cmd_fingerprint": "核对会议文件包指纹",
    "tui.cmd_fingerprint_help": "显示办事机构根指纹与评审包编号，与凭据函所印内容逐组核对",
    "tui.cmd_preview_help": "各组通过率限额与目前按综合分的排序（表决前）",
    "tui.cmd_projector": "投影视图",
    "tui.cmd_projector_help": "大字显示点名与法定人数、通过率预览、投票进度（只有人数）和表决结果，供会场投影（F4）",
    "tui.cmd_help": "本屏帮助",
    "tui.cmd_help_help": "说明这一步的用途、依据的规则、可用的按键和下一步（F1）",
    "tui.cmd_quit_help": "退出前会再次确认",
    "tui.cmd_theme": "配色：{theme}",
    "tui.cmd_theme_help": "切换界面配色",
    "tui.theme_dark": "深色",
    "tui.theme_light": "浅色",
    "tui.theme_contrast": "高对比度",
    "tui.fp_title": "核对会议文件包",
    "tui.fp_root": "办事机构根指纹（与凭据函“办事机构根指纹”逐组核对）",
    "tui.fp_package_id": "评审包编号",
    "tui.fp_sha": "会议文件包 SHA-256",
    "tui.fp_mismatch": "如与凭据函所印不一致，请立即停止操作并告知纪检监察人员。",
    "tui.fp_on_login": "办事机构根指纹（请与凭据函所印逐组核对）：\n{fp}",
    "tui.out_unmarked": "点名尚未登记（{n} 人）",
    "tui.out_pledges": "尚未签署诚信承诺书（{n} 人）",
    "tui.out_ballots": "本轮尚未投票（{n} 人）",
    "tui.out_no_poll": "目前没有进行中的投票。",
    "tui.out_sign_offs": "尚未签字确认表决结果（{n} 人）",
    "tui.out_not_counted": "表决结果尚未产生，签字确认在计票之后。",
    "tui.help_title": "帮助：{screen}",
    "tui.help_about": "这一步做什么",
    "tui.help_keys": "可用的按键",
    "tui.help_next": "下一步",
    "tui.help_always": "任何屏幕：F1 帮助　Ctrl+P 命令面板　F4 投影视图（记录人的屏幕）　Ctrl+Q 退出（会再次确认）",
    "tui.help_sources": "规则出处见 RULES.md；“细则”指《张家口市职称申报评审管理细则（2025版）》（种子文件 000）。",
    "tui.help_close": "关闭帮助",
    "tui.help_no_keys": "（本屏没有专用按键）",
    "tui.help_unlock_about": ("打开办事机构发来的会议文件包：主任委员与纪检监察人员各自输入本人的开封凭据（两人开封），"
                              "系统先核验办事机构的签名，再解密。任何一项不对都只显示同一条提示并清空两栏，不透露是谁输错。"
                              "依据：RULES.md §2 封闭评审（细则第二十七条）；docs/SECURITY.md 两人开封。"),
    "tui.help_unlock_next": "打开后由记录人输入本人凭证登录，随后进入主菜单。",
    "tui.help_login_title": "输入本人凭证",
    "tui.help_login_about": ("请本人选择自己的姓名并输入凭据函上的登录凭证；凭证由系统核对，只确认本人身份，不会显示在屏幕上。"
                             "连续输错会等待，输错过多即锁定，须由两名其他负责人共同解除（记录人登录时按 F2）。"
                             "依据：RULES.md §5 不得代投、§2 出席；docs/SECURITY.md 凭证锁定。"),
    "tui.help_login_next": "凭证正确后回到刚才的步骤，以本人身份完成这一项操作。",
    "tui.help_dashboard_title": "主菜单（会议的各个步骤）",
    "tui.help_dashboard_about": ("主菜单：会议的各个步骤按顺序排列，按数字键或 Enter 打开。顶部显示出席人数与法定人数。"
                                 "O 打开评议顺序与回避提示，U 解除凭证锁定，K 录入纸质评分表（双人录入）。依据：RULES.md §2–§7 的会议流程（细则第二十六条）。"),
    "tui.help_dashboard_next": "按顺序进行：1 点名 → 2 承诺书 → 3 回避 → 4 评分标准签署 → 5 评分 → 6 评议组意见 → 7 投票 → 8 结果与签字 → 9 会议记录 → 0 导出。",
    "tui.help_rollcall_about": ("记录人逐一登记评审专家出席或缺席（A 出席、X 缺席、空格切换），登记后光标移到下一位。"
                                "出席人数不少于评审委员会总人数的三分之二（向上取整）才达到法定人数；未达到不得评分或投票。"
                                "依据：RULES.md §2 点名与法定人数（国家规定；细则第二十六条(二)）。"),
    "tui.help_rollcall_next": "全部登记且达到法定人数后按 C 结束点名（结束后不能更改），然后签署诚信承诺书（主菜单 2）。",
    "tui.help_pledge_about": ("每位出席的评审专家在看到任何材料前签署诚信承诺书：选中本人，按 Enter，输入本人凭证。"
                              "依据：RULES.md §2（细则第二十六条(二)4、第四十二条(二)）。"),
    "tui.help_pledge_next": "全部签署后进行回避登记（主菜单 3）。",
    "tui.help_recusal_about": ("登记回避：评审专家与申报人有同单位、亲属、师生等关系时，对该申报人不看材料、不评分、不投票。"
                               "预先申报的已列出；会上可增加，填写评委编号、申报人编号与理由后 Ctrl+S 登记。登记后不能撤销。"
                               "依据：RULES.md §2 回避（细则第四十条(二)4、(六)7）。"),
    "tui.help_recusal_next": "然后各评议组签署量化评分标准（主菜单 4）。",
    "tui.help_rubric_about": ("各评议组的量化评分标准须由评议组组长、副组长、纪检监察人员、评委会副主任委员和主任委员五方签署后生效，"
                              "生效前不能录入分数。左侧选评议组，右侧选签署身份，按 Enter 由本人输入凭证签署。"
                              "依据：RULES.md §3（细则第二十六条(三)）。"),
    "tui.help_rubric_next": "五方签署完毕后开始审阅材料与评分（主菜单 5）。",
    "tui.help_scoring_about": ("评审专家本人登录后，按申报人编号逐行录入各项得分（直接输入数字，“-”表示不适用），Ctrl+S 保存草稿，"
                               "Ctrl+T 提交本行（提交后锁定）。D 查看材料，V 查看本组评分，F2 交给下一位评委。"
                               "综合分 = 材料分×0.7 + 答辩分×0.3（教育系列只有材料分）。"
                               "依据：RULES.md §3–§4（细则第二十六条(三)）；申报人只以编号出现（RULES.md §4）。"),
    "tui.help_scoring_next": "本评议组全部提交后，由组长填写评议组意见（主菜单 6）。离开本屏即退出该评委的登录。",
    "tui.help_dossier_about": ("申报人的材料（按编号显示，不含姓名和单位）：基本信息、工作总结、附件与提示。Ctrl+F 搜索，"
                               "在附件上按 Enter 提取文字。依据：RULES.md §4 答辩材料与工作总结不写姓名、单位（忻州通知 五、三(九)）。"),
    "tui.help_dossier_next": "按 Esc 回到评分表继续录入分数。",
    "tui.help_panel_scores_about": ("本评议组对一位申报人的全部评分、汇总方式与分差提示。分差过大时由相关评委说明理由，分数不会被自动改动。"
                                    "依据：RULES.md §4 汇总与分差复核。"),
    "tui.help_panel_scores_next": "按 Esc 回到评分表。",
    "tui.help_opinion_about": ("评议组组长登录后，为本组每位申报人填写评议组意见（按编号）；Enter 编辑，Ctrl+S 保存，R 退回评分表，P 打印组长汇总表，F2 交给下一位组长（由其本人输入凭证）。"
                               "依据：RULES.md §1 评议组、§6 会议记录载明评议组意见（细则第二十六条(四)、第二十八条）。"),
    "tui.help_opinion_next": "各组意见完成后开始无记名投票（主菜单 7）。离开本屏即退出组长的登录。",
    "tui.help_discussion_about": ("评议顺序：按能减少回避评委进出次数的顺序排列申报人，选中一行即显示此时须离场的评委。P 打开通过率预览。"
                                  "依据：RULES.md §2 回避（细则第四十条）。"),
    "tui.help_discussion_next": "按此顺序评议；按 Esc 回到主菜单。",
    "tui.help_preview_about": ("通过率预览（表决前）：每组申报人数、通过率与限额（不超过 通过率×人数 向下取整），以及目前按综合分的排序。"
                               "依据：RULES.md §5 通过率限额（细则第二十六条(五)、第四十六条）。"),
    "tui.help_preview_next": "预览只供参考，结果以无记名投票为准（主菜单 7）。",
    "tui.help_ballot_about": ("记录人的投票屏：O 开启投票，N 请下一位评委本人投票，C 全部投完后截止，F 主持人提前截止，R 开启加投。"
                              "屏幕只显示已投人数，不显示谁投了什么。同意票不少于出席评委的三分之二才通过；弃权、不同意和未投都不算同意。"
                              "依据：RULES.md §5 无记名投票（细则第二十六条(六)）。"),
    "tui.help_ballot_next": "截止后查看表决结果（主菜单 8）；限额边缘并列时按 R 开启加投。",
    "tui.help_voting_title": "无记名投票（本人选票）",
    "tui.help_voting_about": ("您的无记名选票：每位申报人一行（按编号），1 同意、2 不同意、3 弃权，标记后光标下移；全部标记后按 Enter 核对并投出。"
                              "投出后不能更改，屏幕随即清空，下一位看不到您的选择。不得代投。依据：RULES.md §5（细则第二十六条(六)）。"),
    "tui.help_voting_next": "投出后屏幕显示中性提示，请把电脑交回记录人，由下一位评委投票。",
    "tui.help_results_about": ("表决结果：每组按名次列出编号、综合分、同意/不同意/弃权票数、计票基数与结论，以及本组限额。"
                               "宣布为最终结果之前只显示编号。E 填写未通过原因，S 签字确认，V 通过率预览，B 回到投票。"
                               "依据：RULES.md §4–§5（细则第二十六条(五)(六)）。"),
    "tui.help_results_next": "组长填写未通过原因（E），出席评委逐一签字确认（S），然后生成会议记录（主菜单 9）。",
    "tui.help_reasons_about": ("未通过的申报人：由其评议组组长登录，填写未通过原因与努力方向。依据：RULES.md §5（细则第二十六条(六)）。"),
    "tui.help_reasons_next": "全部填写后回到表决结果，出席评委签字确认。",
    "tui.help_signoff_about": ("出席的评审专家逐一签字确认表决结果：选中本人，按 Enter 或 S，输入本人凭证。屏幕显示还有谁未签。"
                               "依据：RULES.md §5 主持人宣布结果，出席评委签字（细则第二十六条(六)）。"),
    "tui.help_signoff_next": "全部签字后生成会议记录（主菜单 9）。",
    "tui.help_minutes_about": ("会议记录：G 生成，S 签署（先记录人，后主持人）。记录载明时间、地点、出席人员、评审对象、议程、评议组意见和表决结果，存档。"
                               "依据：RULES.md §6（细则第二十八条）。"),
    "tui.help_minutes_next": "签署完毕后封存导出结果包（主菜单 0）。",
    "tui.help_export_about": ("把签署好的结果包写入U盘：确认目标文件夹，按 Enter。系统写入后重新读回并核验，显示结果包指纹，"
                              "之后才提示可以安全拔出U盘。依据：RULES.md §7 结果报组建单位（细则第二十六条(七)）。"),
    "tui.help_export_next": "把U盘和结果包指纹交给办事机构核验（office verify）后导入；会议到此结束。",
    "tui.help_lift_about": ("解除凭证锁定：选中被锁定或在等待的人员，按 Enter，由两名其他负责人依次输入各自的凭证共同解除。R 刷新。"
                            "依据：docs/SECURITY.md 凭证锁定；issue 12 §3。"),
    "tui.help_lift_next": "解除后被锁定的人可以重新输入本人凭证。",
    "tui.help_projector_about": ("投影视图：大字显示，供会场投影。1 点名与法定人数，2 通过率预览，3 投票进度（只有人数，从不显示选择），"
                                 "4 表决结果（宣布为最终结果前只显示编号）；←/→ 翻页，R 刷新。"
                                 "依据：RULES.md §2、§4、§5。"),
    "tui.help_projector_next": "按 F4 或 Esc 回到刚才的屏幕。",
    "tui.proj_page_ballot": "投票进度",
    "tui.proj_size": "应到",
    "tui.proj_required": "法定人数",
    "tui.proj_unmarked": "尚有 {n} 人未登记",
    "tui.proj_roll_closed": "点名已结束",
    "tui.proj_voted": "已投",
    "tui.proj_entitled": "应投",
    "tui.proj_remaining": "未投",
    "tui.proj_poll_open": "第 {round} 轮　{kind}进行中（{applicants} 位申报人）",
    "tui.proj_poll_closed": "投票已截止（已截止 {closed} 轮）",
    "tui.proj_poll_none": "尚未开始投票",
    "tui.proj_secret": "无记名投票：只显示人数，不显示任何选择。",
    "tui.proj_group": "{group}　{n} 人　通过率 {rate}%　限额 {cap} 人",
    "tui.proj_not_counted": "尚未计票。",
    "tui.proj_final": "最终结果",
    "tui.proj_not_final": "尚未宣布为最终结果（只显示编号）",
    "tui.proj_passed": "{group}　通过 {passed} / 限额 {cap}（共 {n} 人）",
    "tui.proj_agree": "同意 {n}",
    "tui.proj_failed": "未通过",
    "tui.proj_keys": "1–4 切换　←/→ 翻页　R 刷新　F4/Esc 返回",
    "tui.proj_paper_open": "第 {round} 轮　{kind}　纸质选票计票中（{applicants} 位申报人）",
    "tui.proj_paper_printed": "已印选票",
    "tui.proj_paper_agreed": "录入一致",
    "tui.proj_paper_recount": "待复核",
    "tui.proj_paper_step_printed": "选票已印制 {n} 张",
    "tui.proj_paper_step_not_printed": "选票尚未印制",
    "tui.proj_paper_step_first": "第一位计票人已录入",
    "tui.proj_paper_step_second": "第二位计票人已录入",
    "tui.proj_paper_step_recount": "{n} 位申报人的两次录入不一致，待重新清点（第 {pass_no} 遍，两位计票人均待录入）",
    "tui.proj_paper_step_recount_one": "{n} 位申报人待重新清点（第 {pass_no} 遍，一位计票人已录入）",
    "tui.proj_paper_step_agreed": "两位计票人录入一致（{n} 位申报人）",
    "tui.proj_paper_step_witness": "监票人确认",
    "tui.proj_paper_secret": "纸质无记名投票：只显示进度和人数，不显示任何票数或选择。",
    # -- issue 13: the dashboard's progress -----------------------------------------------------------------
    "tui.dash_todo": "未开始",
    "tui.dash_doing": "进行中",
    "tui.dash_done": "已完成",
    "tui.dash_next": "下一步：[{step_key}] {step}",
    "tui.dash_finished": "全部步骤已完成。",
    "tui.dash_counts": "已签署 {done} / {total}",
    "tui.dash_roll_call": "已点名 {done} / {total}",
    "tui.dash_recusals": "已登记 {n} 项",
    "tui.dash_recusals_open": "已登记 {n} 项；开始投票前仍可补登",
    "tui.dash_rubrics": "已生效 {done} / {total} 个评议组",
    "tui.dash_sheets": "已提交评分表 {done} / {total}",
    "tui.dash_opinions": "已写意见 {done} / {total}",
    "tui.dash_round_open": "第 {round} 轮投票中：已投 {done} / {total}",
    "tui.dash_round_closed": "已截止 {rounds} 轮",
    "tui.dash_results": "原因 {reasons} / {failed}，签字 {signed} / {total}",
    "tui.dash_round_runoff": "已截止 {rounds} 轮，待加投",
    "tui.dash_exported": "已导出",
    # -- the person picker's keys (help lists them) -------------------------------------------------------
    "tui.pick_previous": "上一位",
    "tui.pick_next": "下一位",
    # -- issue 13: short footer labels (every footer fits 80 columns; docs/DESIGN.md "Footers at 80×24") ------
    "tui.key_discussion": "评议顺序",
    "tui.key_sign_off": "签字",
    "tui.key_declare": "宣布结果",
    "tui.key_dossier": "材料",
    "tui.key_space": "空格",
    "tui.cmd_key": "{description}（按键 {keys}）",
    "tui.cmd_key_help": "本屏的按键（底栏未列出，F1 帮助中有）",
    "tui.nobody_due": "“{step}”：目前没有可以进行这一步的人员（尚未点名，或应做的人都已完成）。请先完成前面的步骤（主菜单显示下一步）。",
    "tui.key_pledge_sign": "本人签署",
    "tui.key_write_reason": "填写原因",
    "tui.out_tally": "纸质选票计票",
    "tui.out_tally_first": "待计票人录入 {n} 名申报人的票数：两名计票人各录入一遍，尚无人录入。",
    "tui.out_tally_second": "第 {pass_no} 遍：{first} 已录入，待另一名计票人录入 {n} 名申报人的票数。",
    "tui.out_tally_recount": "第 {pass_no} 遍：{n} 名申报人的两遍票数不一致，待两名计票人复点选票后各重录一遍。",
    "tui.out_tally_witness": "两名计票人录入的票数已一致，待监督人签字确认。",
    "tui.out_tally_witnessed": "票数已由监督人签字确认，可宣布截止投票。",
}
