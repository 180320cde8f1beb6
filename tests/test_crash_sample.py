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
