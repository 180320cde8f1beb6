"""Pilot tests of the unlock screen (issue 13 item 8 and "progress on long work"): a damaged package says it
is damaged (not a wrong secret), a wrong secret names whose layer did not open and clears that field only,
and the key derivation shows a LoadingIndicator, a ProgressBar and the step with its elapsed time."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from rich.text import Text

from tests.conftest import Packed
from zc_review.i18n import t

SIZES = [(80, 24), (160, 45)]


def _home(demo: Packed, tmp_path: Path) -> Path:
    from zc_review.service.office import trust_add

    home = tmp_path / "home"
    trust_add(demo.keys / "root-cert.pem", home)
    return home


async def _type_and_open(pilot: Any, chair: str, supervisor: str) -> None:
    await pilot.pause()
    await pilot.click("#unlock-chair")
    await pilot.press(*chair)
    await pilot.press("enter")  # to the supervisor's field
    await pilot.press(*supervisor)
    await pilot.press("enter")


async def _until(pilot: Any, done: Any, what: str) -> None:
    """Wait (bounded by a count of event-loop turns, never by a clock assertion) until ``done()``."""
    for _ in range(3000):
        if done():
            return
        await pilot.pause(0.01)
    raise AssertionError(f"never happened: {what}")


def _error(app: Any) -> str:
    return str(app.screen.query_one("#unlock-error").render())


async def _fully_shown(pilot: Any, size: tuple[int, int], message: str) -> None:
    """``message`` fits the error line (wrapped, no line lost, once the new text is laid out) inside the terminal."""
    app = pilot.app
    widget = app.screen.query_one("#unlock-error")

    def fits() -> bool:
        lines = Text(message).wrap(app.console, widget.content_size.width)
        return widget.content_size.height >= len(lines)

    await _until(pilot, fits, "the whole message laid out")
    assert widget.region.right <= size[0] and widget.region.bottom <= size[1]


@pytest.mark.parametrize("size", SIZES)
async def test_a_damaged_package_says_so_not_a_wrong_secret(demo: Packed, tmp_path: Path, size: tuple[int, int]) -> None:
    from zc_review.tui.app import make_app

    data = bytearray(demo.package.read_bytes())
    data[len(data) // 2] ^= 0x01  # one bit flipped on the way (a bad USB copy)
    damaged = tmp_path / "session.zcp"
    damaged.write_bytes(bytes(data))
    app = make_app(package_path=damaged, home=_home(demo, tmp_path), out_dir=tmp_path / "usb")
    async with app.run_test(size=size) as pilot:
        # the right secrets: the file is refused for what it is, before any secret is used
        await _type_and_open(pilot, demo.secrets.chair_opening, demo.secrets.supervisor_opening)
        await _until(pilot, lambda: _error(app), "the refusal")
        assert _error(app) == t("package_not_genuine")
        assert "开启口令尚未使用" in _error(app) and t("unlock_failed") != _error(app)
        await _fully_shown(pilot, size, t("package_not_genuine"))
        assert not app.screen.query_one("#unlock-loading").display  # no spinner left turning
        assert app.screen.__class__.__name__ == "UnlockScreen"


async def test_a_wrong_secret_names_its_opener_and_keeps_the_other(demo: Packed, tmp_path: Path) -> None:
    from textual.widgets import Input

    from zc_review.tui.app import make_app

    app = make_app(package_path=demo.package, home=_home(demo, tmp_path), out_dir=tmp_path / "usb")
    async with app.run_test(size=(80, 24)) as pilot:
        await _type_and_open(pilot, demo.secrets.chair_opening, demo.secrets.chair_opening)
        await _until(pilot, lambda: _error(app), "the refusal")
        assert _error(app) == t("opening_secret_wrong_supervisor")
        await _fully_shown(pilot, (80, 24), _error(app))
        chair, supervisor = app.screen.query_one("#unlock-chair", Input), app.screen.query_one("#unlock-supervisor", Input)
        assert chair.value == demo.secrets.chair_opening and supervisor.value == ""  # only the supervisor retypes
        assert app.focused is supervisor
        await pilot.press(*demo.secrets.supervisor_opening)
        await pilot.press("enter")
        await _until(pilot, lambda: app.screen.__class__.__name__ != "UnlockScreen" and app.focused is not None,
                     "the room's first login, ready")


async def test_the_key_derivation_shows_progress_and_elapsed_time(demo: Packed, tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    from textual.widgets import LoadingIndicator, ProgressBar

    from zc_review.service import RoomService
    from zc_review.tui.app import make_app

    real_open = RoomService.open.__func__  # type: ignore[attr-defined]
    at_supervisor, release = threading.Event(), threading.Event()

    def held_open(cls: Any, *args: Any, progress: Any = None, **kwargs: Any) -> Any:
        def step(name: str) -> None:
            progress(name)
            if name == "supervisor":  # hold the second key derivation until the test has looked
                at_supervisor.set()
                release.wait(60)
        return real_open(cls, *args, progress=step, **kwargs)

    monkeypatch.setattr(RoomService, "open", classmethod(held_open))
    app = make_app(package_path=demo.package, home=_home(demo, tmp_path), out_dir=tmp_path / "usb")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        assert not screen.query_one("#unlock-loading", LoadingIndicator).display  # hidden until opening
        await _type_and_open(pilot, demo.secrets.chair_opening, demo.secrets.supervisor_opening)
        status = screen.query_one("#unlock-status")
        await _until(pilot, lambda: at_supervisor.is_set() and t("unlock.step_supervisor") in str(status.render()),
                     "the supervisor's step on screen")
        try:
            assert screen.query_one("#unlock-loading", LoadingIndicator).display
            bar = screen.query_one("#unlock-progress", ProgressBar)
            assert bar.display and bar.total == 5 and bar.progress == 2  # signature and chair done
            assert "已用" in str(status.render()) and "秒" in str(status.render())
        finally:
            release.set()
        await _until(pilot, lambda: app.screen is not screen and app.focused is not None, "the room's first login, ready")
