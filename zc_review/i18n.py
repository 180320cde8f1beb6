"""The one catalogue of user-visible strings (zh-CN). ``t(key, **params)`` formats one."""

from __future__ import annotations

from zc_review.i18n_office import MESSAGES_OFFICE
from zc_review.i18n_zh import MESSAGES

if set(MESSAGES) & set(MESSAGES_OFFICE):  # pragma: no cover - a programming error, caught by any import
    raise RuntimeError(f"catalogue keys defined twice: {sorted(set(MESSAGES) & set(MESSAGES_OFFICE))}")
MESSAGES = {**MESSAGES, **MESSAGES_OFFICE}


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
