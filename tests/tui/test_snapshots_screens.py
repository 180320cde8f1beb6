"""Snapshot tests (pytest-textual-snapshot) of the room's screens in the states of issue 13, at 80×24 and
160×45: the dashboard of a resumed session, the results with a 12-applicant group, the poll screen's
outstanding voters, the voter picker after typing, the ballot review with applicants unmarked, the neutral
notice after a ballot, the scoring
grid on its first frame, the pledge screen's outstanding list.

Update after a deliberate change of a screen: ``pytest tests/tui/test_snapshots_screens.py --snapshot-update``,
then look at the new SVGs (tests/tui/__snapshots__/) before committing them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from zc_review.demo.closing import burst, confirm, key, login, on_top, until
from zc_review.domain.model import StaffRole
from zc_review.tui.app import make_app
from zc_review.tui.screens.ballot import BallotScreen, VotingScreen
from zc_review.tui.screens.ballot_review import BallotReview, VotedNotice
from zc_review.tui.screens.dashboard import DashboardScreen
from zc_review.tui.screens.pledge import PledgeScreen
from zc_review.tui.screens.results import ResultsScreen
from zc_review.tui.screens.scoring import ScoringScreen
from zc_review.tui.widgets import Notice, Pick

SIZES = [(80, 24), (160, 45)]
Step = Callable[[Any], Awaitable[None]]


def session(room: Any, secrets: Any, then: Step) -> Step:
    """A ``run_before``: the recorder logs in, the dashboard's anonymity notice (if any) is acknowledged,
    then ``then(pilot)``; finally the app settles."""
    async def run(pilot: Any) -> None:
        app = pilot.app
        rec = room.defn.staff_with_role(StaffRole.RECORDER).id
        await login(pilot, rec, secrets.persons[rec])
        for _ in range(300):
            if on_top(app, DashboardScreen) and not app.workers:
                break
            if isinstance(app.screen, Notice):
                app.screen.dismiss(True)
            await pilot.pause(0.01)
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        if isinstance(app.screen, Notice):
            app.screen.dismiss(True)
            await pilot.pause()
        await then(pilot)
        await pilot.pause()
    return run


async def step(pilot: Any, k: str, screen_cls: type) -> None:
    await key(pilot, k)
    await until(pilot, lambda: on_top(pilot.app, screen_cls), screen_cls.__name__)


async def to_review(pilot: Any, demo: Any, marks: int | None) -> None:
    """From the dashboard: open the poll, R04 signs in to vote, marks ``marks`` rows 同意 (None: every row),
    Enter: the review on top."""
    await step(pilot, "7", BallotScreen)
    await key(pilot, "o")
    await confirm(pilot)
    await key(pilot, "n")
    await login(pilot, "R04", demo.secrets.persons["R04"])
    await until(pilot, lambda: on_top(pilot.app, VotingScreen), "ballot")
    voting = pilot.app.screen
    n = len(voting._items) if marks is None else marks
    await burst(pilot, ["1"] * n)
    await until(pilot, lambda: len(voting._marks) == n, "marks")
    await key(pilot, "enter")
    await until(pilot, lambda: on_top(pilot.app, BallotReview), "review")


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "160x45"])
def test_dashboard_resumed_after_the_poll(snap_compare: Any, room_at: Any, demo: Any, size: tuple[int, int]) -> None:
    room, _ = room_at("open_runoff")

    async def nothing(pilot: Any) -> None:
        return None

    assert snap_compare(make_app(room), terminal_size=size, run_before=session(room, demo.secrets, nothing))


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "160x45"])
def test_results_with_a_group_of_twelve(snap_compare: Any, room_at: Any, demo: Any, size: tuple[int, int]) -> None:
    room, _ = room_at("open_runoff")

    async def to_last_group(pilot: Any) -> None:
        await step(pilot, "8", ResultsScreen)
        await burst(pilot, ["pagedown"] * 3)  # the 12-applicant group (基层专业技术人员组)

    assert snap_compare(make_app(room), terminal_size=size, run_before=session(room, demo.secrets, to_last_group))


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "160x45"])
def test_poll_outstanding_and_voter_picker(snap_compare: Any, room_at: Any, demo: Any, size: tuple[int, int]) -> None:
    room, _ = room_at("open_poll")

    async def picker(pilot: Any) -> None:
        await step(pilot, "7", BallotScreen)
        await key(pilot, "o")
        await confirm(pilot)
        await key(pilot, "n")
        await until(pilot, lambda: on_top(pilot.app, Pick), "pick")
        await burst(pilot, "R1")
        await until(pilot, lambda: len(pilot.app.screen.shown) < len(pilot.app.screen.options), "filtered")

    assert snap_compare(make_app(room), terminal_size=size, run_before=session(room, demo.secrets, picker))


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "160x45"])
def test_ballot_review_with_applicants_unmarked(snap_compare: Any, room_at: Any, demo: Any,
                                                size: tuple[int, int]) -> None:
    room, _ = room_at("open_poll")

    async def review(pilot: Any) -> None:
        await to_review(pilot, demo, 30)

    assert snap_compare(make_app(room), terminal_size=size, run_before=session(room, demo.secrets, review))


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "160x45"])
def test_the_neutral_notice_after_a_ballot(snap_compare: Any, room_at: Any, demo: Any, size: tuple[int, int]) -> None:
    """The neutral notice once a ballot is cast: nothing of the ballot or of its voter."""
    room, _ = room_at("open_poll")

    async def cast(pilot: Any) -> None:
        await to_review(pilot, demo, None)
        await key(pilot, "enter")
        await until(pilot, lambda: on_top(pilot.app, VotedNotice), "cast")

    assert snap_compare(make_app(room), terminal_size=size, run_before=session(room, demo.secrets, cast))


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "160x45"])
def test_scoring_grid_first_frame(snap_compare: Any, room_at: Any, demo: Any, size: tuple[int, int]) -> None:
    room, _ = room_at("scores")
    action = next(a for a in demo.script["actions"] if a["action"] == "scores")

    async def grid(pilot: Any) -> None:
        await key(pilot, "5")
        await login(pilot, action["reviewer"], demo.secrets.persons[action["reviewer"]])
        await until(pilot, lambda: on_top(pilot.app, ScoringScreen) and pilot.app.screen.actor is not None, "grid")

    assert snap_compare(make_app(room), terminal_size=size, run_before=session(room, demo.secrets, grid))


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "160x45"])
def test_pledge_outstanding(snap_compare: Any, room_at: Any, demo: Any, size: tuple[int, int]) -> None:
    room, _ = room_at("pledge", 5)  # five signed

    async def pledge(pilot: Any) -> None:
        await step(pilot, "2", PledgeScreen)

    assert snap_compare(make_app(room), terminal_size=size, run_before=session(room, demo.secrets, pledge))
