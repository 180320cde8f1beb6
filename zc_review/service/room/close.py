"""Nothing left behind: after a verified export, the chair and the supervisor wipe the session's working files.

Source: issue 3 §10. The session database (and its WAL/SHM) is the only thing the room writes to the laptop;
dossiers and attachments never touch the disk. ``close_session`` re-reads the exported bundle, checks it is
the one recorded at export (same SHA-256, a valid device signature, this session), logs the wipe, then
overwrites every file of the working folder and unlinks it, leaving only the bundle.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from zc_review.domain.model import StaffRole
from zc_review.service import journal
from zc_review.service.errors import ServiceError
from zc_review.service.room.closing import Closing
from zc_review.service.room.context import Actor, RoomContext

_CHUNK = 1 << 20


@dataclass(frozen=True)
class CloseResult:
    """What ``close_session`` did: the files wiped and the bundle that remains (path, fingerprint)."""

    session_id: str
    wiped: list[str]
    bundle: Path
    fingerprint: str


def wipe_file(path: Path) -> None:
    """Overwrite a regular file with random bytes, fsync, then unlink it (a link is only unlinked).

    On SSDs and journaling or copy-on-write file systems an overwrite may not reach the old blocks;
    docs/SECURITY.md says so. The overwrite still defeats reading the file back from the file system.
    """
    if path.is_symlink() or not path.is_file():
        path.unlink(missing_ok=True)
        return
    fd = os.open(path, os.O_WRONLY | os.O_NOFOLLOW)
    try:
        left = os.fstat(fd).st_size
        while left > 0:
            n = min(left, _CHUNK)
            os.write(fd, os.urandom(n))
            left -= n
        os.fsync(fd)
    finally:
        os.close(fd)
    path.unlink()


class Close:
    """The end of the room: wiping the working folder once the bundle is safe."""

    def __init__(self, ctx: RoomContext, closing: Closing) -> None:
        self.ctx = ctx
        self.closing = closing

    def close_session(self, chair: Actor, supervisor: Actor, *, bundle: Path | None = None) -> CloseResult:
        """Wipe this session's working files, leaving only the exported bundle. Chair and supervisor together.

        Args:
            chair, supervisor: the committee's chair and the discipline supervisor, authenticated.
            bundle: where the bundle is now (default: the path recorded at export).
        Returns: CloseResult. The service must not be used afterwards (its database is gone).
        Raises: ServiceError("close_needs_chair_and_supervisor"); ("close_not_exported") before a
            successful export; ("close_bundle_unverified") when the bundle cannot be read back or is not
            the one exported; ("close_no_workdir") for a session without files (in memory).
        """
        from zc_review.seal.bundle import bundle_fingerprint, verify_bundle_signature
        from zc_review.seal.errors import SealError

        self.ctx.check_actor(chair)
        self.ctx.check_actor(supervisor)
        if (chair.person_id != self.ctx.defn.chair.id
                or supervisor.person_id != self.ctx.defn.staff_with_role(StaffRole.SUPERVISOR).id):
            raise ServiceError("close_needs_chair_and_supervisor")
        exported = self.closing.last_export()
        if exported is None:
            raise ServiceError("close_not_exported")
        path, fp = bundle or exported[0], exported[1]
        try:
            data = path.read_bytes()
            manifest, _ = verify_bundle_signature(data, [self.ctx.root_cert])
            if (bundle_fingerprint(data) != fp or manifest["session_id"] != self.ctx.defn.session_id
                    or manifest["package_id"] != self.ctx.package_id):
                raise SealError("not the exported bundle")
        except (OSError, SealError) as exc:
            raise ServiceError("close_bundle_unverified", path=str(path)) from exc
        if self.ctx.workdir is None:
            raise ServiceError("close_no_workdir")
        workdir = self.ctx.workdir
        with self.ctx.tx() as s:  # the last entry of the session's own log, then the laptop's journal
            self.ctx.log(s, chair.person_id, "chair", "session_wiped",
                      {"witness": supervisor.person_id, "bundle_fingerprint": fp})
        journal.append(workdir.parent.parent, "session_wiped", session_id=self.ctx.defn.session_id,
                       bundle_sha256=hashlib.sha256(data).hexdigest(), chair=chair.person_id,
                       supervisor=supervisor.person_id)
        self.ctx.engine.dispose()  # close every connection before the files go
        wiped: list[str] = []
        for _ in range(3):  # a file appearing meanwhile (another reader's -shm) is wiped on the next pass
            for p in sorted(workdir.rglob("*"), key=lambda x: len(x.parts), reverse=True):
                if p.is_dir() and not p.is_symlink():
                    p.rmdir()
                else:
                    wipe_file(p)
                    wiped.append(p.name)
            if not any(workdir.iterdir()):
                break
        workdir.rmdir()
        return CloseResult(self.ctx.defn.session_id, wiped, path, fp)
