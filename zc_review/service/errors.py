"""The service's error: a catalogue code plus parameters, rendered in Chinese for the user."""

from __future__ import annotations

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
