"""SVG screenshots of the main screens, driven through the real app with Pilot (``make screenshots``).

``python -m tests.tui.screenshots [--out docs/screenshots] [--size 160x45 ...]`` packs data/demo with fresh
office keys in a temporary folder, plays the demo script through the room service up to each state, opens
the screen with the keys a person would press, and writes ``<name>-<cols>x<rows>.svg`` with
``app.save_screenshot``. The same ``SHOTS`` drive the snapshot tests' states (tests/tui/test_snapshots_shell.py).
Nothing here depends on the clock: the states are the demo's.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_OUT = ROOT / "docs" / "screenshots"
DEFAULT_SIZES = ((160, 45), (80, 24))


@dataclass(frozen=True)
class Shot:
    """One screenshot: its file name, the demo action the room is played up to (None: the whole script; ""
    nothing), and the keys pressed after the recorder's login (``drive``)."""

    name: str
    until: str | None
    drive: Callable[[Any, Any, Any], Awaitable[None]]
    nth: int = 0


async def _dashboard(pilot: Any, app: Any, secrets: Any) -> None:
    await pilot.pause()


async def _press(pilot: Any, *keys: str) -> None:
    from zc_review.demo.opening import keys as send

    await send(pilot, *keys)
    await pilot.pause()


def _drive_keys(*keys: str) -> Callable[[Any, Any, Any], Awaitable[None]]:
    async def drive(pilot: Any, app: Any, secrets: Any) -> None:
        await _press(pilot, *keys)
        for _ in range(3):
            await pilot.pause()

    return drive


async def _palette(pilot: Any, app: Any, secrets: Any) -> None:
    from textual.command import CommandList

    from zc_review.demo.opening import keys, wait_for

    await keys(pilot, "ctrl+p")
    await wait_for(pilot, lambda: bool(app.screen.query(CommandList)) and app.screen.query_one(CommandList).option_count > 0,
                   "palette")
    await pilot.pause()


async def _scoring(pilot: Any, app: Any, secrets: Any) -> None:
    from zc_review.demo.opening import credential, keys, wait_for
    from zc_review.tui.screens.scoring import ScoringScreen

    await keys(pilot, "5")
    await credential(pilot, "R03", secrets)
    await wait_for(pilot, lambda: isinstance(app.screen, ScoringScreen) and app.screen.actor is not None, "scoring")
    await pilot.pause()


async def _voting(pilot: Any, app: Any, secrets: Any) -> None:
    from zc_review.demo.opening import credential, keys, wait_for
    from zc_review.tui.screens.ballot import BallotScreen, VotingScreen

    await keys(pilot, "7")
    await wait_for(pilot, lambda: isinstance(app.screen, BallotScreen), "ballot")
    await keys(pilot, "n")
    await credential(pilot, "R09", secrets)
    await wait_for(pilot, lambda: isinstance(app.screen, VotingScreen), "voting")
    await keys(pilot, "1", "1", "2", "3", "1")
    await pilot.pause()


async def _voted(pilot: Any, app: Any, secrets: Any) -> None:
    """A ballot marked through and cast: the neutral notice for the next reviewer."""
    from zc_review.demo.opening import keys, wait_for
    from zc_review.tui.screens.ballot_review import BallotReview, VotedNotice

    await _voting(pilot, app, secrets)
    voting = app.screen
    await keys(pilot, *["1"] * (len(voting._items) - len(voting._marks)))
    await keys(pilot, "enter")
    await wait_for(pilot, lambda: isinstance(app.screen, BallotReview), "review")
    await keys(pilot, "enter")
    await wait_for(pilot, lambda: isinstance(app.screen, VotedNotice), "voted")
    await pilot.pause()


SHOTS: tuple[Shot, ...] = (
    Shot("dashboard", "", _dashboard),
    Shot("help", "", _drive_keys("f1")),
    Shot("quit", "", _drive_keys("ctrl+q")),
    Shot("palette", "", _palette),
    Shot("scoring", "scores", _scoring, nth=20),
    Shot("voting", "ballot", _voting, nth=8),
    Shot("voted", "ballot", _voted, nth=8),
    Shot("projector-rollcall", "close_roll_call", _drive_keys("f4")),
    Shot("projector-ballot", "ballot", _drive_keys("f4"), nth=8),
    Shot("projector-preview", "open_poll", _drive_keys("f4", "2")),
    Shot("projector-results", "failure_reason", _drive_keys("f4")),
    Shot("results", "failure_reason", _drive_keys("8")),
)


