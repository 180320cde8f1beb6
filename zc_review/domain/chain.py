"""The hash-chained session log as a formula: one place for the room (append) and the office (replay).

hash = SHA-256(prev_hash ‖ canonical JSON of {seq, at, actor, role, action, detail}), starting from
GENESIS (64 zeros). Source: docs/FORMATS.md "The log"; docs/SECURITY.md.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

from zc_review.domain.codec import canonical_json

GENESIS = "0" * 64


def entry_body(*, seq: int, at: str, actor: str, role: str, action: str, detail: dict[str, Any]) -> dict[str, Any]:
    """The hashed part of one log entry (``at`` is an ISO 8601 timestamp string)."""
    return {"seq": seq, "at": at, "actor": actor, "role": role, "action": action, "detail": detail}


def entry_hash(prev_hash: str, body: dict[str, Any]) -> str:
    """SHA-256 hex of ``prev_hash`` (hex text) followed by the canonical JSON of ``body``."""
    return hashlib.sha256(prev_hash.encode() + canonical_json(body)).hexdigest()


def replay(entries: Sequence[dict[str, Any]]) -> tuple[str, int | None]:
    """Replay a log exported as dicts with seq, at, actor, role, action, detail, prev_hash, hash.

    Returns: (head hash of the last intact entry, seq of the first broken link or None when whole).
    """
    prev = GENESIS
    for e in entries:
        body = entry_body(seq=e["seq"], at=e["at"], actor=e["actor"], role=e["role"], action=e["action"],
                          detail=e["detail"])
        digest = entry_hash(prev, body)
        if e["prev_hash"] != prev or e["hash"] != digest:
            return prev, int(e["seq"])
        prev = digest
    return prev, None
