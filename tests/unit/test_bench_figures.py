"""The bench's per-action figures (tests/bench/service_time.ActionTimes), from hand-made actions: no clock."""

from __future__ import annotations

import asyncio

from textual.app import App, ComposeResult
from textual.widgets import Input

from tests.bench.service_time import ActionTimes, ServiceTime


def _times(actions: list[tuple[str, float, float, float]], keys: list[int]) -> dict[str, float]:
    at = ActionTimes(ServiceTime())
    at.actions, at.keys = actions, keys
    return at.figures("a")


def test_app_time_per_key_by_kind_and_worst() -> None:
    """Two ballots of 50 and 40 keys at 0.2 and 0.1 s of app time (4 and 2.5 ms a key), one recusal of 40 keys
    at 0.4 s (10 ms a key): the recusal is over 150 ms in all, and the worst per key."""
    f = _times([("ballot", 0.5, 0.3, 0.2), ("ballot", 0.4, 0.3, 0.1), ("recuse", 0.45, 0.05, 0.4)], [50, 40, 40])
    assert f["a_ballot_keys_median"] == 45 and f["a_recuse_keys_median"] == 40
    assert f["a_ballot_app_ms_per_key_median"] == (4.0 + 2.5) / 2 and f["a_ballot_app_ms_per_key_worst"] == 4.0
    assert f["a_recuse_app_ms_per_key_worst"] == 10.0 and f["a_app_ms_per_key_worst"] == 10.0
    assert f["a_keys_n"] == 130 and f["a_over_150ms_n"] == 2  # 200 ms and 400 ms; 100 ms is not over


def test_no_keys_counted_gives_no_per_key_figures() -> None:
    assert not any("per_key" in k for k in _times([("ballot", 0.5, 0.3, 0.2)], [0]))


def test_count_keys_counts_the_keys_posted_to_an_app_until_stopped() -> None:
    class Bare(App[None]):
        def compose(self) -> ComposeResult:
            yield Input()

    at = ActionTimes(ServiceTime())

    async def run() -> None:
        app = Bare()
        async with app.run_test() as pilot:
            stop = at.count_keys()
            try:
                await pilot.press("a", "b", "enter")
            finally:
                stop()
            await pilot.press("c")

    asyncio.run(run())
    assert at.pressed == 3


def test_the_switch_count_counts_each_push_and_close_and_goes_away() -> None:
    """Three dialogs pushed and two closed while counting; after ``uninstall`` Textual's methods are back and
    nothing more is counted."""
    from textual.screen import ModalScreen

    from tests.bench.switch_floor import SwitchCount

    original = (App.push_screen, App.pop_screen)

    async def run() -> SwitchCount:
        count = SwitchCount().install()
        app: App[None] = App()
        async with app.run_test(size=(40, 10)) as pilot:
            for _ in range(3):
                app.push_screen(ModalScreen())
                await pilot.pause()
            for _ in range(2):
                app.pop_screen()
                await pilot.pause()
            count.uninstall()
            app.pop_screen()
            await pilot.pause()
        return count

    count = asyncio.run(run())
    assert (count.pushes, count.pops) == (3, 2)
    assert (App.push_screen, App.pop_screen) == original


def test_the_switch_floor_gives_both_figures() -> None:
    """A few pairs of the bare app's push and close, each figure a positive number of milliseconds."""
    from tests.bench.switch_floor import switch_floor

    f = asyncio.run(switch_floor(n=3, size=(80, 24)))
    assert set(f) == {"textual_switch_pair_kept_ms_median", "textual_switch_pair_new_ms_median",
                      "textual_key_in_burst_ms_median"}
    assert all(0 < v < 60_000 for v in f.values())
