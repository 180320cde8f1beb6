"""The unlock screen: the chair's and the supervisor's opening secrets open the session package."""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Button, Header, Input, Label, LoadingIndicator, ProgressBar, Static

from zc_review.i18n import t
from zc_review.service.errors import ServiceError
from zc_review.service.unlock_steps import UNLOCK_STEPS
from zc_review.tui.widgets.footer import KeyFooter
from zc_review.tui.widgets.steady import Steady

if TYPE_CHECKING:
    from zc_review.service import RoomService


class UnlockScreen(Steady, Screen["RoomService"]):
    """Two password fields (two-person rule); the package is verified and decrypted in a worker, which
    posts ``Opened`` or ``Failed``. Answers (``dismiss``) the opened room service.

    Keys: Enter in the chair's field moves to the supervisor's; Enter there (or the button) opens.
    While the package opens (seconds: two key derivations) a LoadingIndicator, a ProgressBar of the five
    steps and the step's name with the elapsed seconds show; the screen is never silent.
    A failure shows the service's Chinese message: a file failing its signature check says so (no secret
    was used), a wrong secret names whose layer did not open and clears that field only (the other
    opener's secret stays; docs/SECURITY.md "Which opening secret was wrong"); anything else clears both.
    """

    class Opened(Message):
        """The package was verified and decrypted: ``room`` is the open room service."""

        def __init__(self, room: RoomService) -> None:
            super().__init__()
            self.room = room

    class Failed(Message):
        """Opening was refused: ``code`` is the service's error code, ``message`` its Chinese text."""

        def __init__(self, message: str, code: str = "") -> None:
            super().__init__()
            self.message = message
            self.code = code

    class Step(Message):
        """The opening reached step ``name`` (one of ``UNLOCK_STEPS``)."""

        def __init__(self, name: str) -> None:
            super().__init__()
            self.name = name

    CSS_PATH = "opening.tcss"

    def __init__(self, package_path: Path | None, home: Path | None) -> None:
        super().__init__()
        self.package_path = package_path
        self.home = home
        self._started = 0.0
        self._step_key = ""
        self._ticker: Timer | None = None

    def compose(self) -> ComposeResult:
        """The package path, the two secret fields, the open button, a status and an error line."""
        yield Header()
        with Vertical(id="unlock-box"):
            yield Static(t("unlock.title"), classes="title")
            yield Static(Text(str(self.package_path or "")), classes="hint")
            yield Label(t("unlock.chair_secret"))
            yield Input(password=True, id="unlock-chair", placeholder=t("common.secret_placeholder"))
            yield Label(t("unlock.supervisor_secret"))
            yield Input(password=True, id="unlock-supervisor", placeholder=t("common.secret_placeholder"))
            yield Button(t("unlock.open"), id="unlock-open", variant="primary")
            yield LoadingIndicator(id="unlock-loading")
            yield ProgressBar(total=len(UNLOCK_STEPS), show_eta=False, id="unlock-progress")
            yield Static("", id="unlock-status", classes="hint")
            yield Static("", id="unlock-error", classes="error")
        yield KeyFooter()

    def on_mount(self) -> None:
        """Focus the chair's field; the progress widgets show only while the package opens."""
        self._show_progress(False)
        self.query_one("#unlock-chair", Input).focus()

    def _show_progress(self, on: bool) -> None:
        self.query_one("#unlock-loading", LoadingIndicator).display = on
        self.query_one("#unlock-progress", ProgressBar).display = on
        if self._ticker is not None:
            self._ticker.stop()
            self._ticker = None
        if on:
            self._started = time.monotonic()
            self.query_one("#unlock-progress", ProgressBar).update(progress=0)
            self._ticker = self.set_interval(0.5, self._tick)

    def _elapsed(self) -> str:
        return f"{time.monotonic() - self._started:.0f}"

    def _tick(self) -> None:
        if self._step_key:
            self.query_one("#unlock-status", Static).update(
                Text(t("unlock.elapsed", step=t(self._step_key), seconds=self._elapsed())))

    @on(Step)
    def _step(self, event: Step) -> None:
        names = [name for name, _ in UNLOCK_STEPS]
        if event.name in names:
            self._step_key = UNLOCK_STEPS[names.index(event.name)][1]
            self.query_one("#unlock-progress", ProgressBar).update(progress=names.index(event.name))
            self._tick()

    @on(Input.Submitted, "#unlock-chair")
    def _chair_done(self) -> None:
        self.query_one("#unlock-supervisor", Input).focus()

    @on(Input.Submitted, "#unlock-supervisor")
    @on(Button.Pressed, "#unlock-open")
    def _open(self) -> None:
        chair = self.query_one("#unlock-chair", Input).value
        supervisor = self.query_one("#unlock-supervisor", Input).value
        if not chair or not supervisor or self.package_path is None:
            self.query_one("#unlock-error", Static).update(Text(t("unlock.both_needed")))
            return
        self.query_one("#unlock-error", Static).update("")
        self.query_one("#unlock-status", Static).update(Text(t("unlock.working")))
        self._step_key = ""
        self._show_progress(True)
        for w in self.query(Input):
            w.disabled = True
        self.query_one("#unlock-open", Button).disabled = True
        self._unlock(self.package_path, chair, supervisor)

    @work(thread=True, exclusive=True, group="unlock")
    def _unlock(self, package_path: Path, chair: str, supervisor: str) -> None:
        from zc_review.service import RoomService

        try:
            def step(name: str) -> None:
                self.post_message(self.Step(name))

            room = RoomService.open(package_path, chair, supervisor, home=self.home, progress=step)
        except ServiceError as exc:
            self.post_message(self.Failed(exc.message, exc.code))
            return
        self.post_message(self.Opened(room))

    @on(Failed)
    def _failed(self, event: Failed) -> None:
        self._show_progress(False)
        self._step_key = ""
        self.query_one("#unlock-status", Static).update("")
        self.query_one("#unlock-error", Static).update(Text(event.message))
        # a wrong secret: only that opener retypes; anything else: both fields start again
        wrong = {"opening_secret_wrong_chair": "#unlock-chair",
                 "opening_secret_wrong_supervisor": "#unlock-supervisor"}.get(event.code)
        for w in self.query(Input):
            w.disabled = False
            if wrong is None or w.id == wrong[1:]:
                w.value = ""
        self.query_one("#unlock-open", Button).disabled = False
        self.query_one(wrong or "#unlock-chair", Input).focus()

    @on(Opened)
    def _opened(self, event: Opened) -> None:
        self._show_progress(False)
        self.query_one("#unlock-status", Static).update(Text(t("unlock.done", seconds=self._elapsed())))
        self.dismiss(event.room)
