"""The laptop's own journal (``$ZC_REVIEW_HOME/journal.jsonl``): what happens before a session database exists.

A failed unlock happens before the package is open, so the session's hash-chained log cannot hold it yet.
It is appended here (time, file size and SHA-256, which check failed; never a secret, never content), and
the next successful open of a session copies the pending entries into that session's log. The wipe at close
is recorded here too, since the session's own log is wiped with it. Append-only; capped at 1 MiB.
"""

from __future__ import annotations

import hashlib
import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from zc_review.service.atomic import make_private_dir

MAX_JOURNAL_BYTES = 1024 * 1024
NAME = "journal.jsonl"


def journal_path(home: Path) -> Path:
    """The journal file under the laptop's data directory ``home``: ``home/journal.jsonl`` (may not exist yet)."""
    return home / NAME


def append(home: Path, event: str, **fields: Any) -> None:
    """Append one line ``{"at", "event", **fields}``; silently skipped past the cap or on a read-only home."""
    path = journal_path(home)
    line = json.dumps({"at": datetime.now(UTC).replace(microsecond=0).isoformat(), "event": event, **fields},
                      ensure_ascii=False, sort_keys=True) + "\n"
    try:
        make_private_dir(home)
        if path.exists() and path.stat().st_size + len(line) > MAX_JOURNAL_BYTES:
            return
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW, 0o600)
        with os.fdopen(fd, "a", encoding="utf-8") as fh:
            os.fchmod(fh.fileno(), 0o600)
            fh.write(line)
            fh.flush()
            os.fsync(fh.fileno())
    except OSError:
        pass  # the journal must never stop the room


def entries(home: Path) -> list[dict[str, Any]]:
    """Every readable entry, oldest first (a torn last line is skipped)."""
    try:
        text = journal_path(home).read_text("utf-8", errors="replace")
    except OSError:
        return []
    out = []
    for line in text.splitlines():
        try:
            e = json.loads(line)
        except ValueError:
            continue
        if isinstance(e, dict):
            out.append(e)
    return out


def record_unlock_failure(home: Path, data: bytes, diagnostics: str) -> None:
    """A package failed to open: which check, on which file (size and digest), never the secrets typed."""
    append(home, "unlock_failed", package_sha256=hashlib.sha256(data).hexdigest(), size=len(data),
           diagnostics=diagnostics[:300])


def pending_unlock_failures(home: Path) -> list[dict[str, Any]]:
    """Unlock failures appended since the last time they were copied into a session's log."""
    pending: list[dict[str, Any]] = []
    for e in entries(home):
        if e.get("event") == "unlock_failed":
            pending.append(e)
        elif e.get("event") == "unlock_failures_logged":
            pending = []
    return pending
