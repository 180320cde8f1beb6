"""Whole sessions through the service: the demo script, forbidden actions, crash and resume, secrecy on disk."""

from __future__ import annotations

import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import EDUCATION_SCORES, ROOT, Packed, index_of, new_room
from zc_review.domain.ballot import Choice
from zc_review.domain.outcome import declared_numbers
from zc_review.domain.rules import Outcome
from zc_review.service.errors import ServiceError
from zc_review.service.script import ScriptRunner

EXPECTED = ROOT / "data/demo/expected-results.json"


def play(packed: Packed, tmp_path: Path, db: Path | None = None, upto: int | None = None) -> tuple[Any, ScriptRunner]:
    room = new_room(packed, db)
    runner = ScriptRunner(room, packed.secrets, tmp_path / "usb")
    runner.run(packed.script["actions"][:upto])
    return room, runner


def test_demo_script_reproduces_expected_results(demo: Packed, tmp_path: Path) -> None:
    room, runner = play(demo, tmp_path)
    declared = declared_numbers(room.defn, room.outcome())
    assert declared == json.loads(EXPECTED.read_text("utf-8"))
    assert runner.exported is not None and runner.exported[0].exists()
    # the demo exercises every rule: a run-off at the cap's edge, a cap overflow, failures below 2/3
    outcomes = [v["outcome"] for v in declared["applicants"].values()]
    assert outcomes.count("passed") == 19
    assert "exceeds_cap" in outcomes and "below_threshold" in outcomes
    assert any(v["runoff_agree"] for v in declared["applicants"].values())
    assert declared["final"] is True


def test_demo_runoff_hand_checked(demo: Packed, tmp_path: Path) -> None:
    room, _ = play(demo, tmp_path)
    out = room.outcome()
    g = out.groups["G-JZ"]
    assert g.cap == 4  # ⌊0.6 × 8⌋
    tied = [a for a, o in out.applicants.items() if o.runoff_agree]
    assert len(tied) == 2
    a, b = (out.applicants[x] for x in tied)
    assert a.score.composite == b.score.composite and a.tally.agree == b.tally.agree  # exact tie at the edge
    winner, loser = sorted((a, b), key=lambda o: -o.runoff_agree[0])
    assert winner.outcome is Outcome.PASSED and loser.outcome is Outcome.EXCEEDS_CAP
    # 16 attending: 11 agree needed (3·11 = 33 ≥ 32; 3·10 = 30 < 32)
    for o in out.applicants.values():
        assert o.base == 16
        if o.outcome is Outcome.BELOW_THRESHOLD:
            assert o.tally.agree <= 10


def test_education_composite_is_material_everywhere(demo_education: Packed, tmp_path: Path) -> None:
    room, runner = play(demo_education, tmp_path)
    out = room.outcome()
    assert set(out.applicants) == set(EDUCATION_SCORES)
    for a, o in out.applicants.items():
        assert o.score.defence is None
        material, composite = EDUCATION_SCORES[a]  # worked by hand in tests/conftest.py
        assert o.score.material == Decimal(material)
        assert o.score.composite == Decimal(composite) and str(o.score.composite) == composite
    assert runner.exported is not None


# -- forbidden actions give the same clear errors the TUI shows ---------------------------------------

def test_no_quorum_blocks_everything(demo: Packed, tmp_path: Path) -> None:
    room = new_room(demo)
    runner = ScriptRunner(room, demo.secrets, tmp_path)
    ids = [r.id for r in room.defn.reviewers]
    for r in ids[:11]:
        room.opening.mark_attendance(runner.recorder, r, True)
    for r in ids[11:]:
        room.opening.mark_attendance(runner.recorder, r, False)
    with pytest.raises(ServiceError) as err:
        room.opening.close_roll_call(runner.recorder)
    assert err.value.code == "no_quorum" and "12" in err.value.message
    with pytest.raises(ServiceError) as err:
        room.ballot.open_poll(runner.recorder)
    assert err.value.code == "roll_call_open"
    with pytest.raises(ServiceError):
        room.opening.sign_pledge(runner.actor("R01"))


def test_second_ballot_refused(room_at: Any) -> None:
    room, runner = room_at("ballot", 1)
    first = room.defn.reviewers[0].id
    actor = runner.actor(first)
    with pytest.raises(ServiceError) as err:
        room.ballot.cast_ballot(actor, {a.id: Choice.AGREE for a in room.defn.applicants})
    assert err.value.code == "already_voted"
    assert len(room.ballot.voters_done(1)) == 1


def test_recused_reviewer_cannot_score_see_or_vote(room_at: Any) -> None:
    room, runner = room_at("scores")
    r06 = runner.actor("R06")  # pre-declared conflict with A003
    for call in (lambda: room.scoring.dossier(r06, "A003"),
                 lambda: room.scoring.save_scores(r06, "A003", {}, submit=False)):
        with pytest.raises(ServiceError) as err:
            call()
        assert err.value.code == "recused"
    assert "A003" not in {a.id for a in room.scoring.applicants_for_reviewer("R06")}


def test_recused_absent_from_ballot(room_at: Any) -> None:
    room, runner = room_at("ballot")
    items = {a.id for a in room.ballot.ballot_items(runner.actor("R06"))}
    assert "A003" not in items and len(items) == len(room.defn.applicants) - 1
    with pytest.raises(ServiceError) as err:
        room.ballot.cast_ballot(runner.actor("R06"), {a.id: Choice.AGREE for a in room.defn.applicants})
    assert err.value.code == "ballot_foreign_applicant"


