"""A sample of the crash harness (tools/crash.py; ``make crash`` runs ≥100 kill points): five SIGKILLs."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, Packed


def load_crash() -> object:
    spec = importlib.util.spec_from_file_location("zc_crash", ROOT / "tools/crash.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    sys.modules["zc_crash"] = mod
    spec.loader.exec_module(mod)
    return mod


def test_five_kill_points_lose_nothing(demo_education: Packed, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    crash = load_crash()
    monkeypatch.setenv("ZC_REVIEW_HOME", str(tmp_path / "home"))  # the harness points it at each run's home
    setup = crash.Setup(tmp_path, demo_education.input_dir,  # type: ignore[attr-defined]
                        packed=(demo_education.keys, demo_education.package, demo_education.secrets_path))
    rep = crash.harness(setup, kills=5, runs=1, seed=4, calibrated=False)  # type: ignore[attr-defined]
    assert rep["failures"] == []
    assert rep["tried"] == rep["passed"] == 5


def test_torn_acknowledgement_line_is_ignored(tmp_path: Path) -> None:
    crash = load_crash()
    acks = tmp_path / "acks.txt"
    acks.write_text("0\n1\n2\n3")  # killed while writing "3\n"
    assert crash.read_acks(acks) == 3  # type: ignore[attr-defined]


def test_a_target_behind_the_resume_point_is_drawn_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The harness's own miss is never a failure (issue 12 §6): a kill drawn for the last action, when the
    previous kill already let that action finish, found nothing left to kill (``kill before action 496:
    done``). Driven with a fake child that acknowledges every action at the first kill."""
    crash = load_crash()

    class FakeSetup:
        actions = [{"action": "pledge"}] * 4

        def unlock_once(self) -> None:
            pass

        def new_run(self, name: str) -> dict[str, Path]:
            run = tmp_path / name
            run.mkdir()
            return {"run": run, "acks": run / "acks.txt"}

    calls: list[int | None] = []

    def fake_drive(setup: object, paths: dict[str, Path], target: int | None, fraction: float,
                   durations: object) -> tuple[str, str, int]:
        calls.append(target)
        if target is None or crash.read_acks(paths["acks"]) >= 4:  # type: ignore[attr-defined]
            return "done", "", 3
        paths["acks"].write_text("0\n1\n2\n3\n")  # the kill landed after the last action's acknowledgement
        return "killed", "", 3

    monkeypatch.setattr(crash, "drive", fake_drive)
    monkeypatch.setattr(crash, "pick_targets", lambda setup, rng, k: [(3, 0.9)] * k)
    monkeypatch.setattr(crash, "check_db", lambda db: [])
    monkeypatch.setattr(crash, "session_db", lambda paths: None)
    monkeypatch.setattr(crash, "finish_checks", lambda setup, paths, reference: [])
    rep = crash.harness(FakeSetup(), kills=2, runs=1, seed=1, calibrated=False)  # type: ignore[attr-defined]
    assert rep["failures"] == []
    assert rep["tried"] == rep["passed"] == 2  # the second kill went to a session of its own
