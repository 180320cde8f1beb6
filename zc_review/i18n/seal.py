"""Catalogue area ``seal`` (zh-CN). What the seal says to people: the one opaque failure, a format too new,
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
    "seal.root_cert_name": "{name} 职称评审根证书",
}
