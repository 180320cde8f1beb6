"""Catalogue area ``office`` (zh-CN). The organising office: keys, packing (composition findings, anonymity check), verifying and importing
result bundles, recovery.

Keys: error codes are bare snake_case names (they are ``ServiceError``/``RuleError`` codes, an API that
tests assert); every other text is ``office.<name>``. Parameters in {braces}.
"""

from __future__ import annotations

AREA = "office"

MESSAGES: dict[str, str] = {
    # -- error codes ---------------------------------------------------------------------------------------
    "cert_invalid": "{path} 不是有效的证书文件（PEM 格式）。",
    "keys_exist": "{path} 中已有组建单位密钥，不会覆盖。",
    "keys_missing": "未找到组建单位密钥（{path}）。请先执行 zc-review office keygen。",
    "input_invalid": "申报与评委会资料未通过校验：\n{problems}",
    "composition_fatal": "评委会组成不符合要求，无法制作文件包：\n{problems}",
    "bundle_unreadable": "无法读取结果包 {path}：{error}。",
    "import_refused": "结果包未通过核验，已整体拒绝导入：\n{failures}",
    "import_conflict": "会议 {session} 已导入过另一份结果包；此包可能是旧包或被改动过，已拒绝。",
    "rehearsal_refused": "这是演练会议的结果包，正式档案库拒绝导入（请使用 --rehearsal 导入演练库）。",
    "recover_failed": "该评审包不是本办事机构签发的，或无法用本办事机构密钥恢复，已拒绝。",
    # -- texts --------------------------------------------------------------------------------------------
    "office.secrets_file_warning": "演练/测试专用：本文件含全部凭证，正式评审只使用密封信封，切勿拷贝此文件。",
    "office.check_seal": "封装、签名与加密",
    "office.check_seal_ok": "设备证书 {cn}，链至组建单位根证书",
    "office.check_structure": "结果数据结构",
    "office.check_certs": "人员证书链",
    "office.check_statements": "承诺书、评分标准与结果签字",
    "office.check_log": "操作日志哈希链",
    "office.log_broken_at": "第 {seq} 条断链",
    "office.check_ballots": "票箱指纹与票数（投票数 = 名册人数 ≤ 出席人数）",
    "office.check_recompute": "重算综合得分、计票与表决结果",
    "office.check_signoffs": "出席评审专家结果签字",
    "office.signoffs_count": "{n}/{attending}",
    "office.check_final": "表决结果已最终确定",
    "office.check_minutes": "会议记录 PDF 签名（记录人、主持人）",
    "office.signer_device": "封装：会话设备（{cn}）",
    "office.sig_kind_rubric": "评分标准",
    "office.sig_kind_results": "结果签字",
    "office.finding_committee_chair_count": "主任委员须为 1 人，现为 {count} 人。",
    "office.finding_committee_vice_chair_count": "副主任委员须为 1–3 人，现为 {count} 人。",
    "office.finding_staff_role_count": "须有且仅有一名{role}。",
    "office.finding_panel_too_small": "评议组“{panel}”不少于 3 人，现为 {size} 人。",
    "office.finding_panel_leader_not_member": "评议组“{panel}”的组长或副组长 {reviewer} 不是该组成员。",
    "office.finding_panel_leader_same": "评议组“{panel}”的组长与副组长不能为同一人。",
    "office.finding_reviewer_two_panels": "评审专家 {reviewer} 同时在两个评议组。",
    "office.finding_committee_even": "提示：评委会人数应为单数，现为 {size} 人。",
    "office.finding_committee_small": "提示：评委会人数 {size} 少于 {min} 人，须经批准。",
    "office.finding_committee_intermediate_share": "提示：仅具中级职称的评审专家 {count} 人，超过总数 {size} 人的三分之一。",
    "office.anonymity_pack_warning": "匿名材料检查：{code} 的{where}含有{kind}“{term}”：……{excerpt}……",
    "office.anonymity_where_attachment": "附件 {id}",
    "office.anonymity_kind_name": "申报人姓名",
    "office.anonymity_kind_employer": "工作单位",
    "office.anonymity_notice_head": "匿名材料检查（仅记录人可见）：以下申报材料含有申报人姓名或工作单位，请在评委审阅前报告纪检监察人员并按规定处理。",
    "office.check_device": "封装签名设备为本会议的会话设备",
    "office.signer_statement_named": "{kind}：{subject}　{role} {name}（{person}）",
    "office.signer_minutes_named": "会议记录 PDF 签名：{role} {name}（{person}）",
    "office.recover_letter_secret": "沿用原凭据函中的个人凭据",
}
