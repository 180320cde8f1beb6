"""Catalogue area ``opening`` (zh-CN). The opening of the meeting: roll call and quorum, integrity pledges, recusals, rubric sign-off.

Keys: error codes are bare snake_case names (they are ``ServiceError``/``RuleError`` codes, an API that
tests assert); every other text is ``opening.<name>``. Parameters in {braces}.
"""

from __future__ import annotations

AREA = "opening"

MESSAGES: dict[str, str] = {
    # -- error codes ---------------------------------------------------------------------------------------
    "roll_call_closed": "点名已结束，不能再更改出席情况。",
    "roll_call_open": "点名尚未结束。请先完成点名并确认达到法定人数。",
    "roll_call_unmarked": "还有 {count} 位评审专家未登记出席或缺席。",
    "no_quorum": "未达到法定人数：出席 {attending} 人，需不少于 {required} 人（评委会 {size} 人的三分之二）。不足法定人数不得评审。",
    "pledge_missing": "{name} 尚未签署诚信承诺书。",
    "pledges_missing": "以下出席评审专家尚未签署承诺书：{names}",
    "already_signed": "{name} 已签署过，不能重复签署。",
    "role_already_signed": "该签署位置已有人签署（{name} 无需再签）。",
    "recusal_exists": "该回避已登记。",
    "rubric_not_in_force": "{panel}的量化评分标准尚未经五方签署生效，不能录入分数。",
    # -- texts --------------------------------------------------------------------------------------------
    "opening.pledge_statement": "评审专家诚信承诺书\n会议：{committee}（{session}）\n本人 {name}（{id}）郑重承诺：严格遵守职称评审纪律，公正评审，不徇私情，保守评审秘密，与申报人存在利害关系时主动回避。",
    "opening.rubric_statement": "量化评分标准生效签署\n评议组：{panel}\n评分标准：{rubric}（版本 {version}）\n会议：{session}",
    "opening.quorum_met": "已达到法定人数",
    "opening.quorum_not_met": "未达到法定人数",
    "opening.rollcall_title": "点名（登记出席情况）",
    "opening.rollcall_quorum": "出席 {attending} / 应到 {size}，法定人数 {required}（未登记 {unmarked}）",
    "opening.rollcall_help": "A 出席　X 缺席　空格 切换　C 结束点名　Esc 返回",
    "opening.rollcall_closed": "点名已结束。",
    "opening.rollcall_attending": "出席",
    "opening.rollcall_absent": "缺席",
    "opening.rollcall_unmarked": "未登记",
    "opening.rollcall_key_toggle": "切换",
    "opening.rollcall_key_close": "结束点名",
    "opening.pledge_title": "签署诚信承诺书（选中本人后按 Enter，输入本人凭证）",
    "opening.pledge_signed": "已签署",
    "opening.pledge_unsigned": "未签署",
    "opening.pledge_count": "已签署 {signed} / 出席 {attending}",
    "opening.pledge_credential_title": "签署诚信承诺书：请本人输入凭证",
    "opening.recusal_title": "回避登记（预先申报与会上申报；登记后不能撤销）",
    "opening.recusal_applicant": "申报人编码",
    "opening.recusal_applicant_placeholder": "如 GC-2025-005",
    "opening.recusal_reason": "回避理由",
    "opening.recusal_reason_placeholder": "如：同一工作单位、师生关系",
    "opening.recusal_add": "登记回避",
    "opening.recusal_added": "回避已登记。",
    "opening.recusal_no_reviewer": "没有这个评审专家编号。",
    "opening.recusal_no_applicant": "没有这个申报人编码。",
    "opening.recusal_predeclared": "预先申报",
    "opening.recusal_room": "会上申报",
    "opening.rubric_title": "量化评分标准生效签署（五方签署后生效）",
    "opening.rubric_heading": "{panel}：{rubric}（{version}）",
    "opening.rubric_in_force": "已生效（五方均已签署）",
    "opening.rubric_not_yet": "未生效：已签署 {n} / 5",
    "opening.rubric_credential_title": "{panel}评分标准：以“{role}”身份签署，请输入本人凭证",
    "opening.rubric_no_candidate": "当前没有可以“{role}”身份签署的人员（可能未出席）。",
    "opening.rubric_role_not_yours": "{name} 不能以“{role}”身份签署本评分标准（可签署：{roles}）。",
    # -- issue 13: the room's screens ------------------------------------------------------------------------
    "opening.rollcall_close_q": "结束点名？出席 {attending} / 应到 {size}。结束后出席情况不能再修改。",
    "opening.pledge_outstanding": "尚未签署（{n} 人）：{names}",
    "opening.pledge_all": "出席评委均已签署诚信承诺书。",
    "opening.pledge_q": "{name} 签署诚信承诺书？签署后不能撤销。",
    "opening.recusal_q": "登记回避：{reviewer} 回避申报人 {code}（{reason}）？登记后不能撤销。",
    "opening.rubric_keys": "↑↓ 选择评议组，Enter 进入签署栏；↑↓ 选择签署角色，Enter 由本人输入凭证签署；Tab 切换（在评分项表中 ↑↓ 逐项看全等级描述）；Esc 返回",
    "opening.rubric_sign_q": "{name} 以“{role}”身份签署{panel}的量化评分标准？签署后不能撤销。",
    "opening.rubric_levels": "{id} {name}：{description}\n等级描述：{levels}",
}
