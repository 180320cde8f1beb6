"""Where zc-review keeps its files: the laptop's trust store, session databases, the office archive."""

from __future__ import annotations

import os
from pathlib import Path


def app_home() -> Path:
    """The data directory: ``$ZC_REVIEW_HOME`` if set, else the platform's user data dir."""
    env = os.environ.get("ZC_REVIEW_HOME")
    if env:
        return Path(env)
    import platformdirs

    return Path(platformdirs.user_data_dir("zc-review", appauthor=False))


def trust_dir(home: Path | None = None) -> Path:
    """The laptop's trust store of office root certificates."""
    return (home or app_home()) / "trust"


def session_dir(session_id: str, home: Path | None = None) -> Path:
    """The working folder of one session on the laptop (its database lives here)."""
    return (home or app_home()) / "sessions" / session_id


def office_keys_dir(home: Path | None = None) -> Path:
    """The office's key folder when ``--keys`` is not given."""
    return (home or app_home()) / "office-keys"


def office_archive_url(home: Path | None = None) -> str:
    """The office's import database when ``--db`` is not given (SQLite)."""
    from zc_review.service.atomic import make_private_dir

    path = (home or app_home()) / "office" / "archive.db"
    make_private_dir(path.parent)
    return f"sqlite:///{path}"
