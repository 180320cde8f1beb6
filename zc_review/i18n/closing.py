"""Catalogue area ``closing`` (zh-CN). The close of the meeting: results, reasons for not passing, result sign-off, the minutes, export of the
result bundle and the after-meeting wipe.

Keys: error codes are bare snake_case names (they are ``ServiceError``/``RuleError`` codes, an API that
tests assert); every other text is ``closing.<name>``. Parameters in {braces}.
"""

from __future__ import annotations

AREA = "closing"

MESSAGES: dict[str, str] = {
    # -- error codes ---------------------------------------------------------------------------------------
    "results_not_final": "表决结果尚未产生（投票未结束或有待加投）。",
    "results_final": "表决结果已确定，不能再修改。",
    "not_failed": "申报人 {code} 已通过，无需填写未通过原因。",
    "reasons_missing": "以下未通过申报人尚无未通过原因与努力方向：{codes}",
    "signoffs_missing": "还有 {count} 位出席评审专家未签字确认结果。",
    "minutes_missing": "会议记录尚未生成。",
    "minutes_made": "会议记录已生成，不能再修改。",
    "minutes_signed": "会议记录已签署，不能重新生成。",
    "minutes_sign_order": "会议记录已由记录人和主持人签署完毕。",
    "minutes_not_signed": "会议记录须经记录人和主持人签署后才能封存导出。",
    "export_failed": "导出失败：{error}。会议数据完好无损，请检查U盘（是否已满、只读或被拔出）后重试。",
    "close_not_exported": "尚未成功导出结果包，不能清除会议工作文件。请先导出并核验结果包。",
    "close_bundle_unverified": "结果包 {path} 无法读取或与导出时记录的指纹不符，不能清除会议工作文件。请插入存有结果包的U盘，或用 --bundle 指明结果包位置。",
    "close_no_workdir": "本会议没有磁盘上的工作文件夹，无需清除。",
    "close_needs_chair_and_supervisor": "会后清除须由主任委员与纪检监察人员两人共同确认。",
    # -- texts --------------------------------------------------------------------------------------------
    "closing.results_statement": "表决结果签字确认\n会议：{session}\n结果摘要：{digest}\n签字人：{name}",
    "closing.minutes_sign_reason": "{role}签署会议记录",
    "closing.minutes_forced_note": "主持人宣布投票截止，未投票者按不同意计。",
    "closing.minutes_void_note": "本轮经主任委员与纪检监察人员共同宣布作废，理由：{reason}",
    "closing.minutes_bundle_note": "结果数据摘要（SHA-256）：{digest}（即出席评审专家签字确认所覆盖的表决结果数字）。结果包导出时其指纹显示于屏幕，由办事机构核验时逐位核对。",
    "closing.goto_ballot": "进入投票（加投）",
    "closing.sign_off": "签字确认",
    "closing.results_keys": "B 进入投票（加投）　E 填写未通过原因　S 评委签字确认　Esc 返回",
    "closing.results_final": "表决结果已确定。",
    "closing.results_no_vote": "尚未计票：主投票截止后显示表决结果。",
    "closing.results_pending": "表决结果尚未确定（姓名在结果确定后显示）。",
    "closing.group_head": "{group}　通过名额 {cap} / 申报 {n}",
    "closing.decision_below": "未达到三分之二",
    "closing.decision_runoff": "待加投",
    "closing.reasons_title": "未通过原因与努力方向（由本评议组组长填写）",
    "closing.reasons_help": "↑↓ 选择申报人，Enter 由本评议组组长核验凭证后填写；Esc 返回",
    "closing.reason_written": "已填写",
    "closing.reason_not_written": "未填写",
    "closing.reason_login": "{panel}组长核验身份，填写未通过原因",
    "closing.reason_for": "申报人 {code}：未通过原因与努力方向",
    "closing.reason_guidance": "努力方向",
    "closing.reason_keys": "Enter 下一项；在“努力方向”中按 Enter 保存；Esc 取消",
    "closing.signoff_title": "表决结果签字确认（出席评审专家逐一签字）",
    "closing.signoff_digest": "结果摘要：{digest}",
    "closing.signoff_count": "已签字 {done} / 应签字 {total}",
    "closing.signoff_missing": "尚未签字：{names}",
    "closing.signoff_all": "出席评审专家均已签字确认。",
    "closing.signoff_keys": "Enter 评委核验凭证并签字确认；Esc 返回",
    "closing.signoff_login": "请评委选择本人姓名并输入凭证，签字确认表决结果",
    "closing.minutes_generate": "生成会议记录",
    "closing.minutes_sign": "签署",
    "closing.minutes_keys": "G 生成会议记录　S 签署（先记录人，后主持人）　Esc 返回",
    "closing.minutes_none": "会议记录：尚未生成",
    "closing.minutes_unsigned": "会议记录：已生成，待记录人签署",
    "closing.minutes_recorder": "会议记录：记录人已签署，待主持人签署",
    "closing.minutes_presiding": "会议记录：记录人、主持人均已签署",
    "closing.minutes_working": "（正在处理，请稍候……）",
    "closing.minutes_stage_note": "　{note}",
    "closing.minutes_summary": "共 {pages} 页，{kb} KB，SHA-256 前缀 {sha}",
    "closing.minutes_sign_login": "签署会议记录：请核验凭证",
    "closing.export_dir": "结果包保存位置（U盘目录）：",
    "closing.export_keys": "Enter 封存并导出结果包；Esc 返回",
    "closing.export_working": "正在写入并回读核验，请勿拔出U盘……",
    "closing.export_retry": "请处理后按 Enter 重试。",
    "closing.export_fp_label": "结果包：{path}\n结果包指纹（请与会议记录一并登记）：",
    "closing.export_safe": "结果包已写入并核验无误，可以安全拔出U盘。",
    "closing.export_readback_mismatch": "写入U盘后读回的内容与写入的不一致",
}
