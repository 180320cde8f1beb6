"""Keystroke-to-screen latency as a person sees it (``make bench``; issue 9).

``keystrokes(pilot, keys)`` posts each key as the terminal driver would (an ``events.Key`` to the app), waits
until the screen and its widgets have processed every message it caused, then until the frame that shows it
has been rendered (the screen's compositor refresh, run by Textual's update timer at up to 60 frames a
second), and records the milliseconds from posting to that frame. A key that changes nothing on screen counts
until its messages are processed. ``reference_input_keystrokes`` measures typing into a bare Textual ``Input``
the same way, in the same run: the framework's own floor on this machine at that moment.

Keys are spaced by ``GAP_S`` (25 ms, 40 keys a second, faster than any typist): Textual paints at most 60
frames a second, so keys posted back to back would each wait for the next frame tick (a floor of about 16.7 ms
that a bare ``Input`` shows too) and measure the frame rate rather than the screen.

Nothing here asserts a time: machines are noisy, and the figures go to reports/bench.json.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from typing import Any

WAIT_FOR_FRAME_S = 2.0
GAP_S = 0.025


class FrameClock:
    """Records when each screen last rendered a frame (wraps the screen's ``_compositor_refresh``)."""

    def __init__(self) -> None:
        self.last = 0.0
        self.frame = asyncio.Event()
        self._watched: set[int] = set()

    def watch(self, screen: Any) -> None:
        """Time ``screen``'s frames (once per screen)."""
        if id(screen) in self._watched:
            return
        self._watched.add(id(screen))
        original = screen._compositor_refresh

        def refreshed() -> None:
            original()
            self.last = time.perf_counter()
            self.frame.set()

        screen._compositor_refresh = refreshed


def _pending_paint(screen: Any) -> bool:
    """The screen has a layout, scroll or repaint to do, or one of its widgets has asked for one that has not
    reached the screen yet (a widget passes its request on when it is next idle: a layout asked for while the
    screen was built could land on the first key measured), or work is waiting for the next refresh
    (``call_after_refresh``: a footer's check of its keys, which may rebuild it), or a table has rows whose size
    it has not reckoned yet (a ``DataTable`` does that when next idle, and may then ask for a layout)."""
    if (screen._layout_required or screen._scroll_required or screen._repaint_required or screen._dirty_widgets
            or screen._callbacks):
        return True
    return any(w._layout_required or w._repaint_required or w._scroll_required or w._refresh_styles_required
               or getattr(w, "_require_update_dimensions", False) for w in screen.walk_children())


async def keystrokes(pilot: Any, keys: list[str], clock: FrameClock | None = None,
                     gap_s: float = GAP_S) -> list[float]:
    """Milliseconds from each key posted to the frame showing its effect (see the module's docstring); keys
    ``gap_s`` apart."""
    from zc_review.demo.opening import _key_event

    clock = clock or FrameClock()
    app = pilot.app
    out = []
    for k in keys:
        screen = app.screen
        clock.watch(screen)
        clock.frame.clear()
        t0 = time.perf_counter()
        app.post_message(_key_event(k))
        await pilot._wait_for_screen()
        done = time.perf_counter()
        if _pending_paint(app.screen) or clock.frame.is_set():
            clock.watch(app.screen)
            try:
                await asyncio.wait_for(clock.frame.wait(), WAIT_FOR_FRAME_S)
                while _pending_paint(app.screen):  # a frame before the last message's work: wait for the next
                    clock.frame.clear()
                    await asyncio.wait_for(clock.frame.wait(), WAIT_FOR_FRAME_S)
            except TimeoutError:
                pass
            done = max(done, clock.last)
        out.append((done - t0) * 1000)
        await asyncio.sleep(gap_s)
    return out


def summary(prefix: str, lat: list[float]) -> dict[str, float]:
    """``prefix``_keys, _ms_median, _ms_p95, _ms_worst."""
    ordered = sorted(lat)
    return {f"{prefix}_keys": float(len(lat)), f"{prefix}_ms_median": statistics.median(lat),
            f"{prefix}_ms_p95": ordered[int(0.95 * (len(ordered) - 1))], f"{prefix}_ms_worst": ordered[-1]}


async def reference_input_keystrokes(n: int = 60, size: tuple[int, int] = (120, 40)) -> dict[str, float]:
    """The reference: ``n`` characters typed into a bare Textual ``Input``, measured as ``keystrokes``."""
    from textual.app import App, ComposeResult
    from textual.widgets import Input

    class Bare(App[None]):
        def compose(self) -> ComposeResult:
            yield Input()

    app = Bare()
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        lat = await keystrokes(pilot, [str(i % 10) for i in range(n)])
    return summary("reference_input_key", lat)
