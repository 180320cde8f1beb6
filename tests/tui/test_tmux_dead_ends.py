"""The dead ends of issue 13, played in the real terminal (tmux, 80×24): the app from ``zc-review open`` on
the demo package, unlocked by the two openers as a recorder would.

- a locked recorder (wrong credentials, the 10th locks: issue 12 §3) is no longer the end of the session:
  the right credential is refused with the whole message, restarting the app does not lift the lock, F2 on
  the login lifts it with two other officers, then the recorder logs in;
- Escape on every login (the unlock screen, the recorder's, a reviewer's, the officers' for a lock) never
  leaves the application;
- the office root fingerprint printed on the credential letters (read from the letters' PDF) is on the
  recorder's login, whole.

(The damaged package is tests/tui/test_tmux_unlock_package.py.)
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT, Packed
from tests.tui.test_tmux_ballot import Pane
from zc_review.i18n import t

pytestmark = pytest.mark.tools("tmux")

WRONG = "AAAA-AAAA-AAAA-AAAA"
QUIT = t("tui.quit_question")[:8]  # the quit dialog's question: Esc never asks it, nor leaves

# Lock a person as ten wrong entries would, before the app starts: the room's clock is set back so that the
# waits between the wrong entries have run out (the lock itself never runs out).
LOCK = """
import sys
from datetime import timedelta
from pathlib import Path
sys.path.insert(0, {root!r})
from zc_review.service import RoomService
from zc_review.service.clock import utcnow
from zc_review.service.errors import ServiceError
from zc_review.service.office import trust_add
from zc_review.service.room.lockout import LOCK_AFTER, MAX_WAIT_S
from zc_review.service.script import Secrets
trust_add(Path({cert!r}))
sec = Secrets.load(Path({secrets!r}))
now = [utcnow() - timedelta(seconds=MAX_WAIT_S * (LOCK_AFTER + 2))]
room = RoomService.open(Path({package!r}), sec.chair_opening, sec.supervisor_opening, clock=lambda: now[0])
for _ in range(LOCK_AFTER):
    try:
        room.authenticate({person!r}, {wrong!r})
    except ServiceError:
        pass
    now[0] += timedelta(seconds=MAX_WAIT_S)
assert room.credentials.status({person!r}).locked
"""


# The roll call taken and closed (the demo script up to its first pledge), so that every login has people.
ROLL_CALL = """
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
ScriptRunner(room, sec, Path({out!r})).run(acts[:next(i for i, a in enumerate(acts) if a["action"] == "pledge")])
"""


def _prepare(code: str, p: Packed, home: Path, **more: str) -> None:
    env = dict(os.environ, ZC_REVIEW_HOME=str(home), LANG="C.UTF-8", LC_ALL="C.UTF-8")
    prep = subprocess.run([sys.executable, "-c", code.format(
        root=str(ROOT), cert=str(p.keys / "root-cert.pem"), secrets=str(p.secrets_path), package=str(p.package),
        **more)], env=env, capture_output=True, text=True, cwd=ROOT)
    assert prep.returncode == 0, prep.stderr[-2000:]


def _start(name: str, p: Packed, home: Path, out: Path, size: tuple[int, int] = (80, 24)) -> Pane:
    """``zc-review open`` on the demo package in a new tmux session (the pane stays when the app ends, so a
    test can tell that it ended)."""
    cmd = f"{ROOT / '.venv/bin/zc-review'} open {p.package} --out {out}"
    for _try in range(3):  # a tmux server still exiting after its last session was killed refuses a new one
        started = subprocess.run(["tmux", "new-session", "-d", "-s", name, "-x", str(size[0]), "-y", str(size[1]),
                                  "-e", f"ZC_REVIEW_HOME={home}", "-e", "LANG=C.UTF-8", "-e", "LC_ALL=C.UTF-8", cmd],
                                 capture_output=True, text=True, cwd=ROOT)
        if started.returncode == 0:
            break
        time.sleep(0.5)
    assert started.returncode == 0, f"tmux new-session {name}: {started.stderr}"
    subprocess.run(["tmux", "set-option", "-t", name, "remain-on-exit", "on"], check=True)
    return Pane(name)


def _alive(pane: Pane) -> bool:
    out = subprocess.run(["tmux", "list-panes", "-t", pane.name, "-F", "#{pane_dead}"], capture_output=True,
                         text=True, check=True).stdout
    return out.strip() == "0"


def _unlock(pane: Pane, p: Packed) -> None:
    """The two openers type their opening secrets; wait for the recorder's login."""
    pane.wait_for(t("unlock.open"))
    pane.type_secret(p.secrets.chair_opening)
    pane.press_moving_focus("Enter")  # to the supervisor's field
    pane.type_secret(p.secrets.supervisor_opening, typed=(p.secrets.chair_opening,))
    pane.keys("Enter")
    pane.wait_for(t("tui.recorder_login"))


def _flat(screen: str) -> str:
    """The screen's text with the dialogs' borders and every blank removed (a message wrapped over lines reads
    as one string)."""
    return "".join("".join(line.strip("█▌▊▎▏ ") for line in screen.splitlines()).split())


def _officers(p: Packed) -> tuple[str, str, str]:
    """The recorder's id, the supervisor's id, the recorder's name."""
    from tests.conftest import new_room
    from zc_review.domain.model import StaffRole

    room = new_room(p)
    rec = room.defn.staff_with_role(StaffRole.RECORDER).id
    return rec, room.defn.staff_with_role(StaffRole.SUPERVISOR).id, room.person_name(rec)


def _kill(name: str) -> None:
    subprocess.run(["tmux", "kill-session", "-t", name], check=False)