def test_score_validation_and_lock(room_at: Any) -> None:
    from decimal import Decimal

    room, runner = room_at("scores")
    act = runner.actor("R02")
    with pytest.raises(ServiceError) as err:
        room.scoring.save_scores(act, "A001", {"M1": Decimal("10.5")}, submit=False)
    assert err.value.code == "score_out_of_range"
    with pytest.raises(ServiceError) as err:
        room.scoring.save_scores(act, "A001", {"M1": Decimal("7.3")}, submit=False)
    assert err.value.code == "score_bad_step"
    with pytest.raises(ServiceError) as err:
        room.scoring.save_scores(act, "A001", {"M1": Decimal(8)}, submit=True)
    assert err.value.code == "score_missing"
    first = next(a for a in demo_actions(room, runner) if a["action"] == "scores" and a["reviewer"] == "R02")
    runner.perform(first)
    with pytest.raises(ServiceError) as err:
        runner.perform(first)
    assert err.value.code == "sheet_locked"


def demo_actions(room: Any, runner: ScriptRunner) -> list[dict[str, Any]]:
    return json.loads((ROOT / "data/demo/script.json").read_text("utf-8"))["actions"]


def test_scores_refused_before_rubric_in_force(demo: Packed, tmp_path: Path) -> None:
    room, runner = play(demo, tmp_path, upto=index_of(demo, "sign_rubric"))
    from decimal import Decimal

    with pytest.raises(ServiceError) as err:
        room.scoring.save_scores(runner.actor("R02"), "A001", {"M1": Decimal(8)}, submit=False)
    assert err.value.code == "rubric_not_in_force"


def test_wrong_role_refused(room_at: Any) -> None:
    room, runner = room_at("open_poll")
    with pytest.raises(ServiceError) as err:
        room.ballot.open_poll(runner.actor("R01"))  # the chair is not the recorder
    assert err.value.code == "not_permitted"
    with pytest.raises(ServiceError) as err:
        room.ballot.cast_ballot(runner.recorder, {})  # the recorder cannot vote
    assert err.value.code == "not_permitted"


def test_credential_lockout_after_ten(room_at: Any) -> None:
    """Issue 12 §3: three free misses, then waits (the clock is moved past each), the tenth locks; the
    chair and the supervisor together lift a reviewer's lock."""
    from datetime import timedelta

    room, runner = room_at("open_poll")
    for n in range(1, 10):
        with pytest.raises(ServiceError) as err:
            room.authenticate("R05", "AAAA-AAAA-AAAA-AAAA")
        assert err.value.code == ("credential_wrong" if n <= 3 else "credential_wrong_wait")
        room.clock.now += timedelta(minutes=10)
    with pytest.raises(ServiceError) as err:
        room.authenticate("R05", "AAAA-AAAA-AAAA-AAAA")
    assert err.value.code == "credential_locked"
    with pytest.raises(ServiceError):  # even the right secret is refused now
        room.authenticate("R05", demo_secret(runner, "R05"))
    room.lift_lock(runner.actor("R01"), runner.actor("S01"), "R05")
    assert room.authenticate("R05", demo_secret(runner, "R05")).person_id == "R05"


def demo_secret(runner: ScriptRunner, pid: str) -> str:
    return runner.secrets.persons[pid]


def test_chair_force_close_counts_missing_as_not_agreeing(room_at: Any) -> None:
    room, runner = room_at("ballot", 14)  # 14 of 16 have voted
    with pytest.raises(ServiceError) as err:
        room.ballot.close_poll(runner.recorder)
    assert err.value.code == "voters_missing"
    rnd = room.ballot.close_poll(runner.actor("R01"), force=True)
    assert rnd.forced and rnd.missing_voters == 2
    tallies = room.ballot.tally(1)
    assert all(t.cast <= 14 for t in tallies.values())
    assert all(o.base == 16 for o in room.outcome().applicants.values())


def test_no_tally_of_open_box(room_at: Any) -> None:
    room, _ = room_at("close_poll")
    with pytest.raises(ServiceError) as err:
        room.ballot.tally(1)
    assert err.value.code == "round_not_closed"
    assert room.record()["rounds"][0]["slips"] == []  # an open box is never exported


# -- crash and resume ---------------------------------------------------------------------------------

CRASH = """
import json, os, sys
sys.path.insert(0, {root!r})
from tests.conftest import _pack, new_room
from pathlib import Path
from zc_review.service.script import ScriptRunner, Secrets
from zc_review.service.payload import parse_payload
import pickle
packed = pickle.load(open({pickled!r}, "rb"))
room = new_room(packed, Path({db!r}))
runner = ScriptRunner(room, packed.secrets, Path({out!r}))
runner.run(packed.script["actions"][:{upto}])
os._exit(0)  # no clean shutdown: like pulling the plug after the last acknowledged action
"""


def test_resume_after_crash_mid_ballot(demo: Packed, tmp_path: Path) -> None:
    import pickle

    pickled = tmp_path / "packed.pickle"
    pickled.write_bytes(pickle.dumps(demo))
    db = tmp_path / "session.db"
    upto = index_of(demo, "ballot", 7)  # seven ballots cast, then the power goes
    code = CRASH.format(root=str(ROOT), pickled=str(pickled), db=str(db), out=str(tmp_path / "usb"), upto=upto)
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)
    room = new_room(demo, db)
    assert len(room.ballot.voters_done(1)) == 7
    runner = ScriptRunner(room, demo.secrets, tmp_path / "usb")
    with pytest.raises(ServiceError) as err:  # nobody can vote twice after the restart
        runner.perform(demo.script["actions"][index_of(demo, "ballot", 0)])
    assert err.value.code == "already_voted"
    runner.run(demo.script["actions"], start=upto)
    assert declared_numbers(room.defn, room.outcome()) == json.loads(EXPECTED.read_text("utf-8"))


# The ballot box's secrecy on disk (many trials, open poll and after close) is in tests/service/test_ballot_secrecy.py.
