"""Catalogue area ``ballot`` (zh-CN). Voting: poll and ballot errors, the ballot screen (rounds, run-offs, the secret ballot sheet).

Keys: error codes are bare snake_case names (they are ``ServiceError``/``RuleError`` codes, an API that
tests assert); every other text is ``ballot.<name>``. Parameters in {braces}.
"""

from __future__ import annotations

AREA = "ballot"

MESSAGES: dict[str, str] = {
    # -- error codes ---------------------------------------------------------------------------------------
    "poll_already_open": "第 {round} 轮投票已开启。",
    "poll_not_open": "当前没有正在进行的投票。",
    "already_voted": "{name} 已在本轮投票，不能重复投票。",
    "ballot_incomplete": "还有 {count} 位申报人未选择。",
    "ballot_foreign_applicant": "选票中有不属于本轮的申报人。",
    "ballot_agree_limit": "同意票超过本组通过名额（{cap} 名），请调整后再投。",
    "ballot_box_corrupt": "票箱数据异常。",
    "voters_missing": "还有 {count} 位评审专家未投票。可等待全部投完，或由主持人宣布截止（未投票按不同意计）。",
    "round_not_closed": "第 {round} 轮投票尚未结束，不能计票。",
    "no_runoff_needed": "该组没有需要加投的并列情况。",
    # -- texts --------------------------------------------------------------------------------------------
    "ballot.kind_main": "主投票",
    "ballot.kind_runoff": "加投",
    "ballot.kind_revote": "重投",
    "ballot.open_poll": "开启投票",
    "ballot.open_runoff": "开启加投",
    "ballot.next_voter": "下一位评委",
    "ballot.close_poll": "截止投票",
    "ballot.force_close": "主持人提前截止",
    "ballot.keys": "O 开启投票　N 下一位评委投票　C 全部投完后截止　F 主持人提前截止　R 开启加投　Esc 返回",
    "ballot.last_round_closed": "第 {round} 轮投票已截止。",
    "ballot.round_status": "第 {round} 轮　{kind}（{applicants} 位申报人）\n已投 {done} / 应投 {total}",
    "ballot.pending_runoff": "{group}：{codes} 并列，需加投决定 {slots} 个通过名额",
    "ballot.voter_login": "第 {round} 轮投票：请评委选择本人姓名并输入凭证",
    "ballot.force_close_q": "尚有 {count} 位评审专家未投票。提前截止后，未投票均按“不同意”计。确认由主持人提前截止本轮投票？",
    "ballot.force_close_login": "主持人确认提前截止投票",
    "ballot.sheet_of": "无记名投票　评委：{name}",
    "ballot.sheet_help": "↑↓ 选择申报人；1 同意　2 不同意　3 弃权（标记后自动下移）；Enter 核对并投出；Esc 放弃",
    "ballot.sheet_progress": "已选 {done} / {total}",
    "ballot.review_key": "核对投出",
    "ballot.review": "请核对：同意 {agree} 人，不同意 {disagree} 人，弃权 {abstain} 人。",
    "ballot.review_keys": "按 Enter 确认投出（投出后不能更改）；按 Esc 返回修改。",
    "ballot.cast": "确认投出",
    "ballot.back_to_edit": "返回修改",
    "ballot.cancel_q": "放弃本次投票？已作的选择将全部清除，可稍后重新投票。",
    "ballot.voted_next": "已投票，请下一位评委。\n\n（按 Enter 继续）",
    # -- issue 13: the room's screens ------------------------------------------------------------------------
    "ballot.open_q": "开启投票？开启后评分冻结，不能再修改或撤回。",
    "ballot.open_runoff_q": "开启加投？{text}",
    "ballot.close_q": "截止第 {round} 轮投票？已投 {done} / 应投 {total}。截止后不能再投，即行计票。",
    "ballot.outstanding": "尚未投票（{n} 人）：{names}",
    "ballot.all_voted": "应投评委均已投票：按 C 截止本轮。",
    "ballot.voter_note": "已投票的 {n} 位评委不再列出。",
    "ballot.nobody_due": "本轮应投评委均已投票。",
    "ballot.review_missing": "还有 {count} 位申报人未选择：{codes}\n按 Enter 或 Esc 返回，光标移到第一个未选择的申报人。",
    "ballot.review_back_key": "返回补选",
}
