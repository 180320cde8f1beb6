"""Snapshot tests of the application shell (issue 13) at 80×24 and 160×45: the F1 help (of the dashboard), the
projector view (the ballot's progress mid-poll, and the roll call) and the question before leaving.

Update after an intended change with ``pytest tests/tui/test_snapshots_shell.py --snapshot-update`` and look
at the SVGs (tests/tui/__snapshots__/test_snapshots_shell/)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.conftest import Packed, index_of, played

SIZES = [(80, 24), (160, 45)]


def _room(demo: Packed, until: str, nth: int = 0) -> Any:
    """A copy of the record with the script played up to ``until`` (``tests.conftest.played``)."""
    return played(demo, 0 if until == "" else index_of(demo, until, nth), demo.package.parent / "usb")[0]


def _after_login(demo: Packed, *keys: str) -> Callable[[Any], Any]:
    async def run_before(pilot: Any) -> None:
        from zc_review.demo.opening import credential, wait_for
        from zc_review.tui.screens.dashboard import DashboardScreen

        app = pilot.app
        await pilot.pause()
        await credential(pilot, app.room.views.recorder().person_id, demo.secrets)
        await wait_for(pilot, lambda: isinstance(app.screen, DashboardScreen), "dashboard")
        await pilot.pause()
        for key in keys:
            await pilot.press(key)
            await pilot.pause()

    return run_before


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "160x45"])
def test_help_screen(demo: Packed, snap_compare: Any, size: tuple[int, int]) -> None:
    from zc_review.tui.app import make_app

    assert snap_compare(make_app(_room(demo, "")), terminal_size=size, run_before=_after_login(demo, "f1"))


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "160x45"])
def test_quit_confirmation(demo: Packed, snap_compare: Any, size: tuple[int, int]) -> None:
    from zc_review.tui.app import make_app

    assert snap_compare(make_app(_room(demo, "")), terminal_size=size, run_before=_after_login(demo, "ctrl+q"))


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "160x45"])
def test_projector_ballot_progress(demo: Packed, snap_compare: Any, size: tuple[int, int]) -> None:
    from zc_review.tui.app import make_app

    room = _room(demo, "ballot", 8)  # the poll is open, eight reviewers have voted
    assert snap_compare(make_app(room), terminal_size=size, run_before=_after_login(demo, "f4"))


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "160x45"])
def test_projector_roll_call(demo: Packed, snap_compare: Any, size: tuple[int, int]) -> None:
    from zc_review.tui.app import make_app

    room = _room(demo, "close_roll_call")  # every reviewer marked, the roll call not yet closed
    assert snap_compare(make_app(room), terminal_size=size, run_before=_after_login(demo, "f4"))


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "160x45"])
def test_projector_paper_progress(demo: Packed, snap_compare: Any, size: tuple[int, int]) -> None:
    """Paper mode (issue 14): the ballots printed, both tellers keyed, one applicant to re-count."""
    from tests.service.test_paper_ballots import paper_packed
    from zc_review.tui.app import make_app

    paper = paper_packed(demo)
    room = _room(paper, "key_tally", 2)
    assert room.views.shell.projector().ballot.paper is not None
    assert snap_compare(make_app(room), terminal_size=size, run_before=_after_login(paper, "f4"))
