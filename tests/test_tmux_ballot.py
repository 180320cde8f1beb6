"""Screen hygiene in a real terminal (issue 4 §3): the real app in tmux, reviewer A votes, then while
reviewer B votes the pane *with its scrollback* holds nothing of A's ballot."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT, Packed
from zc_review.i18n import t

pytestmark = pytest.mark.tools("tmux")

PREPARE = """
import json, sys
from pathlib import Path
sys.path.insert(0, {root!r})
from zc_review.service import RoomService
from zc_review.service.office import trust_add
from zc_review.service.script import ScriptRunner, Secrets
trust_add(Path({cert!r}))
sec = Secrets.load(Path({secrets!r}))
room = RoomService.open(Path({package!r}), sec.chair_opening, sec.supervisor_opening)
acts = json.loads(Path({script!r}).read_text("utf-8"))["actions"]
upto = next(i for i, a in enumerate(acts) if a["action"] == "open_poll") + 1
ScriptRunner(room, sec, Path({out!r})).run(acts[:upto])
from zc_review.domain.model import StaffRole
voters = [r for r in room.attending_ids() if room.ballot.ballot_items and True]
print(json.dumps({{"recorder": room.defn.staff_with_role(StaffRole.RECORDER).id, "voters": voters,
                  "names": {{r: room.person_name(r) for r in voters}},
                  "items": len(room.ballot.round_applicants(room.ballot.open_round()))}}))
"""

# a ballot row on screen: an applicant code, then somewhere a mark
MARKED_ROW = re.compile(r"\d{3}\s.*(不同|弃权)")


class Pane:
    def __init__(self, name: str) -> None:
        self.name = name

    def keys(self, *keys: str, literal: bool = False) -> None:
        subprocess.run(["tmux", "send-keys", "-t", self.name, *(["-l"] if literal else []), *keys], check=True)
        time.sleep(0.08)

    def text(self, history: bool = False) -> str:
        return subprocess.run(["tmux", "capture-pane", "-p", "-t", self.name, *(["-S", "-"] if history else [])],
                              capture_output=True, text=True, check=True).stdout

    def wait_for(self, needle: str, timeout: float = 40) -> str:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            screen = self.text()
            if needle in screen:
                return screen
            time.sleep(0.2)
        raise AssertionError(f"{needle!r} never appeared:\n{self.text()}")


def choose(pane: Pane, name: str, secret: str) -> None:
    """At the poll screen: N, pick ``name`` in the list of entitled reviewers, type their secret."""
    pane.keys("n")
    screen = pane.wait_for(t("ballot.voter_login", round=1)[:6])
    listed = [m.group(1) for m in re.finditer(r"▊ (\S+)\s+▎", screen)]
    assert name in listed, (name, listed)
    for _ in range(listed.index(name)):
        pane.keys("Down")
    pane.keys("Enter")
    time.sleep(0.5)
    pane.keys(secret, literal=True)
    pane.keys("Enter")


def test_next_voter_sees_nothing_of_the_last_ballot(demo_education: Packed, tmp_path: Path) -> None:
    p = demo_education
    home, out = tmp_path / "home", tmp_path / "usb"
    env = dict(os.environ, ZC_REVIEW_HOME=str(home), LANG="C.UTF-8", LC_ALL="C.UTF-8")
    prep = subprocess.run([sys.executable, "-c", PREPARE.format(
        root=str(ROOT), cert=str(p.keys / "root-cert.pem"), secrets=str(p.secrets_path), package=str(p.package),
        script=str(p.input_dir / "script.json"), out=str(out))], env=env, capture_output=True, text=True, cwd=ROOT)
    assert prep.returncode == 0, prep.stderr[-2000:]
    info = json.loads(prep.stdout.strip().splitlines()[-1])
    a_id, b_id = info["voters"][0], info["voters"][1]
    name = f"zc-ballot-{os.getpid()}"
    cmd = f"{ROOT / '.venv/bin/zc-review'} open {p.package} --out {out}"
    subprocess.run(["tmux", "new-session", "-d", "-s", name, "-x", "120", "-y", "40", "-e", f"ZC_REVIEW_HOME={home}",
                    "-e", "LANG=C.UTF-8", "-e", "LC_ALL=C.UTF-8", cmd], check=True, env=env, cwd=ROOT)
    pane = Pane(name)
    try:
        pane.wait_for(t("unlock.open"))
        pane.keys(p.secrets.chair_opening, literal=True)
        pane.keys("Enter")
        pane.keys(p.secrets.supervisor_opening, literal=True)
        pane.keys("Enter")
        pane.wait_for(t("tui.recorder_login"))
        pane.keys(p.secrets.persons[info["recorder"]], literal=True)
        pane.keys("Enter")
        pane.wait_for(t("tui.step_ballot"))
        pane.keys("7")
        pane.wait_for(t("ballot.keys")[:6])

        # reviewer A: 不同意 and 弃权 alternately, a ballot nobody else casts here
        choose(pane, info["names"][a_id], p.secrets.persons[a_id])
        pane.wait_for(t("ballot.sheet_of", name=info["names"][a_id]))
        for k in range(info["items"]):
            pane.keys("2" if k % 2 == 0 else "3")
        during_a = pane.text()
        assert MARKED_ROW.search(during_a), during_a  # the probe sees marks when they are on screen
        pane.keys("Enter")
        pane.wait_for(t("ballot.cast"))
        pane.keys("Enter")
        pane.wait_for(t("ballot.voted_next").splitlines()[0])
        pane.keys("Enter")

        # reviewer B opens their ballot and marks the first two rows 同意
        choose(pane, info["names"][b_id], p.secrets.persons[b_id])
        pane.wait_for(t("ballot.sheet_of", name=info["names"][b_id]))
        pane.keys("1")
        pane.keys("1")
        time.sleep(0.5)
        seen = pane.text(history=True)
        assert t("ballot.sheet_of", name=info["names"][b_id]) in seen
        assert info["names"][a_id] not in seen
        assert not MARKED_ROW.search(seen), seen
        assert t("ballot.review", agree=0, disagree=(info["items"] + 1) // 2,
                 abstain=info["items"] // 2) not in seen
    finally:
        subprocess.run(["tmux", "kill-session", "-t", name], check=False)
