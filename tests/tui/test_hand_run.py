"""What the hand run of the demo found (issue 13: the whole session by hand from ``make tui``, in tmux at 80×24
and 160×45, with only F1 and the footer), each fixed and tested here with Pilot at the size it was seen.
The list of findings is in the branch's report and docs/DESIGN.md "The hand run"."""

from __future__ import annotations

from typing import Any

import pytest

from tests.tui.test_room_screens import start
from zc_review.demo.closing import key, on_top, until
from zc_review.tui.app import make_app
from zc_review.tui.screens.dashboard import DashboardScreen
from zc_review.tui.widgets import Notice

SIZE = (80, 24)


@pytest.mark.parametrize("step", ["5", "6"])
async def test_a_step_with_nobody_to_act_says_so(room_at: Any, demo: Any, step: str) -> None:
    """Scoring (or the opinions) before the roll call: nobody may act yet. The app ended with a traceback
    (IndexError in CredentialPrompt); now a notice says why and Enter goes back to the dashboard."""
    room, _ = room_at("attendance")  # nothing played: a fresh session
    app = make_app(room)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot, app, demo.secrets)
        await key(pilot, step)
        for _ in range(200):
            if on_top(app, Notice):
                break
            await pilot.pause(0.01)
        assert on_top(app, Notice), type(app.screen).__name__
        assert "目前没有可以进行这一步的人员" in app.screen.message
        assert app.screen.query_one("#notice-text").region.right <= SIZE[0]
        await key(pilot, "enter")
        await until(pilot, lambda: on_top(app, DashboardScreen), "back on the dashboard")
        assert app.is_running
