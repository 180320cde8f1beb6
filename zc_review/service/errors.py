"""The service's error: a catalogue code plus parameters, rendered in Chinese for the user."""

from __future__ import annotations

import errno

from zc_review.i18n import t


class ServiceError(Exception):
    """A use case refused by the rules or by bad input. ``str(e)`` is the Chinese message.

    ``code`` is a bare error-code key of the catalogue in zc_review/i18n/ (e.g. ``not_permitted``); the
    TUI and the CLI show ``message`` and never a traceback.
    """

    def __init__(self, code: str, /, **params: object) -> None:
        self.code = code
        self.params = params
        self.message = t(code, **params)
        super().__init__(self.message)


# -- a file-system error in Chinese (issue 13 item 8) ----------------------------------------------------
# ``OSError.strerror`` is English ("No such file or directory"): the messages that name a file that cannot be
# read or written say it in Chinese instead, so no English detail reaches the user.

_BY_ERRNO: dict[int, str] = {
    errno.ENOENT: "office.os_not_found", errno.EISDIR: "office.os_is_folder", errno.ENOTDIR: "office.os_not_folder",
    errno.EACCES: "office.os_no_permission", errno.EPERM: "office.os_no_permission", errno.ENOSPC: "office.os_disk_full",
    errno.EROFS: "office.os_read_only", errno.EIO: "office.os_io_error", errno.ENAMETOOLONG: "office.os_name_too_long",
}


def os_error_text(exc: OSError) -> str:
    """The Chinese text for ``exc`` (e.g. ``文件或目录不存在``); an uncommon error gives its number.

    Returns: one short clause, no final punctuation (the messages add it).
    """
    key = _BY_ERRNO.get(exc.errno or -1)
    return t(key) if key is not None else t("office.os_other", number=exc.errno if exc.errno is not None else "?")
