"""The one opaque error raised by every failed unlock or verification in ``zc_review.seal``."""

from __future__ import annotations

GENERIC_MESSAGE = (
    "无法打开或验证该文件：口令错误、文件不是本会议的、或文件已被改动。"
    "请核对口令；如仍失败，请向组建单位索取原件。"
)


class SealError(Exception):
    """Any failed unlock, decryption or verification (like Fernet's ``InvalidToken``).

    ``str(e)`` is the same Chinese message whatever failed, so a wrong secret and a
    tampered file look alike to whoever reads the screen. ``e.diagnostics()`` gives the
    internal reason (which check failed) for logs and the office's verify report.
    """

    message: str = GENERIC_MESSAGE

    def __init__(self, reason: str) -> None:
        super().__init__(self.message)
        self._reason = reason

    def __str__(self) -> str:
        return self.message

    def diagnostics(self) -> str:
        """Return the internal reason, e.g. ``"outer signature invalid"`` (English, for logs)."""
        return self._reason


class FormatVersionError(SealError):
    """The file declares a format version this program does not read (a newer program made it)."""

    def __init__(self, version: int, supported: int = 1, kind: str = "file") -> None:
        super().__init__(f"{kind} format version {version} unsupported (supported: {supported})")
        self.version = version
        self.supported = supported
        self.message = f"该文件格式版本为 {version}，本程序只支持 {supported}，请升级程序。"
