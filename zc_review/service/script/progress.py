"""Where a scripted session stands: acknowledgements on disk, so a second ``run-script`` resumes.

One line ``"<index>\\n"`` per acknowledged action, written and fsync'd only after the room returned (as the
crash harness does). On restart the action after the last acknowledged one may or may not be done (the
acknowledgement may be what the power cut lost): ``resume_point`` asks the database (``action_done``).
The file lives beside the session database and is named after the script's SHA-256, so another script
starts from its own beginning.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from zc_review.domain.script import Action
from zc_review.service.script.resume import action_done

if TYPE_CHECKING:
    from zc_review.service.room import RoomService


def progress_path(workdir: Path, script_bytes: bytes) -> Path:
    """The acknowledgement file of one script (by its SHA-256) in the session's working folder."""
    return workdir / f"script-{hashlib.sha256(script_bytes).hexdigest()[:16]}.acks"


def read_acks(path: Path) -> int:
    """How many actions are acknowledged (indices 0..n-1, contiguous); a torn last line is ignored."""
    if not path.exists():
        return 0
    done = -1
    for line in path.read_text("ascii", errors="replace").split("\n")[:-1]:
        if line.strip().isdigit() and int(line) == done + 1:
            done += 1
    return done + 1


def ack(fh: IO[str], index: int) -> None:
    """Acknowledge action ``index`` durably (written, flushed, fsync'd)."""
    fh.write(f"{index}\n")
    fh.flush()
    os.fsync(fh.fileno())


def resume_point(room: RoomService, actions: Sequence[Action | Mapping[str, Any]], acked: int) -> int:
    """The index of the first action not yet done, given ``acked`` acknowledged ones.

    The action right after the acknowledged ones counts as done when the database already holds its
    effect (it ran; its acknowledgement was lost): it is not performed again.
    """
    if acked < len(actions) and acked > 0 and action_done(room, actions[acked], actions[:acked]):
        return acked + 1
    return acked
