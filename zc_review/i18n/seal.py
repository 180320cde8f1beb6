"""Catalogue area ``seal`` (zh-CN). What the seal says to people: the one opaque failure, a format too new or too old,
and the name written into the office's root certificate.

Keys: every text is ``seal.<name>`` (the seal raises ``SealError``, whose reason is English for logs; it
has no error codes of its own). Parameters in {braces}.
"""

from __future__ import annotations

AREA = "seal"

MESSAGES: dict[str, str] = {
    # -- texts --------------------------------------------------------------------------------------------
    "seal.failed": "无法打开或验证该文件：口令错误、文件不是本会议的、或文件已被改动。请核对口令；如仍失败，请向组建单位索取原件。",
    "seal.format_version": "该文件格式版本为 {version}，本程序只支持 {supported}，请升级程序。",
    "seal.format_version_old": "该文件格式版本为 {version}，是旧版程序制作的，本程序只读取版本 {supported}。请用本程序重新制作该文件。",
    "seal.root_cert_name": "{name} 职称评审根证书",
    "seal.work_factor": "本机此刻过忙（处理器或内存不足），口令解密运算被拒绝执行：口令尚未核对，并非口令错误。请关闭其他程序，稍候重试；如仍失败，请换一台电脑或联系组建单位。",
}
