"""Screen hygiene in a real terminal (issue 4 §3): the real app in tmux, reviewer A votes, then while
reviewer B votes the pane *with its scrollback* holds nothing of A's ballot."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
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
TALL_TOP = "\u2594"  # ▔: the top edge of a field's or a list's border


class Pane:
    """A tmux pane running the app. Every step waits on what the screen shows, bounded by a timeout; no
    fixed sleeps."""

    def __init__(self, name: str) -> None:
        self.name = name

    def keys(self, *keys: str, literal: bool = False) -> None:
        """Send keys; the caller then waits for what they change on screen.

        After a bare Escape the terminal parser waits for more bytes of an escape sequence: keys sent within that
        window are read as part of it (seen in CI: a secret typed right after Esc on the unlock screen was lost).
        So a trailing Escape is followed by a pause longer than Textual's escape delay (pacing, not a timing test).
        """
        subprocess.run(["tmux", "send-keys", "-t", self.name, *(["-l"] if literal else []), *keys], check=True)
        if not literal and keys and keys[-1] in ("Escape", "Esc"):
            time.sleep(0.4)

    def text(self, history: bool = False, escapes: bool = False) -> str:
        """The pane as text (``escapes``: with its colours), ``history``: with the scrollback."""
        return subprocess.run(["tmux", "capture-pane", "-p", "-t", self.name, *(["-e"] if escapes else []),
                               *(["-S", "-"] if history else [])], capture_output=True, text=True, check=True).stdout

    def wait_until(self, what: str, ready: Callable[[str], bool], *, escapes: bool = False,
                   timeout: float = 40) -> str:
        """Poll the pane until ``ready(screen)``; returns that screen. Raises AssertionError naming ``what``."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            screen = self.text(escapes=escapes)
            if ready(screen):
                return screen
            time.sleep(0.1)
        raise AssertionError(f"{what}: not on screen after {timeout} s:\n{self.text()}")

    def wait_for(self, needle: str, timeout: float = 40) -> str:
        """Wait until ``needle`` is on screen; returns the screen."""
        return self.wait_until(repr(needle), lambda screen: needle in screen, timeout=timeout)

    def press_moving_focus(self, key: str) -> None:
        """Press ``key`` (Enter in a field or a list) and wait until the focus has moved to the next widget, so
        that the next keys reach it: Textual moves the focus in a message handler, after reading the key.

        The focused widget's border is drawn in another colour: the border's top edges (▔), colours
        included, change exactly when the focus moves (the blinking cursor is not on them)."""
        def edges(screen: str) -> list[str]:
            return [line for line in screen.splitlines() if TALL_TOP in line]

        before = edges(self.text(escapes=True))
        assert before, self.text()
        self.keys(key)
        self.wait_until(f"focus moved by {key}", lambda screen: edges(screen) != before, escapes=True)

    def type_secret(self, secret: str, *, typed: tuple[str, ...] = ()) -> None:
        """Type ``secret`` into the focused password field; wait until it shows as a run of as many dots, beside
        the fields already ``typed`` on this screen."""
        self.keys(secret, literal=True)
        want = Counter(len(x) for x in (*typed, secret))
        self.wait_until(f"password fields of {sorted(want.elements())} dots",
                        lambda screen: not want - Counter(len(run) for run in re.findall("•+", screen)))


def choose(pane: Pane, person_id: str, secret: str) -> None:
    """At the poll screen: N, find ``person_id`` in the picker of those still due (typing the id), Enter,
    type their secret."""
    pane.keys("n")
    pane.wait_for(t("ballot.voter_login", round=1)[:6])
    pane.keys(person_id, literal=True)
    pane.wait_for("显示 1 项")
    pane.press_moving_focus("Enter")  # from the picker to the secret field
    pane.type_secret(secret)
    pane.keys("Enter")


def test_next_voter_sees_nothing_of_the_last_ballot(demo_education_laptop: Packed, tmp_path: Path) -> None:
    p = demo_education_laptop
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
        pane.type_secret(p.secrets.chair_opening)
        pane.press_moving_focus("Enter")  # to the supervisor's field
        pane.type_secret(p.secrets.supervisor_opening, typed=(p.secrets.chair_opening,))
        pane.keys("Enter")
        pane.wait_for(t("tui.recorder_login"))
        pane.type_secret(p.secrets.persons[info["recorder"]])
        pane.keys("Enter")
        pane.wait_for(t("tui.step_ballot"))
        pane.keys("7")
        pane.wait_for(t("ballot.keys")[:6])

        # reviewer A: 不同意 and 弃权 alternately, a ballot nobody else casts here
        choose(pane, a_id, p.secrets.persons[a_id])
        pane.wait_for(t("ballot.sheet_of", name=info["names"][a_id]))
        for k in range(info["items"]):
            pane.keys("2" if k % 2 == 0 else "3")
        during_a = pane.wait_for(t("ballot.sheet_progress", done=info["items"], total=info["items"]))
        assert MARKED_ROW.search(during_a), during_a  # the probe sees marks when they are on screen
        pane.keys("Enter")
        pane.wait_for(t("ballot.cast"))
        pane.keys("Enter")
        voted = t("ballot.voted_next").splitlines()[0]
        pane.wait_for(voted)
        pane.keys("Enter")
        pane.wait_until("the neutral notice closed", lambda screen: voted not in screen)

        # reviewer B opens their ballot and marks the first two rows 同意
        choose(pane, b_id, p.secrets.persons[b_id])
        pane.wait_for(t("ballot.sheet_of", name=info["names"][b_id]))
        pane.keys("1")
        pane.keys("1")
        pane.wait_for(t("ballot.sheet_progress", done=2, total=info["items"]))
        seen = pane.text(history=True)
        assert t("ballot.sheet_of", name=info["names"][b_id]) in seen
        assert info["names"][a_id] not in seen
        assert not MARKED_ROW.search(seen), seen
        assert t("ballot.review", agree=0, disagree=(info["items"] + 1) // 2,
                 abstain=info["items"] // 2) not in seen
    finally:
        subprocess.run(["tmux", "kill-session", "-t", name], check=False)
