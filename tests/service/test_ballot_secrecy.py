"""The secret ballot read from the files (issue 4 §1–2): many trials, during an open poll and after close.

Each trial copies a session database prepared up to the poll, casts ballots of distinguishable
content in a known random order, and reads every byte the application wrote (session.db, -wal, -shm,
anything else in the session folder) plus the record that goes into the bundle. The order is measured
as Spearman's rank correlation between cast order and on-disk order; docs/SECURITY.md quotes the figures
(run with ``-s`` to print them).
"""

from __future__ import annotations

import json
import random
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Packed, index_of, new_room, played_file
from zc_review.domain.ballot import Choice
from zc_review.service.errors import ServiceError
from zc_review.service.script import ScriptRunner

TRIALS = 20
VOTERS = 6  # the chair then closes early: fewer casts per trial keeps the test fast
COHORT = {Choice.AGREE.value: 0, Choice.ABSTAIN.value: 1, Choice.DISAGREE.value: 2}


def ranks(xs: list[float]) -> list[float]:
    order = sorted(range(len(xs)), key=lambda i: xs[i])
    out = [0.0] * len(xs)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and xs[order[j + 1]] == xs[order[i]]:
            j += 1
        for k in range(i, j + 1):
            out[order[k]] = (i + j) / 2
        i = j + 1
    return out


def spearman(a: list[float], b: list[float]) -> float:
    """Spearman's rho with average ranks for ties (Pearson correlation of the ranks)."""
    ra, rb = ranks(a), ranks(b)
    n = len(a)
    ma, mb = sum(ra) / n, sum(rb) / n
    cov = sum((x - ma) * (y - mb) for x, y in zip(ra, rb, strict=True))
    va = sum((x - ma) ** 2 for x in ra) ** 0.5
    vb = sum((y - mb) ** 2 for y in rb) ** 0.5
    return cov / (va * vb) if va and vb else 0.0


def test_spearman_sees_order() -> None:  # the measure can fail: a preserved order gives ±1
    assert spearman([1, 2, 3, 4], [10, 20, 30, 40]) == pytest.approx(1)
    assert spearman([0, 0, 1, 1, 2, 2], [6, 5, 4, 3, 2, 1]) < -0.9


