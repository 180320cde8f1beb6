"""Every file the program creates is 0600 and every folder 0700, whatever the umask (issue 12 §5).

Under a umask of 0o022 (which leaves files 0644 and folders 0755 by default) the office makes its keys,
packs, a laptop trusts the root, opens the package from disk, plays the demo through to the export, the
office imports the bundle; then every file and folder under the test's
folder is read back with ``stat``: session.db and its -wal/-shm, the zero reports, the bundle, the letters,
the package, the keys, the register, the journal, the archive and its -wal/-shm. The other PDFs (zero
reports, the leader's sheet, the demo's minutes) and the results JSON go through ``write_atomic``, tested
below on its own.
"""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ROOT, Clock


@pytest.fixture
def umask_022() -> Iterator[None]:
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


def _modes(root: Path) -> tuple[dict[str, int], dict[str, int]]:
    files, folders = {}, {}
    for dirpath, dirnames, filenames in os.walk(root):
        for d in dirnames:
            folders[str(Path(dirpath, d).relative_to(root))] = stat.S_IMODE(os.lstat(Path(dirpath, d)).st_mode)
        for f in filenames:
            files[str(Path(dirpath, f).relative_to(root))] = stat.S_IMODE(os.lstat(Path(dirpath, f)).st_mode)
    return files, folders


def test_everything_created_is_private_under_umask_022(umask_022: None, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    from zc_review.service import RoomService, paths
    from zc_review.service.errors import ServiceError
    from zc_review.service.office import import_bundle, keygen, pack, trust_add
    from zc_review.service.script import ScriptRunner, Secrets

    probe = tmp_path / "probe"
    probe.write_bytes(b"")
    assert stat.S_IMODE(probe.stat().st_mode) == 0o644  # the umask is in force for ordinary files
    probe.unlink()

    keys = tmp_path / "office" / "keys"  # neither folder exists yet
    keygen(keys, "青川市人力资源和社会保障局")
    out = tmp_path / "out" / "packages"
    pack(ROOT / "data/demo", out / "demo.zcp", keys, secrets_out=out / "demo-secrets.json", fast_kdf=True)
    home = tmp_path / "laptop"
    monkeypatch.setenv("ZC_REVIEW_HOME", str(home))
    trust_add(keys / "root-cert.pem", home)
    secrets = Secrets.load(out / "demo-secrets.json")
    with pytest.raises(ServiceError):  # a failed unlock goes to the laptop's journal
        RoomService.open(out / "demo.zcp", secrets.supervisor_opening, secrets.chair_opening, home=home)
    room = RoomService.open(out / "demo.zcp", secrets.chair_opening, secrets.supervisor_opening, home=home,
                            clock=Clock())
    script = json.loads((ROOT / "data/demo/script.json").read_text("utf-8"))
    runner = ScriptRunner(room, secrets, home / "usb" / "stick")
    runner.run(script["actions"])
    assert runner.exported is not None
    db = paths.session_dir("QC-GC-ZJ-2025", home) / "session.db"
    assert db.exists() and Path(f"{db}-wal").exists() and Path(f"{db}-shm").exists()
    files, folders = _modes(tmp_path)  # while the room's database is open: -wal and -shm are there
    room.engine.dispose()
    archive = paths.office_archive_url(tmp_path / "office-home")
    import_bundle(runner.exported[0], keys, archive)
    later_files, later_folders = _modes(tmp_path)
    files |= later_files
    folders |= later_folders

    expected = {"office/keys/root-key.pem", "office/keys/root-cert.pem", "office/keys/office-age-identity.txt",
                "office/keys/office-age-recipient.txt", "office/keys/issued-packages.json",
                "out/packages/demo.zcp", "out/packages/demo-credentials.pdf", "out/packages/demo-secrets.json",
                "laptop/journal.jsonl", "laptop/sessions/QC-GC-ZJ-2025/session.db",
                "laptop/sessions/QC-GC-ZJ-2025/session.db-wal", "laptop/sessions/QC-GC-ZJ-2025/session.db-shm",
                "laptop/usb/stick/QC-GC-ZJ-2025-result.zcb",
                "office-home/office/archive.db"}
    assert expected <= set(files), sorted(expected - set(files))
    assert any(name.startswith("laptop/trust/") for name in files)
    assert {f: oct(m) for f, m in files.items() if m != 0o600} == {}
    assert {d: oct(m) for d, m in folders.items() if m != 0o700} == {}
    assert {"office", "office/keys", "out", "out/packages", "laptop", "laptop/trust", "laptop/sessions",
            "laptop/usb", "laptop/usb/stick", "office-home/office"} <= set(folders)


def test_write_atomic_and_private_dirs_ignore_the_umask(umask_022: None, tmp_path: Path) -> None:
    from zc_review.service.atomic import make_private_dir, write_atomic

    write_atomic(tmp_path / "a" / "b" / "c.pdf", b"%PDF-")
    assert stat.S_IMODE((tmp_path / "a" / "b" / "c.pdf").stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "a").stat().st_mode) == stat.S_IMODE((tmp_path / "a" / "b").stat().st_mode) == 0o700
    existing = tmp_path / "stick"
    existing.mkdir(mode=0o755)
    make_private_dir(existing / "new")
    assert stat.S_IMODE(existing.stat().st_mode) == 0o755  # a folder it did not create is left as it is
    assert stat.S_IMODE((existing / "new").stat().st_mode) == 0o700
