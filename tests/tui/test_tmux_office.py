"""``zc-review office`` in a real terminal (tmux, 80×24): the command line starts the office TUI on a SQLite
archive with the demo session filed, the list shows it, Enter opens it, and Ctrl+Q then ``y`` leaves
(the process ends with status 0); on an unreachable PostgreSQL URL it shows the Chinese message, no traceback."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.conftest import ROOT, Packed
from tests.tui.test_tmux_ballot import Pane
from zc_review.i18n import t

pytestmark = pytest.mark.tools("tmux")


def _start(name: str, cmd: str, home: Path) -> Pane:
    subprocess.run(["tmux", "new-session", "-d", "-s", name, "-x", "80", "-y", "24", "-e", f"ZC_REVIEW_HOME={home}",
                    "-e", "LANG=C.UTF-8", "-e", "LC_ALL=C.UTF-8", f"{cmd}; echo EXIT=$?; sleep 30"],
                   check=True, cwd=ROOT)
    return Pane(name)


def test_office_starts_lists_opens_and_leaves(demo: Packed, demo_bundles: tuple[Path, Path], tmp_path: Path) -> None:
    from zc_review.service.office import import_bundle

    url = f"sqlite:///{tmp_path / 'archive.db'}"
    import_bundle(demo_bundles[1], demo.keys, url, imported_by="王办事")
    name = f"zc-office-{os.getpid()}"
    pane = _start(name, f"{ROOT / '.venv/bin/zc-review'} office tui --db {url} --keys {demo.keys} "
                        f"--out {tmp_path / 'out'} --as-of 2025-11-26", tmp_path / "home")
    try:
        screen = pane.wait_for("QC-GC-ZJ-2025")
        assert t("office.cli_sessions_title", n=1) in screen and "f1 帮助" in screen
        pane.keys("Enter")
        screen = pane.wait_for("评审日期 2025-11-20")
        assert "申报 36 人，通过 19 人" in screen and t("office.tui_notice_none") in screen
        pane.keys("C-q")
        pane.wait_for(t("office.tui_quit_question").splitlines()[0])
        pane.keys("y")
        screen = pane.wait_for("EXIT=")
        assert "EXIT=0" in screen and "Traceback" not in pane.text(history=True)
    finally:
        subprocess.run(["tmux", "kill-session", "-t", name], check=False)


def test_office_on_an_unreachable_server_says_so_in_chinese(tmp_path: Path) -> None:
    name = f"zc-office-down-{os.getpid()}"
    pane = _start(name, f"{ROOT / '.venv/bin/zc-review'} office tui "
                        "--db postgresql+psycopg://office:secret-pw@127.0.0.1:1/zc_archive", tmp_path / "home")
    try:
        pane.wait_for(t("office.tui_archive_unusable"))
        screen = pane.wait_for("office:***@127.0.0.1:1")
        assert "office:***@127.0.0.1:1" in screen and "secret-pw" not in screen and "Traceback" not in screen
        pane.keys("C-q")
        pane.wait_for(t("office.tui_quit_question").splitlines()[0])
        pane.keys("y")
        assert "EXIT=0" in pane.wait_for("EXIT=")
    finally:
        subprocess.run(["tmux", "kill-session", "-t", name], check=False)
