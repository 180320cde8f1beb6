"""What one screen switch costs in Textual itself, in the same run as the demo (``make bench``; issue 9).

The room's steps are screens: a dossier opened is one pushed and closed, a sheet handed in a ``Confirm``, a
ballot a voter list, a credential prompt, the ballot, the review and the neutral notice. Each switch lays the
new top screen out and repaints the terminal, whatever the application does. ``switch_floor`` measures that
floor in a bare Textual app at the demo's size (120×40): a base screen like the room's (a header, a 40-row
``DataTable``, a footer) and a dialog like the room's (a title, a line, an ``Input``; opaque, as the room's
dialogs are: ``Screen { background: $surface; }``), both with the room's ``Steady`` (no layout pass for a
resize that changes nothing, no restyle of a screen shown again under the same style sheet), so that the floor
is the cheapest switch known here, not Textual's default. It pushes and closes the dialog ``n`` times, waiting after
each switch for the frame that shows it (``latency.FrameClock``), and gives the main thread's CPU per pair
(push + close), for a dialog kept and shown again and for one built anew each time; then the CPU per key of
a secret typed into the dialog's field as a burst, to its frame. ``SwitchCount`` counts the switches of the
demo through the screens (every ``push_screen`` and ``pop_screen`` of the app); ``ActionTimes`` counts its keys.

Switches times the pair's cost, plus keys times the key's, is a lower bound on the screens' time beyond the
service: the demo cannot switch screens or take keys more cheaply than a bare app does. Nothing here asserts a time: the figures go to reports/bench.json.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

SIZE = (120, 40)
FRAME_TIMEOUT_S = 5.0
SECRET = "ABCD-EFGH-JKLM-NPQR"  # what a reviewer types at a credential prompt


async def switch_floor(n: int = 30, size: tuple[int, int] = SIZE) -> dict[str, float]:
    """Main-thread CPU ms per push + close of a dialog in a bare Textual app: ``kept`` (installed, shown
    again) and ``new`` (built each time); medians of ``n`` pairs, each switch waited on to its frame."""
    from textual.app import App, ComposeResult
    from textual.containers import Vertical
    from textual.screen import ModalScreen, Screen
    from textual.widgets import DataTable, Footer, Header, Input, Label, Static

    from tests.bench.latency import FrameClock
    from zc_review.tui.widgets.steady import Steady

    class Dialog(Steady, ModalScreen[None]):
        def compose(self) -> ComposeResult:
            with Vertical():
                yield Label("请评委输入凭据")
                yield Static("评委 R05")
                yield Input(password=True)

    class Base(Steady, Screen[None]):
        def compose(self) -> ComposeResult:
            yield Header()
            yield DataTable()
            yield Footer()

        def on_mount(self) -> None:
            table = self.query_one(DataTable)
            table.add_columns("编号", "姓名", "评议组", "状态")
            for i in range(40):
                table.add_row(f"GC-2025-{i:03d}", "申报人" * 2, "第一评议组", "未评")

    class Bare(App[None]):
        CSS = "Screen { background: $surface; } Dialog > Vertical { width: 60; height: auto; }"

        def on_mount(self) -> None:
            self.push_screen(Base())

    out: dict[str, float] = {}
    app = Bare()
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        clock = FrameClock()

        async def switched(screen: Any) -> None:
            clock.watch(screen)
            try:
                await asyncio.wait_for(clock.frame.wait(), FRAME_TIMEOUT_S)
            except TimeoutError:
                pass  # a switch whose frame never came is measured up to here

        kept = Dialog()
        app.install_screen(kept, "kept")
        for label in ("kept", "new"):
            pairs: list[float] = []
            for i in range(n + 2):  # the first two build and warm what is reused
                base = app.screen
                c0 = time.thread_time()
                clock.frame.clear()
                dialog = kept if label == "kept" else Dialog()
                app.push_screen(dialog)
                await switched(dialog)
                clock.frame.clear()
                app.pop_screen()
                await switched(base)
                if i >= 2:
                    pairs.append((time.thread_time() - c0) * 1000)
            pairs.sort()
            out[f"textual_switch_pair_{label}_ms_median"] = pairs[len(pairs) // 2]
        # keys typed into the dialog's field as a burst (as the autopilot types a secret or a reason), then
        # the frame that shows them: the CPU per key
        app.push_screen(kept)
        await switched(kept)
        field = kept.query_one(Input)
        per_key: list[float] = []
        for _ in range(n):
            field.value = ""
            await switched(kept)
            c0 = time.thread_time()
            clock.frame.clear()
            for ch in SECRET:
                app.post_message(_key(ch))
            await pilot._wait_for_screen()
            await switched(kept)
            per_key.append((time.thread_time() - c0) * 1000 / len(SECRET))
            if field.value != SECRET:
                raise RuntimeError(f"the keys did not reach the dialog's field: {field.value!r}")
        per_key.sort()
        out["textual_key_in_burst_ms_median"] = per_key[len(per_key) // 2]
    return out


def _key(ch: str) -> Any:
    from zc_review.demo.opening import _key_event

    return _key_event(ch)


class SwitchCount:
    """Counts the app's screen switches while installed (every ``push_screen`` and ``pop_screen``)."""

    def __init__(self) -> None:
        self.pushes = 0
        self.pops = 0
        self._undo: list[tuple[str, Any]] = []

    def install(self) -> SwitchCount:
        from textual.app import App

        for name in ("push_screen", "pop_screen"):
            original = getattr(App, name)
            self._undo.append((name, original))
            setattr(App, name, self._counting(name, original))
        return self

    def _counting(self, name: str, original: Any) -> Any:
        def counted(app: Any, *args: Any, **kwargs: Any) -> Any:
            if name == "push_screen":
                self.pushes += 1
            else:
                self.pops += 1
            return original(app, *args, **kwargs)

        return counted

    def uninstall(self) -> None:
        from textual.app import App

        for name, original in reversed(self._undo):
            setattr(App, name, original)
        self._undo.clear()
