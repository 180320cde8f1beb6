"""Writing a file so that a power cut leaves either the old file or the whole new one; private modes.

Every file the program creates is 0600 and every folder it creates 0700, whatever the umask (issue 12 §5):
the session database holds plaintext scores and opinions mid-session, and the bundle, minutes, letters and
archive are nobody else's business on a shared machine. Modes are set explicitly (``fchmod``/``chmod``
after creation), since a mode passed to ``open``/``mkdir`` is narrowed by the umask but never widened.
"""

from __future__ import annotations

import os
from pathlib import Path

FILE_MODE = 0o600
DIR_MODE = 0o700


def make_private_dir(path: Path) -> None:
    """Create ``path`` and any missing parents as 0700 folders; folders that already exist are left as they are.

    (``Path.mkdir(parents=True)`` creates the parents with the umask's default mode, hence the walk.)
    Raises: OSError when a folder cannot be created.
    """
    missing = []
    p = path
    while not p.exists():
        missing.append(p)
        if p.parent == p:
            break
        p = p.parent
    for d in reversed(missing):
        try:
            d.mkdir(mode=DIR_MODE)
        except FileExistsError:
            continue
        os.chmod(d, DIR_MODE)


def write_atomic(path: Path, data: bytes, mode: int = FILE_MODE) -> None:
    """Write ``data`` to ``path`` through a temporary file, fsync'd, then renamed into place.

    The file gets ``mode`` (0600 by default) exactly, whatever the umask; a missing folder is created 0700.
    Raises: OSError (the temporary file is removed; an existing ``path`` is left as it was).
    """
    make_private_dir(path.parent)
    tmp = path.with_name(f".{path.name}.partial")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    try:
        with os.fdopen(fd, "wb") as fh:
            os.fchmod(fh.fileno(), mode)
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
