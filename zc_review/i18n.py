"""The one catalogue of user-visible strings (zh-CN). ``t(key, **params)`` formats one."""

from __future__ import annotations

from zc_review.i18n_zh import MESSAGES


def t(key: str, **params: object) -> str:
    """Return the Chinese text for ``key`` formatted with ``params``.

    An unknown key returns the key itself (so a missing string is visible, never a crash); a
    missing parameter leaves its placeholder in place.
    """
    text = MESSAGES.get(key, key)
    try:
        return text.format(**params)
    except (KeyError, IndexError, ValueError):
        return text
