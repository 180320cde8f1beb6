"""A damaged package in the real terminal (issue 13 item 8): the app in tmux at 80×24, both right opening
secrets typed, and the screen says the file failed its signature check, not that a secret was wrong."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.conftest import ROOT, Packed
from tests.tui.test_tmux_ballot import Pane
from zc_review.i18n import t

pytestmark = pytest.mark.tools("tmux")


def test_a_damaged_package_in_the_terminal_says_so(demo: Packed, tmp_path: Path) -> None:
    from zc_review.service.office import trust_add

    home = tmp_path / "home"
    trust_add(demo.keys / "root-cert.pem", home)
    data = bytearray(demo.package.read_bytes())
    data[len(data) // 2] ^= 0x01  # a bad copy on the USB stick
    bad = tmp_path / "session.zcp"
    bad.write_bytes(bytes(data))
    name = f"zc-unlock-{os.getpid()}"
    cmd = f"{ROOT / '.venv/bin/zc-review'} open {bad} --out {tmp_path / 'usb'}"
    subprocess.run(["tmux", "new-session", "-d", "-s", name, "-x", "80", "-y", "24", "-e", f"ZC_REVIEW_HOME={home}",
                    "-e", "LANG=C.UTF-8", "-e", "LC_ALL=C.UTF-8", cmd], check=True, cwd=ROOT)
    pane = Pane(name)
    try:
        pane.wait_for(t("unlock.title"))
        pane.type_secret(demo.secrets.chair_opening)
        pane.press_moving_focus("Enter")  # to the supervisor's field
        pane.type_secret(demo.secrets.supervisor_opening, typed=(demo.secrets.chair_opening,))
        pane.keys("Enter")
        screen = pane.wait_for("此文件未通过签名核验")
        flat = "".join(line.strip("█ ") for line in screen.splitlines())
        assert "".join(t("package_not_genuine").split()) in "".join(flat.split())  # the whole message, uncut
        assert t("unlock_failed")[:10] not in flat
    finally:
        subprocess.run(["tmux", "kill-session", "-t", name], check=False)