@pytest.fixture(scope="module")
def poll_template(demo: Packed, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A session database played up to the opening of the poll (scrubbed, WAL empty)."""
    return played_file(demo, index_of(demo, "open_poll"), tmp_path_factory.mktemp("template") / "session.db")


def disk_bytes(folder: Path) -> bytes:
    """Every byte of every file in the session folder (database, WAL, shared memory, anything else)."""
    return b"".join(p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file())


def slip_rows(room: Any) -> list[tuple[str, str]]:
    with room.engine.connect() as c:
        return [(r[0], r[1]) for r in c.exec_driver_sql("SELECT id, choice FROM ballotslip")]


def one_trial(demo: Packed, template: Path, folder: Path, seed: int) -> dict[str, float]:
    rng = random.Random(seed)
    folder.mkdir()
    shutil.copy(template, folder / "session.db")
    room = new_room(demo, folder / "session.db")
    runner = ScriptRunner(room, demo.secrets, folder / "usb")
    room.ballot.open_poll(runner.recorder)
    assert room.ballot.zero_report(1) is None  # an official session prints no rehearsal zero report
    voters = rng.sample(room.attending_ids(), VOTERS)
    cast_index: dict[str, int] = {}
    for k, rid in enumerate(voters):
        choice = list(COHORT)[min(2, k * 3 // VOTERS)]  # first third agree, then abstain, then disagree
        actor = runner.actor(rid)
        before = {i for i, _ in slip_rows(room)}
        room.ballot.cast_ballot(actor, {a.id: Choice(choice) for a in room.ballot.ballot_items(actor)})
        new = {i for i, _ in slip_rows(room)} - before
        cast_index.update(dict.fromkeys(new, k))
        wal = folder / "session.db-wal"
        assert not wal.exists() or wal.stat().st_size == 0  # nothing left in write order after a cast
        rows = slip_rows(room)
        assert all(c.startswith("sealed:") for _, c in rows)  # no choice readable during the poll
        assert len({len(c) for _, c in rows}) == 1  # and every sealed choice has the same length

    # -- a copy of the disk taken while the poll is still open -----------------------------------------
    blob = disk_bytes(folder)
    ids = list(cast_index)
    offsets = [blob.find(i.encode()) for i in ids]
    assert all(o >= 0 for o in offsets)
    rho_open = spearman([cast_index[i] for i in ids], offsets)
    with pytest.raises(ServiceError):
        room.ballot.tally(1)  # no count of an open box, through any door
    assert room.record()["rounds"][0]["slips"] == []
    assert room.outcome().main_round is None

    room.ballot.close_poll(runner.actor(room.presiding_officer_id()), force=True)
    # the real service's count, for ballots cast in this trial's random order, is the count of the content
    agree_voters = voters[:len([k for k in range(VOTERS) if k * 3 // VOTERS == 0])]
    for a, tally in room.ballot.tally(1).items():
        assert tally.agree == sum(1 for r in agree_voters if not room.is_recused(r, a))

    # -- after close -------------------------------------------------------------------------------------
    blob = disk_bytes(folder)
    assert not any(i.encode() in blob for i in ids)  # ids seen during the poll are gone (re-keyed box)
    final = slip_rows(room)
    assert len(final) == len(ids) and all(c in COHORT for _, c in final)
    offsets = [blob.find(i.encode()) for i, _ in final]
    assert all(o >= 0 for o in offsets)
    rho_closed = spearman([COHORT[c] for _, c in final], offsets)
    for off in offsets:  # no reviewer id within reach of a slip
        window = blob[max(0, off - 64): off + 96]
        assert not any(r.id.encode() in window for r in room.defn.reviewers)
    rec = room.record(with_log=True)
    slips = rec["rounds"][0]["slips"]
    rho_record = spearman([COHORT[s[2]] for s in slips], list(range(len(slips))))
    log_text = json.dumps(rec["log"], ensure_ascii=False)
    assert not any(i in log_text for i, _ in final) and not any(i in log_text for i in ids)
    for e in rec["log"]:
        if e["action"] == "ballot_cast":
            assert e["detail"] == {"round": 1}  # who and when (public in the room), never what or how many
    assert all(f.name.startswith("session.db") for f in folder.iterdir() if f.is_file())
    with sqlite3.connect(folder / "session.db") as c:
        assert c.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    room.engine.dispose()
    return {"open": rho_open, "closed": rho_closed, "record": rho_record}


def test_disk_order_is_not_cast_order_over_many_trials(demo: Packed, poll_template: Path, tmp_path: Path) -> None:
    results = [one_trial(demo, poll_template, tmp_path / f"t{n}", seed=n) for n in range(TRIALS)]
    summary = {}
    for key in ("open", "closed", "record"):
        vals = [abs(r[key]) for r in results]
        summary[key] = (sum(vals) / len(vals), max(vals))
    print("\nrank correlation |rho| cast order vs disk order, mean/max over", TRIALS, "trials:",
          {k: (round(m, 3), round(x, 3)) for k, (m, x) in summary.items()})
    for key, (mean, worst) in summary.items():
        assert mean < 0.1, (key, mean)
        assert worst < 0.3, (key, worst)


def test_engine_writes_no_temporary_files(demo: Packed, poll_template: Path) -> None:
    room = new_room(demo, poll_template)
    with room.engine.connect() as c:
        assert c.exec_driver_sql("PRAGMA temp_store").scalar() == 2  # MEMORY: VACUUM never spills to /tmp
        assert c.exec_driver_sql("PRAGMA secure_delete").scalar() == 1
    room.engine.dispose()


def test_crash_leftover_wal_is_scrubbed_on_open(demo: Packed, poll_template: Path, tmp_path: Path) -> None:
    """A WAL left by a crash right after a cast (before its scrub) is gone once the room reopens."""
    shutil.copy(poll_template, tmp_path / "session.db")
    room = new_room(demo, tmp_path / "session.db")
    runner = ScriptRunner(room, demo.secrets, tmp_path / "usb")
    room.ballot.open_poll(runner.recorder)
    with room.engine.connect() as c:  # a committed write sitting in the WAL, as after a kill
        c.exec_driver_sql("PRAGMA wal_autocheckpoint=0")
        c.exec_driver_sql("UPDATE sessionstate SET package_id = package_id")
        c.commit()
    assert (tmp_path / "session.db-wal").stat().st_size > 0
    room.engine.dispose()
    again = new_room(demo, tmp_path / "session.db")
    wal = tmp_path / "session.db-wal"
    assert not wal.exists() or wal.stat().st_size == 0
    again.engine.dispose()


def test_sealed_slip_cannot_be_moved_or_altered() -> None:
    from zc_review.seal.ballotbox import box_key, open_choice, seal_choice
    from zc_review.seal.errors import SealError

    key = box_key(b"device key bytes")
    sealed = seal_choice(key, "ab" * 16, 1, "A001", "agree")
    assert open_choice(key, "ab" * 16, 1, "A001", sealed) == "agree"
    for args in (("cd" * 16, 1, "A001"), ("ab" * 16, 2, "A001"), ("ab" * 16, 1, "A002")):
        with pytest.raises(SealError):
            open_choice(key, *args, sealed)
    with pytest.raises(SealError):
        open_choice(box_key(b"other"), "ab" * 16, 1, "A001", sealed)
