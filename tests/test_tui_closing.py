"""Pilot tests of the vote, results, minutes and export screens and of the closing autopilot."""

from __future__ import annotations

from typing import Any

from zc_review.domain.model import StaffRole
from zc_review.tui.app import make_app
from zc_review.tui.autopilot_closing import login, play
from zc_review.tui.screens.dashboard import DashboardScreen

SIZE = (120, 40)


async def start(pilot: Any, app: Any, secrets: Any) -> None:
    """Log the recorder in and wait for the dashboard."""
    rec = app.service.defn.staff_with_role(StaffRole.RECORDER).id
    await login(pilot, rec, secrets.persons[rec])
    await pilot.pause()
    assert isinstance(app.screen, DashboardScreen)


async def test_vote_one(room_at: Any, demo: Any) -> None:
    room, runner = room_at("open_poll")
    app = make_app(room)
    acts = demo.script["actions"]
    i = next(i for i, a in enumerate(acts) if a["action"] == "open_poll")
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot, app, demo.secrets)
        assert await play(pilot, app, acts[i], demo.secrets)
        import time
        t0 = time.time()
        assert await play(pilot, app, acts[i + 1], demo.secrets)
        print("ballot", time.time() - t0)
        assert room.voters_done(1) == {acts[i + 1]["reviewer"]}