def demo_package(tmp: Path) -> Any:
    """data/demo packed with fresh office keys under ``tmp`` (cheap Argon2id): a ``tests.conftest.Packed``."""
    from tests.conftest import _pack
    from zc_review.service.office import keygen

    keys = tmp / "keys"
    keygen(keys, "青川市人力资源和社会保障局")  # noqa: RUF001 (the demo's organizing body, as in conftest)
    return _pack(tmp, ROOT / "data" / "demo", keys)


def room_until(packed: Any, tmp: Path, until: str | None, nth: int = 0) -> Any:
    """A room with the demo script played through the service up to (not including) ``until``'s ``nth``
    occurrence; ``""`` plays nothing, None the whole script."""
    from tests.conftest import index_of, played

    stop = len(packed.script["actions"]) if until is None else 0 if until == "" else index_of(packed, until, nth)
    return played(packed, stop, tmp / "usb")[0]  # a copy of the record played once per test process


async def login(pilot: Any, app: Any, secrets: Any) -> None:
    """Answer the recorder's login and wait for the dashboard."""
    from zc_review.demo.opening import credential, wait_for
    from zc_review.tui.screens.dashboard import DashboardScreen

    await pilot.pause()
    await credential(pilot, app.room.views.recorder().person_id, secrets)
    await wait_for(pilot, lambda: isinstance(app.screen, DashboardScreen), "dashboard")
    await pilot.pause()


def screen_text(app: Any) -> str:
    """The current screen as plain text (what ``export_screenshot`` draws, without colours): for reading a
    screen where no SVG viewer is at hand."""
    import io

    from rich.console import Console

    width, height = app.size
    console = Console(width=width, height=height, file=io.StringIO(), force_terminal=True, record=True,
                      legacy_windows=False, safe_box=False)
    console.print(app.screen._compositor.render_update(full=True, screen_stack=app._background_screens))
    return console.export_text()


async def take(shot: Shot, packed: Any, tmp: Path, out: Path, size: tuple[int, int], text: bool = False) -> Path:
    """Play ``shot`` at ``size`` and write its SVG to ``out`` (and, with ``text``, a ``.txt`` of the screen);
    returns the SVG file."""
    from zc_review.tui.app import make_app

    app = make_app(room_until(packed, tmp, shot.until, shot.nth), out_dir=tmp / "usb")
    name = f"{shot.name}-{size[0]}x{size[1]}.svg"
    async with app.run_test(size=size) as pilot:
        await login(pilot, app, packed.secrets)
        await shot.drive(pilot, app, packed.secrets)
        await pilot.pause()
        app.save_screenshot(name, str(out))
        if text:
            (out / name).with_suffix(".txt").write_text(screen_text(app), "utf-8")
    return out / name


async def take_all(out: Path, sizes: tuple[tuple[int, int], ...], names: set[str] | None = None,
                   text: bool = False) -> list[Path]:
    """Every shot (or those in ``names``) at every size, into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        os.environ.setdefault("ZC_REVIEW_HOME", str(tmp / "home"))
        packed = demo_package(tmp / "pack")
        for shot in SHOTS:
            if names and shot.name not in names:
                continue
            for size in sizes:
                written.append(await take(shot, packed, tmp, out, size, text))
    return written


def main(argv: list[str] | None = None) -> int:
    """Command line: ``--out`` folder, ``--size COLSxROWS`` (repeatable), ``--only NAME`` (repeatable), ``--text``."""
    parser = argparse.ArgumentParser(prog="python -m tests.tui.screenshots", description=__doc__)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--size", action="append", default=[])
    parser.add_argument("--only", action="append", default=[])
    parser.add_argument("--text", action="store_true", help="also write each screen as plain text (.txt)")
    args = parser.parse_args(argv)
    sizes = tuple(tuple(int(v) for v in s.split("x")) for s in args.size) or DEFAULT_SIZES
    for path in asyncio.run(take_all(args.out, sizes, set(args.only) or None, args.text)):  # type: ignore[arg-type]
        print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
