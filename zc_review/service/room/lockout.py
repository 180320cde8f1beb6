"""The policy for wrong credential entries: waits that double, a late lock, and who may lift it (issue 12 §3).

The model is the most trusted one in daily use, a smart card's PIN with its PUK held by others: the first
``FREE_MISSES`` wrong entries in a row cost nothing; each further one makes the person wait before the
next entry is even checked, the wait doubling from ``FIRST_WAIT_S`` up to ``MAX_WAIT_S``; the
``LOCK_AFTER``-th wrong entry in a row locks the person, and a lock is lifted only by two **other**
officers together (``lift_pairs``). A right entry (or a lift) starts the count again. The waits are
measured with the room's clock from the time of the last wrong entry, stored with the count, so a restart
neither shortens nor lengthens them (a clock set back never makes a wait longer than ``MAX_WAIT_S``).

Pure functions (plus the catalogue for the texts); the room's parts apply them: ``RoomContext.authenticate``
counts and refuses, ``room.credentials`` lifts. Source: issue 12 §3; issue 3 §4.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime

from zc_review.i18n import t

#: Wrong entries in a row that cost no wait.
FREE_MISSES = 3
#: The wait after the first wrong entry beyond ``FREE_MISSES``, in seconds; each further one doubles it.
FIRST_WAIT_S = 30
#: The longest wait, in seconds (10 minutes).
MAX_WAIT_S = 600
#: The wrong entry in a row that locks the person (the waits before it add up to 25.5 minutes).
LOCK_AFTER = 10


def wait_after(misses: int) -> int:
    """Seconds a person must wait after their ``misses``-th wrong entry in a row before the next is checked.

    0 up to ``FREE_MISSES``, then 30, 60, 120, 240, 480, 600, 600 … (``FIRST_WAIT_S`` doubling, capped at
    ``MAX_WAIT_S``); 0 from ``LOCK_AFTER`` on (the person is locked: no wait ends a lock).
    """
    if misses <= FREE_MISSES or misses >= LOCK_AFTER:
        return 0
    return int(min(FIRST_WAIT_S * 2 ** (misses - FREE_MISSES - 1), MAX_WAIT_S))


def remaining_wait(misses: int, last_failure_at: datetime | None, now: datetime) -> int:
    """Whole seconds (rounded up) until the person's next entry is checked; 0 when it is checked now.

    Args: misses: wrong entries in a row; last_failure_at: when the last was made (naive values are UTC,
        as SQLite returns them); now: the room's clock. Never more than ``MAX_WAIT_S``, even when the
        clock was set back since the last wrong entry.
    """
    wait = wait_after(misses)
    if wait == 0 or last_failure_at is None:
        return 0
    if last_failure_at.tzinfo is None:
        last_failure_at = last_failure_at.replace(tzinfo=UTC)
    left = wait - (now - last_failure_at).total_seconds()
    return max(0, min(wait, math.ceil(left)))


def fmt_wait(seconds: int) -> str:
    """A wait as people read it: ``45 秒``, ``2 分钟``, ``1 分 30 秒``."""
    minutes, secs = divmod(max(0, int(seconds)), 60)
    if minutes == 0:
        return t("room.wait_seconds", seconds=secs)
    if secs == 0:
        return t("room.wait_minutes", minutes=minutes)
    return t("room.wait_minutes_seconds", minutes=minutes, seconds=secs)


def lift_pairs(*, person_id: str, chair_id: str, supervisor_id: str, vice_chair_ids: Sequence[str],
               unavailable: Iterable[str]) -> list[tuple[str, str]]:
    """Every pair of officers who together may lift ``person_id``'s lock, in a stable order.

    - the chair's lock: the supervisor and a vice-chair;
    - the supervisor's lock: the chair and a vice-chair;
    - anyone else's: the chair and the supervisor.

    The chair's part is taken by a vice-chair when the chair is unavailable (marked absent at the roll
    call, or locked too): the vice-chair presides in the chair's absence (GLOSSARY.md 主持人), so for the
    supervisor's lock two different vice-chairs then act. The supervisor's part is never taken by anyone
    else (the supervisor is the discipline officer, not a member): a locked supervisor is lifted first.
    ``unavailable``: ids of the locked and of reviewers marked absent. Neither officer is ``person_id``,
    and the two are different people. An empty list means nobody can lift the lock now.
    """
    gone = set(unavailable) | {person_id}
    vices = [v for v in vice_chair_ids if v not in gone]
    chair_side = [chair_id] if chair_id not in gone else vices
    supervisor_ok = supervisor_id not in gone
    if person_id == chair_id:
        candidates = [(supervisor_id, v) for v in vices] if supervisor_ok else []
    elif person_id == supervisor_id:
        candidates = [(c, v) for c in chair_side for v in vices if c != v]
    else:
        candidates = [(c, supervisor_id) for c in chair_side] if supervisor_ok else []
    seen: set[frozenset[str]] = set()
    pairs = []
    for a, b in candidates:
        key = frozenset((a, b))
        if key not in seen:
            seen.add(key)
            pairs.append((a, b))
    return pairs


def lift_rule(*, person_id: str, chair_id: str, supervisor_id: str) -> str:
    """Who lifts ``person_id``'s lock, in words (the text of ``lift_pairs``'s rule for that person)."""
    if person_id == chair_id:
        return t("room.lift_rule_chair")
    if person_id == supervisor_id:
        return t("room.lift_rule_supervisor")
    return t("room.lift_rule_other")
