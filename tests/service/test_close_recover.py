"""Nothing left behind (``zc-review close``), the office's recovery of a lost opening secret, and the laptop's
journal of failed unlocks copied into the session's log."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Packed, index_of, room_from_db
from zc_review.service.errors import ServiceError


def finish_and_export(demo: Packed, room: Any, runner: Any) -> tuple[Path, str]:
    runner.run([a for a in demo.script["actions"][index_of(demo, "sign_minutes"):] if a["action"] != "export"])
    return room.closing.export_bundle(runner.recorder, runner.out_dir)  # type: ignore[no-any-return]


def test_close_refused_before_export_and_without_both(demo: Packed, minutes_ready_db: Path, tmp_path: Path) -> None:
    room, runner = room_from_db(demo, minutes_ready_db, tmp_path)
    chair, supervisor = runner.actor("R01"), runner.actor("S01")
    with pytest.raises(ServiceError) as err:
        room.close.close_session(chair, supervisor)
    assert err.value.code == "close_not_exported"
    for a, b in ((runner.actor("R03"), supervisor), (chair, runner.recorder), (supervisor, chair)):
        with pytest.raises(ServiceError) as err:
            room.close.close_session(a, b)
        assert err.value.code == "close_needs_chair_and_supervisor"
    assert (room.workdir / "session.db").exists()


def test_close_wipes_working_files_after_verified_export(demo: Packed, minutes_ready_db: Path, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    from zc_review.service import journal
    from zc_review.service.office import verify_bundle
    from zc_review.service.room import close as close_mod

    room, runner = room_from_db(demo, minutes_ready_db, tmp_path)
    bundle, fp = finish_and_export(demo, room, runner)
    workdir = room.workdir
    db = workdir / "session.db"
    assert db.exists()
    chair, supervisor = runner.actor("R01"), runner.actor("S01")

    altered = tmp_path / "altered.zcb"  # a bundle that is not the exported one: no wipe
    data = bytearray(bundle.read_bytes())
    data[-100] ^= 1
    altered.write_bytes(bytes(data))
    for where in (altered, tmp_path / "missing.zcb"):
        with pytest.raises(ServiceError) as err:
            room.close.close_session(chair, supervisor, bundle=where)
        assert err.value.code == "close_bundle_unverified"
    assert db.exists()

    seen: list[str] = []
    real_wipe, real_append = close_mod.wipe_file, journal.append

    def spy_append(home: Path, event: str, **fields: Any) -> None:
        seen.append("log:" + room.record(with_log=True)["log"][-1]["action"])  # the session's own log, still there
        real_append(home, event, **fields)
        seen.append("journal:" + event)

    def spy(path: Path) -> None:
        real_wipe(path)
        seen.append("wiped:" + path.name)

    monkeypatch.setattr(journal, "append", spy_append)
    monkeypatch.setattr(close_mod, "wipe_file", spy)
    res = room.close.close_session(chair, supervisor)
    assert seen[:3] == ["log:session_wiped", "journal:session_wiped", "wiped:session.db"] or \
        seen[:2] == ["log:session_wiped", "journal:session_wiped"] and "wiped:session.db" in seen
    assert "session.db" in res.wiped and not workdir.exists()
    assert res.bundle == bundle and res.fingerprint == fp
    assert verify_bundle(bundle, demo.keys).ok  # only the bundle remains, and it is whole
    wiped = [e for e in journal.entries(tmp_path) if e["event"] == "session_wiped"]
    assert wiped and wiped[-1]["session_id"] == "QC-GC-ZJ-2025" and wiped[-1]["chair"] == "R01"


def test_wipe_file_overwrites_before_unlink(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    from zc_review.service.room.close import wipe_file

    path = tmp_path / "session.db"
    secret = b"A001 92.50 agree " * 1000
    path.write_bytes(secret)
    written: list[bytes] = []
    real_write = os.write

    def spy(fd: int, data: bytes) -> int:
        written.append(bytes(data))
        return real_write(fd, data)

    monkeypatch.setattr(os, "write", spy)
    wipe_file(path)
    assert not path.exists() and sum(map(len, written)) == len(secret) and secret[:64] not in b"".join(written)


def test_cli_close_leaves_only_the_bundle(demo: Packed, minutes_ready_db: Path, tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from zc_review.cli import main
    from zc_review.service.office import trust_add

    home = tmp_path / "home"
    monkeypatch.setenv("ZC_REVIEW_HOME", str(home))
    trust_add(demo.keys / "root-cert.pem", home)
    room, runner = room_from_db(demo, minutes_ready_db, home)
    bundle, fp = finish_and_export(demo, room, runner)
    room.engine.dispose()
    assert main(["close", str(demo.package), "--secrets", str(demo.secrets_path)]) == 0
    out = capsys.readouterr().out
    assert "已清除会议 QC-GC-ZJ-2025 的工作文件" in out and fp in out
    assert not (home / "sessions" / "QC-GC-ZJ-2025").exists() and bundle.exists()
    assert sorted(p.name for p in home.iterdir()) == ["journal.jsonl", "sessions", "trust", "usb"]
    assert list((home / "usb").iterdir()) == [bundle]  # (the USB stick, here inside home)
    assert list((home / "sessions").iterdir()) == []


def test_office_recover_reissues_with_new_opening_secrets(demo: Packed, tmp_path: Path) -> None:
    """A lost opening secret: the office re-issues; the new pair opens, the old letters and one person do not.
    The failed attempt is journaled on the laptop (never the secret) and copied into the session's log."""
    from pypdf import PdfReader

    from zc_review.cli import main
    from zc_review.service import RoomService, journal
    from zc_review.service.office import trust_add

    new, secrets_out = tmp_path / "new.zcp", tmp_path / "new-secrets.json"
    keys = tmp_path / "keys"  # a copy of the office (with its register): recovering supersedes the shared demo package
    shutil.copytree(demo.keys, keys)
    assert main(["office", "recover", str(demo.package), "--keys", str(keys), "--out", str(new),
                 "--secrets-out", str(secrets_out)]) == 0
    opening = json.loads(secrets_out.read_text("utf-8"))["opening"]
    new_id = json.loads(secrets_out.read_text("utf-8"))["package_id"]
    letters = PdfReader(str(tmp_path / "new-opening-letters.pdf"))
    text = "".join(p.extract_text() for p in letters.pages)
    assert len(letters.pages) == 2 and opening["chair"] in text and opening["supervisor"] in text
    assert demo.secrets.persons["R01"] not in text  # personal credentials are not re-printed

    home = tmp_path / "home"
    trust_add(demo.keys / "root-cert.pem", home)
    with pytest.raises(ServiceError) as err:  # the new chair secret with the old supervisor's: refused
        RoomService.open(new, opening["chair"], demo.secrets.supervisor_opening, home=home, in_memory=True)
    assert err.value.code == "opening_secret_wrong_supervisor"
    pending = journal.pending_unlock_failures(home)
    assert len(pending) == 1 and "supervisor" in pending[0]["diagnostics"]
    raw = journal.journal_path(home).read_text("utf-8")
    assert opening["chair"] not in raw and demo.secrets.supervisor_opening not in raw

    room = RoomService.open(new, opening["chair"], opening["supervisor"], home=home, in_memory=True)
    # a new package (issue 12 §1: new id and device key; the old one is superseded in the register)
    assert room.package_id == new_id != demo.package_id and room.defn.session_id == "QC-GC-ZJ-2025"
    logged = [e for e in room.record(with_log=True)["log"] if e["action"] == "unlock_failed_earlier"]
    assert len(logged) == 1 and "supervisor" in logged[0]["detail"]["diagnostics"]
    assert journal.pending_unlock_failures(home) == []


def test_recover_refuses_a_foreign_package(demo: Packed, tmp_path: Path) -> None:
    from zc_review.service.office import keygen, recover

    other = tmp_path / "other"
    keygen(other, "别的单位")
    with pytest.raises(ServiceError) as err:
        recover(demo.package, other, tmp_path / "x.zcp")
    assert err.value.code == "recover_failed" and not (tmp_path / "x.zcp").exists()
