"""``run-script`` resumes by itself (issue 12 §6): a second run with the same package and script continues
from the first action not yet done, says where, and the results are those of an uninterrupted run."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Packed


def test_second_run_script_continues_where_the_first_stopped(demo_education: Packed, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    from zc_review.cli import main
    from zc_review.service.office import trust_add
    from zc_review.service.script import ScriptRunner
    from zc_review.service.script import steps as steps_mod

    home = tmp_path / "home"
    monkeypatch.setenv("ZC_REVIEW_HOME", str(home))
    trust_add(demo_education.keys / "root-cert.pem", home)
    script = demo_education.input_dir / "script.json"
    actions = json.loads(script.read_text("utf-8"))["actions"]
    stop = next(i for i, a in enumerate(actions) if a["action"] == "open_poll")
    args = ["run-script", str(demo_education.package), str(script), "--secrets", str(demo_education.secrets_path),
            "--out", str(tmp_path / "usb"), "--results-json", str(tmp_path / "results.json")]

    performed: list[int] = []
    original = ScriptRunner.run

    def interrupted(_runner: Any, _act: Any) -> None:
        raise KeyboardInterrupt  # the power goes just as the poll would open

    def cut(self: ScriptRunner, acts: Any, **kw: Any) -> int:
        cls = type(self._typed(acts[stop]))
        monkeypatch.setitem(steps_mod.STEPS, cls, steps_mod.Step(interrupted, steps_mod.STEPS[cls].done))
        return original(self, acts, progress=lambda i, a: performed.append(i), **kw)

    monkeypatch.setattr(ScriptRunner, "run", cut)
    assert main(args) == 130  # interrupted
    assert performed == list(range(stop))
    monkeypatch.undo()
    monkeypatch.setenv("ZC_REVIEW_HOME", str(home))
    capsys.readouterr()

    resumed: list[int] = []
    original_run = ScriptRunner.run
    monkeypatch.setattr(ScriptRunner, "run", lambda self, acts, **kw: original_run(
        self, acts, progress=lambda i, a: resumed.append(i), **kw))
    assert main(args) == 0
    out = capsys.readouterr().out
    assert f"从第 {stop + 1} 步继续（共 {len(actions)} 步）" in out
    assert resumed == list(range(stop, len(actions)))  # nothing done twice, nothing skipped
    from tests.conftest import new_room
    from zc_review.domain.outcome import declared_numbers

    reference = new_room(demo_education)  # the same script uninterrupted, through the service
    ScriptRunner(reference, demo_education.secrets, tmp_path / "usb-ref").run(actions)
    expected = json.loads(json.dumps(declared_numbers(reference.defn, reference.outcome()), sort_keys=True))
    assert json.loads((tmp_path / "results.json").read_text("utf-8")) == expected

    assert main(args) == 0  # a third run: every step is done, nothing is performed again
    assert f"此脚本的 {len(actions)} 步均已完成" in capsys.readouterr().out
