"""Rounds (issue 4 §4): a main vote voided by the chair and the supervisor, its re-vote, the run-off; every
round in the minutes, the record and the bundle; the office re-counts each, voided ones included."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT, Packed, index_of, played
from zc_review.domain.outcome import declared_numbers
from zc_review.service.errors import ServiceError

REASON = "计票前发现第 3 号评委的选票读卡异常，经主任委员和纪检监察人员确认作废重投"


@pytest.fixture(scope="module")
def voided(demo: Packed, tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, Path, dict[str, str]]:
    """The demo with its main vote voided and held again: (room, bundle, refusals met on the way)."""
    out = tmp_path_factory.mktemp("usb")
    acts = demo.script["actions"]
    after_main = index_of(demo, "open_runoff")
    room, runner = played(demo, after_main, out)  # a copy of the record played once per process
    refusals = {}
    for name, call in (("no supervisor", lambda: room.ballot.void_round(runner.actor("R01"), runner.actor("R02"), 1, REASON)),
                       ("no reason", lambda: room.ballot.void_round(runner.actor("R01"), runner.actor("S01"), 1, "  ")),
                       ("no such round", lambda: room.ballot.void_round(runner.actor("R01"), runner.actor("S01"), 7, REASON))):
        try:
            call()
        except ServiceError as exc:
            refusals[name] = exc.code
    assert [r.status for r in room.ballot.rounds()] == ["closed"]
    room.ballot.void_round(runner.actor("R01"), runner.actor("S01"), 1, REASON)
    main_ballots = [a for a in acts[:after_main] if a["action"] == "ballot"]
    runner.run(main_ballots + [{"action": "close_poll"}])  # the re-vote: round 2, same ballots
    runner.run(acts[after_main:])
    assert runner.exported is not None
    return room, runner.exported[0], refusals


def test_void_needs_both_and_a_reason(voided: tuple[Any, Path, dict[str, str]]) -> None:
    assert voided[2] == {"no supervisor": "not_permitted", "no reason": "reason_required",
                         "no such round": "round_not_closed"}


def test_revote_gives_the_same_results_in_round_two(voided: tuple[Any, Path, dict[str, str]]) -> None:
    room = voided[0]
    expected = json.loads((ROOT / "data/demo/expected-results.json").read_text("utf-8"))
    declared = declared_numbers(room.defn, room.outcome())
    assert declared["main_round"] == 2
    assert {**declared, "main_round": expected["main_round"]} == expected
    assert [(r.round_no, r.kind, r.status) for r in room.ballot.rounds()] == [
        (1, "main", "void"), (2, "revote", "closed"), (3, "runoff", "closed")]


def test_every_round_in_record_and_minutes(voided: tuple[Any, Path, dict[str, str]]) -> None:
    from zc_review.service.room.minutes_view import build_minutes_view

    room = voided[0]
    rounds = room.record()["rounds"]
    assert [r["status"] for r in rounds] == ["void", "closed", "closed"]
    assert rounds[0]["void_reason"] == REASON and rounds[0]["slips"] and rounds[0]["box_sha256"]
    view = build_minutes_view(room.closing, room.outcome())
    assert [b.number for b in view.ballot_rounds] == ["1", "2", "3"]
    assert REASON in view.ballot_rounds[0].note
    assert view.ballot_box_fingerprint.count("第") == 3  # the voided box's fingerprint is printed too


def test_office_recounts_every_round(voided: tuple[Any, Path, dict[str, str]], demo: Packed) -> None:
    from zc_review.service.office import verify_bundle

    rep = verify_bundle(voided[1], demo.keys)
    assert rep.ok, rep.failures()
    assert [r["status"] for r in rep.record["rounds"]] == ["void", "closed", "closed"]


def forge(room: Any, tmp_path: Path, change: Any) -> Path:
    from zc_review.domain.codec import canonical_json
    from zc_review.seal.bundle import write_bundle

    members = room.closing.bundle_members()
    record = json.loads(members["results.json"])
    log = json.loads(members["log.json"])
    change(record, log)
    members["results.json"] = canonical_json(record)
    members["log.json"] = canonical_json(log)
    path = tmp_path / "forged.zcb"
    path.write_bytes(write_bundle(members, session_id=room.defn.session_id, package_id=room.package_id,
                                  device_key=room.ctx.device_key, device_cert=room.ctx.device_cert,
                                  office_recipient=room.payload.office_recipient, now=room.clock()))
    return path


def _drop_void_slip(record: dict[str, Any], log: list[Any]) -> None:
    record["rounds"][0]["slips"].pop()


def _extra_voter(record: dict[str, Any], log: list[Any]) -> None:
    absent = next(r for r, v in record["attendance"].items() if not v)
    record["rounds"][0]["voters"].append(absent)


def _no_reason(record: dict[str, Any], log: list[Any]) -> None:
    record["rounds"][0]["void_reason"] = ""


def _renumbered(record: dict[str, Any], log: list[Any]) -> None:
    record["rounds"][2]["round_no"] = 5


@pytest.mark.parametrize("change", [_drop_void_slip, _extra_voter, _no_reason, _renumbered])
def test_office_refuses_a_forged_void_round(voided: tuple[Any, Path, dict[str, str]], demo: Packed, tmp_path: Path, change: Any) -> None:
    from zc_review.service.office import verify_bundle

    rep = verify_bundle(forge(voided[0], tmp_path, change), demo.keys)
    assert not rep.ok
    assert any("票箱" in name and not ok for name, ok, _ in rep.lines), rep.failures()


# -- safe to remove (issue 4 §6): a failed export says so, loses nothing, leaves no bundle-like file ----------

def _no_bundle_like_files(folder: Path) -> None:
    if folder.is_dir():
        assert [p.name for p in folder.iterdir()] == []


def _retry_works(room: Any, demo: Packed, out: Path) -> None:
    from zc_review.service.office import verify_bundle

    path, fp = room.closing.export_bundle(room_recorder(room, demo), out)
    assert verify_bundle(path, demo.keys).ok
    assert [p.name for p in out.iterdir()] == [path.name]
    assert room.closing.last_export() == (path, fp)


def room_recorder(room: Any, demo: Packed) -> Any:
    return room.authenticate("S02", demo.secrets.persons["S02"])


@pytest.mark.parametrize("failure", ["enospc", "enotdir", "vanished", "readback"])
def test_failed_export_is_clear_clean_and_retryable(voided: tuple[Any, Path, dict[str, str]], demo: Packed,
                                                     tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                     failure: str) -> None:
    import errno
    import os

    room = voided[0]
    before = room.closing.last_export()
    out = tmp_path / "usb"
    out.mkdir()
    (out / f".{room.defn.session_id}-result.zcb.partial").write_bytes(b"half a bundle from a pulled stick")
    target = out
    if failure == "enospc":
        def full(fd: int) -> None:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        monkeypatch.setattr(os, "fsync", full)
    elif failure == "enotdir":
        (tmp_path / "afile").write_bytes(b"")
        target = tmp_path / "afile" / "usb"
    elif failure == "vanished":
        def gone(src: Any, dst: Any) -> None:
            raise FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT))
        monkeypatch.setattr(os, "replace", gone)
    else:
        real = Path.read_bytes
        monkeypatch.setattr(Path, "read_bytes",
                            lambda p: real(p)[:-1] if p.name.endswith(".partial") else real(p))
    with pytest.raises(ServiceError) as err:
        room.closing.export_bundle(room_recorder(room, demo), target)
    assert err.value.code == "export_failed" and "重试" in err.value.message
    _no_bundle_like_files(out if failure != "enotdir" else tmp_path / "afile")
    assert room.closing.last_export() == before  # nothing recorded as exported
    monkeypatch.undo()
    _retry_works(room, demo, out)