def test_a_locked_recorder_recovers_in_the_terminal(demo: Packed, tmp_path: Path) -> None:
    p = demo
    home, out = tmp_path / "home", tmp_path / "usb"
    rec, supervisor, rec_name = _officers(p)
    _prepare(LOCK, p, home, person=rec, wrong=WRONG)
    name = f"zc-lock-{os.getpid()}"
    try:
        for attempt in range(2):  # a restart does not lift the lock
            pane = _start(f"{name}-{attempt}", p, home, out)
            _unlock(pane, p)
            pane.type_secret(p.secrets.persons[rec])
            pane.keys("Enter")
            screen = pane.wait_until("the lock's message", lambda s: "正确的凭证也不再受理" in _flat(s))
            message = _flat(screen)
            assert "".join(t("tui.cred_lift_hint").split()) in message
            assert re.search("正确的凭证也不再受理。须由.+共同解除锁定。", message), screen  # whole, not "…共同解"
            if attempt == 0:
                pane.keys("C-q")
                pane.wait_for(t("tui.quit"))
                pane.keys("Enter")  # 退出 is focused
                pane.wait_until("the app ended", lambda _s, pane=pane: not _alive(pane))  # type: ignore[misc]
                _kill(pane.name)
        # F2: two other officers lift the lock, from the login
        pane.keys("F2")
        pane.wait_for(t("tui.lift_first", name=rec_name)[-12:])
        chair = "R01"
        pane.press_moving_focus("Enter")  # the chair, highlighted first, chosen; to the secret field
        pane.type_secret(p.secrets.persons[chair])
        pane.keys("Enter")
        pane.wait_for(t("tui.lift_second", name=rec_name)[-12:])
        pane.type_secret(p.secrets.persons[supervisor])
        pane.keys("Enter")
        pane.wait_for(t("tui.recorder_login"))
        pane.type_secret(p.secrets.persons[rec])
        pane.keys("Enter")
        pane.wait_for(t("tui.step_roll_call"))  # the dashboard: the session goes on
        assert _alive(pane)
    finally:
        for attempt in range(2):
            _kill(f"{name}-{attempt}")


def test_escape_on_every_login_keeps_the_app(demo: Packed, tmp_path: Path) -> None:
    p = demo
    home, out = tmp_path / "home", tmp_path / "usb"
    _prepare(ROLL_CALL, p, home, script=str(p.input_dir / "script.json"), out=str(out))
    name = f"zc-esc-{os.getpid()}"
    pane = _start(name, p, home, out)
    try:
        pane.wait_for(t("unlock.open"))
        pane.keys("Escape")  # the unlock screen
        pane.wait_until("still the unlock screen", lambda s: t("unlock.open") in s and QUIT not in s)
        assert _alive(pane)
        _unlock(pane, p)
        pane.keys("Escape")  # the recorder's login: says how to leave instead
        screen = pane.wait_for("Esc 不会退出程序")
        assert "".join(t("tui.login_required").split()) in _flat(screen)
        assert _alive(pane)
        rec = _officers(p)[0]
        pane.type_secret(p.secrets.persons[rec])
        pane.keys("Enter")
        pane.wait_for(t("tui.step_roll_call"))
        # a reviewer's login (scoring: the picker of reviewers, then Esc) goes back to the dashboard
        pane.keys("5")
        pane.wait_for(t("common.find_placeholder")[:6])
        pane.keys("Escape")
        pane.wait_until("back on the dashboard", lambda s: t("scoring.credential_title") not in s
                        and t("tui.step_export") in s)
        # a pledge's credential prompt: Esc goes back to the pledge list, Esc again to the dashboard
        pane.keys("2")
        pane.wait_for(t("opening.pledge_title")[:6])
        pane.keys("Enter")
        pane.wait_for(t("opening.pledge_credential_title"))
        pane.keys("Escape")
        pane.wait_until("back on the pledges", lambda s: t("opening.pledge_credential_title") not in s
                        and t("opening.pledge_title")[:6] in s)
        pane.keys("Escape")
        pane.wait_for(t("tui.step_export"))
        # the officers' login for lifting a lock: Esc closes the prompt, the lock screen stays
        pane.keys("u")
        pane.wait_for(t("tui.lift_pick")[:10])
        pane.keys("Escape")
        pane.wait_until("back on the dashboard", lambda s: t("tui.lift_pick")[:10] not in s
                        and t("tui.step_export") in s)
        assert _alive(pane)
        assert QUIT not in pane.text()
    finally:
        _kill(name)


@pytest.mark.tools("tmux", "pdftotext")
def test_the_fingerprint_of_the_letters_is_on_the_login(demo: Packed, tmp_path: Path) -> None:
    from zc_review.service.office import trust_add

    p = demo
    letters = p.package.with_name(f"{p.package.stem}-credentials.pdf")
    assert letters.exists(), letters
    text = subprocess.run(["pdftotext", "-layout", "-f", "1", "-l", "1", str(letters), "-"], capture_output=True,
                          text=True, check=True).stdout
    groups = re.findall(r"\b[0-9A-F]{4}\b", text.split("办事机构根指纹")[-1])
    assert len(groups) == 16, text  # 8 + 8 groups on the letter
    home, out = tmp_path / "home", tmp_path / "usb"
    trust_add(p.keys / "root-cert.pem", home)
    name = f"zc-fp-{os.getpid()}"
    pane = _start(name, p, home, out)
    try:
        _unlock(pane, p)
        screen = pane.text()
        assert " ".join(groups[:8]) in screen and " ".join(groups[8:]) in screen, screen  # whole, no group split
    finally:
        _kill(name)
