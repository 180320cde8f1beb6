"""Catalogue area ``unlock`` (zh-CN). Opening the meeting package: the unlock errors and the unlock screen.

Keys: error codes are bare snake_case names (they are ``ServiceError``/``RuleError`` codes, an API that
tests assert); every other text is ``unlock.<name>``. Parameters in {braces}.
"""

from __future__ import annotations

AREA = "unlock"

MESSAGES: dict[str, str] = {
    # -- error codes ---------------------------------------------------------------------------------------
    "unlock_failed": "无法打开会议文件包：开启口令错误、文件不是本会议的、或文件已被改动。请两位开启人核对各自信封中的开启口令后重试；如仍失败，请联系组建单位重新制作文件包。",
    "unlock_busy": "本机此刻过忙（处理器或内存不足），开启运算被拒绝执行：开启口令尚未核对，并非口令错误。请关闭其他程序，稍候重试；如仍失败，请换一台电脑或联系组建单位。",
    "package_format_old": "该会议文件包是旧版程序制作的（格式版本 {version}），本程序只能打开格式版本 {supported}：开启口令未核对。请组建单位用本程序重新制作文件包（zc-review office pack），并换发新的开启口令信封；旧文件包和旧信封一并销毁。",
    "package_format_new": "该会议文件包是更新版本的程序制作的（格式版本 {version}），本程序只能打开格式版本 {supported}：开启口令未核对。请安装组建单位配发的新版程序后再打开。",
    "package_unreadable": "无法读取文件 {path}：{error}。请检查U盘是否插好、文件名是否正确。",
    "payload_malformed": "会议文件包内容格式不正确，已拒绝打开。请联系组建单位重新制作文件包。",
    "no_trust": "本机尚未导入组建单位根证书，无法核验文件包。请先执行 zc-review trust add 根证书文件，并与凭证信封上打印的指纹逐位核对。",
    "other_package_in_progress": "本机已有同一会议的另一份文件包正在进行，不能混用。请使用原文件包继续。",
    # -- texts --------------------------------------------------------------------------------------------
    "unlock.title": "打开会议文件包",
    "unlock.chair_secret": "主任委员开启口令（即凭据函上的“评审包开封凭据”）",
    "unlock.supervisor_secret": "纪检监察人员开启口令（即凭据函上的“评审包开封凭据”）",
    "unlock.open": "核验并打开",
    "unlock.working": "正在核验签名并解密……",
    "unlock.both_needed": "请两位开启人分别输入各自的开启口令。",
    # -- issue 13 item 8: a damaged package is not a wrong secret -----------------------------------------
    "package_not_genuine": "此文件未通过签名核验：不是本机信任的组建单位签发的评审包，或文件已损坏、被改动。开启口令尚未使用，不是口令错误。请重新从组建单位取得评审包文件（或重新完整复制U盘上的文件）后再打开。",
    "opening_secret_wrong_chair": "文件签名核验无误，但主任委员的开启口令不正确（纪检监察人员的开启口令尚未核对）。请主任委员核对本人信封中的开启口令后重新输入；如确认无误，请核对此文件是否为本次会议的评审包。",
    "opening_secret_wrong_supervisor": "文件签名核验无误，主任委员的开启口令正确，但纪检监察人员的开启口令不正确。请纪检监察人员核对本人信封中的开启口令后重新输入。",
    "package_is_folder": "{path} 是一个文件夹，不是评审包文件。请指定组建单位签发的评审包文件本身（以 .zcp 结尾），例如：zc-review open {example}",
    "unlock.step_signature": "第 1/5 步：核验组建单位签名",
    "unlock.step_chair": "第 2/5 步：以主任委员的开启口令解密（密钥派生）",
    "unlock.step_supervisor": "第 3/5 步：以纪检监察人员的开启口令解密（密钥派生）",
    "unlock.step_payload": "第 4/5 步：解密会议资料",
    "unlock.step_database": "第 5/5 步：打开本机会议数据",
    "unlock.elapsed": "{step}……已用 {seconds} 秒",
    "unlock.done": "已打开（用时 {seconds} 秒）。",
}
